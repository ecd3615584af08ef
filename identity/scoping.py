"""The portal's tenant rule, which every app's `<entities>_visible_to(user)` door applies to its
own model: which rows each role sees. It lives with the roles (identity), below every app that
scopes by it."""

from django.db.models import Q, QuerySet

from .choices import BANK_ROLES, SEE_ALL_ROLES, Role

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
