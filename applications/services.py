"""Writes of the application workflow. Every status change goes through
`application_transition`: it locks the row, refuses what the map in `workflow.py` does not
allow (TransitionNotAllowed, HTTP 409) without changing anything, time-stamps the stage,
writes a history row and notifies the parties (in-app now, email after commit)."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from banks import conditions
from banks import selectors as bank_selectors
from banks.choices import GuaranteeType
from elements import services as element_services
from elements.models import ElementType
from elements.selectors import profile_get
from identity.choices import BANK_ROLES, Role
from identity.models import Enterprise
from identity.selectors import actor_name
from identity.services import enterprise_check, user_language
from jingzhidai import money
from jingzhidai.dates import add_months
from jingzhidai.errors import ApplicationError, TransitionNotAllowed, full_clean_or_raise
from jingzhidai.limits import text_clean_or_raise

from . import files, notifications, selectors
from .choices import (
    DOCUMENT_ADDED,
    DOCUMENT_REMOVED,
    EVIDENCE_REMOVED,
    AccessKind,
    Action,
    AuthorisationEnd,
    ClaimOrigin,
    DocumentKind,
    EvidenceReview,
    RepaymentMethod,
    Status,
    VerificationStatus,
)
from .dates import add_working_days, due_working_days
from .models import (
    AccessLog,
    Application,
    Authorisation,
    Claim,
    Contract,
    Disbursement,
    Document,
    Evidence,
    HistoryEntry,
    Notification,
    VerificationRequest,
)
from .workflow import DOCUMENTS_ADDABLE, ENDS_AUTHORISATION, ENTERPRISE_EDITABLE, TRANSITIONS

EDITABLE_FIELDS = ("amount", "term_months", "purpose", "purpose_description", "need_statement", "branch")
RATE_LIMIT = Decimal("24")


def _require(condition, message, *, field=None, code="invalid"):
    if not condition:
        raise ApplicationError(message, {field: [str(message)]} if field else None, code=code)


def _require_enterprise_of(application, user):
    if user.role != Role.ENTERPRISE or user.enterprise_id != application.enterprise_id:
        raise ApplicationError(_("Only the applying enterprise can do this."), code="not_allowed", status_code=403)


def _require_bank_staff_of(application, user, roles=(Role.BANK_OFFICER,)):
    if user.role not in roles or user.bank_id != application.bank_id:
        raise ApplicationError(_("Only the bank's %(roles)s can do this.") % {
            "roles": "、".join(str(Role(r).label) for r in roles)}, code="not_allowed", status_code=403)


# --- the enterprise's side: drafts, claims, evidence, authorisation ----------------------------

def _check_product(product, *, enterprise, profile=None):
    """A product the enterprise may apply for now: open, of a bank that takes new
    applications, and whose quality conditions its profile meets. Pass the profile when the
    caller has it (it is built only if missing)."""
    # Read fresh (the lists may just have changed). An open product is one of an open bank, so
    # one query answers both in the usual case; the bank is asked only to say which is closed.
    if not bank_selectors.product_accepts_applications(product):
        if not bank_selectors.bank_accepts_applications(product.bank):
            raise ApplicationError(_("%(bank)s does not take new applications at present.") % {
                "bank": product.bank.name}, {"product": [_("The bank does not take new applications.")]},
                code="bank_closed")
        raise ApplicationError(_("This product is not open to applications."),
                               {"product": [_("The product is not open to applications.")]}, code="product_closed")
    meets, missing = bank_selectors.product_match(product, profile or profile_get(enterprise=enterprise),
                                                  catalog=_CatalogWhenNeeded())
    if not meets:
        raise ApplicationError(_("The enterprise does not meet this product's quality conditions: %(missing)s")
                               % {"missing": " ".join(missing)}, {"product": missing}, code="conditions_not_met")


class _CatalogWhenNeeded:
    """The element catalog's names, built (from the cached catalog) only when a message needs
    one: a profile that meets the product's conditions never does."""

    @cached_property
    def _catalog(self):
        return conditions.catalog_load()

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def _check_terms(application):
    product = application.product
    errors = {}
    if application.amount is not None and not (product.amount_min <= application.amount <= product.amount_max):
        errors["amount"] = [_("This product lends between %(min)s and %(max)s.") % {
            "min": money.money(product.amount_min), "max": money.money(product.amount_max)}]
    if application.term_months is not None and not (
            product.term_min_months <= application.term_months <= product.term_max_months):
        errors["term_months"] = [_("This product's terms run from %(min)s to %(max)s months.") % {
            "min": product.term_min_months, "max": product.term_max_months}]
    if application.branch_id:
        try:
            bank_selectors.branch_for_routing(bank=application.bank, branch_id=application.branch_id)
        except ApplicationError as e:
            errors["branch"] = [e.message]
    if errors:
        raise ApplicationError(" ".join(str(m) for v in errors.values() for m in v), {"fields": errors},
                               code="invalid")


