"""Reads of typical cases. `cases_visible_to(user)` is the only door to a case: a district
bureau its unit's enterprises' cases, the municipal bureau and platform admins all, the
enterprise its own (to give or revoke consent), everyone else (banks, the public) only
published ones."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from identity.choices import SEE_ALL_ROLES, Role
from identity.scoping import scoped
from identity.selectors import role_of

from .models import CaseConsent, CaseEvent, CasePhoto, CaseStatus, TypicalCase

DRAFTING_ROLES = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR)


def _with_consent(qs):
    return qs.annotate(consent_in_force=Exists(CaseConsent.objects.filter(case=OuterRef("pk"),
                                                                          ended_at__isnull=True)))


def _base():
    return _with_consent(TypicalCase.objects.select_related("enterprise__district", "bank", "element_type__category",
                                                            "drafted_by_unit", "loan"))


def cases_published() -> QuerySet[TypicalCase]:
    """The public page: published, and (belt and braces) with the enterprise's consent in force."""
    return _base().filter(status=CaseStatus.PUBLISHED, consent_in_force=True).order_by("-published_at", "-id")


def cases_visible_to(user) -> QuerySet[TypicalCase]:
    if role_of(user) in (*SEE_ALL_ROLES, Role.DISTRICT_REGULATOR, Role.ENTERPRISE):
        return scoped(_base(), user)
    return cases_published()


def cases_with_history_visible_to(user) -> QuerySet[TypicalCase]:
    """Whose history (who did what) a user may read: not the banks' or the public's."""
    if role_of(user) in (*SEE_ALL_ROLES, Role.DISTRICT_REGULATOR, Role.ENTERPRISE):
        return cases_visible_to(user)
    return TypicalCase.objects.none()


def cases_manageable_by(user) -> QuerySet[TypicalCase]:
    """Cases a user may edit (content and photos): the drafting bureaus within their scope."""
    if role_of(user) in DRAFTING_ROLES:
        return scoped(_base(), user)
    return TypicalCase.objects.none()


def may_draft(user) -> bool:
    return role_of(user) in DRAFTING_ROLES


def may_publish(user) -> bool:
    return role_of(user) == Role.CITY_REGULATOR


def case_photos_visible_to(user) -> QuerySet[CasePhoto]:
    """Photos of the cases a user sees, plus those of published cases (the public page)."""
    visible = cases_visible_to(user).values("pk")
    published = cases_published().values("pk")
    return CasePhoto.objects.select_related("case").filter(Q(case__in=visible) | Q(case__in=published))


def case_history(case) -> QuerySet[CaseEvent]:
    return case.events.order_by("at", "id")


def case_consent_current(case) -> CaseConsent | None:
    return case.consents.filter(ended_at__isnull=True).select_related("granted_by").first()
