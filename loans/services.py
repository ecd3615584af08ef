"""Writes of post-loan management (贷后管理). Every status change goes through
`loan_transition` (or, for the nightly job, the same checks over many locked rows): it locks
the loan, refuses what the map in `workflow.py` does not allow (TransitionNotAllowed, 409)
without changing anything, writes a history row and notifies (in-app now, e-mail after
commit) through applications' notification mechanism."""

import functools
import io
from datetime import date as date_type
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Min, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import notifications
from applications.choices import AuthorisationEnd, Purpose, RepaymentMethod
from applications.dates import add_working_days
from applications.files import check_upload
from applications.models import Application, Claim, Contract, Disbursement
from applications.services import authorisations_end
from applications.workflow import WAITING
from elements.models import ChangeEvent
from elements.selectors import change_events_after
from identity.choices import BANK_ROLES, Role
from identity.models import Enterprise
from identity.selectors import actor_name
from jingzhidai import money
from jingzhidai.dates import add_months
from jingzhidai.errors import ApplicationError, TransitionNotAllowed, full_clean_or_raise

from . import alerts, schedules, selectors
from .choices import (
    AlertAction,
    Audience,
    Classification,
    FundUseStatus,
    LoanAction,
    LoanStatus,
    RepaymentSource,
)
from .models import AlertScan, FundUseReport, Instalment, Loan, LoanHistory, Repayment, RiskAlert
from .workflow import CLOSED, OPEN, SERVICING, TRANSITIONS

DESK = (Role.BANK_OFFICER, Role.BANK_APPROVER)


def _fields_error(errors: dict, code="invalid"):
    if errors:
        raise ApplicationError(" ".join(str(m) for v in errors.values() for m in v), {"fields": errors}, code=code)


def _money(value, field, errors) -> Decimal | None:
    # As people type it ("12,000.50", "1.2 万元"); the forms say so (jingzhidai.money).
    result = value if isinstance(value, Decimal) else money.parse_yuan(value if value not in (None, "") else "0")
    if result is None:
        errors[field] = [_("Enter an amount in yuan.")]
        return None
    if not result.is_finite() or result < 0 or result != result.quantize(schedules.CENT):
        errors[field] = [_("Enter an amount in yuan, not negative, to the cent.")]
        return None
    return result


def _day(value, field, errors, default=None) -> date_type | None:
    if value in (None, ""):
        return default
    if isinstance(value, date_type):
        return value
    parsed = parse_date(str(value)) if isinstance(value, str) else None
    if parsed is None:
        errors[field] = [_("Enter a date (YYYY-MM-DD).")]
    return parsed


def _lock(loan) -> Loan:
    return Loan.objects.select_for_update(of=("self",)).select_related(
        "contract", "application", "enterprise", "bank").get(pk=loan.pk)


def _require_desk(loan, user, roles=DESK):
    if user is None or user.role not in roles or user.bank_id != loan.bank_id:
        raise ApplicationError(_("Only the bank holding the loan can do this (%(roles)s).") % {
            "roles": "、".join(str(Role(r).label) for r in roles)}, code="not_allowed", status_code=403)


def _require_enterprise(loan, user):
    if user is None or user.role != Role.ENTERPRISE or user.enterprise_id != loan.enterprise_id:
        raise ApplicationError(_("Only the borrowing enterprise can do this."), code="not_allowed", status_code=403)


# --- the loan and its schedule --------------------------------------------------------------

def _plan(loan, *, new=False):
    """(Re)write the schedule from the contract, the disbursements and the extension: the
    disbursed principal (the contract amount before any disbursement) from the first
    disbursement (else the signing date) to the maturity."""
    rows = _schedule(loan)
    if not new:
        Instalment.objects.filter(loan=loan).delete()
    _instalments_write(loan, rows)
    return rows


def _instalments_write(loan, rows):
    Instalment.objects.bulk_create([Instalment(loan=loan, number=r.number, due_on=r.due_on, principal=r.principal,
                                               interest=r.interest) for r in rows])


def instalment_lines(loan_id, rows) -> str:
    """A loan's schedule rows (schedules.Instalment) as COPY text of the columns loan_id,
    number, due_on, principal, interest (ids, numbers, dates and cents need no escaping):
    `_loans_open` and grow_demo (loans/grow.py) write schedules this way."""
    head = f"{loan_id}\t"
    # Unpacked, and str() without format(): a third cheaper than attributes and plain {}.
    return "".join([f"{head}{number}\t{due_on!s}\t{principal!s}\t{interest!s}\n"
                    for number, due_on, principal, interest in rows])


def schedule_of(*, amount, annual_rate, signed_on, method, maturity_on, disbursed=Decimal(0),
                first_disbursed_on=None, original_maturity_on=None, extended_on=None) -> list:
    """A loan's schedule (schedules.Instalment rows) from its contract's figures (`amount`,
    `annual_rate`, `signed_on`) and the loan's: the disbursed principal (the contract amount
    before any disbursement) from the first disbursement (else the signing date) to the
    (original) maturity, re-planned after an extension. Plain values, so that grow_demo
    (loans/grow.py) plans the loans it writes with this very rule."""
    principal = disbursed or amount
    start = first_disbursed_on or signed_on
    original = original_maturity_on or maturity_on
    if original <= start:
        start = signed_on
    rows = schedules.build(principal=principal, annual_rate=annual_rate, start=start, maturity=original,
                           method=method)
    if extended_on:
        rows = schedules.rebuild_after_extension(rows, extended_on=extended_on, new_maturity=maturity_on,
                                                 annual_rate=annual_rate, method=method, start=start)
    return rows


def _schedule(loan) -> list:
    """The schedule rows `_plan` writes (schedules.Instalment), computed, not saved."""
    contract = loan.contract
    return schedule_of(amount=contract.amount, annual_rate=contract.annual_rate, signed_on=contract.signed_on,
                       method=loan.repayment_method, maturity_on=loan.maturity_on, disbursed=loan.disbursed,
                       first_disbursed_on=loan.first_disbursed_on, original_maturity_on=loan.original_maturity_on,
                       extended_on=loan.extended_on)


