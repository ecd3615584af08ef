"""Cell parsers shared by the feeds: dates in every form the lists use, amounts, levels."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from jingzhidai.dates import PLAUSIBLE_MAX, PLAUSIBLE_MIN

from ..choices import LEVEL_WORDS
from .readers import RowError

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
_EXCEL_EPOCH = date(1899, 12, 30)
FOREVER = {"长期", "长期有效", "永久", "永久有效", "无", "-", "—"}


def text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


_BAD = object()


@lru_cache(maxsize=65536)
def _date_of_text(raw: str, year_ok: bool):
    """Dates repeat a lot in a published list: parse each distinct text once."""
    try:
        m = _DATE.match(raw) or _COMPACT.match(raw)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        if year_ok and (m := _YEAR.match(raw)):
            return date(int(m[1]), 1, 1)
        if re.fullmatch(r"\d{4,5}(\.0+)?", raw):  # an Excel serial date written out as a number
            serial = int(float(raw))
            if 20000 <= serial <= 80000:
                return _EXCEL_EPOCH + timedelta(days=serial)
    except ValueError:
        pass
    return _BAD


def parse_date(value, column: str, *, year_ok: bool = False, event: bool = True) -> date | None:
    """2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel date or serial number;
    empty is None. With `year_ok`, a bare year (2023, 2023年) is 1 January of that year. The
    date of an `event` (all but an expiry, where 9999-12-31 may mean "no end") lies between
    1900 and 2999: later ones would break the rules' date arithmetic."""
    if isinstance(value, datetime):
        parsed, raw = value.date(), str(value)
    elif isinstance(value, date):
        parsed, raw = value, str(value)
    else:
        raw = text(value)
        if not raw:
            return None
        parsed = _date_of_text(raw, year_ok)
        if parsed is _BAD:
            raise RowError(column, _("Not a date (expected e.g. 2024-03-05, 2024/3/5 or 2024年3月5日)."), raw)
    if event and not PLAUSIBLE_MIN <= parsed <= PLAUSIBLE_MAX:
        raise RowError(column, _("Not a plausible date (between %(min)s and %(max)s).") % {
            "min": PLAUSIBLE_MIN.isoformat(), "max": PLAUSIBLE_MAX.isoformat()}, raw)
    return parsed


def parse_decimal(value, column: str) -> Decimal | None:
    raw = text(value)
    if not raw:
        return None
    cleaned = raw.replace(",", "").replace("，", "").replace("万元", "").replace("万", "").replace("人民币", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise RowError(column, _("Not a number."), raw)
    if not number.is_finite() or number < 0 or number >= Decimal("1e14"):
        raise RowError(column, _("Not a plausible amount."), raw)
    return number.quantize(Decimal("0.0001"))


def parse_level(value, column: str, *, required: bool) -> str:
    raw = text(value)
    if not raw:
        if required:
            raise RowError(column, _("The level is missing (national / municipal / district)."), raw)
        return ""
    level = LEVEL_WORDS.get(raw) or LEVEL_WORDS.get(raw.lower())
    if level is None:
        raise RowError(column, _("Unknown level (expected 国家 / 市 / 区)."), raw)
    return str(level)


def required_text(value, column: str, max_length: int) -> str:
    raw = text(value)
    if not raw:
        raise RowError(column, _("This column is required."), raw)
    return limited(raw, column, max_length)


def limited(raw: str, column: str, max_length: int) -> str:
    if len(raw) > max_length:
        raise RowError(column, _("Longer than %(n)d characters.") % {"n": max_length}, raw[:500])
    return raw
