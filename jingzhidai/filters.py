"""Filter pieces shared by the apps' FilterSets."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

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


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice says "All" (Django's says "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


class FilterSet(django_filters.FilterSet):
    """The base of every list's FilterSet: choice filters offer "All" as the empty choice
    (FILTERS_EMPTY_CHOICE_LABEL in the settings), and so do yes/no filters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.BooleanFilter) and "widget" not in f.extra:
                f.extra["widget"] = AllYesNoSelect
