from celery import shared_task


@shared_task(name="jingzhidai.ping")
def ping() -> str:
    """Health check for the broker and workers (`celery -A jingzhidai call jingzhidai.ping`)."""
    return "pong"


@shared_task(name="jingzhidai.request_records_prune")
def request_records_prune() -> int:
    """Hourly: forget Idempotency-Keys and form tokens older than IDEMPOTENCY_TTL_HOURS."""
    from .once import records_prune

    return records_prune()
