from celery import shared_task


@shared_task(name="applications.notification_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email(notification_id: int) -> bool:
    """Thin: the service decides what to send."""
    from .services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task(name="applications.orphan_files_sweep")
def orphan_files_sweep(hours: int = 24) -> int:
    """Nightly: stored files no row refers to (see files.orphan_files_sweep)."""
    from datetime import timedelta

    from .files import orphan_files_sweep as sweep

    return len(sweep(older_than=timedelta(hours=hours)))
