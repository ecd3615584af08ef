"""Writes of typical cases. Every change of content, consent and status writes a `CaseEvent`
in the same transaction. The enterprise consents to the case as it stands: a change of its
content or photos ends the consent in force, so what is published is always what was agreed."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identity.choices import Role
from identity.selectors import actor_name
from jingzhidai.errors import ApplicationError, TransitionNotAllowed, full_clean_or_raise

from . import selectors
from .models import MAX_PHOTOS, CaseAction, CaseConsent, CaseEvent, CasePhoto, CaseStatus, TypicalCase
from .photos import photo_clean

EDITABLE = (CaseStatus.DRAFT, CaseStatus.UNPUBLISHED)
CONTENT_FIELDS = ("title", "summary", "body", "element_type", "loan", "bank", "amount", "annual_rate", "term_months")


def _forbidden(message):
    return ApplicationError(message, code="not_allowed", status_code=403)


def _event(case, *, action, user, from_status="", to_status="", note=""):
    CaseEvent.objects.create(case=case, action=action, actor=user, actor_name=actor_name(user),
                             from_status=from_status, to_status=to_status or case.status, note=note)


def _lock(case) -> TypicalCase:
    return TypicalCase.objects.select_for_update().get(pk=case.pk)


def _check_links(*, enterprise, bank, loan):
    """The loan (if any) is the enterprise's and fixes the bank; a bank is required."""
    if loan is not None:
        if loan.enterprise_id != enterprise.pk:
            raise ApplicationError(_("The loan is not this enterprise's."),
                                   {"fields": {"loan": [_("The loan is not this enterprise's.")]}}, code="invalid")
        if bank is not None and bank.pk != loan.bank_id:
            raise ApplicationError(_("The loan was granted by another bank."),
                                   {"fields": {"bank": [_("The loan was granted by another bank.")]}}, code="invalid")
        bank = loan.bank
    if bank is None:
        raise ApplicationError(_("Name the bank (or the loan)."), {"fields": {"bank": [_("This field is required.")]}},
                               code="invalid")
    return bank


@transaction.atomic
def case_create(*, user, enterprise, element_type, title, summary, body, bank=None, loan=None, amount=None,
                annual_rate=None, term_months=None) -> TypicalCase:
    """A district bureau drafts a case about one of its unit's enterprises; the municipal bureau
    about any."""
    if not selectors.may_draft(user):
        raise _forbidden(_("Only market regulators draft typical cases."))
    if user.role == Role.DISTRICT_REGULATOR and enterprise.regulator_unit_id != user.regulator_unit_id:
        raise ApplicationError(_("This enterprise is not in your district."),
                               {"fields": {"enterprise": [_("This enterprise is not in your district.")]}},
                               code="invalid")
    bank = _check_links(enterprise=enterprise, bank=bank, loan=loan)
    case = TypicalCase(enterprise=enterprise, bank=bank, loan=loan, element_type=element_type, title=title,
                       summary=summary, body=body, amount=amount, annual_rate=annual_rate, term_months=term_months,
                       drafted_by_unit_id=user.regulator_unit_id, created_by=user)
    full_clean_or_raise(case, exclude=("enterprise", "bank", "loan", "element_type", "drafted_by_unit", "created_by"))
    case.save()
    _event(case, action=CaseAction.CREATE, user=user, to_status=CaseStatus.DRAFT)
    _ask_consent(case, actor=user)
    return case


def _ask_consent(case, *, actor):
    """The enterprise is told that a case about it waits for its consent (a new draft, or a
    change that ended the consent it had given)."""
    from django.urls import reverse

    from applications import notifications

    notifications.send(list(notifications.enterprise_users(case.enterprise_id)), actor=actor, kind="case_consent",
                       message="case_consent", params={"title": case.title, "unit": notifications.named(case.drafted_by_unit)},
                       url=reverse("regulators:case_detail", args=[case.pk]))


def _lapse_consent(case, user):
    if CaseConsent.objects.filter(case=case, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=user, end_reason="changed"):
        _event(case, action=CaseAction.CONSENT_LAPSE, user=user)
        _ask_consent(case, actor=user)


def _require_editable(case, user):
    if not selectors.cases_manageable_by(user).filter(pk=case.pk).exists():
        raise _forbidden(_("You may not change this case."))
    if case.status not in EDITABLE:
        raise TransitionNotAllowed(_("A published case cannot be changed; unpublish it first."))


