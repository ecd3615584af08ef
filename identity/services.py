"""Writes and rules of the identity app: eligibility (notice §二(一)), enterprise registry
upserts, enterprise sign-up, passwords and API tokens."""

import hashlib
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingzhidai.errors import ApplicationError

from . import registry, uscc
from .choices import LegalForm, RegistrationStatus, Role, SecurityEventKind
from .models import ApiToken, Enterprise, SecurityEvent, User
from .selectors import actor_name, district_names, enterprise_get, regulator_units_by_code

logger = logging.getLogger(__name__)

NOT_ELIGIBLE_STATUSES = {
    RegistrationStatus.REVOKED: _("Its business licence has been revoked (吊销)."),
    RegistrationStatus.DEREGISTERED: _("It has been deregistered (注销)."),
    RegistrationStatus.MOVED_OUT: _("It has moved its registration out of Beijing (迁出)."),
    RegistrationStatus.CANCELLED: _("Its registration has been cancelled (撤销)."),
    RegistrationStatus.SUSPENDED: _("It has suspended its business (歇业)."),
    RegistrationStatus.LIQUIDATING: _("It is in liquidation (清算): it may only carry on what the liquidation needs."),
    RegistrationStatus.STOPPED: _("It has stopped its business (停业)."),
}


def registration_ended(status: str) -> bool:
    """Whether a registration status takes an enterprise out of the programme (revoked,
    deregistered, moved out…): what `enterprise_check` says, for those who hold an enterprise
    read earlier (the recommended list's monthly build)."""
    return status in NOT_ELIGIBLE_STATUSES


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


def enterprise_check(code: str = "", *, enterprise: Enterprise | None = None, extensions: bool = True) -> Eligibility:
    """The public self-check (notice §二(一)): code rules, then the registry, which decides.
    Registered in Beijing comes from the registration authority and address (a code keeps its
    division digits when an enterprise moves in), legal-person status from the enterprise type;
    a code the registry does not list is not confirmed, whatever its digits say (branches,
    partnerships and sole proprietorships carry 91… codes too).
    Pass `enterprise` when its registry record is loaded already (pages of an enterprise): it
    is then not read again. Extensions receive the `Eligibility`, whose `enterprise` is that
    record (or the one read here, or None). `extensions=False`: eligibility only (a workflow
    step that builds the quality profile itself need not have an extension build another)."""
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
        if registration_ended(ent.status):
            reasons.append(NOT_ELIGIBLE_STATUSES[ent.status])
    out.reasons = [str(r) for r in reasons]
    out.eligible = not out.reasons
    for extension in CHECK_EXTENSIONS if extensions else ():
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
    """Refuse a username that is taken, whatever its case (usernames are unique
    case-insensitively; sign-in ignores case). Services that open accounts for someone else
    call this (the public sign-up does not: it must not tell who exists)."""
    if User.objects.filter(username__iexact=username).exists():
        _username_taken()


def _username_taken():
    message = _("This username is taken.")
    raise ApplicationError(message, {"fields": {"username": [str(message)]}}, code="username_taken")


def account_save_new(user: User) -> User:
    """Insert a new account; a name taken meanwhile (two requests at once, the case-insensitive
    unique constraint) is refused like one taken before, not a server error."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if User.objects.filter(username__iexact=user.username).exists():
            _username_taken()
        raise
    return user


def account_password_check(password: str, user: User) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), refused as one
    ApplicationError naming the password field."""
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ApplicationError(" ".join(e.messages), {"fields": {"password": e.messages}}, code="weak_password")