def due_figures(position, today) -> tuple:
    """(next due date, amount due then, days past due, overdue since) from a
    `selectors.due_positions` entry (or `due_position_of`'s answer) on `today`."""
    next_on, amount = position or (None, None)
    dpd = (today - next_on).days if next_on and next_on < today else 0
    return next_on, amount, dpd, next_on if dpd else None


def _place(loan, position, today):
    """Set next due date, amount and days past due from a `selectors.due_positions` entry."""
    loan.next_due_on, loan.next_due_amount, loan.days_past_due, loan.overdue_since = due_figures(position, today)


def _position(loan, today=None):
    """Reads the saved schedule and repayments of one loan (save them first)."""
    _place(loan, selectors.due_positions(loan_ids=[loan.pk]).get(loan.pk), today or timezone.localdate())


def _refresh(loan, *, new=False):
    """Figures, schedule and next due date from the disbursements. The position comes from
    the schedule just written and the loan's payments (the caller holds the loan locked), as
    `_position` would read them back, so the loan is saved once, at the end. `new`: a loan
    created just now for a contract created just now in the same transaction (no
    disbursement, no schedule yet: nothing to read or delete)."""
    if new:
        loan.disbursed, loan.first_disbursed_on = Decimal(0), None
    else:
        agg = Disbursement.objects.filter(contract_id=loan.contract_id).aggregate(total=Sum("amount"),
                                                                                  first=Min("date"))
        loan.disbursed = agg["total"] or Decimal(0)
        loan.first_disbursed_on = agg["first"]
    loan.outstanding = loan.disbursed - loan.repaid_principal
    rows = _plan(loan, new=new)
    _place(loan, selectors.due_position_of(rows, paid=loan.repaid_principal + loan.repaid_interest),
           timezone.localdate())
    loan.save()


def _opened(loan, contract, *, new=False) -> Loan:
    _open_history(loan, contract)
    _refresh(loan, new=new)
    return loan


def open_note(number, method) -> str:
    """The note of a loan's opening row: its contract's number and repayment method."""
    label = dict(RepaymentMethod.choices).get(method, method)
    return _("Contract %(no)s, %(method)s") % {"no": number, "method": label}


def _open_history(loan, contract):
    LoanHistory.objects.create(loan=loan, action=LoanAction.OPEN, to_status=loan.status,
                               actor_id=contract.recorded_by_id, note=open_note(contract.number,
                                                                                contract.repayment_method))


def _new_loan(contract) -> Loan:
    if Contract.application.is_cached(contract):
        app = contract.application
    else:
        app = Application.objects.only("id", "enterprise_id", "product_id").get(pk=contract.application_id)
    return Loan(contract=contract, application_id=app.pk, enterprise_id=app.enterprise_id, bank_id=contract.bank_id,
                product_id=app.product_id,
                repayment_method=contract.repayment_method, maturity_on=contract.maturity_on)


@transaction.atomic
def loan_for_contract(*, contract) -> Loan:
    """The loan of a signed contract, created once (a second call returns it): the repayment
    method chosen at contract, the schedule, a history row."""
    existing = Loan.objects.filter(contract_id=contract.pk).first()
    if existing is not None:
        return existing
    loan = _new_loan(contract)
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError:  # created meanwhile by a concurrent call
        return Loan.objects.get(contract_id=contract.pk)
    return _opened(loan, contract)


def loan_for_new_contract(*, contract) -> Loan:
    """The loan of a contract created just now, in the caller's transaction (the receiver of
    the contract's creation): no other transaction can see that contract, so no loan can
    exist for it yet and none can be created meanwhile; no disbursement can point at it
    either. What `loan_for_contract` does, without its checks and its savepoints (issue 10:
    the contract step's queries). In a transaction of its own when the caller has none."""
    with transaction.atomic(savepoint=False):
        loan = _new_loan(contract)
        # Nothing disbursed or repaid yet: the figures, the schedule and its first due date are
        # known before the loan is saved, so it is inserted once with them (three queries:
        # the loan, its history row, its schedule), not inserted, read back and updated.
        loan.disbursed, loan.first_disbursed_on, loan.outstanding = Decimal(0), None, Decimal(0)
        rows = _schedule(loan)
        _place(loan, selectors.due_position_of(rows, paid=Decimal(0)), timezone.localdate())
        loan.save()
        _open_history(loan, contract)
        _instalments_write(loan, rows)
        return loan


def loan_disbursement_recorded(*, disbursement) -> Loan:
    """A disbursement was recorded on the contract: the figures and the schedule follow. In
    the caller's transaction (the disbursement's) without a savepoint, or in its own."""
    with transaction.atomic(savepoint=False):
        loan = (Loan.objects.select_for_update(of=("self",)).select_related("contract", "application", "enterprise",
                                                                             "bank")
                .filter(contract_id=disbursement.contract_id).first())
        if loan is None:  # a contract signed before the loans app, or whose loan was missed
            loan = _lock(loan_for_contract(contract=disbursement.contract))
        _refresh(loan)
        return loan


def loans_reconcile(*, chunk: int = 5000) -> int:
    """Loans for contracts signed before this app existed (or whose signal was missed), opened
    as `loan_for_contract` opens one: the figures from the contract's disbursements, the
    schedule, the first due date, a history row. A chunk of contracts at a time (issue 10:
    the 330,000 contracts of a million grown applications took hours one by one): the
    schedules and due dates computed in memory, then one insert of the loans, one of their
    history rows and one of their schedules. A chunk that meets a loan opened meanwhile (the
    nightly job and a demo load at once) is done again one by one by `loan_for_contract`,
    which skips the loans that exist. Returns how many contracts were reconciled."""
    n, after = 0, 0
    while True:
        contracts = list(Contract.objects.filter(loan__isnull=True, pk__gt=after).select_related("application")
                         .only(*(f.name for f in Contract._meta.concrete_fields), "application__enterprise_id",
                               "application__product_id")
                         .order_by("pk")[:chunk])
        if not contracts:
            return n
        after = contracts[-1].pk
        try:
            with transaction.atomic():
                _loans_open(contracts)
        except IntegrityError:
            for contract in contracts:
                loan_for_contract(contract=contract)
        n += len(contracts)


