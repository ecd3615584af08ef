"""Report periods: a month `2026-11` or a quarter `2026-Q3`, as dates in Asia/Shanghai."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhidai.errors import ApplicationError

from .choices import ReportKind

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    kind: str
    code: str  # canonical: 2026-11 or 2026-Q3
    start: date
    end: date  # inclusive

    def is_closed(self, today: date | None = None) -> bool:
        """A period is closed once its last day has passed (local time)."""
        return self.end < (today or timezone.localdate())

    @property
    def label(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return _("%(year)s, month %(month)s") % {"year": self.start.year, "month": self.start.month}
        return _("%(year)s Q%(quarter)s") % {"year": self.start.year, "quarter": (self.start.month - 1) // 3 + 1}


def _invalid(message, period):
    return ApplicationError(message, {"fields": {"period": [str(message)]}, "period": period},
                            code="invalid_period")


def month_period(year: int, month: int) -> Period:
    return Period(ReportKind.MONTHLY, f"{year:04d}-{month:02d}", date(year, month, 1),
                  date(year, month, calendar.monthrange(year, month)[1]))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(ReportKind.QUARTERLY, f"{year:04d}-Q{quarter}", date(year, first, 1),
                  date(year, first + 2, calendar.monthrange(year, first + 2)[1]))


def period_parse(kind: str, text: str, *, today: date | None = None) -> Period:
    """The period a kind and a text name; refuses malformed text, a text of the other kind and
    periods that have not started yet."""
    text = (text or "").strip()
    if kind not in ReportKind.values:
        raise ApplicationError(_("Unknown report kind: %(kind)s.") % {"kind": kind},
                               {"fields": {"kind": [_("Choose monthly or quarterly.")]}}, code="invalid_kind")
    if kind == ReportKind.MONTHLY:
        match = MONTH.match(text)
        if not match:
            raise _invalid(_("A monthly period is written YYYY-MM, e.g. 2026-11."), text)
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise _invalid(_("The month must be between 01 and 12."), text)
        period = None if year < FIRST_YEAR else month_period(year, month)
    else:
        match = QUARTER.match(text)
        if not match:
            raise _invalid(_("A quarterly period is written YYYY-Qn, e.g. 2026-Q3."), text)
        year = int(match[1])
        period = None if year < FIRST_YEAR else quarter_period(year, int(match[2]))
    if period is None:
        raise _invalid(_("The period must lie in %(year)s or later.") % {"year": FIRST_YEAR}, text)
    if period.start > (today or timezone.localdate()):
        raise _invalid(_("The period %(period)s has not started yet.") % {"period": period.code}, text)
    return period


def last_closed_month(today: date) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return month_period(last.year, last.month)


def last_closed_quarter(today: date) -> Period:
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = first_of_quarter - timedelta(days=1)
    return quarter_period(last.year, (last.month - 1) // 3 + 1)
