"""Reads of identity data. `*_visible_to(user)` are the only doors to each entity: HTML views
and API views both call them."""

from functools import lru_cache

from django.db.models import Q, QuerySet

from .choices import REGULATOR_ROLES, Role
from .models import District, Enterprise, RegulatorUnit, User
from .scoping import CLOSED, scoped


def role_of(user) -> str | None:
    """The user's role, None when not signed in (the scoping functions branch on it)."""
    return user.role if user.is_authenticated else None


def actor_name(user) -> str:
    """The name a history entry keeps for who acted (empty for the system)."""
    return user.display_name if user else ""


def enterprise_search(value: str) -> Q:
    """What a "name or code" search matches on enterprises: the name contains the text (any
    case; a trigram index serves it on PostgreSQL, identity 0009) or the code starts with it
    (codes are stored upper-case: the primary key's pattern index serves it)."""
    return Q(uscc__startswith=value.upper()) | Q(name__icontains=value)


def enterprises_matching(value: str) -> QuerySet:
    """The codes of the enterprises `enterprise_search` matches, as a subquery for the lists
    that search by enterprise (`enterprise_id__in=`): the database finds the few matching
    enterprises first, then walks the list's own index, instead of an OR across a join."""
    return Enterprise.objects.filter(enterprise_search(value)).values("uscc")


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """The enterprise itself, its unit's district regulator, the municipal bureau and admins.
    Banks see an enterprise only through an application's authorisation (applications app)."""
    return scoped(Enterprise.objects.select_related("district", "regulator_unit"), user,
                  enterprise="uscc", bank=CLOSED, unit="regulator_unit")


def users_visible_to(user) -> QuerySet[User]:
    """Accounts a user may list: their own; enterprise accounts of a regulator's enterprises
    (the sign-up bindings); everything for platform admins."""
    qs = User.objects.select_related("enterprise", "bank", "regulator_unit", "bank_branch")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.PLATFORM_ADMIN:
        return qs
    if user.role == Role.CITY_REGULATOR:
        return qs.filter(role=Role.ENTERPRISE)
    if user.role == Role.DISTRICT_REGULATOR:
        return qs.filter(role=Role.ENTERPRISE, enterprise__regulator_unit_id=user.regulator_unit_id)
    if user.role == Role.BANK_ADMIN:
        return qs.filter(bank_id=user.bank_id)
    return qs.filter(pk=user.pk)


def may_confirm_accounts(user) -> bool:
    """Whether a user decides on enterprise sign-ups: the regulators only (a district bureau
    for its unit's enterprises, the municipal bureau for all, as `users_visible_to` scopes
    them). Platform admins list the accounts but do not decide: the bureau knows the
    enterprise (docs/decisions.md)."""
    return user.is_authenticated and user.role in REGULATOR_ROLES


def enterprise_get(uscc: str) -> Enterprise | None:
    return Enterprise.objects.select_related("district", "regulator_unit").filter(uscc=uscc).first()


@lru_cache(maxsize=1)
def district_names() -> dict[str, str]:
    """Name → code for every district, with and without the 区 suffix. Reference data is fixed
    by migration, so caching for the process is safe."""
    names = {}
    for code, name in District.objects.values_list("code", "name"):
        names[name] = code
        names[name.removesuffix("区")] = code
    return names


def regulator_units_by_code() -> dict[str, RegulatorUnit]:
    return {u.code: u for u in RegulatorUnit.objects.all()}
