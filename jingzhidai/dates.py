"""Calendar arithmetic shared by the apps (validity periods, loan maturities)."""

import calendar
from datetime import date

# Dates of things that happen (a listing, a penalty, a grant, a profile's "as of"): anything
# outside these is a typo, and date arithmetic (a 3-year look-back, a validity in months) stays
# inside Python's calendar (years 1–9999).
PLAUSIBLE_MIN, PLAUSIBLE_MAX = date(1900, 1, 1), date(2999, 12, 31)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where that day does not exist
    (2024-01-31 + 1 month = 2024-02-29)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    d = _day_in(year, month, day.day)
    # A plain date is built directly (a third of the cost of replace(), which schedules call
    # millions of times in grow_demo); a datetime keeps its time.
    return date(year, month, d) if type(day) is date else day.replace(year=year, month=month, day=d)


def _day_in(year: int, month: int, d: int) -> int:
    """Day `d` of the month, or the month's last day when it has fewer."""
    return d if d <= 28 else min(d, calendar.monthrange(year, month)[1])  # every month has the 28th


def months_before(start: date, end: date) -> list[date]:
    """add_months(start, 1), add_months(start, 2), … as long as they fall before `end`
    (monthly due dates, in one loop rather than a call per month)."""
    out, year, month, d = [], start.year, start.month, start.day
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = date(year, month, _day_in(year, month, d))
        if day >= end:
            return out
        out.append(day)
