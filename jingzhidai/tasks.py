from celery import shared_task


@shared_task(name="jingzhidai.ping")
def ping() -> str:
    """Health check for the broker and workers (`celery -A jingzhidai call jingzhidai.ping`)."""
    return "pong"
