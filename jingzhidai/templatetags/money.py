"""Template filters for money and rates: `{% load money %}` then `{{ x|wan }}`, `{{ x|yuan }}`,
`{{ x|money }}` (with its unit), `{{ r|rate }}`. The rules live in `jingzhidai.money`."""

from django import template

from jingzhidai import money as rules

register = template.Library()

register.filter("wan", rules.wan)
register.filter("yuan", rules.yuan)
register.filter("money", rules.money)
register.filter("rate", rules.rate)
register.filter("in_wan", rules.in_wan)
