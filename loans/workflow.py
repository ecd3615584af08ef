"""The explicit map of a loan's life: for each action, the statuses it may start from, the
status it leads to and who may take it (None: the nightly job or the repayment that cures an
overdue). `services.loan_transition` is the only code that reads it to change a status."""

from dataclasses import dataclass

from identity.choices import Role

from .choices import LoanAction, LoanStatus

BANK_DESK = frozenset({Role.BANK_OFFICER, Role.BANK_APPROVER})
APPROVER = frozenset({Role.BANK_APPROVER})
SYSTEM = frozenset({None})

# Outstanding: the loan still concerns its bank (risk alerts, the overdue job).
OPEN = frozenset({LoanStatus.REPAYING, LoanStatus.OVERDUE, LoanStatus.EXTENDED, LoanStatus.DEFAULTED})
# Performing or overdue: repayments move it, the nightly job computes days past due.
SERVICING = frozenset({LoanStatus.REPAYING, LoanStatus.OVERDUE, LoanStatus.EXTENDED})
CLOSED = frozenset({LoanStatus.SETTLED, LoanStatus.WRITTEN_OFF})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: the status does not change (classify) or is computed (cure)
    roles: frozenset


TRANSITIONS: dict[str, Transition] = {
    LoanAction.OVERDUE: Transition(frozenset({LoanStatus.REPAYING, LoanStatus.EXTENDED}), LoanStatus.OVERDUE,
                                   SYSTEM),
    # Back to repaying, or to extended for a loan that was extended.
    LoanAction.CURE: Transition(frozenset({LoanStatus.OVERDUE}), None, SYSTEM | BANK_DESK),
    # 展期 is agreed before the loan falls due: not from overdue, and at most once.
    LoanAction.EXTEND: Transition(frozenset({LoanStatus.REPAYING}), LoanStatus.EXTENDED, BANK_DESK),
    LoanAction.SETTLE: Transition(OPEN, LoanStatus.SETTLED, BANK_DESK),
    LoanAction.DEFAULT: Transition(SERVICING, LoanStatus.DEFAULTED, APPROVER),
    LoanAction.WRITE_OFF: Transition(frozenset({LoanStatus.DEFAULTED}), LoanStatus.WRITTEN_OFF, APPROVER),
    LoanAction.CLASSIFY: Transition(OPEN | {LoanStatus.WRITTEN_OFF}, None, BANK_DESK),
}

# The actions a bank user may take from the loan page or `POST /loans/{id}/status/`.
BANK_ACTIONS = (LoanAction.EXTEND, LoanAction.SETTLE, LoanAction.DEFAULT, LoanAction.WRITE_OFF,
                LoanAction.CLASSIFY)


def allowed_actions(status: str, role: str | None) -> list[str]:
    return [a for a in BANK_ACTIONS if status in TRANSITIONS[a].sources and role in TRANSITIONS[a].roles]
