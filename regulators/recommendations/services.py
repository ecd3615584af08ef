"""Writes of the recommended list: the enterprise's consent, the monthly build (set-based),
banks' invitations."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import PRODUCT_OPEN_TO_APPLICATIONS, Product
from identity.choices import Role
from identity.selectors import role_of
from jingzhidai.errors import ApplicationError, TransitionNotAllowed, full_clean_or_raise

from . import selectors, tasks
from .build import recommended_list_build  # noqa: F401 - part of this module's API
from .models import Invitation, InvitationStatus, RecommendationConsent


def _forbidden(message):
    return ApplicationError(message, code="not_allowed", status_code=403)


def _require_enterprise(user):
    if role_of(user) != Role.ENTERPRISE or not user.enterprise_id:
        raise _forbidden(_("Only the enterprise itself decides whether it is recommended."))


@transaction.atomic
def recommendation_opt_in(*, user) -> RecommendationConsent:
    """The enterprise agrees to appear on the recommended list shared with partner banks."""
    _require_enterprise(user)
    current = selectors.recommendation_consent_current(user.enterprise_id)
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return RecommendationConsent.objects.create(enterprise_id=user.enterprise_id, granted_by=user)
    except IntegrityError:  # a second click at the same moment
        return selectors.recommendation_consent_current(user.enterprise_id)


@transaction.atomic
def recommendation_opt_out(*, user) -> int:
    """Ends the consent in force: the enterprise leaves the list banks see at once."""
    _require_enterprise(user)
    ended = RecommendationConsent.objects.filter(enterprise_id=user.enterprise_id, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=user)
    if not ended:
        raise TransitionNotAllowed(_("There is no consent in force to revoke."), code="no_consent")
    return ended


def recommended_list_request(*, user) -> None:
    """The municipal bureau asks for a list now: built by a worker after this transaction
    commits (at Beijing scale a build takes longer than a web request may)."""
    if role_of(user) != Role.CITY_REGULATOR:
        raise _forbidden(_("Only the municipal bureau builds the recommended list."))
    transaction.on_commit(lambda: tasks.recommended_list_build.delay(user_id=user.pk))


@transaction.atomic
def invitation_create(*, user, entry, product=None, message="") -> Invitation:
    """A partner bank invites an enterprise of the current list to apply. One open invitation
    per bank and enterprise; the enterprise is told."""
    if role_of(user) not in selectors.INVITING_ROLES or not selectors.bank_is_partner(user):
        raise _forbidden(_("Only officers and administrators of an admitted partner bank invite enterprises."))
    if not selectors.recommended_entries_visible_to(user).filter(pk=entry.pk).exists():
        raise ApplicationError(_("This enterprise is not on the current recommended list."), code="not_found",
                               status_code=404)
    if product is not None and not Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS, pk=product.pk,
                                                          bank_id=user.bank_id).exists():
        message_ = _("Choose an active product of your own bank.")
        raise ApplicationError(message_, {"fields": {"product": [message_]}}, code="invalid")
    invitation = Invitation(entry=entry, enterprise_id=entry.enterprise_id, bank_id=user.bank_id, product=product,
                            message=message, invited_by=user)
    full_clean_or_raise(invitation, exclude=("entry", "enterprise", "bank", "product", "invited_by"),
                        validate_constraints=False)
    if Invitation.objects.filter(enterprise_id=entry.enterprise_id, bank_id=user.bank_id,
                                 status=InvitationStatus.OPEN).exists():
        raise TransitionNotAllowed(_("Your bank has already invited this enterprise."), code="duplicate")
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise TransitionNotAllowed(_("Your bank has already invited this enterprise."), code="duplicate")
    _notify_invited(invitation, actor=user)
    return invitation


def _notify_invited(invitation, *, actor):
    from applications import notifications

    params = {"bank": notifications.named(invitation.bank), "note": invitation.message or ""}
    if invitation.product_id:
        params["product"] = notifications.named(invitation.product)
    notifications.send(list(notifications.enterprise_users(invitation.enterprise_id)), actor=actor,
                       kind="invitation", message="invitation_product" if invitation.product_id else "invitation",
                       params=params, url=reverse("regulators:invitation_list"))


@transaction.atomic
def invitation_decline(*, invitation, user) -> Invitation:
    inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if role_of(user) != Role.ENTERPRISE or user.enterprise_id != inv.enterprise_id:
        raise _forbidden(_("Only the enterprise invited answers an invitation."))
    if inv.status != InvitationStatus.OPEN:
        raise TransitionNotAllowed(_("This invitation has already been answered."))
    inv.status, inv.answered_at = InvitationStatus.DECLINED, timezone.now()
    inv.save(update_fields=["status", "answered_at"])
    return inv