def _check_eligible(enterprise):
    # The registry record is loaded already, and the callers build the profile themselves.
    check = enterprise_check(enterprise=enterprise, extensions=False)
    if not check.eligible:
        raise ApplicationError(_("The enterprise is not eligible for 京质贷: %(reasons)s") % {
            "reasons": " ".join(check.reasons)}, code="not_eligible")


def _claim_types(codes) -> list[ElementType]:
    """The claimable types of `codes`, in that order, in one query (unknown or unclaimable
    codes refused as `_claim_type` says)."""
    codes = list(dict.fromkeys((c or "").strip() for c in codes))
    found = {t.code: t for t in selectors.claimable_types().filter(code__in=codes)} if codes else {}
    return [found[c] if c in found else _claim_type(c) for c in codes]


def _claim_type(code) -> ElementType:
    code = (code or "").strip()
    element_type = selectors.claimable_types().filter(code=code).first()
    if element_type is not None:
        return element_type
    element_type = ElementType.objects.filter(code=code).first()
    if element_type is None:
        raise ApplicationError(_("Unknown element: %(code)s.") % {"code": code}, {"element": [_("Unknown element.")]},
                               code="unknown_element")
    raise ApplicationError(_("%(name)s cannot be claimed: only distinctions in the catalog can.") % {
        "name": element_type.name}, {"element": [_("Not a claimable distinction.")]}, code="not_claimable")


@transaction.atomic
def application_create(*, user, product, amount, term_months, purpose, need_statement, purpose_description="",
                       branch=None, claims=None, authorise=False, profile=None) -> Application:
    """A draft. Claims default to the distinctions the profile holds; `claims` (catalog codes)
    replaces that list and may add claims the library lacks. `profile`: the enterprise's
    profile when the caller already built it for this request (otherwise built here)."""
    if user.role != Role.ENTERPRISE or not user.enterprise_id:
        raise ApplicationError(_("Only enterprise users apply."), code="not_allowed", status_code=403)
    # With what the eligibility check reads (district, regulator unit): one query, not three.
    enterprise = Enterprise.objects.select_related("district", "regulator_unit").get(pk=user.enterprise_id)
    _check_eligible(enterprise)
    if profile is None or profile.uscc != enterprise.uscc:
        profile = profile_get(enterprise=enterprise)
    _check_product(product, enterprise=enterprise, profile=profile)
    application = Application(enterprise=enterprise, bank=product.bank, product=product, branch=branch,
                              amount=amount, term_months=term_months, purpose=purpose,
                              purpose_description=purpose_description or "", need_statement=need_statement or "",
                              created_by=user)
    # The enterprise, bank, product and user were just read; the amount's validator covers its
    # constraint and maker-checker concerns decisions, which a draft has none of.
    full_clean_or_raise(application, exclude=("enterprise", "bank", "product", "created_by"),
                        validate_constraints=False)
    _check_terms(application)
    application.save()
    held = set(profile.distinction_codes())
    codes = sorted(held) if claims is None else list(dict.fromkeys(claims))
    Claim.objects.bulk_create([Claim(application=application, element_type=t,
                                     origin=ClaimOrigin.PROFILE if t.code in held else ClaimOrigin.ADDED)
                               for t in _claim_types(codes)])
    if authorise:
        # A new application: nothing to lock, no earlier authorisation to find or end.
        _authorisation_new(application, user)
    return application


def _lock(application) -> Application:
    # The application's row only (`of`): joined rows stay unlocked, so steps on different
    # applications of one bank or product do not wait for each other; loaded with what the
    # checks read (the product's bank, the enterprise's district and unit for the eligibility).
    return Application.objects.select_for_update(of=("self",)).select_related(
        "product__bank", "bank", "enterprise__district", "enterprise__regulator_unit").get(pk=application.pk)


@transaction.atomic
def application_update(*, application, user, **fields) -> Application:
    """Edit a draft (everything, including the product) or a returned application (not the
    product: the bank already holds it)."""
    app = _lock(application)
    _require_enterprise_of(app, user)
    if app.status not in ENTERPRISE_EDITABLE:
        raise TransitionNotAllowed(_("The application can only be changed while it is a draft or returned."))
    product = fields.pop("product", None)
    profile = None  # built once, only if the product or the claims change
    if product is not None and product.pk != app.product_id:
        if app.status != Status.DRAFT:
            raise ApplicationError(_("The product can only be changed in a draft."), code="invalid")
        profile = profile_get(enterprise=app.enterprise)
        _check_product(product, enterprise=app.enterprise, profile=profile)
        if product.bank_id != app.bank_id:
            # The authorisation named the old bank: it ends here; the new bank needs its own.
            authorisations_end(application=app, reason=AuthorisationEnd.BANK_CHANGED)
        app.product, app.bank = product, product.bank
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"claims", "authorise"}
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    claims = fields.pop("claims", None)
    authorise = fields.pop("authorise", None)
    for name, value in fields.items():
        setattr(app, name, value if value is not None or name == "branch" else getattr(app, name))
    full_clean_or_raise(app)
    _check_terms(app)
    app.save()
    if claims is not None:
        claims_set(application=app, user=user, codes=claims, profile=profile)
    if authorise:
        authorisation_grant(application=app, user=user)
    return app


