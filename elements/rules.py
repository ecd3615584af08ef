"""The quality-credit rules of notice §三.1, in one place, with the version they are computed
under (the abnormal-operation measures were revised in 2025; the serious-violation measures
may follow). Change RULES_VERSION whenever what these functions answer changes.

Periods follow the Civil Code (民法典 §§201–203): a period counted in years ends on the
corresponding day of the last year, or on the month's last day when there is no corresponding
day. So "in the last 3 years" on date D covers a record dated d when d <= D <= d + 3 years: a
penalty decided on 2023-03-05 still counts on 2026-03-05 and no longer on 2026-03-06."""

from datetime import date

from jingzhidai.dates import add_months

RULES_VERSION = "jzd-credit-2025.1"
LOOKBACK_YEARS = 3


def add_years(day: date, years: int) -> date:
    """The corresponding day `years` on, or the month's last day when there is none."""
    return add_months(day, 12 * years)


def last_day_counted(day: date) -> date:
    """The last date on which a record dated `day` counts as 'in the last 3 years'."""
    return add_years(day, LOOKBACK_YEARS)


def counts_on(day: date, as_of: date) -> bool:
    return day <= as_of <= last_day_counted(day)


def lookback_floor(as_of: date) -> date:
    """A date on or before the earliest record date that can count on `as_of` (for queries;
    `counts_on` decides exactly)."""
    return date.fromordinal(add_years(as_of, -LOOKBACK_YEARS).toordinal() - 1)
