"""One way to show money and rates everywhere people read them (pages, e-mails, notifications,
Excel, PDF); the API keeps plain decimals.

- `wan(amount)`: yuan → 万元 with thousands separators, at most two decimals, no trailing zeros
  (1234500 → "123.45", 30000000 → "3,000").
- `yuan(amount)`: yuan with thousands separators and two decimals ("2,000,000.00").
- `money(amount)`: the reading people expect: 万元 from 10,000 yuan up ("200 万元"), 元 below
  ("3,500.00 元"), with the unit.
- `rate(value)`: a percentage to two decimals ("3.20%").
- `parse_amount(text)`: what forms accept: separators (",", "，", spaces) and a unit suffix are
  dropped; the caller decides the unit (元 or 万元).
- `parse_yuan(text)`: a typed amount in yuan, where "200 万元" / "200万" means 2,000,000.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

WAN = Decimal("10000")
CENT = Decimal("0.01")


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def wan(amount):
    value = _decimal(amount)
    if value is None:
        return ""
    value = (value / WAN).quantize(CENT)
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def yuan(amount):
    value = _decimal(amount)
    if value is None:
        return ""
    return f"{value.quantize(CENT):,.2f}"


def money(amount):
    value = _decimal(amount)
    if value is None:
        return ""
    if abs(value) >= WAN:
        return _("%(amount)s 10k yuan") % {"amount": wan(value)}
    return _("%(amount)s yuan") % {"amount": yuan(value)}


def rate(value):
    value = _decimal(value)
    if value is None:
        return ""
    return f"{value.quantize(CENT)}%"


SEPARATORS = (",", "，", " ", "\u00a0", "\u3000", "_")
UNITS = ("万元", "元", "万", "%", "％")


def parse_amount(text):
    """The decimal in a typed amount, or None when there is none ("2,000,000" → 2000000,
    "50 万元" → 50). Underscores are separators to Python but not to people; they are refused."""
    if text is None:
        return None
    cleaned = str(text).strip()
    for unit in UNITS:
        if cleaned.endswith(unit):
            cleaned = cleaned[: -len(unit)].strip()
            break
    if "_" in cleaned:
        return None
    for sep in SEPARATORS:
        cleaned = cleaned.replace(sep, "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


WAN_SUFFIXES = ("万元", "万")


def parse_yuan(text):
    """A typed amount in yuan: separators as `parse_amount`, and a 万/万元 suffix multiplies by
    10,000 ("200 万元" → 2000000); None when there is no amount."""
    value = parse_amount(text)
    if value is None:
        return None
    if str(text).strip().endswith(WAN_SUFFIXES):
        value = value * WAN
    return value


def in_wan(value_in_wan):
    """A figure already kept in 万元 (registered capital) written like `wan`."""
    value = _decimal(value_in_wan)
    return "" if value is None else wan(value * WAN)
