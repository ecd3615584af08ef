"""Tenant scoping. Each app's selectors define `<entities>_visible_to(user)`, the only door to
its entities; `tenant_q` / `scoped` below are the one role → rows rule those doors share, and the
other helpers make 'forbidden' and 'missing' look the same (404)."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from audit.services import audit_refused
from identity.choices import BANK_ROLES, SEE_ALL_ROLES, Role

# A path argument of `tenant_q` set to CLOSED shuts that role out of the entity.
CLOSED = None
# `unit`'s default: the regulator unit of the row's enterprise.
ENTERPRISE_UNIT = "<the enterprise's unit>"


def tenant_q(user, *, enterprise="enterprise", bank="bank", unit=ENTERPRISE_UNIT, see_all=True) -> Q | None:
    """The portal's tenant rule as a filter over one model's tenant keys, or None when the user
    sees none of its rows:

    - an enterprise user: the rows of its own enterprise (`enterprise`: the path to the
      enterprise, or to its primary key on the Enterprise model itself);
    - bank staff: the rows of their bank (`bank`: the path to the bank);
    - a district regulator: the rows of its unit (`unit`: the path to the regulator unit; by
      default the enterprise's unit, the unit that `identity.enterprises_visible_to` gives it);
    - the municipal bureau and platform admins: every row (`see_all=False` shuts them out).

    A path set to CLOSED (None) shuts that role out. Doors with a further condition for one
    role (submitted only, an active authorisation, the bank's audience) add it to this filter."""
    if not getattr(user, "is_authenticated", False):
        return None
    role = user.role
    if role == Role.ENTERPRISE:
        return None if enterprise is CLOSED else Q(**{enterprise: user.enterprise_id})
    if role in BANK_ROLES:
        return None if bank is CLOSED else Q(**{bank: user.bank_id})
    if role == Role.DISTRICT_REGULATOR:
        if unit == ENTERPRISE_UNIT:
            unit = f"{enterprise}__regulator_unit"
        return None if unit is CLOSED else Q(**{unit: user.regulator_unit_id})
    if role in SEE_ALL_ROLES and see_all:
        return Q()
    return None


def scoped(queryset: QuerySet, user, **paths) -> QuerySet:
    """`queryset` through the tenant rule (`tenant_q`'s arguments name the model's keys)."""
    q = tenant_q(user, **paths)
    return queryset.none() if q is None else queryset.filter(q)


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
