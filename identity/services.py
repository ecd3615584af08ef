"""Writes and rules of the identity app: eligibility (notice §二(一)), enterprise registry
upserts, enterprise sign-up."""

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhidai.errors import ApplicationError

from . import registry, uscc
from .choices import LegalForm, RegistrationStatus, Role
from .models import Enterprise, User
from .selectors import district_names, enterprise_get, regulator_units_by_code

NOT_ELIGIBLE_STATUSES = {
    RegistrationStatus.REVOKED: _("Its business licence has been revoked (吊销)."),
    RegistrationStatus.DEREGISTERED: _("It has been deregistered (注销)."),
    RegistrationStatus.MOVED_OUT: _("It has moved its registration out of Beijing (迁出)."),
    RegistrationStatus.CANCELLED: _("Its registration has been cancelled (撤销)."),
    RegistrationStatus.SUSPENDED: _("It has suspended its business (歇业)."),
    RegistrationStatus.LIQUIDATING: _("It is in liquidation (清算): it may only carry on what the liquidation needs."),
    RegistrationStatus.STOPPED: _("It has stopped its business (停业)."),
}
NOT_LEGAL_PERSON = {
    LegalForm.BRANCH: _("It is a branch (分公司), not an independent legal person: the head office applies."),
    LegalForm.SOLE_PROPRIETORSHIP: _("It is a sole proprietorship (个人独资企业), not an independent legal person."),
    LegalForm.PARTNERSHIP: _("It is a partnership (合伙企业), not an independent legal person."),
    LegalForm.NON_LEGAL_PERSON: _("Its enterprise type says it is not a legal person (非法人)."),
    LegalForm.INDIVIDUAL_BUSINESS: _("It is an individual business (个体工商户), not an enterprise."),
    LegalForm.COOPERATIVE: _("It is a farmers' cooperative (农民专业合作社), not an enterprise."),
    LegalForm.OTHER: _("Its enterprise type does not show an independent legal person."),
}


@dataclass
class Eligibility:
    uscc: str
    valid: bool
    errors: list = field(default_factory=list)
    beijing: bool = False
    district: object = None
    regulator_unit: object = None
    in_registry: bool = False
    eligible: bool = False
    reasons: list = field(default_factory=list)
    note: str = ""
    enterprise: Enterprise | None = None
    quality_credit: dict | None = None  # filled by an extension (elements), see below


# Apps above identity add facts to the public self-check without identity importing them: a
# callable (Eligibility) -> None registered here (from its AppConfig.ready) may fill fields.
CHECK_EXTENSIONS: list = []


def register_check_extension(func):
    if func not in CHECK_EXTENSIONS:
        CHECK_EXTENSIONS.append(func)
    return func


def enterprise_check(code: str = "", *, enterprise: Enterprise | None = None) -> Eligibility:
    """The public self-check (notice §二(一)): code rules, then the registry, which decides.
    Registered in Beijing comes from the registration authority and address (a code keeps its
    division digits when an enterprise moves in), legal-person status from the enterprise type;
    a code the registry does not list is not confirmed, whatever its digits say (branches,
    partnerships and sole proprietorships carry 91… codes too).
    Pass `enterprise` when its registry record is loaded already (pages of an enterprise): it
    is then not read again. Extensions receive the `Eligibility`, whose `enterprise` is that
    record (or the one read here, or None)."""
    if enterprise is not None:
        code = enterprise.uscc
    result = uscc.check(code, require_beijing=False)
    out = Eligibility(uscc=result.code, valid=result.valid, errors=result.messages)
    if not result.valid:
        out.reasons.append(_("The code is not a valid unified social credit code."))
        return out
    ent = enterprise if enterprise is not None else enterprise_get(result.code)
    out.enterprise = ent
    out.in_registry = ent is not None
    reasons = out.reasons
    if result.code[0] != uscc.MARKET_REGULATION:
        reasons.append(_("The code was not issued by market regulation to an enterprise (1st character %(c)s).")
                       % {"c": result.code[0]})
    elif result.code[1] == uscc.KIND_INDIVIDUAL_BUSINESS:
        reasons.append(NOT_LEGAL_PERSON[LegalForm.INDIVIDUAL_BUSINESS])
    elif result.code[1] == uscc.KIND_FARMERS_COOPERATIVE:
        reasons.append(NOT_LEGAL_PERSON[LegalForm.COOPERATIVE])
    if ent is None:
        # The division digits are only a hint here, and a code alone cannot show legal-person status.
        out.beijing = result.code[2:4] == "11"
        if not out.beijing:
            reasons.append(_("The division digits of the code (%(division)s) are not Beijing's: unless it has "
                             "moved its registration to Beijing, it is not registered in Beijing.")
                           % {"division": result.code[2:8]})
        reasons.append(_("The enterprise registry does not list this code yet, so the portal cannot confirm that "
                         "it is registered in Beijing and is an independent legal person. Ask your district "
                         "market regulation bureau (or 北京市市场监督管理局) to check its registration."))
        out.note = str(_("This code is not in the enterprise registry: only the code itself was checked."))
    else:
        out.district = ent.district
        out.regulator_unit = ent.regulator_unit
        beijing = registry.beijing_of(authority=ent.registration_authority, address=ent.address,
                                      districts=district_names())
        out.beijing = bool(beijing)
        if beijing is None:
            reasons.append(_("Its registration data do not place it in Beijing."))
        elif not beijing:
            reasons.append(_("It is not registered in Beijing (registration authority: %(authority)s).")
                           % {"authority": ent.registration_authority or ent.address})
        if ent.legal_form != LegalForm.LEGAL_PERSON:
            message = NOT_LEGAL_PERSON[ent.legal_form]
            if message not in reasons:
                reasons.append(message)
        if ent.status in NOT_ELIGIBLE_STATUSES:
            reasons.append(NOT_ELIGIBLE_STATUSES[ent.status])
    out.reasons = [str(r) for r in reasons]
    out.eligible = not out.reasons
    for extension in CHECK_EXTENSIONS:
        extension(out)
    return out


