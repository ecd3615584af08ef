"""The explicit map of the application workflow: for each action, the statuses it may start
from, the status it leads to, and the roles that may take it. `services.application_transition`
is the only code that reads it to change a status."""

from dataclasses import dataclass

from identity.choices import Role

from .choices import Action, AuthorisationEnd, Status

ENTERPRISE = frozenset({Role.ENTERPRISE})
OFFICER = frozenset({Role.BANK_OFFICER})
APPROVER = frozenset({Role.BANK_APPROVER})
BANK_DESK = frozenset({Role.BANK_OFFICER, Role.BANK_APPROVER})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    roles: frozenset
    # A stage time stamp set when the transition happens (first time only for repeated moves).
    stamp: str


# Withdrawal is possible until a decision is taken (approved or rejected).
BEFORE_DECISION = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.UNDER_REVIEW,
                             Status.PROPOSED})

TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED, ENTERPRISE,
                              "submitted_at"),
    Action.WITHDRAW: Transition(BEFORE_DECISION, Status.WITHDRAWN, ENTERPRISE, "withdrawn_at"),
    Action.ACCEPT: Transition(frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW, OFFICER, "accepted_at"),
    Action.RETURN: Transition(frozenset({Status.SUBMITTED, Status.UNDER_REVIEW}), Status.RETURNED, OFFICER,
                              "returned_at"),
    Action.PROPOSE: Transition(frozenset({Status.UNDER_REVIEW}), Status.PROPOSED, OFFICER, "proposed_at"),
    Action.APPROVE: Transition(frozenset({Status.PROPOSED}), Status.APPROVED, APPROVER, "decided_at"),
    Action.REJECT: Transition(frozenset({Status.PROPOSED}), Status.REJECTED, APPROVER, "decided_at"),
    Action.CONTRACT: Transition(frozenset({Status.APPROVED}), Status.CONTRACTED, BANK_DESK, "contracted_at"),
    # Further disbursements keep the status; the contract amount caps the total.
    Action.DISBURSE: Transition(frozenset({Status.CONTRACTED, Status.DISBURSED}), Status.DISBURSED, BANK_DESK,
                                "disbursed_at"),
}

# Steps after which the bank no longer needs the enterprise's profile and files (PIPL: no
# longer than needed): the transition ends the authorisation with this reason. Settlement ends
# it too, from the loans app (`services.authorisations_end`).
ENDS_AUTHORISATION = {Action.WITHDRAW: AuthorisationEnd.WITHDRAWN, Action.REJECT: AuthorisationEnd.REJECTED}

FINAL = frozenset({Status.REJECTED, Status.WITHDRAWN})
# Statuses in which an application waits for someone's next step (the bank queue's "waiting"
# time and its age filter). Not a draft (nobody holds it yet), nor a finished one: withdrawn,
# rejected, or disbursed (later disbursements are the bank's own follow-up).
WAITING = frozenset(Status.values) - FINAL - {Status.DRAFT, Status.DISBURSED}
# Statuses in which the enterprise may edit the application and its evidence.
ENTERPRISE_EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# Statuses in which the enterprise may add general documents (docs/decisions.md, issue 14): also
# while submitted, before the bank accepts it, since nothing has been checked yet. Removing one
# is only possible while it is editable, like evidence.
DOCUMENTS_ADDABLE = ENTERPRISE_EDITABLE | {Status.SUBMITTED}


def allowed_actions(status: str, role: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if status in t.sources and role in t.roles]
