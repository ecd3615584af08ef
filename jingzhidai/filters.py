"""Filter pieces shared by the apps' FilterSets."""

import django_filters
from django import forms

# The range of a database id (bigint). A larger number in a query string is an invalid filter
# (400 in the API, an empty list on a page), not a database overflow.
ID_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter on a database id (or an id cursor): a whole number within the id range."""

    field_class = IdField

    def get_max_validator(self):
        return None  # IdField has the id range already
