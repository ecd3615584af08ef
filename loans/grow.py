"""The loans of the contracts `grow_demo` generates, written with them (issue 10: a million
applications with their loans in minutes).

`LoanRows` is an `applications.grow.Extension`: applications' generator hands it each chunk's
contracts (with their disbursements) in the generating process, and it returns the COPY text
of their loans, opening history rows and schedules, which are copied with the chunk; the loan
tables' plain indexes are dropped and built again with the others. Each loan is the one the
loans app opens for such a contract (`services._loans_open`, the nightly `loans_reconcile`):
the same rules, called here — `services.schedule_of` (the schedule), `selectors.due_position_of`
and `services.due_figures` (the next due date, the amount then, days past due),
`services.open_note` (the history row's note), `services.instalment_lines` (the schedule's COPY
text) — and every other column at its model default. `tests/loans/test_grow.py` grows a world
both ways and compares the rows. Afterwards `loans_reconcile` finds nothing to open."""

from datetime import UTC
from decimal import Decimal

from django.utils import timezone

from applications import grow
from elements.sync.bulk import _copy_value

from . import selectors, services
from .choices import LoanAction
from .models import Instalment, Loan, LoanHistory

TABLES = (Loan, LoanHistory, Instalment)
# The columns written and, in order, which of them each loan computes; every other column of
# the loan and its history row takes its model default (`_defaults`).
LOAN_COMPUTED = ("id", "contract_id", "application_id", "enterprise_id", "bank_id", "product_id", "repayment_method",
                 "status_changed_at", "created_at", "disbursed", "first_disbursed_on", "outstanding", "maturity_on",
                 "next_due_on", "next_due_amount", "days_past_due", "overdue_since")
HISTORY_COMPUTED = ("loan_id", "action", "to_status", "actor_id", "note", "at")
INSTALMENT_COLUMNS = ("loan_id", "number", "due_on", "principal", "interest")
N = "\\N"


def _defaults(model, computed) -> dict:
    """{column: COPY text of its model default} for the columns of `model` not in `computed`
    (its id aside)."""
    return {f.column: _copy_value(f.get_default()) for f in model._meta.concrete_fields
            if f.column not in computed and f.column != "id"}


def _text(value) -> str:
    return N if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


class LoanRows:
    """The loans of grown contracts, as `applications.grow` asks of an Extension."""

    tables = TABLES
    # The loans and their history on the first COPY connection, with the contracts; the
    # schedules (most of the rows: as long to copy as all the others) on one of their own.
    connections = ((Instalment,),)

    def __init__(self):
        self.loan_defaults = _defaults(Loan, LOAN_COMPUTED)
        self.history_defaults = _defaults(LoanHistory, HISTORY_COMPUTED)
        self.columns = {Loan: LOAN_COMPUTED + tuple(self.loan_defaults),
                        LoanHistory: HISTORY_COMPUTED + tuple(self.history_defaults),
                        Instalment: INSTALMENT_COLUMNS}
        self.loan_tail = "\t".join(self.loan_defaults.values())
        self.history_tail = "\t".join(self.history_defaults.values())
        self.status = Loan._meta.get_field("status").get_default()

    def prepare(self, contracts: int) -> None:
        """The loans' ids (one per contract, in the contracts' order, as `loans_reconcile`
        numbers them), and the moment they are opened (one for all) and its day."""
        self.ids = iter(grow.ids_reserve(Loan, contracts))
        now = timezone.now()
        self.today = timezone.localdate(now)
        self.now = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")  # COPY in UTC

    def chunk(self, contracts) -> tuple[dict, dict]:
        loans, history, schedules = [], [], []
        now, today, status, loan_tail, history_tail = self.now, self.today, self.status, self.loan_tail, \
            self.history_tail
        opened, notes = LoanAction.OPEN.value, {}
        for c in contracts:
            loan_id = next(self.ids)
            # As services._loans_open: the figures from the disbursements, nothing repaid yet.
            if c.disbursements:
                disbursed = sum(amount for amount, _day in c.disbursements)
                first = min(day for _amount, day in c.disbursements)
            else:
                disbursed, first = Decimal(0), None
            rows = services.schedule_of(amount=c.amount, annual_rate=c.annual_rate, signed_on=c.signed_on,
                                        method=c.repayment_method, maturity_on=c.maturity_on, disbursed=disbursed,
                                        first_disbursed_on=first)
            next_on, next_amount, dpd, overdue = services.due_figures(
                selectors.due_position_of(rows, paid=Decimal(0)), today)
            loans.append(f"{loan_id}\t{c.id}\t{c.application_id}\t{c.enterprise_id}\t{c.bank_id}\t{c.product_id}\t"
                         f"{c.repayment_method}\t{now}\t{now}\t{disbursed}\t{_text(first)}\t{disbursed}\t"
                         f"{c.maturity_on.isoformat()}\t{_text(next_on)}\t{_text(next_amount)}\t{dpd}\t"
                         f"{_text(overdue)}\t{loan_tail}\n")
            # The note as services.open_note words it, translated once per repayment method
            # (a NUL stands for the contract number: no message contains one).
            note = notes.get(c.repayment_method)
            if note is None:
                note = notes[c.repayment_method] = _copy_value(services.open_note("\0", c.repayment_method))
            note = note.replace("\0", c.number)
            history.append(f"{loan_id}\t{opened}\t{status}\t{c.recorded_by_id}\t{note}\t{now}\t{history_tail}\n")
            schedules.append(services.instalment_lines(loan_id, rows))
        counts = {"loans": len(loans), "loan_history": len(history),
                  "instalments": sum(text.count("\n") for text in schedules)}
        return {Loan: "".join(loans), LoanHistory: "".join(history), Instalment: "".join(schedules)}, counts