@transaction.atomic
def claims_set(*, application, user, codes, profile=None) -> list[Claim]:
    """Make the claim list exactly `codes` (evidence of dropped claims goes with them). Pass
    the enterprise's profile when the caller has it."""
    _require_enterprise_of(application, user)
    if application.status not in ENTERPRISE_EDITABLE:
        raise TransitionNotAllowed(_("Claims can only be changed while the application is a draft or returned."))
    types = _claim_types(dict.fromkeys(codes))
    held = (profile or selectors.profile_for(application.enterprise)).held_codes()
    application.claims.exclude(element_type__in=types).delete()
    existing = set(application.claims.values_list("element_type_id", flat=True))
    Claim.objects.bulk_create([Claim(application=application, element_type=t,
                                     origin=ClaimOrigin.PROFILE if t.code in held else ClaimOrigin.ADDED)
                               for t in types if t.pk not in existing])
    return list(application.claims.all())


@transaction.atomic
def authorisation_grant(*, application, user) -> Authorisation:
    """The enterprise authorises the application's bank (the one it is at now) to see its
    profile and evidence, time-stamped. Only while the enterprise may still edit the
    application (draft or returned): a withdrawn, rejected or settled one stays closed."""
    app = _lock(application)
    _require_enterprise_of(app, user)
    current = selectors.authorisation_current(app)
    if current is not None:
        return current
    if app.status not in ENTERPRISE_EDITABLE:
        raise ApplicationError(_("This application's authorisation has ended."), code="authorisation_ended")
    # Whatever is still active names another bank (the rule before authorisations named banks).
    authorisations_end(application=app, reason=AuthorisationEnd.BANK_CHANGED)
    return _authorisation_new(app, user)


def _authorisation_new(app, user) -> Authorisation:
    authorisation = Authorisation(application=app, enterprise_id=app.enterprise_id, bank_id=app.bank_id,
                                  granted_by=user)
    # Rows just read; any active authorisation of the application was ended by the caller (or
    # the application is new), so the one-active rule holds (the database enforces it anyway).
    full_clean_or_raise(authorisation, exclude=("application", "enterprise", "bank", "granted_by"),
                        validate_constraints=False)
    authorisation.save()
    return authorisation


@transaction.atomic
def authorisations_end(*, application, reason) -> int:
    """End every active authorisation of the application, recording when and why (a code of
    `AuthorisationEnd`, e.g. `settled` from the loans app). Rows are kept: the access log
    points at them. Returns how many ended."""
    return Authorisation.objects.filter(application_id=application.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), end_reason=str(reason)[:40])


@transaction.atomic
def evidence_add(*, application, user, element_code, uploaded) -> Evidence:
    """An evidence file for one claimed element (the claim is added if the enterprise had not
    listed it yet). Judged by content, size-capped, hashed, stored under a generated path."""
    app = _lock(application)
    _require_enterprise_of(app, user)
    if app.status not in ENTERPRISE_EDITABLE:
        raise TransitionNotAllowed(_("Evidence can only be added while the application is a draft or returned."))
    element_type = _claim_type(element_code)
    checked = files.check_upload(uploaded)
    claim = Claim.objects.filter(application=app, element_type=element_type).first()
    if claim is None:
        held = selectors.profile_for(app.enterprise).held_codes()
        claim = Claim.objects.create(application=app, element_type=element_type,
                                     origin=ClaimOrigin.PROFILE if element_type.code in held else ClaimOrigin.ADDED)
    claim.element_type = element_type  # the row just read: the answer names it without reading it again
    evidence = Evidence(application=app, claim=claim, original_name=checked.name, extension=checked.extension,
                        content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                        uploaded_by=user)
    evidence.file.save("evidence", uploaded, save=False)
    try:
        # The application (locked), the claim and the user were just read: no query to find
        # each again; no constraint to check beyond the fields.
        full_clean_or_raise(evidence, exclude=("file", "application", "claim", "uploaded_by"),
                            validate_constraints=False)
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, evidence, user):
    _file_remove(evidence, user, action=EVIDENCE_REMOVED, what=evidence.claim.element_type.name,
                 refusal=_("Evidence can only be removed while the application is a draft or returned."))


