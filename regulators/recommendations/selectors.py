"""Reads of the recommended list. `recommended_entries_visible_to(user)` is the only door to
the list's rows: admitted partner banks' staff, the municipal bureau and platform admins see the
newest list, a district bureau its unit's enterprises on it; enterprises and the public none.
Only rows whose consent is still in force are shown: revoking takes an enterprise off at once."""

from django.db.models import QuerySet

from banks.models import BANK_OPEN_TO_APPLICATIONS, Bank
from identity.choices import BANK_ROLES, SEE_ALL_ROLES, Role
from identity.scoping import CLOSED, scoped
from identity.selectors import role_of

from .models import Invitation, InvitationStatus, RecommendationConsent, RecommendedEntry, RecommendedList

INVITING_ROLES = (Role.BANK_OFFICER, Role.BANK_ADMIN)


def bank_is_partner(user) -> bool:
    """Staff of an admitted partner bank (a suspended or removed bank sees nothing of the list)."""
    return (role_of(user) in BANK_ROLES and user.bank_id is not None
            and Bank.objects.filter(BANK_OPEN_TO_APPLICATIONS, pk=user.bank_id).exists())


def recommended_list_current() -> RecommendedList | None:
    return RecommendedList.objects.order_by("-built_at", "-id").first()


def recommended_lists_visible_to(user) -> QuerySet[RecommendedList]:
    """The snapshots themselves (dates, counts): the regulators and platform admins."""
    if role_of(user) in (*SEE_ALL_ROLES, Role.DISTRICT_REGULATOR):
        return RecommendedList.objects.select_related("built_by").order_by("-built_at", "-id")
    return RecommendedList.objects.none()


# The list's order, which the index recommended_entry_order serves (snapshot, district, name, id).
LIST_ORDER = ("district_id", "enterprise_name", "id")


def _entries(list_id):
    return RecommendedEntry.objects.select_related("district", "snapshot").filter(
        snapshot_id=list_id, consent__ended_at__isnull=True)


def recommended_entries_visible_to(user, *, of_list=None) -> QuerySet[RecommendedEntry]:
    """Rows of one list (default: the newest) a user may see."""
    role = role_of(user)
    if role is None or role == Role.ENTERPRISE:
        return RecommendedEntry.objects.none()
    if role in BANK_ROLES and not bank_is_partner(user):
        return RecommendedEntry.objects.none()
    if of_list is None:
        of_list = recommended_list_current()
        if of_list is None:
            return RecommendedEntry.objects.none()
    elif role in BANK_ROLES and of_list.pk != getattr(recommended_list_current(), "pk", None):
        # Banks browse the newest list only.
        return RecommendedEntry.objects.none()
    qs = _entries(of_list.pk)
    if role in BANK_ROLES:
        return qs  # shared with every admitted bank (checked above), not one bank's rows
    return scoped(qs, user, bank=CLOSED)


def recommended_count(user) -> int:
    return recommended_entries_visible_to(user).count()


def recommendation_consent_current(enterprise_id) -> RecommendationConsent | None:
    return RecommendationConsent.objects.filter(enterprise_id=enterprise_id, ended_at__isnull=True).first()


def recommendation_consents_of(user) -> QuerySet[RecommendationConsent]:
    """An enterprise's own consent history (who, when); nobody else's."""
    if role_of(user) != Role.ENTERPRISE:
        return RecommendationConsent.objects.none()
    return RecommendationConsent.objects.select_related("granted_by", "ended_by").filter(
        enterprise_id=user.enterprise_id).order_by("-granted_at", "-id")


def invitations_visible_to(user) -> QuerySet[Invitation]:
    """The enterprise the invitations it received; bank staff their bank's; a district bureau
    its unit's enterprises'; the municipal bureau and admins all."""
    return scoped(Invitation.objects.select_related("enterprise", "bank", "product", "invited_by"), user)


def invitations_open_count(user) -> int:
    return invitations_visible_to(user).filter(status=InvitationStatus.OPEN).count()
