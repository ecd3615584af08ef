from decimal import Decimal

from django import template
from django.utils import translation

register = template.Library()
WAN = Decimal("10000")


@register.filter
def wan(amount):
    """Yuan → 万元, without trailing zeros (500000 → 50, 1234500 → 123.45)."""
    if amount in (None, ""):
        return ""
    value = (Decimal(amount) / WAN).quantize(Decimal("0.01")).normalize()
    return f"{value:,f}"


@register.filter
def pct(value):
    if value in (None, ""):
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'))}%"


@register.filter
def localized(obj, field="name"):
    """`obj.name_en` in English when there is one, else `obj.name`."""
    if obj is None:
        return ""
    lang = translation.get_language() or ""
    if lang.startswith("en"):
        return getattr(obj, f"{field}_en", "") or getattr(obj, field, "")
    return getattr(obj, field, "")
