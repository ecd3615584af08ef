"""Writes of the partner list: admission and status decisions on banks, branches, products
and bank staff. Every status change goes through one transition function with an explicit map
of allowed moves, locks the row, and writes a history row in the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identity.choices import Role
from identity.models import User
from identity.selectors import actor_name
from identity.services import (
    account_password_check,
    account_password_set_by_admin,
    account_password_set_recorded,
    account_save_new,
    account_username_check,
    api_tokens_revoke,
)
from jingzhidai.errors import ApplicationError, TransitionNotAllowed, full_clean_or_raise

from . import conditions as cond
from . import selectors
from .choices import BankAction, BankStatus, ProductAction, ProductStatus, StaffAction
from .models import Bank, BankStatusChange, Branch, LoanPrimeRate, Product, ProductStatusChange, StaffEvent

# action -> (statuses it may start from, status it leads to). "" is "not on the list yet".
BANK_TRANSITIONS = {
    BankAction.ADMIT: ({"", BankStatus.REMOVED}, BankStatus.ADMITTED),
    BankAction.SUSPEND: ({BankStatus.ADMITTED}, BankStatus.SUSPENDED),
    BankAction.REINSTATE: ({BankStatus.SUSPENDED}, BankStatus.ADMITTED),
    BankAction.REMOVE: ({BankStatus.ADMITTED, BankStatus.SUSPENDED}, BankStatus.REMOVED),
}
PRODUCT_TRANSITIONS = {
    ProductAction.PUBLISH: ({""}, ProductStatus.ACTIVE),
    ProductAction.WITHDRAW: ({ProductStatus.ACTIVE}, ProductStatus.WITHDRAWN),
    ProductAction.REPUBLISH: ({ProductStatus.WITHDRAWN}, ProductStatus.ACTIVE),
}



def bank_actions_allowed(status) -> list[str]:
    """The decisions on the partner list that a bank in `status` allows (the decision select)."""
    return [a for a, (sources, _target) in BANK_TRANSITIONS.items() if status in sources]


def product_actions_allowed(status) -> list[str]:
    return [a for a, (sources, _target) in PRODUCT_TRANSITIONS.items()
            if a != ProductAction.PUBLISH and status in sources]


BANK_FIELDS = ("name", "name_en", "kind", "kind_id", "credit_code", "head_office", "beijing_office",
               "beijing_address", "contact_name", "contact_phone", "contact_email", "admitted_on", "note")
BRANCH_FIELDS = ("name", "district", "district_id", "address", "phone", "is_active")
PRODUCT_FIELDS = ("name", "name_en", "description", "amount_min", "amount_max", "term_min_months",
                  "term_max_months", "rate_kind", "rate_min", "rate_max", "spread_min_bp", "spread_max_bp",
                  "guarantee_types", "conditions")


def _forbidden():
    return ApplicationError(_("You may not do this."), code="forbidden", status_code=403)


def _require(actor, queryset, obj):
    """Refuse unless `obj` is inside the actor's door (the views looked it up there already;
    this keeps a careless caller from writing outside its scope)."""
    if not queryset.filter(pk=obj.pk).exists():
        raise _forbidden()


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give a reason."), _fields(reason=[_("This field is required.")]),
                               code="reason_required")
    return reason


def _fields(**errors):
    """`ApplicationError.extra` naming the refused fields, in the shape of every app and of the
    API's serializer refusals: {"fields": {field: [messages]}}."""
    return {"fields": errors}