def _file_remove(row, user, *, action, what, refusal):
    """Remove one of an application's files (evidence, a document), only while the application
    is editable (draft or returned): what the bank has received stays. The row and the file go;
    the history keeps who removed which file (append-only)."""
    app = _lock(row.application)
    _require_enterprise_of(app, user)
    if app.status not in ENTERPRISE_EDITABLE:
        raise TransitionNotAllowed(refusal)
    name, storage = row.file.name, row.file.storage
    HistoryEntry.objects.create(
        application=app, action=action, from_status=app.status, to_status=app.status, actor=user,
        actor_name=actor_name(user), at=timezone.now(),
        note=_("%(file)s (%(element)s, %(size)s bytes, SHA-256 %(sha256)s)") % {
            "file": row.original_name, "element": what, "size": row.size, "sha256": row.sha256})
    row.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_add(*, application, user, kind, uploaded, note="") -> Document:
    """A general document (financial statements, a purchase or sales contract, other material
    with a note) under the evidence file rules. While draft, returned or submitted (before the
    bank accepts it); once submitted the history records it, so the bank sees what came in."""
    app = _lock(application)
    _require_enterprise_of(app, user)
    if app.status not in DOCUMENTS_ADDABLE:
        raise TransitionNotAllowed(_("Documents can be added while the application is a draft, submitted or "
                                     "returned."))
    if kind not in DocumentKind.values:
        raise ApplicationError(_("Choose the kind of document."), {"fields": {"kind": [_("Choose a kind.")]}},
                               code="invalid")
    note = (note or "").strip()
    if kind == DocumentKind.OTHER and not note:
        raise ApplicationError(_("Say what the document is."), {"fields": {"note": [_("Required for other material.")]}},
                               code="note_required")
    checked = files.check_upload(uploaded)
    document = Document(application=app, kind=kind, note=note, original_name=checked.name,
                        extension=checked.extension, content_type=checked.content_type, size=checked.size,
                        sha256=checked.sha256, uploaded_by=user)
    document.file.save("document", uploaded, save=False)
    try:
        full_clean_or_raise(document, exclude=("file", "application", "uploaded_by"), validate_constraints=False)
        document.save()
        if app.submitted_at is not None:
            HistoryEntry.objects.create(
                application=app, action=DOCUMENT_ADDED, from_status=app.status, to_status=app.status, actor=user,
                actor_name=actor_name(user), at=timezone.now(),
                note=f"{DocumentKind(kind).label}: {checked.name}" + (f" ({note})" if note else ""))
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_remove(*, document, user):
    _file_remove(document, user, action=DOCUMENT_REMOVED, what=document.get_kind_display(),
                 refusal=_("Documents can only be removed while the application is a draft or returned."))


@transaction.atomic
def document_open(*, document, user):
    """Open a document that `documents_visible_to(user)` lets the user see; logged unless the
    user is the enterprise itself."""
    if user.role != Role.ENTERPRISE:
        _log_access(application=document.application, user=user, kind=AccessKind.DOCUMENT, document=document)
    return document.file.open("rb")


@transaction.atomic
def evidence_review(*, evidence, user, verified: bool, reason: str = "") -> Evidence:
    """The officer marks one evidence item verified, or rejected with a reason."""
    app = _lock(evidence.application)
    _require_bank_staff_of(app, user)
    if app.status != Status.UNDER_REVIEW:
        raise TransitionNotAllowed(_("Evidence is checked once the application is accepted for verification."))
    reason = (reason or "").strip()
    if not verified and not reason:
        raise ApplicationError(_("Give the reason for rejecting this evidence."), {"reason": [_("Required.")]},
                               code="reason_required")
    # Locked with what the answer shows (the claimed element), so the caller need not read it again.
    evidence = Evidence.objects.select_for_update(of=("self",)).select_related("claim__element_type").get(
        pk=evidence.pk)
    evidence.review = EvidenceReview.VERIFIED if verified else EvidenceReview.REJECTED
    evidence.review_reason = reason
    evidence.reviewed_by = user
    evidence.reviewed_at = timezone.now()
    evidence.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at"])
    return evidence


def _log_access(*, application, user, kind, evidence=None, document=None):
    authorisation = selectors.authorisation_current(application) if user.role in BANK_ROLES else None
    AccessLog.objects.create(application=application, enterprise_id=application.enterprise_id, user=user,
                             organization=str(user.organization_name), authorisation=authorisation, kind=kind,
                             evidence=evidence, document=document)


def _require_authorised(application, user):
    if user.role in BANK_ROLES:
        if application.submitted_at is None or not selectors.authorisation_active(application):
            raise ApplicationError(_("The enterprise has not authorised this bank to see its quality profile."),
                                   code="not_authorised", status_code=403)


@transaction.atomic
def profile_open(*, application, user):
    """The enterprise's quality profile for someone who may see the application. A bank needs
    the enterprise's authorisation; every bank open is logged."""
    _require_authorised(application, user)
    profile = profile_get(enterprise=application.enterprise)
    if user.role != Role.ENTERPRISE:
        _log_access(application=application, user=user, kind=AccessKind.PROFILE)
    return profile


@transaction.atomic
def evidence_open(*, evidence, user):
    """Open an evidence file that `evidence_visible_to(user)` lets the user see; logged unless
    the user is the enterprise itself."""
    if user.role != Role.ENTERPRISE:
        _log_access(application=evidence.application, user=user, kind=AccessKind.EVIDENCE, evidence=evidence)
    return evidence.file.open("rb")


