"""Rows of the HTML list pages read as values (issue 10). A list page shows a few columns of 50
rows; reading them as model instances built every joined model with every column (an
application row: nine models) and the template then asked each row for its choice labels
(`get_status_display` rebuilds the choices' dict on every call) and reversed a URL per row.
The pages read `.values()` of the columns they show (`DeferredJoinPaginator(values=…)`), and a
view turns each dict into a `Row` with what the template prints: for the long lists (the bank
queue, the loan book, the regulators' inbox) the row's markup itself, written with the helpers
at the end of this module, which the template prints with `{{ row.html }}`."""

import html

from django.urls import reverse
from django.utils.timesince import timesince
from django.utils.timezone import template_localtime


class Row(dict):
    """One list row: the template reads its keys (a dict lookup, the template engine's first
    try), Python code its attributes (`row.pk`), both the same values."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# An integer no primary key reaches, reversed once in place of the row's key.
_MARK = 987654321987654321


class UrlOf:
    """`reverse(name, args=[pk])` for every row of a page at the cost of one reversal: the URL
    with a marker in place of the key, the key put in its place (the pattern's `<int:pk>`
    converter writes an integer as `str()` does)."""

    def __init__(self, name: str):
        url = reverse(name, args=[_MARK])
        self.head, _mark, self.tail = url.partition(str(_MARK))

    def __call__(self, pk) -> str:
        return f"{self.head}{pk}{self.tail}"


def rows_of(page, make) -> list[Row]:
    """The page's value dicts as rows (`make(row)` adds what the template shows), put back on
    the page so that `page_obj` and `object_list` are the same rows."""
    rows = [make(Row(values)) for values in page.object_list]
    page.object_list = rows
    return rows


class ValueRowsMixin:
    """For a list view paginated by `DeferredJoinPaginator`: the page's rows are read as
    `.values(*row_values)` and each completed by the callable `row_maker()` returns (labels,
    link, markup: what the template shows)."""

    row_values: tuple[str, ...] = ()

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, values=self.row_values, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, _values, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, rows_of(page, self.row_maker()), is_paginated

    def row_maker(self):
        """A callable that completes one row (built once per page: what it needs is looked up once)."""
        return lambda row: row


# --- a row's markup in Python ------------------------------------------------------------------
# A list page's rows were a loop of the template engine: some ten variables, filters and tags a
# row, 500 nodes a page, most of the page's rendering (issue 10). Each list now writes a row's
# markup with these helpers, which do what the template's filters did (tests/applications/
# test_list_rows.py and tests/regulators/test_verification.py hold every page's rows equal to
# the former template markup, in both languages).

def esc(value) -> str:
    """`{{ value }}` (`conditional_escape`, without its lazy-argument wrapper: list cells are
    text, numbers or safe markup). None prints as "None" there too, so callers give "" where
    the template used `|default:""`."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def ymd(value) -> str:
    """`{{ value|date:"Y-m-d" }}`: in the current time zone, "" for nothing (Django's "Y-m-d"
    is the zero-padded year, month and day)."""
    if value in (None, ""):
        return ""
    value = template_localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def since(value, now) -> str:
    """`{{ value|timesince:now }}`."""
    if not value:
        return ""
    try:
        return esc(timesince(value, now))
    except (ValueError, TypeError):
        return ""

