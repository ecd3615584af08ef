"""Working days for verification-request due dates."""

from datetime import date, timedelta

from django.conf import settings


def due_working_days() -> int:
    return getattr(settings, "VERIFICATION_DUE_WORKING_DAYS", 3)


def add_working_days(start: date, days: int) -> date:
    """`days` working days (Monday–Friday) after `start`. Public holidays and the make-up
    working weekends of the Chinese calendar are not taken into account (see docs)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
