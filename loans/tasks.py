"""Celery tasks: thin, they call the services. Periodic schedules are declared once, in the
migration `0002_periodic_tasks` (django-celery-beat)."""

from celery import shared_task


@shared_task(name="loans.risk_alerts_raise")
def risk_alerts_raise() -> int:
    """After every sync or manual library entry (signal) and every 5 minutes (beat)."""
    from .services import risk_alerts_raise as run

    return run()


@shared_task(name="loans.nightly")
def nightly() -> dict:
    """Nightly (01:30 Asia/Shanghai): loans for contracts without one, days past due and
    statuses, missing fund-use reports, escalation of unacknowledged alerts, fund-use files no report refers to."""
    from . import services

    return {"reconciled": services.loans_reconcile(), **services.loans_overdue_refresh(),
            "fund_use_flagged": services.loans_fund_use_flag(), "escalated": services.risk_alerts_escalate(),
            "orphan_files": len(services.fund_use_orphans_sweep())}