def _set_fields(obj, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ApplicationError(_("These fields cannot be set here: %(f)s.") % {"f": ", ".join(sorted(unknown))},
                               code="invalid")
    for key, value in fields.items():
        setattr(obj, key, value)


# Banks -------------------------------------------------------------------------------------


@transaction.atomic
def bank_admit(*, actor, name: str, kind, note: str, admitted_on: date | None = None, **fields) -> Bank:
    """Admit a new bank to the partner list. The admission note is the decision's reason."""
    if actor.role not in selectors.LIST_MANAGERS:
        raise _forbidden()
    note = _reason(note)
    bank = Bank(name=(name or "").strip(), status=BankStatus.ADMITTED, note=note,
                admitted_on=admitted_on or timezone.localdate())
    if isinstance(kind, str):
        bank.kind_id = kind
    else:
        bank.kind = kind
    _set_fields(bank, fields, BANK_FIELDS)
    full_clean_or_raise(bank)
    bank._history_user = actor
    bank.save()
    BankStatusChange.objects.create(bank=bank, action=BankAction.ADMIT, from_status="", to_status=bank.status,
                                    reason=note, actor=actor, actor_name=actor_name(actor))
    return bank


@transaction.atomic
def bank_update(*, actor, bank: Bank, **fields) -> Bank:
    """Edit a bank's details (never its status: that is `bank_transition`)."""
    _require(actor, selectors.banks_manageable_by(actor), bank)
    bank = Bank.objects.select_for_update().get(pk=bank.pk)
    _set_fields(bank, fields, BANK_FIELDS)
    full_clean_or_raise(bank)
    bank._history_user = actor
    bank.save()
    return bank


@transaction.atomic
def bank_transition(*, actor, bank: Bank, action: str, reason: str) -> Bank:
    """Admit again, suspend, reinstate or remove a bank, with a reason; refused moves raise
    TransitionNotAllowed and change nothing."""
    _require(actor, selectors.banks_manageable_by(actor), bank)
    if action not in BANK_TRANSITIONS:
        raise ApplicationError(_("Unknown action: %(a)s.") % {"a": action}, code="invalid")
    reason = _reason(reason)
    bank = Bank.objects.select_for_update().get(pk=bank.pk)
    sources, target = BANK_TRANSITIONS[action]
    if bank.status not in sources:
        raise TransitionNotAllowed(
            _("A bank that is %(status)s cannot be %(action)s.") % {
                "status": bank.get_status_display(), "action": BankAction(action).label},
            {"status": bank.status, "action": action})
    previous = bank.status
    bank.status = target
    if action == BankAction.ADMIT:
        bank.admitted_on = timezone.localdate()
    bank._history_user = actor
    bank.save()
    BankStatusChange.objects.create(bank=bank, action=action, from_status=previous, to_status=target,
                                    reason=reason, actor=actor, actor_name=actor_name(actor))
    return bank


# Branches ----------------------------------------------------------------------------------


@transaction.atomic
def branch_create(*, actor, bank: Bank, name: str, district, **fields) -> Branch:
    _require(actor, selectors.banks_with_branches_manageable_by(actor), bank)
    branch = Branch(bank=bank, name=(name or "").strip())
    if isinstance(district, str):
        branch.district_id = district
    else:
        branch.district = district
    _set_fields(branch, fields, BRANCH_FIELDS)
    full_clean_or_raise(branch)
    branch.save()
    return branch


@transaction.atomic
def branch_update(*, actor, branch: Branch, **fields) -> Branch:
    _require(actor, selectors.banks_with_branches_manageable_by(actor), branch.bank)
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    _set_fields(branch, fields, BRANCH_FIELDS)
    full_clean_or_raise(branch)
    branch.save()
    return branch


# Products ----------------------------------------------------------------------------------


def _clean_conditions(product, data, allow_retired=frozenset()):
    try:
        product.conditions = cond.conditions_clean(data, catalog=cond.catalog_load(), allow_retired=allow_retired)
    except ValidationError as e:
        raise ApplicationError(" ".join(e.messages), _fields(conditions=e.messages), code="invalid_conditions")


@transaction.atomic
def product_create(*, actor, bank: Bank, reason: str = "", **fields) -> Product:
    """Publish a new product of a bank (active at once; withdraw it to take it off)."""
    _require(actor, selectors.banks_with_products_manageable_by(actor), bank)
    # Lock the bank so a removal cannot slip between this check and the new product.
    bank = Bank.objects.select_for_update().get(pk=bank.pk)
    if bank.status == BankStatus.REMOVED:
        raise TransitionNotAllowed(_("A bank removed from the partner list cannot publish products."))
    product = Product(bank=bank, status=ProductStatus.ACTIVE)
    data = dict(fields)
    conditions = data.pop("conditions", {})
    _set_fields(product, data, PRODUCT_FIELDS)
    _clean_conditions(product, conditions)
    full_clean_or_raise(product)
    product._history_user = actor
    product.save()
    ProductStatusChange.objects.create(product=product, action=ProductAction.PUBLISH, from_status="",
                                       to_status=ProductStatus.ACTIVE,
                                       reason=(reason or "").strip() or _("Published."),
                                       actor=actor, actor_name=actor_name(actor))
    return product


@transaction.atomic
def product_update(*, actor, product: Product, reason: str = "", **fields) -> Product:
    """Edit a product's terms; every edit is kept in the product's history (who, when, why)."""
    _require(actor, selectors.products_manageable_by(actor), product)
    product = Product.objects.select_for_update().get(pk=product.pk)
    data = dict(fields)
    if "conditions" in data:
        _clean_conditions(product, data.pop("conditions"), allow_retired=cond.element_codes(product.conditions))
    _set_fields(product, data, PRODUCT_FIELDS)
    full_clean_or_raise(product)
    product._history_user = actor
    product._change_reason = (reason or "").strip()[:100] or None
    product.save()
    return product


@transaction.atomic
def product_transition(*, actor, product: Product, action: str, reason: str) -> Product:
    _require(actor, selectors.products_manageable_by(actor), product)
    if action not in PRODUCT_TRANSITIONS or action == ProductAction.PUBLISH:
        raise ApplicationError(_("Unknown action: %(a)s.") % {"a": action}, code="invalid")
    reason = _reason(reason)
    product = Product.objects.select_for_update().get(pk=product.pk)
    sources, target = PRODUCT_TRANSITIONS[action]
    if product.status not in sources:
        raise TransitionNotAllowed(
            _("A product that is %(status)s cannot be %(action)s.") % {
                "status": product.get_status_display(), "action": ProductAction(action).label},
            {"status": product.status, "action": action})
    if action == ProductAction.REPUBLISH and product.bank.status == BankStatus.REMOVED:
        raise TransitionNotAllowed(_("A bank removed from the partner list cannot publish products."))
    previous = product.status
    product.status = target
    product._history_user = actor
    product._change_reason = reason[:100]
    product.save()
    ProductStatusChange.objects.create(product=product, action=action, from_status=previous, to_status=target,
                                       reason=reason, actor=actor, actor_name=actor_name(actor))
    return product


# Loan prime rate ---------------------------------------------------------------------------


@transaction.atomic
def lpr_record(*, actor, effective_on: date, one_year, five_year=None) -> LoanPrimeRate:
    """Record a new LPR announcement (platform admins)."""
    if actor.role != Role.PLATFORM_ADMIN:
        raise _forbidden()
    lpr, _created = LoanPrimeRate.objects.get_or_create(effective_on=effective_on, defaults={"one_year": one_year})
    lpr.one_year, lpr.five_year = one_year, five_year
    full_clean_or_raise(lpr)
    lpr.save()
    return lpr


# Bank staff --------------------------------------------------------------------------------


def _staff_event(*, actor, account, action):
    StaffEvent.objects.create(bank_id=account.bank_id, user=account, action=action, actor=actor,
                              actor_name=actor_name(actor))


def _open_branch_for_staff(bank, branch) -> Branch:
    """The branch a new account is attached to: a branch of its bank that is open now (read
    and locked fresh, so a branch closed meanwhile is refused)."""
    if branch.bank_id != bank.pk:
        raise ApplicationError(_("This branch is not a branch of the bank."), _fields(branch=[_("Not allowed.")]),
                               code="invalid_branch")
    fresh = selectors.branches_open().select_for_update().filter(pk=branch.pk).first()
    if fresh is None:
        raise ApplicationError(_("This branch is not an open branch of the chosen bank."),
                               _fields(branch=[_("Not allowed.")]), code="invalid_branch")
    return fresh


@transaction.atomic
def staff_create(*, actor, bank: Bank, username: str, password: str, role: str, first_name: str = "",
                 email: str = "", phone: str = "", branch: Branch | None = None,
                 address: str | None = None) -> User:
    """A bank administrator opens officer and approver accounts for its own bank; a platform
    admin may also open bank administrator accounts (the first one of a newly admitted bank).
    The initial password is the administrator's: the new user must change it at first sign-in."""
    _require(actor, selectors.banks_with_products_manageable_by(actor), bank)
    if role not in selectors.staff_roles_assignable_by(actor):
        raise ApplicationError(_("You cannot open an account with this role."), _fields(role=[_("Not allowed.")]),
                               code="role_not_allowed", status_code=403)
    if branch is not None:
        branch = _open_branch_for_staff(bank, branch)
    username = (username or "").strip()
    account_username_check(username)
    user = User(username=username, first_name=first_name, email=email, phone=phone, role=role, bank=bank,
                bank_branch=branch)
    account_password_check(password, user)
    user.set_password(password)
    try:
        full_clean_or_raise(user, exclude=["password"])
    except ApplicationError:
        account_username_check(username)  # taken meanwhile: the usual answer, not the constraint's
        raise
    account_save_new(user)
    account_password_set_recorded(actor=actor, account=user, address=address)
    _staff_event(actor=actor, account=user, action=StaffAction.CREATE)
    return user


def _managed_account(actor, account):
    if account.pk == actor.pk:
        raise ApplicationError(_("You cannot change your own account here."), code="own_account", status_code=403)
    _require(actor, selectors.staff_manageable_by(actor), account)
    return User.objects.select_for_update().get(pk=account.pk)


@transaction.atomic
def staff_set_active(*, actor, account: User, active: bool) -> User:
    """Deactivate (or reactivate) a bank account. A deactivated account cannot sign in and its
    API tokens are revoked; its past work stays attributed to it."""
    account = _managed_account(actor, account)
    if account.is_active == active:
        raise TransitionNotAllowed(_("The account is already active.") if active
                                   else _("The account is already deactivated."))
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        api_tokens_revoke(user=account)
    _staff_event(actor=actor, account=account,
                 action=StaffAction.REACTIVATE if active else StaffAction.DEACTIVATE)
    return account


@transaction.atomic
def staff_reset_password(*, actor, account: User, password: str, address: str | None = None) -> User:
    """A bank (or platform) administrator sets a staff member's password: the staff member must
    change it at the next sign-in, is told by e-mail, and the reset is logged (identity)."""
    account = _managed_account(actor, account)
    account_password_set_by_admin(actor=actor, account=account, password=password, address=address)
    _staff_event(actor=actor, account=account, action=StaffAction.RESET_PASSWORD)
    return account
