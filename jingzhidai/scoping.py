"""Tenant scoping helpers. Each app's selectors define `<entities>_visible_to(user)`; these
helpers make 'forbidden' and 'missing' look the same (404)."""

from django.core.exceptions import ValidationError
from django.http import Http404


def get_visible_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404


class ScopedObjectMixin:
    """For Django class-based views: `scope(user)` must return the visible queryset."""

    scope = None

    def get_queryset(self):
        return type(self).scope(self.request.user)
