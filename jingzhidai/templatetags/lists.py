"""Template tags of the list pages (issue 10: what every list page renders, at less cost).

`{% filter_options filter.form.status _("All statuses") %}` renders the `<option>`s of a
filter's select: one per choice, the chosen one `selected`, the empty choice named by the
second argument (without it, by the choice's own label). A yes/no filter gets "All", "Yes" and
"No" (the loop below printed no option for it: the select was empty). It is what the pages wrote as a loop,

    {% for val, label in field.field.choices %}<option value="{{ val|default_if_none:'' }}"
    {% if field.value|stringformat:"s" == val|stringformat:"s" %} selected{% endif %}>
    {% if val %}{{ label }}{% else %}{% translate "All …" %}{% endif %}</option>{% endfor %}

with the same output (tests/applications/test_list_rows.py), but a model choice's rows are read in
one plain query (the loop counted them first, then read them through a server-side cursor)."""

from django import template
from django.forms.widgets import NullBooleanSelect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from jingzhidai.rows import esc

register = template.Library()


def _choices(field):
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        if not hasattr(field, "choices") and isinstance(field.widget, NullBooleanSelect):
            # A yes/no filter (NullBooleanField): its choices are the widget's, "unknown" first,
            # which filters nothing and is shown as "All" (the loop printed no option at all).
            return [("" if val == "unknown" else val, _("All") if val == "unknown" else label)
                    for val, label in field.widget.choices]
        return getattr(field, "choices", ())
    # As ModelChoiceIterator (and django-filter's, with its null choice) yields them, from one
    # evaluation of the queryset instead of a count and a cursor.
    iterator = field.iterator(field)
    choices = []
    if field.empty_label is not None:
        choices.append(("", field.empty_label))
    if getattr(field, "null_label", None) is not None:
        choices.append((field.null_value, field.null_label))
    choices += [iterator.choice(obj) for obj in queryset]
    return choices


@register.simple_tag
def filter_options(bound_field, all_label=None):
    value = bound_field.value()
    widget = bound_field.field.widget
    if isinstance(widget, NullBooleanSelect):
        formatted = widget.format_value(value)  # "true", "false" or "unknown", whatever was sent
        value = None if formatted == "unknown" else formatted
    chosen = None if value is None else str(value)
    html = []
    for val, label in _choices(bound_field.field):
        shown = label if val or all_label is None else all_label
        selected = " selected" if str(val) == chosen else ""
        html.append(f'<option value="{esc("" if val is None else val)}"{selected}>{esc(shown)}</option>')
    return mark_safe("".join(html))
