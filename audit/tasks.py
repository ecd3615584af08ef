from celery import shared_task


@shared_task(name="audit.prune")
def audit_prune() -> int:
    """Nightly: drop audit rows (and axes access logs) older than AUDIT_RETENTION_DAYS."""
    from .services import audit_prune as prune

    return prune()
