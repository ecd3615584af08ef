"""How long audit rows are kept (等保2.0 L3 §8.1.4.3 c: at least six months)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MINIMUM_DAYS = 183


def retention_days() -> int:
    return getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_DAYS)


def check_retention() -> None:
    days = retention_days()
    if not isinstance(days, int) or days < MINIMUM_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS is {days!r}: audit records must be kept at least {MINIMUM_DAYS} days "
            "(six months, 等保2.0 §8.1.4.3). Set it to 183 or more.")


def retention() -> timedelta:
    check_retention()
    return timedelta(days=retention_days())