def enterprise_placement(*, authority: str, address: str, code: str):
    """District code and regulator-unit code from registration data."""
    division = code[2:8]
    district = registry.district_code_of(
        authority=authority, address=address, division=division, districts=district_names()
    )
    unit = registry.regulator_unit_code_of(authority=authority, division=division, district_code=district)
    return district, unit


@transaction.atomic
def enterprise_upsert(*, uscc_code: str, name: str, enterprise_type: str = "", legal_representative: str = "",
                      registered_capital=None, established_on=None, registration_authority: str = "",
                      address: str = "", status_text: str = "", industry: str = "") -> Enterprise:
    """Create or update one enterprise from registration data (the sync does the same in bulk)."""
    result = uscc.check(uscc_code, require_beijing=False)
    if not result.valid:
        raise ApplicationError(" ".join(result.messages), {"fields": {"uscc": result.messages}}, code="invalid_uscc")
    district, unit_code = enterprise_placement(authority=registration_authority, address=address, code=result.code)
    units = regulator_units_by_code()
    unit = units.get(unit_code) if unit_code else None
    status = registry.status_of(status_text)
    if status is None and (status_text or "").strip():
        # Never stored as 存续: the sync rejects the row the same way.
        message = _("Unknown registration status: %(text)s") % {"text": status_text}
        raise ApplicationError(message, {"fields": {"status_text": [str(message)]}}, code="unknown_status")
    values = dict(
        name=name.strip(),
        enterprise_type=enterprise_type,
        legal_form=registry.legal_form_of(enterprise_type),
        legal_representative=legal_representative,
        registered_capital=registered_capital,
        established_on=established_on,
        registration_authority=registration_authority,
        address=address,
        status=status or RegistrationStatus.EXISTING,
        industry=industry,
        district_id=district,
        regulator_unit=unit,
    )
    ent, _created = Enterprise.objects.update_or_create(uscc=result.code, defaults=values)
    return ent


def account_username_check(username: str) -> None:
    """Refuse a username that is taken, whatever its case (sign-in ignores case too). Every
    service that opens an account calls this."""
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("This username is taken."), {"fields": {"username": [str(_("This username is taken."))]}},
                               code="username_taken")


def account_password_check(password: str, user: User) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), refused as one
    ApplicationError naming the password field."""
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ApplicationError(" ".join(e.messages), {"fields": {"password": e.messages}}, code="weak_password")


@transaction.atomic
def enterprise_user_signup(*, uscc_code: str, enterprise_name: str, username: str, password: str,
                           email: str = "", phone: str = "", full_name: str = "") -> User:
    """A person opens an account for an enterprise of the registry. The code and the registered
    name must both match, so an account cannot be bound to someone else's code by accident."""
    # The registry decides (an enterprise that moved to Beijing keeps a code from elsewhere).
    result = uscc.check(uscc_code, require_beijing=False)
    if not result.valid:
        raise ApplicationError(" ".join(result.messages), {"fields": {"uscc": result.messages}}, code="invalid_uscc")
    ent = enterprise_get(result.code)
    if ent is None:
        raise ApplicationError(
            _("This code is not in the enterprise registry yet. Please contact your district market "
              "regulation bureau."),
            code="not_in_registry",
        )
    if ent.name.strip() != (enterprise_name or "").strip():
        raise ApplicationError(_("The enterprise name does not match the registered name for this code."),
                               {"fields": {"enterprise_name": [str(_("Name does not match the registry."))]}},
                               code="name_mismatch")
    account_username_check(username)
    user = User(username=username, email=email, phone=phone, first_name=full_name, role=Role.ENTERPRISE,
                enterprise=ent, is_active=False)
    account_password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def _pending_account(*, account_id, by) -> User:
    from .selectors import may_confirm_accounts, users_visible_to

    if not may_confirm_accounts(by):
        raise ApplicationError(_("Only the enterprise's regulator confirms its accounts."), code="not_allowed",
                               status_code=403)
    account = users_visible_to(by).select_for_update(of=("self",)).filter(pk=account_id).first()
    if account is None:
        raise ApplicationError(_("Not found."), code="not_found", status_code=404)
    if not account.awaiting_confirmation:
        raise ApplicationError(_("This account is not awaiting confirmation."), code="not_pending",
                               status_code=409)
    return account


@transaction.atomic
def enterprise_account_confirm(*, account_id: int, by: User) -> User:
    """The district bureau (or the municipal bureau) confirms that a self-service account
    really speaks for the enterprise; only then can it sign in."""
    account = _pending_account(account_id=account_id, by=by)
    account.is_active = True
    account.confirmed_at = timezone.now()
    account.confirmed_by = by
    account.save(update_fields=["is_active", "confirmed_at", "confirmed_by"])
    return account


@transaction.atomic
def enterprise_account_refuse(*, account_id: int, by: User) -> None:
    """A sign-up the bureau does not recognise is deleted: it never signed in or did anything."""
    _pending_account(account_id=account_id, by=by).delete()