def user_language(user) -> str:
    """The language a person's e-mails are written in: the one they last chose, else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user is not None and user.language in codes else settings.LANGUAGE_CODE


def user_language_set(*, user, language: str) -> None:
    """Remember the language a signed-in person chose (the language menu), for their e-mails."""
    if user is None or not user.is_authenticated or language not in {c for c, _n in settings.LANGUAGES}:
        return
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def _tell_signup(*, email: str, username: str, enterprise_name: str, created: bool, language: str) -> None:
    """The answer to a sign-up goes to the e-mail address given: only its owner learns whether
    the username could be used. It is written in the language the sign-up page was read in."""
    with translation.override(language):
        if created:
            subject = gettext("Your sign-up was received")
            body = gettext("The account %(username)s for %(enterprise)s was opened. It can sign in once your "
                           "district market regulation bureau has confirmed it.")
        else:
            subject = gettext("Your sign-up could not be completed")
            body = gettext("Someone, probably you, asked for the account name %(username)s for %(enterprise)s. "
                           "That name cannot be used: please sign up again with another username. If it was "
                           "not you, you can ignore this message.")
        body %= {"username": username, "enterprise": enterprise_name}
    try:
        send_mail(subject, body, None, [email])
    except Exception:
        logger.exception("could not send the sign-up answer")


@transaction.atomic
def enterprise_user_signup(*, uscc_code: str, enterprise_name: str, username: str, password: str,
                           email: str = "", phone: str = "", full_name: str = "") -> User | None:
    """A person opens an account for an enterprise of the registry. The code and the registered
    name must both match, so an account cannot be bound to someone else's code by accident.

    Whether the username is free is not said here (anyone can sign up, so the answer would tell
    who has an account): a taken name creates nothing and returns None, and the e-mail address
    given is told, exactly as a created account is told (after commit)."""
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
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in {c for c, _n in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    user = User(username=username, email=email, phone=phone, first_name=full_name, role=Role.ENTERPRISE,
                enterprise=ent, is_active=False, language=language)
    account_password_check(password, user)
    user.set_password(password)
    # Uniqueness is the database's word (below), so that a taken name answers like a free one.
    user.full_clean(validate_unique=False, validate_constraints=False)
    created = not User.objects.filter(username__iexact=username).exists()
    if created:
        try:
            account_save_new(user)
        except ApplicationError:
            created = False
    tell = dict(email=email, username=username, enterprise_name=ent.name, created=created, language=language)
    transaction.on_commit(lambda: _tell_signup(**tell))
    return user if created else None


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


# --- API tokens: only a hash is stored; the key is shown once ---------------------------------

API_TOKEN_PREFIX_LENGTH = 8


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """A new API token for a user who signed in with username and password; an older one is
    revoked. Returns the key, which is not stored and cannot be shown again."""
    if user.must_change_password:
        raise ApplicationError(
            _("Your password was set by an administrator: sign in on the web and choose a new one first."),
            code="password_change_required", status_code=403)
    api_tokens_revoke(user=user)
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=api_token_hash(key), prefix=key[:API_TOKEN_PREFIX_LENGTH])
    return key


def api_tokens_revoke(*, user: User) -> int:
    """Revoke every API token of the user (sign-out, deactivation, password change)."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


# --- Passwords ----------------------------------------------------------------------------

def _security_event(*, user, kind, actor=None, address=None) -> SecurityEvent:
    return SecurityEvent.objects.create(user=user, kind=kind, actor=actor, actor_name=actor_name(actor),
                                        address=address or None)


def _tell_password_set(user_id: int, by_name: str) -> None:
    """E-mail the owner that an administrator set their password (after commit)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    with translation.override(user_language(user)):
        subject = gettext("Your password was set by an administrator")
        body = gettext(
            "%(by)s set a new password for your account %(username)s on %(at)s. You will have to choose "
            "your own password at your next sign-in. If you did not ask for this, tell your "
            "organisation's security contact."
        ) % {"by": by_name, "username": user.username,
             "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # a mail relay that is down must not undo the reset: it is logged
        logger.exception("could not tell user %s about the password reset", user_id)


@transaction.atomic
def account_password_set_recorded(*, actor: User, account: User, address: str | None = None) -> User:
    """After an administrator set another person's password (the caller checked that the actor
    manages the account): the owner must change it at the next sign-in, its API tokens are
    revoked, the reset is logged (who, whom, when, from where) and the owner is told by e-mail."""
    if actor.pk == account.pk:
        return account
    User.objects.filter(pk=account.pk).update(must_change_password=True)
    account.must_change_password = True
    api_tokens_revoke(user=account)
    _security_event(user=account, kind=SecurityEventKind.PASSWORD_SET_BY_ADMIN, actor=actor, address=address)
    account_id, by_name = account.pk, actor_name(actor)
    transaction.on_commit(lambda: _tell_password_set(account_id, by_name))
    return account


@transaction.atomic
def account_password_set_by_admin(*, actor: User, account: User, password: str,
                                  address: str | None = None) -> User:
    """An administrator sets another person's password (bank staff reset; the caller checked
    that the actor manages the account)."""
    account_password_check(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    return account_password_set_recorded(actor=actor, account=account, address=address)


@transaction.atomic
def account_password_change(*, user: User, old_password: str, new_password: str,
                            address: str | None = None) -> User:
    """A person changes their own password (also what an administrator-set password demands).
    Their API tokens are revoked; the change is logged."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        message = _("The current password is wrong.")
        raise ApplicationError(message, {"fields": {"old_password": [str(message)]}}, code="wrong_password")
    if old_password == new_password:
        message = _("The new password must differ from the current one.")
        raise ApplicationError(message, {"fields": {"new_password": [str(message)]}}, code="same_password")
    try:
        account_password_check(new_password, user)
    except ApplicationError as e:
        e.extra = {"fields": {"new_password": e.extra["fields"]["password"]}}
        raise
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    api_tokens_revoke(user=user)
    _security_event(user=user, kind=SecurityEventKind.PASSWORD_CHANGED, actor=user, address=address)
    return user