def _loans_open(contracts):
    """New loans for `contracts` (which have none), three inserts in all."""
    from elements.sync.bulk import insert_values

    paid = {row["contract_id"]: (row["total"], row["first"]) for row in Disbursement.objects.filter(
        contract_id__in=[c.pk for c in contracts]).values("contract_id").annotate(total=Sum("amount"),
                                                                                  first=Min("date"))}
    today = timezone.localdate()
    loans, plans = [], []
    for contract in contracts:
        loan = _new_loan(contract)
        total, first = paid.get(contract.pk, (None, None))
        loan.disbursed, loan.first_disbursed_on = total or Decimal(0), first
        loan.outstanding = loan.disbursed - loan.repaid_principal
        rows = _schedule(loan)
        _place(loan, selectors.due_position_of(rows, paid=loan.repaid_principal + loan.repaid_interest), today)
        loans.append(loan)
        plans.append(rows)
    fields = [f.attname for f in Loan._meta.concrete_fields if f is not Loan._meta.pk]
    ids = insert_values(Loan, [{a: getattr(loan, a) for a in fields} for loan in loans], need_ids=True)
    history = [LoanHistory(loan_id=loan_id, action=LoanAction.OPEN, to_status=loan.status,
                           actor_id=contract.recorded_by_id, note=open_note(contract.number, contract.repayment_method))
               for loan_id, loan, contract in zip(ids, loans, contracts, strict=True)]
    fields = [f.attname for f in LoanHistory._meta.concrete_fields if f is not LoanHistory._meta.pk]
    insert_values(LoanHistory, [{a: getattr(h, a) for a in fields} for h in history])
    if connection.vendor == "postgresql":
        # The schedules are most of the rows (about 30 per loan): their COPY lines are written
        # here directly (ids, numbers, dates and cents need no escaping), not value by value.
        from elements.sync.bulk import _copy

        buffer = io.StringIO()
        buffer.writelines(instalment_lines(loan_id, rows) for loan_id, rows in zip(ids, plans, strict=True))
        _copy(Instalment._meta.db_table, ["loan_id", "number", "due_on", "principal", "interest"], buffer)
    else:
        insert_values(Instalment, [dict(loan_id=loan_id, number=r.number, due_on=r.due_on, principal=r.principal,
                                        interest=r.interest) for loan_id, rows in zip(ids, plans, strict=True)
                                   for r in rows])


# --- notices ----------------------------------------------------------------------------------

def _notify(items, *, actor, enterprise_too=True):
    """items: (loan, kind, message, params): a key of applications.notifications.MESSAGES and its
    parameters. The bank desk of each loan's bank, and the enterprise's users when
    `enterprise_too`; never the actor. Two queries for the recipients, one insert."""
    if not items:
        return
    banks = {loan.bank_id for loan, *_rest in items}
    ents = {loan.enterprise_id for loan, *_rest in items}
    desk, people = {}, {}
    for u in notifications.bank_desk(*banks):
        desk.setdefault(u.bank_id, []).append(u)
    if enterprise_too:
        for u in notifications.enterprise_users(*ents):
            people.setdefault(u.enterprise_id, []).append(u)
    notifications.send_many([dict(recipients=desk.get(loan.bank_id, []) + people.get(loan.enterprise_id, []),
                                  kind=kind[:30], message=message, params=params,
                                  url=reverse("loans:detail", args=[loan.pk]), application=loan.application)
                             for loan, kind, message, params in items], actor=actor)


def _move(loans, action, *, user, note=""):
    """The checks and effects of one transition for loans the caller has locked: status, time
    stamp, history row, notices. The caller saves the loans."""
    transition = TRANSITIONS[action]
    now = timezone.now()
    history, items = [], []
    for loan in loans:
        _check_only(loan, action, user)
        from_status = loan.status
        target = transition.target
        if target is None:
            target = ((LoanStatus.EXTENDED if loan.extended_on else LoanStatus.REPAYING)
                      if action == LoanAction.CURE else loan.status)
        if target != from_status:
            loan.status = target
            loan.status_changed_at = now
        classified = action == LoanAction.CLASSIFY
        history.append(LoanHistory(loan=loan, action=action, from_status=from_status, to_status=target, actor=user,
                                   actor_name=actor_name(user), note=str(note or ""), at=now,
                                   classification=loan.classification if classified else "",
                                   effective_on=loan.classified_on if classified else None))
        items.append((loan, f"loan_{action}", "loan_transition", {
            "number": loan.number, "action": notifications.localised(LoanAction(action).label),
            "status": notifications.localised(LoanStatus(target).label), "enterprise": loan.enterprise.name,
            "bank": notifications.named(loan.bank), "outstanding": notifications.localised(functools.partial(money.money,
                                                                                             loan.outstanding)),
            "note": notifications.localised(note) if isinstance(note, Promise) else note}))
    LoanHistory.objects.bulk_create(history)
    # The classification is the bank's own assessment: the enterprise hears of status changes only.
    _notify(items, actor=user, enterprise_too=action != LoanAction.CLASSIFY)
    for loan in loans:
        if loan.status in CLOSED and loan.status_changed_at == now:
            authorisations_end(application=loan.application,
                               reason=AuthorisationEnd.SETTLED if loan.status == LoanStatus.SETTLED
                               else AuthorisationEnd.WRITTEN_OFF)