@transaction.atomic
def verification_answer_open(*, verification_request, user):
    """Open a regulator's answer file that `verification_answer_files_visible_to(user)` lets
    the user see; logged unless the user is the enterprise itself."""
    if user.role != Role.ENTERPRISE:
        _log_access(application=verification_request.application, user=user, kind=AccessKind.ANSWER_FILE)
    return verification_request.answer_file.open("rb")


# --- the transition ----------------------------------------------------------------------------

@transaction.atomic
def application_transition(*, application, action, user, note="", apply=None) -> Application:
    """The only code that assigns `Application.status`."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(_("Unknown action: %(action)s.") % {"action": action})
    app = _lock(application)
    if user.role == Role.ENTERPRISE:
        _require_enterprise_of(app, user)
    elif user.role in BANK_ROLES:
        _require_bank_staff_of(app, user, roles=tuple(transition.roles) or (user.role,))
    if user.role not in transition.roles:
        raise ApplicationError(_("%(role)s cannot %(action)s an application.") % {
            "role": Role(user.role).label, "action": str(Action(action).label).lower()},
            code="not_allowed", status_code=403)
    if app.status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the application is “%(status)s”.") % {
                "action": Action(action).label, "status": Status(app.status).label},
            {"status": app.status, "allowed_from": sorted(transition.sources)})
    from_status = app.status
    if apply is not None:
        apply(app)
    if action in ENDS_AUTHORISATION:
        authorisations_end(application=app, reason=ENDS_AUTHORISATION[action])
    now = timezone.now()
    app.status = transition.target
    app.status_changed_at = now
    if getattr(app, transition.stamp) is None:
        setattr(app, transition.stamp, now)
    entry = HistoryEntry(application=app, action=action, from_status=from_status, to_status=app.status,
                         actor=user, actor_name=actor_name(user), note=note or "", at=now)
    text_clean_or_raise(app, entry)  # over-long notes and reasons are refused, whoever calls
    app.save()
    entry.save()
    notifications.notify_transition(app, action=action, actor=user, from_status=from_status, note=note)
    return app


def _unconfirmed_without_evidence(app, profile) -> list[str]:
    return [str(name) for name in selectors.claims_unconfirmed_without_evidence(app, profile)]


def application_submit(*, application, user, note="", authorise=False) -> Application:
    """`authorise`: the enterprise authorises the application's bank with the submission (the
    submit page and API offer it when the authorisation is missing, e.g. after a bank change)."""
    def apply(app):
        if authorise:
            authorisation_grant(application=app, user=user)
        profile = profile_get(enterprise=app.enterprise)  # once, for the product and the claims
        if app.status == Status.DRAFT:
            # A new application for the bank: the bank must take new ones, the product be open
            # and met. A returned application is already held by the bank and carries on.
            _check_eligible(app.enterprise)
            _check_product(app.product, enterprise=app.enterprise, profile=profile)
            _check_terms(app)
        if not selectors.authorisation_active(app):
            raise ApplicationError(_("Authorise %(bank)s to see your quality profile and evidence before "
                                     "submitting.") % {"bank": app.bank.name}, {"authorise": [_("Required.")]},
                                   code="authorisation_required")
        missing = _unconfirmed_without_evidence(app, profile)
        if missing:
            raise ApplicationError(_("Attach evidence for the claims the library does not confirm: %(names)s.") % {
                "names": "、".join(missing)}, {"evidence": missing}, code="evidence_required")

    return application_transition(application=application, action=Action.SUBMIT, user=user, note=note, apply=apply)


def application_withdraw(*, application, user, note="") -> Application:
    # The bank's view of the profile and evidence ends with the application (the transition).
    return application_transition(application=application, action=Action.WITHDRAW, user=user, note=note)


def application_accept(*, application, user, note="") -> Application:
    return application_transition(application=application, action=Action.ACCEPT, user=user, note=note)


def application_return(*, application, user, note) -> Application:
    note = (note or "").strip()

    def apply(app):
        _require(note, _("Say what material the enterprise should add."), field="note", code="note_required")
        app.return_note = note

    return application_transition(application=application, action=Action.RETURN, user=user, note=note, apply=apply)


def _decimal(value, field):
    """A typed amount in yuan ("2,000,000", "200 万元") or a rate ("3.45", "3.45%"), as the
    forms accept them (jingzhidai.money)."""
    if isinstance(value, Decimal):
        result = value
    else:
        result = money.parse_amount(value) if field == "annual_rate" else money.parse_yuan(value)
    if result is None or not result.is_finite():
        raise ApplicationError(_("Enter a number."), {"fields": {field: [_("Enter a number.")]}}, code="invalid")
    return result


def application_propose(*, application, user, credit_line, annual_rate, term_months, guarantee_type,
                        notes="") -> Application:
    credit_line = _decimal(credit_line, "credit_line")
    annual_rate = _decimal(annual_rate, "annual_rate")

    def apply(app):
        product = app.product
        errors = {}
        if not (product.amount_min <= credit_line <= product.amount_max):
            errors["credit_line"] = [_("This product lends between %(min)s and %(max)s.") % {
                "min": money.money(product.amount_min), "max": money.money(product.amount_max)}]
        rate_range = bank_selectors.product_rate_range(product, bank_selectors.lpr_current())
        if not (Decimal(0) < annual_rate <= RATE_LIMIT):
            errors["annual_rate"] = [_("An annual rate is above 0 and at most %(max)s.") % {"max": money.rate(RATE_LIMIT)}]
        elif rate_range and not (rate_range[0] <= annual_rate <= rate_range[1]):
            errors["annual_rate"] = [_("This product's rate runs from %(min)s to %(max)s.") % {
                "min": money.rate(rate_range[0]), "max": money.rate(rate_range[1])}]
        try:
            months = int(term_months)
        except (TypeError, ValueError):
            months = None
        if months is None or not (product.term_min_months <= months <= product.term_max_months):
            errors["term_months"] = [_("This product's terms run from %(min)s to %(max)s months.") % {
                "min": product.term_min_months, "max": product.term_max_months}]
        if guarantee_type not in product.guarantee_types:
            errors["guarantee_type"] = [_("This product offers: %(types)s.") % {
                "types": "、".join(str(GuaranteeType(g).label) for g in product.guarantee_types)}]
        if errors:
            raise ApplicationError(" ".join(str(m) for v in errors.values() for m in v), {"fields": errors},
                                   code="invalid")
        if app.evidence.filter(review=EvidenceReview.PENDING).exists():
            raise ApplicationError(_("Mark every evidence item verified or rejected before proposing."),
                                   code="evidence_unchecked")
        if app.verification_requests.filter(status=VerificationStatus.OPEN).exists():
            raise ApplicationError(_("Wait for the regulator's answers to the open verification requests."),
                                   code="verification_open")
        app.proposed_by = user
        app.credit_line, app.annual_rate, app.decided_term_months = credit_line, annual_rate, months
        app.guarantee_type = guarantee_type
        app.proposal_notes = notes or ""
        app.decision_profile = selectors.profile_as_data(profile_get(enterprise=app.enterprise))

    # The proposal notes are the bank's internal reasoning: kept on the application for the bank,
    # not in the history or the notifications the enterprise reads.
    return application_transition(application=application, action=Action.PROPOSE, user=user, apply=apply)


def _maker_checker(app, user):
    if app.proposed_by_id == user.pk:
        raise TransitionNotAllowed(_("The approver must not be the officer who proposed the decision."),
                                   code="maker_checker")


def application_approve(*, application, user, note="") -> Application:
    def apply(app):
        _maker_checker(app, user)
        app.decided_by = user
        app.decision_reason = note or ""

    return application_transition(application=application, action=Action.APPROVE, user=user, note=note,
                                  apply=apply)


def application_reject(*, application, user, reason) -> Application:
    reason = (reason or "").strip()

    def apply(app):
        _maker_checker(app, user)
        _require(reason, _("Give the reason for the rejection; the enterprise will see it."), field="reason",
                 code="reason_required")
        app.decided_by = user
        app.decision_reason = reason

    return application_transition(application=application, action=Action.REJECT, user=user, note=reason,
                                  apply=apply)


def contract_signing_bounds(app):
    """The dates a contract of this approved application may be signed on: from the day of
    the approval to today plus CONTRACT_SIGNED_ON_MAX_DAYS_AHEAD (default 0: not in the future)."""
    ahead = getattr(settings, "CONTRACT_SIGNED_ON_MAX_DAYS_AHEAD", 0)
    approved = timezone.localdate(app.decided_at) if app.decided_at else None
    return approved, timezone.localdate() + timedelta(days=ahead)


def application_contract(*, application, user, number, signed_on=None, amount=None, annual_rate=None,
                         term_months=None, maturity_on=None, repayment_method=None) -> Application:
    """The loan contract, on the approved terms: the amount at most the approved credit line,
    the approved rate, the term at most the approved term (the bank may lend less, or for
    shorter, than it approved, never more, longer or dearer); signed no earlier than the
    approval and no later than `contract_signing_bounds`; maturity is the signing date plus
    the term (a maturity sent must be that date). Defaults: the approved terms, signed today."""
    number = (number or "").strip()

    def apply(app):
        errors = {}

        def refuse(field, message):
            errors.setdefault(field, []).append(str(message))

        def number_or_none(value, default, field, convert):
            if value in (None, ""):
                return default
            try:
                result = convert(value)
            except (ApplicationError, TypeError, ValueError, ArithmeticError):
                refuse(field, _("Enter a number."))
                return None
            return result

        if not number:
            refuse("number", _("Enter the contract number."))
        value = number_or_none(amount, app.credit_line, "amount", lambda v: _decimal(v, "amount"))
        rate = number_or_none(annual_rate, app.annual_rate, "annual_rate", lambda v: _decimal(v, "annual_rate"))
        months = number_or_none(term_months, app.decided_term_months, "term_months", int)
        signed = signed_on or timezone.localdate()
        if value is not None and not (0 < value <= app.credit_line):
            refuse("amount", _("The contract amount is above 0 and at most the approved credit line "
                               "(%(line)s).") % {"line": money.money(app.credit_line)})
        if rate is not None and rate != app.annual_rate:
            refuse("annual_rate", _("The contract rate is the approved rate, %(rate)s.") % {
                "rate": money.rate(app.annual_rate)})
        if months is not None and not (1 <= months <= app.decided_term_months):
            refuse("term_months", _("The contract term is 1 to %(max)s months: at most the approved term.") % {
                "max": app.decided_term_months})
            months = None
        earliest, latest = contract_signing_bounds(app)
        if earliest is not None and signed < earliest:
            refuse("signed_on", _("The signing date cannot be before the approval (%(date)s).") % {
                "date": earliest.isoformat()})
        elif signed > latest:
            refuse("signed_on", _("The signing date cannot be later than %(date)s.") % {"date": latest.isoformat()})
        maturity = add_months(signed, months) if months is not None and "signed_on" not in errors else None
        if maturity_on and maturity is not None and maturity_on != maturity:
            refuse("maturity_on", _("The maturity date follows from the signing date and the term: %(date)s.") % {
                "date": maturity.isoformat()})
        if errors:
            raise ApplicationError(" ".join(m for v in errors.values() for m in v), {"fields": errors},
                                   code="invalid")
        if Contract.objects.filter(bank_id=app.bank_id, number=number).exists():
            raise ApplicationError(_("The bank already has a contract with this number."),
                                   {"fields": {"number": [_("Already used.")]}}, code="duplicate")
        contract = Contract(application=app, bank_id=app.bank_id, number=number, signed_on=signed, amount=value,
                            annual_rate=rate, term_months=months, maturity_on=maturity, recorded_by=user,
                            repayment_method=repayment_method or RepaymentMethod.INTEREST_MONTHLY)
        # The application, bank and user are loaded; the number's uniqueness in the bank was
        # checked just above (the constraints stay in the database).
        full_clean_or_raise(contract, exclude=("application", "bank", "recorded_by"), validate_constraints=False)
        try:
            # No savepoint of its own: a duplicate number ends the whole step, whose
            # transaction (the transition's) is rolled back with the error raised here.
            with transaction.atomic(savepoint=False):
                contract.save()
        except IntegrityError:
            raise ApplicationError(_("The bank already has a contract with this number."), code="duplicate")

    return application_transition(application=application, action=Action.CONTRACT, user=user,
                                  note=_("Contract %(no)s") % {"no": number}, apply=apply)


def application_disburse(*, application, user, amount, date=None) -> Application:
    """One disbursement, dated between the contract's signing and today (and not after its
    maturity). The application row is locked by the transition, so the total of disbursements
    is summed under the lock: two at once cannot both exceed the contract."""
    value = _decimal(amount, "amount")

    def apply(app):
        contract = Contract.objects.get(application=app)
        day = date or timezone.localdate()
        already = selectors.disbursed_total(app)
        if value <= 0:
            raise ApplicationError(_("A disbursement is above 0."), {"fields": {"amount": [_("Above 0.")]}},
                                   code="invalid")
        if already + value > contract.amount:
            raise TransitionNotAllowed(
                _("This would disburse %(total)s in total, more than the contract amount of %(contract)s "
                  "(already disbursed: %(already)s).") % {
                    "total": money.money(already + value), "contract": money.money(contract.amount),
                    "already": money.money(already)},
                {"remaining": str(contract.amount - already)}, code="over_contract")
        last = min(timezone.localdate(), contract.maturity_on)
        if day < contract.signed_on or day > last:
            message = _("The disbursement date is between the signing date (%(signed)s) and %(last)s.") % {
                "signed": contract.signed_on.isoformat(), "last": last.isoformat()}
            raise ApplicationError(message, {"fields": {"date": [message]}}, code="invalid")
        Disbursement.objects.create(application=app, contract=contract, amount=value, date=day, recorded_by=user)

    return application_transition(application=application, action=Action.DISBURSE, user=user,
                                  note=_("%(amount)s on %(date)s") % {"amount": money.money(value),
                                                                           "date": date or timezone.localdate()},
                                  apply=apply)


ACTIONS = {
    Action.SUBMIT: application_submit,
    Action.WITHDRAW: application_withdraw,
    Action.ACCEPT: application_accept,
    Action.RETURN: application_return,
    Action.PROPOSE: application_propose,
    Action.APPROVE: application_approve,
    Action.REJECT: application_reject,
    Action.CONTRACT: application_contract,
    Action.DISBURSE: application_disburse,
}


# --- verification requests -----------------------------------------------------------------------

@transaction.atomic
def verification_request_create(*, application, user, element_code, question) -> VerificationRequest:
    """The officer asks the enterprise's competent regulator unit to confirm a claim the
    library does not confirm; due in VERIFICATION_DUE_WORKING_DAYS working days."""
    app = _lock(application)
    _require_bank_staff_of(app, user)
    if app.status != Status.UNDER_REVIEW:
        raise TransitionNotAllowed(_("Verification requests are sent while the application is under verification."))
    question = (question or "").strip()
    _require(question, _("Write the question for the regulator."), field="question", code="question_required")
    element_type = ElementType.objects.filter(code=(element_code or "").strip()).first()
    claim = Claim.objects.filter(application=app, element_type=element_type).first() if element_type else None
    if claim is None:
        raise ApplicationError(_("The enterprise does not claim this element in this application."),
                               {"element": [_("Not claimed in this application.")]}, code="not_claimed")
    if element_type.code in profile_get(enterprise=app.enterprise).held_codes():
        raise ApplicationError(_("The library already confirms this element; no request is needed."),
                               {"element": [_("Already confirmed by the library.")]}, code="already_confirmed")
    unit = app.enterprise.regulator_unit
    if unit is None:
        raise ApplicationError(_("The enterprise has no competent regulator unit on record."), code="no_unit")
    if VerificationRequest.objects.filter(claim=claim, status=VerificationStatus.OPEN).exists():
        raise ApplicationError(_("A request about this element is already awaiting an answer."), code="duplicate")
    request = VerificationRequest(application=app, claim=claim, element_type=element_type,
                                  enterprise_id=app.enterprise_id, regulator_unit=unit, question=question,
                                  asked_by=user, due_on=add_working_days(timezone.localdate(), due_working_days()))
    full_clean_or_raise(request, exclude=("answer_file",))
    request.save()
    notifications.notify_verification_asked(request, actor=user)
    return request


@transaction.atomic
def verification_request_answer(*, request, user, confirmed: bool, note="", uploaded=None, level="", issuer="",
                                certificate_no="", granted_on=None, expires_on=None) -> VerificationRequest:
    """The district regulator answers. A confirmed claim becomes a library record whose
    provenance is this regulator's confirmation (elements.services.distinction_record)."""
    req = VerificationRequest.objects.select_for_update().select_related(
        "application__bank", "element_type", "enterprise", "regulator_unit").get(pk=request.pk)
    if not selectors.verification_answerable_by(req, user):
        if not selectors.verification_answerer(req, user):
            raise ApplicationError(_("Only the regulator unit asked can answer."), code="not_allowed",
                                   status_code=403)
        raise TransitionNotAllowed(_("This request has already been answered."))
    note = (note or "").strip()
    if not confirmed and not note:
        raise ApplicationError(_("Say why the claim is not confirmed."), {"note": [_("Required.")]},
                               code="note_required")
    if uploaded is not None:
        checked = files.check_upload(uploaded)
        req.answer_file_name, req.answer_file_extension = checked.name, checked.extension
        req.answer_file_content_type, req.answer_file_sha256 = checked.content_type, checked.sha256
        req.answer_file.save("answer", uploaded, save=False)
    try:
        if confirmed:
            reason = _("Verification request #%(no)s from %(bank)s") % {"no": req.pk,
                                                                        "bank": req.application.bank.name}
            if note:
                reason = f"{reason}: {note}"
            req.distinction = element_services.distinction_record(
                enterprise=req.enterprise, element_type=req.element_type, user=user, reason=reason[:300],
                level=level, issuer=issuer, certificate_no=certificate_no, granted_on=granted_on,
                expires_on=expires_on, claim=True)
        req.status = VerificationStatus.CONFIRMED if confirmed else VerificationStatus.NOT_CONFIRMED
        req.answer_note = note
        req.answered_by = user
        req.answered_at = timezone.now()
        req.save()
    except Exception:
        if uploaded is not None and req.answer_file:
            req.answer_file.delete(save=False)  # the answer did not happen; neither does its file
        raise
    notifications.notify_verification_answered(req, actor=user)
    return req


# --- notifications --------------------------------------------------------------------------------

@transaction.atomic
def notification_email_send(*, notification_id) -> bool:
    """Send one notification's e-mail at most once even when two workers pick the task up (a
    retry, a duplicate delivery): the first locks the row until it has sent and marked it; the
    other skips the locked row and sends nothing. A failed send rolls back, so a retry sends.
    It is written in the recipient's language (identity.services.user_language)."""
    n = (Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related("recipient")
         .filter(pk=notification_id, emailed_at__isnull=True).first())
    if n is None or not n.recipient.email:
        return False
    subject, body = n.rendered(language=user_language(n.recipient))
    send_mail(subject, f"{body}\n\n{n.url}".strip(), None, [n.recipient.email])
    n.emailed_at = timezone.now()
    n.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, user, ids=None) -> int:
    qs = selectors.notifications_visible_to(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