@transaction.atomic
def case_update(*, case, user, **fields) -> TypicalCase:
    case = _lock(case)
    _require_editable(case, user)
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not case fields: {sorted(unknown)}")
    loan = fields.get("loan", case.loan)
    bank = fields["bank"] if "bank" in fields else (None if loan is not None else case.bank)
    fields["bank"] = _check_links(enterprise=case.enterprise, bank=bank, loan=loan)
    changed = [name for name, value in fields.items() if getattr(case, name) != value]
    if not changed:
        return case
    for name in changed:
        setattr(case, name, fields[name])
    case.updated_at = timezone.now()
    full_clean_or_raise(case, exclude=("enterprise", "bank", "loan", "element_type", "drafted_by_unit", "created_by"))
    case.save()
    _event(case, action=CaseAction.EDIT, user=user, note=", ".join(changed))
    _lapse_consent(case, user)
    return case


@transaction.atomic
def case_photo_add(*, case, user, uploaded, caption="") -> CasePhoto:
    case = _lock(case)
    _require_editable(case, user)
    if case.photos.count() >= MAX_PHOTOS:
        raise ApplicationError(_("A case has at most %(n)s photos.") % {"n": MAX_PHOTOS}, code="too_many_photos")
    clean = photo_clean(uploaded)
    photo = CasePhoto(case=case, original_name=clean.name, extension=clean.extension,
                      content_type=clean.content_type, size=clean.size, sha256=clean.sha256, caption=caption,
                      uploaded_by=user)
    photo.file.save("photo", clean.content, save=False)
    try:
        full_clean_or_raise(photo, exclude=("file", "case", "uploaded_by"))
        photo.save()
    except Exception:
        photo.file.delete(save=False)
        raise
    _event(case, action=CaseAction.PHOTO_ADD, user=user, note=clean.name)
    _lapse_consent(case, user)
    return photo


@transaction.atomic
def case_photo_remove(*, photo, user) -> None:
    case = _lock(photo.case)
    _require_editable(case, user)
    name, stored = photo.original_name, photo.file.name
    photo.delete()
    transaction.on_commit(lambda: photo.file.storage.delete(stored))
    _event(case, action=CaseAction.PHOTO_REMOVE, user=user, note=name)
    _lapse_consent(case, user)


def _require_enterprise_of(case, user):
    if user.role != Role.ENTERPRISE or user.enterprise_id != case.enterprise_id:
        raise _forbidden(_("Only the enterprise itself gives or revokes its consent."))


@transaction.atomic
def case_consent_give(*, case, user) -> CaseConsent:
    """The enterprise agrees that the case, as it stands, may be published."""
    case = _lock(case)
    _require_enterprise_of(case, user)
    current = selectors.case_consent_current(case)
    if current is not None:
        return current
    consent = CaseConsent.objects.create(case=case, granted_by=user)
    _event(case, action=CaseAction.CONSENT, user=user)
    return consent


@transaction.atomic
def case_consent_revoke(*, case, user, note="") -> TypicalCase:
    """The enterprise withdraws its consent; a published case is unpublished at once."""
    case = _lock(case)
    _require_enterprise_of(case, user)
    ended = CaseConsent.objects.filter(case=case, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=user, end_reason="revoked")
    if not ended:
        raise TransitionNotAllowed(_("There is no consent in force to revoke."), code="no_consent")
    _event(case, action=CaseAction.CONSENT_REVOKE, user=user, note=note)
    if case.status == CaseStatus.PUBLISHED:
        _set_status(case, CaseStatus.UNPUBLISHED, action=CaseAction.UNPUBLISH, user=user,
                    note=_("The enterprise revoked its consent."))
    return case


def _set_status(case, status, *, action, user, note=""):
    before = case.status
    case.status = status
    case.updated_at = timezone.now()
    if status == CaseStatus.PUBLISHED:
        case.published_at = case.updated_at
    case.save(update_fields=["status", "updated_at", "published_at"])
    _event(case, action=action, user=user, from_status=before, to_status=status, note=note)


@transaction.atomic
def case_publish(*, case, user) -> TypicalCase:
    """The municipal bureau publishes a case, only with the enterprise's consent in force."""
    case = _lock(case)
    if not selectors.may_publish(user):
        raise _forbidden(_("Only the municipal bureau publishes typical cases."))
    if case.status not in EDITABLE:
        raise TransitionNotAllowed(_("This case is already published."))
    if not CaseConsent.objects.filter(case=case, ended_at__isnull=True).exists():
        raise TransitionNotAllowed(_("The enterprise has not consented to this case (or its consent ended)."),
                                   code="consent_required")
    _set_status(case, CaseStatus.PUBLISHED, action=CaseAction.PUBLISH, user=user)
    return case


@transaction.atomic
def case_unpublish(*, case, user, note="") -> TypicalCase:
    case = _lock(case)
    if not selectors.may_publish(user):
        raise _forbidden(_("Only the municipal bureau publishes typical cases."))
    if case.status != CaseStatus.PUBLISHED:
        raise TransitionNotAllowed(_("This case is not published."))
    _set_status(case, CaseStatus.UNPUBLISHED, action=CaseAction.UNPUBLISH, user=user, note=note)
    return case
