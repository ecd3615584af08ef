"""Recompute and keep the figures of the last closed month and quarter (or given periods) for
the city, every regulator unit and every partner bank (tasks.dashboard_precompute, nightly; and
`manage.py dashboard_refresh`)."""

from datetime import timedelta

from django.utils import timezone

from banks.models import Bank
from identity.models import RegulatorUnit

from . import metrics


def last_closed(today=None) -> list[metrics.Period]:
    today = today or timezone.localdate()
    month_end = today.replace(day=1) - timedelta(days=1)
    quarter_first = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    quarter_end = quarter_first - timedelta(days=1)
    return [metrics.Period.month(month_end.year, month_end.month),
            metrics.Period.quarter(quarter_end.year, (quarter_end.month - 1) // 3 + 1)]


def current(today=None) -> list[metrics.Period]:
    """This month and this quarter: open, computed live, but their closed days are kept."""
    today = today or timezone.localdate()
    return [metrics.Period.month(today.year, today.month),
            metrics.Period.quarter(today.year, (today.month - 1) // 3 + 1)]


def precompute(periods=None, stdout=None) -> int:
    n = 0
    periods = periods or (last_closed() + current())
    units = list(RegulatorUnit.objects.exclude(kind="municipal").values_list("pk", flat=True))
    banks = list(Bank.objects.values_list("pk", flat=True))
    for period in periods:
        scopes = [metrics.Scope()] + [metrics.Scope(unit=u) for u in units] + [metrics.Scope(bank=b) for b in banks]
        for scope in scopes:
            metrics.dashboard(scope, period, refresh=True)
            metrics.policy_effect(scope, period, refresh=True)
            n += 1
        metrics.by_unit(period, refresh=True)
        metrics.bank_evaluation(period, refresh=True)
        for u in units:
            metrics.bank_evaluation(period, unit=u, refresh=True)
        if stdout:
            stdout.write(f"dashboard_refresh: {period.date_from}–{period.date_to}: {len(scopes)} scopes")
    return n
