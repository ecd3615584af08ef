from django import template
from django.utils import translation

from jingzhidai import money

register = template.Library()


# The money rules live in jingzhidai.money; these names stay for the templates that load banks_tags.
register.filter("wan", money.wan)
register.filter("pct", money.rate)


@register.filter
def localized(obj, field="name"):
    """`obj.name_en` in English when there is one, else `obj.name`."""
    if obj is None:
        return ""
    lang = translation.get_language() or ""
    if lang.startswith("en"):
        return getattr(obj, f"{field}_en", "") or getattr(obj, field, "")
    return getattr(obj, field, "")
