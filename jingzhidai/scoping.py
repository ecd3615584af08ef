"""Tenant scoping helpers. Each app's selectors define `<entities>_visible_to(user)`, the only
door to its entities (with the one role → rows rule of `identity.scoping`); these helpers make
'forbidden' and 'missing' look the same (404)."""

from django.core.exceptions import ValidationError
from django.http import Http404

from audit.services import audit_refused


def get_visible_or_404(queryset, **lookup):
    """The object through the door, else 404; an object that exists outside the door is
    recorded in the audit trail as a refused access (not a missing one)."""
    try:
        return queryset.get(**lookup)
    except (ValueError, ValidationError):
        raise Http404
    except queryset.model.DoesNotExist:
        audit_refused(queryset.model, lookup)
        raise Http404


class ScopedObjectMixin:
    """For Django class-based views: `scope(user)` must return the visible queryset."""

    scope = None

    def get_queryset(self):
        return type(self).scope(self.request.user)

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            lookup = {}
            if self.pk_url_kwarg in self.kwargs:
                lookup["pk"] = self.kwargs[self.pk_url_kwarg]
            elif self.slug_url_kwarg in self.kwargs:
                lookup[self.get_slug_field()] = self.kwargs[self.slug_url_kwarg]
            audit_refused(self.get_queryset().model, lookup, request=self.request)
            raise
