"""Celery tasks of the reports: thin, they call the services. The daily schedule is declared
once, in the migration that creates it (django-celery-beat)."""

from celery import shared_task


@shared_task(name="regulators.report_produce")
def report_produce(report_id: int) -> str:
    from .services import report_produce as produce

    return produce(report_id=report_id).status


@shared_task(name="regulators.reports_schedule")
def reports_schedule() -> list[int]:
    """Daily (03:00 Asia/Shanghai): the reports of the month and quarter that have closed."""
    from .services import reports_schedule as schedule

    return schedule()