@transaction.atomic
def loan_transition(*, loan, action, user, note="", apply=None) -> Loan:
    """The only code that assigns one loan's status (the nightly job uses `_move` over many)."""
    if action not in TRANSITIONS:
        raise TransitionNotAllowed(_("Unknown action: %(action)s.") % {"action": action})
    loan = _lock(loan)
    _check_only(loan, action, user)  # role and status first, then the step's own checks
    if apply is not None:
        apply(loan)
    _move([loan], action, user=user, note=note)
    loan.save()
    return loan


def _check_only(loan, action, user):
    transition = TRANSITIONS[action]
    role = user.role if user is not None else None
    if user is not None and (role not in BANK_ROLES or user.bank_id != loan.bank_id):
        raise ApplicationError(_("Only the bank holding the loan can do this."), code="not_allowed", status_code=403)
    if role not in transition.roles:
        raise ApplicationError(_("%(role)s cannot do this: %(action)s.") % {
            "role": Role(role).label if role else _("the system"), "action": LoanAction(action).label},
            code="not_allowed", status_code=403)
    if loan.status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the loan is “%(status)s”.") % {
                "action": LoanAction(action).label, "status": LoanStatus(loan.status).label},
            {"status": loan.status, "allowed_from": sorted(transition.sources)})


def extension_limit(contract, maturity) -> date_type:
    """贷款通则 Art. 12: a short-term loan (up to a year) may be extended by at most its term, a
    medium-term one (up to five years) by half of it, a long-term one by three years."""
    term = contract.term_months
    months = term if term <= 12 else (term // 2 if term <= 60 else 36)
    return add_months(maturity, months)


def loan_extend(*, loan, user, maturity_on, reason) -> Loan:
    reason = (reason or "").strip()
    errors = {}
    new = _day(maturity_on, "maturity_on", errors)
    if new is None and "maturity_on" not in errors:
        errors["maturity_on"] = [_("Enter the new maturity date.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the extension.")]

    def apply(x):
        if x.extended_on is not None:
            raise TransitionNotAllowed(_("This loan was already extended on %(day)s: a loan is extended at most "
                                         "once.") % {"day": x.extended_on}, code="already_extended")
        _fields_error(errors)
        limit = extension_limit(x.contract, x.maturity_on)
        if new <= x.maturity_on or new > limit:
            _fields_error({"maturity_on": [_("The new maturity is after %(old)s and at most %(limit)s.") % {
                "old": x.maturity_on, "limit": limit}]})
        x.original_maturity_on, x.maturity_on = x.maturity_on, new
        x.extended_on, x.extension_reason = timezone.localdate(), reason
        x.save()
        _plan(x)
        _position(x)

    return loan_transition(loan=loan, action=LoanAction.EXTEND, user=user, apply=apply,
                           note=_("New maturity %(day)s: %(reason)s") % {"day": new, "reason": reason})


def loan_settle(*, loan, user, settled_on=None) -> Loan:
    errors = {}
    day = _day(settled_on, "settled_on", errors)

    def apply(x):
        _fields_error(errors)
        if x.disbursed <= 0:
            raise TransitionNotAllowed(_("Nothing was disbursed on this loan."), code="not_disbursed")
        if x.outstanding > 0:
            raise TransitionNotAllowed(_("%(amount)s of principal is still outstanding.") % {
                "amount": money.money(x.outstanding)}, {"outstanding": str(x.outstanding)}, code="outstanding")
        last = x.repayments.order_by("-date").values_list("date", flat=True).first()
        x.settled_on = day or last or timezone.localdate()

    return loan_transition(loan=loan, action=LoanAction.SETTLE, user=user, apply=apply)


def _closing(action, *, loan, user, reason) -> Loan:
    reason = (reason or "").strip()

    def apply(x):
        if not reason:
            _fields_error({"reason": [_("Give the reason.")]}, code="reason_required")
        x.closed_on, x.closed_reason = timezone.localdate(), reason

    return loan_transition(loan=loan, action=action, user=user, apply=apply, note=reason)


def loan_default(*, loan, user, reason) -> Loan:
    return _closing(LoanAction.DEFAULT, loan=loan, user=user, reason=reason)


def loan_write_off(*, loan, user, reason) -> Loan:
    return _closing(LoanAction.WRITE_OFF, loan=loan, user=user, reason=reason)


def loan_classify(*, loan, user, classification, classified_on=None, note="") -> Loan:
    errors = {}
    day = _day(classified_on, "classified_on", errors, default=timezone.localdate())
    if classification not in Classification.values:
        errors["classification"] = [_("One of: %(values)s.") % {"values": "、".join(
            str(c.label) for c in Classification)}]
    elif day and day > timezone.localdate():
        errors["classified_on"] = [_("The date cannot be in the future.")]

    def apply(x):
        _fields_error(errors)
        x.classification, x.classified_on = classification, day

    label = Classification(classification).label if classification in Classification.values else classification
    text = _("%(class)s as of %(day)s") % {"class": label, "day": day}
    return loan_transition(loan=loan, action=LoanAction.CLASSIFY, user=user, apply=apply,
                           note=f"{text}: {note}" if note else text)


STATUS_ACTIONS = {
    LoanAction.EXTEND: lambda loan, user, d: loan_extend(loan=loan, user=user, maturity_on=d.get("maturity_on"),
                                                         reason=d.get("reason", "")),
    LoanAction.SETTLE: lambda loan, user, d: loan_settle(loan=loan, user=user, settled_on=d.get("settled_on")),
    LoanAction.DEFAULT: lambda loan, user, d: loan_default(loan=loan, user=user, reason=d.get("reason", "")),
    LoanAction.WRITE_OFF: lambda loan, user, d: loan_write_off(loan=loan, user=user, reason=d.get("reason", "")),
    LoanAction.CLASSIFY: lambda loan, user, d: loan_classify(loan=loan, user=user,
                                                             classification=d.get("classification", ""),
                                                             classified_on=d.get("classified_on"),
                                                             note=d.get("note", "")),
}


def loan_act(*, loan, user, action, data) -> Loan:
    """One of the bank's status actions by name (pages and API)."""
    if action not in STATUS_ACTIONS:
        raise ApplicationError(_("Unknown action: %(action)s.") % {"action": action},
                               {"fields": {"action": [_("Unknown action.")]}}, code="invalid")
    return STATUS_ACTIONS[action](loan, user, data)


# --- repayments ---------------------------------------------------------------------------------

@transaction.atomic
def repayment_record(*, loan, user, date, principal, interest, reference,
                     source=RepaymentSource.PAGE) -> tuple[Repayment, bool]:
    """A repayment the bank reports. Idempotent by the bank's reference: the same reference
    with the same figures returns the first one (created False); with other figures, or on
    another loan, it is refused. Never more principal than outstanding."""
    _require_desk(loan, user)
    errors = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = [_("Enter the bank's reference of the repayment.")]
    elif len(reference) > 64:
        errors["reference"] = [_("At most 64 characters.")]
    principal = _money(principal, "principal", errors)
    interest = _money(interest, "interest", errors)
    day = _day(date, "date", errors)
    if day is None and "date" not in errors:
        errors["date"] = [_("Enter the date of the repayment.")]
    if principal is not None and interest is not None and principal + interest <= 0:
        errors["principal"] = [_("A repayment pays some principal or interest.")]
    _fields_error(errors)
    loan = _lock(loan)
    existing = Repayment.objects.filter(bank_id=loan.bank_id, reference=reference).first()
    if existing is not None:
        if (existing.loan_id, existing.date, existing.principal, existing.interest) == (
                loan.pk, day, principal, interest):
            return existing, False
        raise TransitionNotAllowed(_("The bank reference %(ref)s is already recorded for another repayment.") % {
            "ref": reference}, {"fields": {"reference": [_("Already used.")]}}, code="duplicate_reference")
    if loan.status in CLOSED:
        raise TransitionNotAllowed(_("The loan is %(status)s: no more repayments.") % {
            "status": LoanStatus(loan.status).label}, {"status": loan.status})
    if principal > loan.outstanding:
        raise TransitionNotAllowed(_("%(principal)s of principal is more than the %(outstanding)s "
                                     "outstanding.") % {"principal": money.money(principal),
                                                        "outstanding": money.money(loan.outstanding)},
                                   {"outstanding": str(loan.outstanding)}, code="over_outstanding")
    if loan.first_disbursed_on is None or day < loan.first_disbursed_on or day > timezone.localdate():
        _fields_error({"date": [_("The date is between the first disbursement and today.")]})
    repayment = Repayment(loan=loan, bank_id=loan.bank_id, date=day, principal=principal, interest=interest,
                          reference=reference, source=source, recorded_by=user)
    full_clean_or_raise(repayment, exclude=("loan", "bank"))
    repayment.save()
    loan.repaid_principal += principal
    loan.repaid_interest += interest
    loan.outstanding -= principal
    loan.save(update_fields=["repaid_principal", "repaid_interest", "outstanding"])
    _position(loan)
    loan.save(update_fields=["next_due_on", "next_due_amount", "days_past_due", "overdue_since"])
    if loan.status == LoanStatus.OVERDUE and not loan.days_past_due:
        loan_transition(loan=loan, action=LoanAction.CURE, user=user,
                        note=_("Repayment %(ref)s") % {"ref": reference})
    if loan.outstanding == 0 and loan.disbursed >= loan.contract.amount:
        loan_settle(loan=loan, user=user, settled_on=day)
    return repayment, True


def repayments_import(*, user, rows, source=RepaymentSource.FILE) -> list[dict]:
    """A batch from the bank's system: each row {contract_number or loan, date, principal,
    interest, reference} is recorded on its own (a refused row does not stop the others).
    Returns one result per row: created / duplicate / refused with the message."""
    from .selectors import loans_visible_to

    door = loans_visible_to(user)
    results = []
    for n, row in enumerate(rows, start=1):
        try:
            number, loan_id = (row.get("contract_number") or "").strip(), row.get("loan")
            loan = (door.filter(pk=loan_id).first() if loan_id else
                    door.filter(contract__number=number).first() if number else None)
            if loan is None:
                raise ApplicationError(_("No such loan of your bank."), code="not_found")
            repayment, created = repayment_record(loan=loan, user=user, date=row.get("date"),
                                                  principal=row.get("principal"), interest=row.get("interest"),
                                                  reference=row.get("reference"), source=source)
            results.append({"row": n, "result": "created" if created else "duplicate", "loan": loan.pk,
                            "repayment": repayment.pk})
        except ApplicationError as e:
            results.append({"row": n, "result": "refused", "code": e.code, "message": str(e.message)})
    return results


# --- the nightly job ------------------------------------------------------------------------------

POSITION_FIELDS = ["next_due_on", "next_due_amount", "days_past_due", "overdue_since", "status", "status_changed_at"]


def _save_positions(loans, size: int = 1000):
    """Write the nightly figures of many loans. On PostgreSQL one UPDATE … FROM (VALUES …) per
    thousand loans: Django's bulk_update builds a CASE expression per row and field in Python,
    which took 15 ms a loan (measured, bench/README.md); elsewhere (the SQLite demo) bulk_update."""
    if connection.vendor != "postgresql":
        Loan.objects.bulk_update(loans, POSITION_FIELDS, batch_size=size)
        return
    table = Loan._meta.db_table
    with connection.cursor() as cur:
        for start in range(0, len(loans), size):
            part = loans[start:start + size]
            values = ", ".join(["(%s, %s::date, %s::numeric, %s::integer, %s::date, %s, %s::timestamptz)"] * len(part))
            params = [x for ln in part for x in (ln.pk, ln.next_due_on, ln.next_due_amount, ln.days_past_due,
                                                 ln.overdue_since, ln.status, ln.status_changed_at)]
            cur.execute(f"""
                UPDATE {table} AS l SET next_due_on = v.next_due_on, next_due_amount = v.amount,
                       days_past_due = v.dpd, overdue_since = v.since, status = v.status,
                       status_changed_at = v.changed
                FROM (VALUES {values}) AS v(id, next_due_on, amount, dpd, since, status, changed)
                WHERE l.id = v.id""", params)


def loans_overdue_refresh(*, today=None, chunk: int = 2000) -> dict:
    """Nightly: days past due and the next due date of every servicing or defaulted loan from
    its schedule and repayments; repaying/extended loans with days past due fall overdue,
    overdue loans that owe nothing past due go back. Set-based: per chunk of loans one
    position query, bulk history and notices for the loans that change status, one update of
    the loans whose figures changed."""
    today = today or timezone.localdate()
    counts = {"loans": 0, "overdue": 0, "cured": 0}
    ids = list(Loan.objects.filter(status__in=SERVICING | {LoanStatus.DEFAULTED}).order_by("pk").values_list(
        "pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        with transaction.atomic():
            # Lean rows for the figures; the related records only for the loans that change status.
            loans = list(Loan.objects.select_for_update(of=("self",)).filter(pk__in=part).only(
                "id", "extended_on", "bank_id", "enterprise_id", *POSITION_FIELDS).order_by("pk"))
            positions = selectors.due_positions(loan_ids=part)
            changed, late, cured = [], [], []
            for loan in loans:
                before = [getattr(loan, f) for f in POSITION_FIELDS]
                _place(loan, positions.get(loan.pk), today)
                if loan.days_past_due and loan.status in TRANSITIONS[LoanAction.OVERDUE].sources:
                    late.append(loan)
                elif not loan.days_past_due and loan.status == LoanStatus.OVERDUE:
                    cured.append(loan)
                elif [getattr(loan, f) for f in POSITION_FIELDS] != before:
                    changed.append(loan)
            if late or cured:
                full = Loan.objects.select_related("contract", "application", "enterprise", "bank").in_bulk(
                    [x.pk for x in late + cured])
                for x in late + cured:
                    for f in POSITION_FIELDS:
                        setattr(full[x.pk], f, getattr(x, f))
                late, cured = [full[x.pk] for x in late], [full[x.pk] for x in cured]
            _move(late, LoanAction.OVERDUE, user=None, note=gettext_lazy("Past due since the instalment of the day shown."))
            _move(cured, LoanAction.CURE, user=None)
            _save_positions(changed + late + cured)
            counts["loans"] += len(loans)
            counts["overdue"] += len(late)
            counts["cured"] += len(cured)
    return counts


# --- fund use -------------------------------------------------------------------------------------

def _fund_use_notice(report, kind, params, *, to_bank: bool, actor):
    """kind is also the message key; the report's description is the free text shown as written."""
    loan = report.loan
    recipients = list(notifications.bank_desk(loan.bank_id) if to_bank
                      else notifications.enterprise_users(loan.enterprise_id))
    params = {"number": loan.number, **params, "note": report.description[:500]}
    notifications.send(recipients, actor=actor, kind=kind, message=kind, params=params,
                       url=reverse("loans:detail", args=[loan.pk]) + "#fund-use", application=loan.application)


@transaction.atomic
def fund_use_report_create(*, loan, user, purpose, amount, date, description, uploaded=None) -> FundUseReport:
    """The enterprise reports a use of disbursed money; the total reported never exceeds what
    was disbursed."""
    _require_enterprise(loan, user)
    errors = {}
    value = _money(amount, "amount", errors)
    if value is not None and value <= 0:
        errors["amount"] = [_("Enter an amount above 0.")]
    day = _day(date, "date", errors)
    if day is None and "date" not in errors:
        errors["date"] = [_("Enter the date the money was spent.")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose one of the purposes.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describe what the money was spent on.")]
    _fields_error(errors)
    loan = _lock(loan)
    if loan.disbursed <= 0:
        raise TransitionNotAllowed(_("Nothing was disbursed on this loan yet."), code="not_disbursed")
    if day < loan.first_disbursed_on or day > timezone.localdate():
        _fields_error({"date": [_("The date is between the first disbursement (%(day)s) and today.") % {
            "day": loan.first_disbursed_on}]})
    reported = loan.fund_use.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if reported + value > loan.disbursed:
        raise TransitionNotAllowed(
            _("Reports would total %(total)s, more than the %(disbursed)s disbursed.") % {
                "total": money.money(reported + value), "disbursed": money.money(loan.disbursed)},
            {"remaining": str(loan.disbursed - reported)}, code="over_disbursed")
    report = FundUseReport(loan=loan, purpose=purpose, amount=value, date=day, description=description,
                           reported_by=user)
    if uploaded is not None:
        checked = check_upload(uploaded)
        report.file_name, report.file_extension = checked.name, checked.extension
        report.file_content_type, report.file_sha256 = checked.content_type, checked.sha256
        report.file.save("fund-use", uploaded, save=False)
    try:
        full_clean_or_raise(report, exclude=("file", "loan"))
        report.save()
    except Exception:
        if report.file:
            report.file.delete(save=False)
        raise
    _fund_use_notice(report, "fund_use_reported", {
        "amount": notifications.localised(functools.partial(money.money, value))}, to_bank=True, actor=user)
    return report


@transaction.atomic
def fund_use_report_review(*, report, user, accepted: bool, note="") -> FundUseReport:
    r = FundUseReport.objects.select_for_update(of=("self",)).select_related("loan__contract", "loan__application").get(
        pk=report.pk)
    _require_desk(r.loan, user)
    if r.status not in (FundUseStatus.SUBMITTED, FundUseStatus.ANSWERED):
        raise TransitionNotAllowed(_("This report is %(status)s: it awaits no review.") % {
            "status": r.get_status_display()}, {"status": r.status})
    note = (note or "").strip()
    if not accepted and not note:
        _fields_error({"note": [_("Say what the bank questions.")]}, code="note_required")
    r.status = FundUseStatus.ACCEPTED if accepted else FundUseStatus.QUESTIONED
    r.review_note, r.reviewed_by, r.reviewed_at = note, user, timezone.now()
    r.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    _fund_use_notice(r, "fund_use_reviewed", {"status": notifications.localised(r.get_status_display)},
                     to_bank=False, actor=user)
    return r


@transaction.atomic
def fund_use_report_answer(*, report, user, answer) -> FundUseReport:
    r = FundUseReport.objects.select_for_update(of=("self",)).select_related("loan__contract", "loan__application").get(
        pk=report.pk)
    _require_enterprise(r.loan, user)
    if r.status != FundUseStatus.QUESTIONED:
        raise TransitionNotAllowed(_("The bank has no open question on this report."), {"status": r.status})
    answer = (answer or "").strip()
    if not answer:
        _fields_error({"answer": [_("Write your answer.")]}, code="answer_required")
    r.status, r.answer, r.answered_at = FundUseStatus.ANSWERED, answer, timezone.now()
    r.save(update_fields=["status", "answer", "answered_at"])
    _fund_use_notice(r, "fund_use_answered", {}, to_bank=True, actor=user)
    return r


def fund_use_orphans_sweep(*, hours: int = 24) -> list[str]:
    """Supporting files saved before a report row that then rolled back (applications' sweep,
    over the `fund-use/` folder)."""
    from applications.files import orphan_files_sweep

    return orphan_files_sweep(older_than=timedelta(hours=hours), sources={"fund-use": [(FundUseReport, "file")]})


def fund_use_report_days() -> int:
    return getattr(settings, "LOANS_FUND_USE_REPORT_DAYS", 90)


@transaction.atomic
def loans_fund_use_flag(*, today=None) -> int:
    """Flag to the bank, once, each open loan without any fund-use report
    LOANS_FUND_USE_REPORT_DAYS (default 90) days after its first disbursement."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=fund_use_report_days())
    loans = list(Loan.objects.select_for_update(of=("self",), skip_locked=True).select_related(
        "contract", "application", "enterprise", "bank").filter(
        status__in=OPEN, first_disbursed_on__lte=cutoff, fund_use_flagged_at__isnull=True).filter(
        ~Exists(FundUseReport.objects.filter(loan_id=OuterRef("pk")))))
    if not loans:
        return 0
    items = [(loan, "loan_fund_use_missing", "fund_use_missing", {
        "number": loan.number, "days": fund_use_report_days(), "day": str(loan.first_disbursed_on)})
        for loan in loans]
    _notify(items, actor=None, enterprise_too=False)
    Loan.objects.filter(pk__in=[x.pk for x in loans]).update(fund_use_flagged_at=timezone.now())
    return len(loans)


# --- risk alerts ----------------------------------------------------------------------------------

def overlap() -> timedelta:
    return timedelta(seconds=getattr(settings, "LOANS_ALERT_OVERLAP_SECONDS", 900))


def alert_batch_size() -> int:
    return getattr(settings, "LOANS_ALERT_BATCH", 2000)


def _watched_enterprises():
    """Codes of enterprises with an outstanding loan or an open application (a subquery)."""
    loans = Loan.objects.filter(status__in=OPEN).values("enterprise_id")
    apps = Application.objects.filter(status__in=WAITING).values("enterprise_id")
    return Enterprise.objects.filter(Q(uscc__in=loans) | Q(uscc__in=apps)).values("uscc")


def risk_alerts_raise(*, now=None) -> int:
    """Raise alerts for the library's change events since the last scans. Reads from the
    `upto` of the last scan that started at least the overlap window ago (events committed late
    by a long transaction are read again), up to the newest event now; alerts are unique per
    (event, application) for banks and per event for districts and inserted with ON CONFLICT
    DO NOTHING, and only rows nobody has notified yet are claimed (skip locked) and notified:
    re-runs and two jobs at once raise and notify nothing twice. A constant number of queries
    per batch of events. Returns the number of alerts this run notified."""
    now = now or timezone.now()
    floor = AlertScan.objects.filter(started_at__lte=now - overlap()).order_by("-started_at", "-id").values_list(
        "upto", flat=True).first() or 0
    upto = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    raised, cursor = 0, floor
    watched = _watched_enterprises()
    while cursor < upto:
        events = change_events_after(cursor=cursor, upto=upto, enterprise_ids=watched, kinds=alerts.KINDS,
                                     limit=alert_batch_size())
        if not events:
            break
        raised += _alerts_for(events)
        cursor = events[-1].pk
    AlertScan.objects.create(started_at=now, upto=upto, raised=raised)
    AlertScan.objects.filter(started_at__lt=now - 4 * overlap() - timedelta(days=1)).delete()
    return raised


@transaction.atomic
def _alerts_for(events) -> int:
    events = [e for e in events if alerts.alertable(e)]
    if not events:
        return 0
    ents = {e.enterprise_id for e in events}
    loans = list(Loan.objects.filter(enterprise_id__in=ents, status__in=OPEN).select_related(
        "contract", "application"))
    apps = list(Application.objects.filter(enterprise_id__in=ents, status__in=WAITING, loan__isnull=True))
    targets = {}  # enterprise -> [(application, loan)]
    for loan in loans:
        targets.setdefault(loan.enterprise_id, []).append((loan.application, loan))
    for app in apps:
        targets.setdefault(app.enterprise_id, []).append((app, None))
    app_ids = [a.pk for pairs in targets.values() for a, _ln in pairs]
    type_ids = {e.element_type_id for e in events if e.kind in alerts.CLAIMED}
    claimed = set(Claim.objects.filter(application_id__in=app_ids, element_type_id__in=type_ids).values_list(
        "application_id", "element_type_id")) if type_ids else set()
    units = dict(Enterprise.objects.filter(uscc__in=ents).values_list("uscc", "regulator_unit_id"))
    rows = []
    for e in events:
        concerned = []
        for app, loan in targets.get(e.enterprise_id, []):
            if app.submitted_at is None or app.submitted_at > e.recorded_at:
                continue  # the change happened before the bank held the application
            if e.kind in alerts.CLAIMED and (app.pk, e.element_type_id) not in claimed:
                continue
            concerned.append((app, loan))
        good = alerts.is_good_news(e)
        for app, loan in concerned:
            rows.append(RiskAlert(event=e, audience=Audience.BANK, enterprise_id=e.enterprise_id, application=app,
                                  loan=loan, bank_id=app.bank_id, good_news=good))
        if concerned and units.get(e.enterprise_id):
            rows.append(RiskAlert(event=e, audience=Audience.DISTRICT, enterprise_id=e.enterprise_id,
                                  regulator_unit_id=units[e.enterprise_id], good_news=good))
    if not rows:
        return 0
    RiskAlert.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    # Claim what nobody has notified yet: a concurrent job skips the rows this one holds.
    fresh = list(RiskAlert.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        event_id__in=[e.pk for e in events], notified_at__isnull=True).values(
        "pk", "event_id", "audience", "application_id", "loan_id", "bank_id", "regulator_unit_id"))
    if not fresh:
        return 0
    by_event = {e.pk: e for e in events}
    by_app = {a.pk: (a, ln) for pairs in targets.values() for a, ln in pairs}
    desk, regs = {}, {}
    for u in notifications.bank_desk(*{r["bank_id"] for r in fresh if r["bank_id"]}):
        desk.setdefault(u.bank_id, []).append(u)
    for u in notifications.regulators(*{r["regulator_unit_id"] for r in fresh if r["regulator_unit_id"]}):
        regs.setdefault(u.regulator_unit_id, []).append(u)
    names = dict(Enterprise.objects.filter(uscc__in=ents).values_list("uscc", "name"))
    messages = []
    localised = notifications.localised
    for r in fresh:
        e = by_event[r["event_id"]]
        app, loan = by_app.get(r["application_id"], (None, None))
        about = ((lambda n=loan.number: _("Loan %(no)s") % {"no": n}) if loan else
                 (lambda n=app.number: _("Application %(no)s") % {"no": n}) if app else "")
        params = {"prefix": localised(gettext_lazy("Good news") if alerts.is_good_news(e) else gettext_lazy("Risk alert")),
                  "enterprise": names.get(e.enterprise_id, e.enterprise_id), "about": localised(about),
                  "what": localised(functools.partial(alerts.summary, e)),
                  "source": localised(lambda e=e: _("Source: %(source)s") % {"source": alerts.source(e)})}
        recipients = desk.get(r["bank_id"], []) if r["audience"] == Audience.BANK else regs.get(
            r["regulator_unit_id"], [])
        messages.append(dict(recipients=recipients, kind="risk_alert", message="risk_alert", params=params,
                             url=reverse("loans:alert_detail", args=[r["pk"]]), application=app))
    notifications.send_many(messages)
    RiskAlert.objects.filter(pk__in=[r["pk"] for r in fresh]).update(notified_at=timezone.now())
    return len(fresh)


@transaction.atomic
def risk_alert_acknowledge(*, alert, user, action, note="") -> RiskAlert:
    """The bank acknowledges an alert with what it does about it."""
    a = RiskAlert.objects.select_for_update(of=("self",)).get(pk=alert.pk)
    if user is None or user.role not in DESK or user.bank_id != a.bank_id or a.audience != Audience.BANK:
        raise ApplicationError(_("Only the bank holding the loan acknowledges its alerts."), code="not_allowed",
                               status_code=403)
    if a.acknowledged_at is not None:
        raise TransitionNotAllowed(_("This alert was already acknowledged."), code="already_acknowledged")
    note = (note or "").strip()
    errors = {}
    if action not in AlertAction.values:
        errors["action"] = [_("Choose what the bank does.")]
    elif action in (AlertAction.OTHER, AlertAction.EARLY_REPAYMENT) and not note:
        errors["note"] = [_("Say what the bank does.")]
    _fields_error(errors)
    a.action, a.note, a.acknowledged_by, a.acknowledged_at = action, note, user, timezone.now()
    a.save(update_fields=["action", "note", "acknowledged_by", "acknowledged_at"])
    return a


def escalation_working_days() -> int:
    return getattr(settings, "LOANS_ALERT_ESCALATION_WORKING_DAYS", 5)


@transaction.atomic
def risk_alerts_escalate(*, today=None) -> int:
    """Unacknowledged bank alerts older than LOANS_ALERT_ESCALATION_WORKING_DAYS working days
    (Monday–Friday, like verification due dates) go to the bank's approvers, once."""
    today = today or timezone.localdate()
    days = escalation_working_days()
    candidates = list(RiskAlert.objects.select_for_update(of=("self",), skip_locked=True).select_related(
        "event__element_type", "event__batch", "event__user", "enterprise", "loan__contract", "application").filter(
        audience=Audience.BANK, acknowledged_at__isnull=True, escalated_at__isnull=True,
        created_at__lt=timezone.now() - timedelta(days=days)))
    due = [a for a in candidates if add_working_days(timezone.localdate(a.created_at), days) < today]
    if not due:
        return 0
    approvers = {}
    for u in notifications.bank_desk(*{a.bank_id for a in due}, roles=(Role.BANK_APPROVER,)):
        approvers.setdefault(u.bank_id, []).append(u)
    messages = [dict(recipients=approvers.get(a.bank_id, []), kind="risk_alert_escalated",
                     message="risk_alert_escalated",
                     params={"days": days, "enterprise": a.enterprise.name,
                             "what": notifications.localised(functools.partial(alerts.summary, a.event)),
                             "source": notifications.localised(functools.partial(alerts.source, a.event))},
                     url=reverse("loans:alert_detail", args=[a.pk]), application=a.application) for a in due]
    notifications.send_many(messages)
    RiskAlert.objects.filter(pk__in=[a.pk for a in due]).update(escalated_at=timezone.now())
    return len(due)
