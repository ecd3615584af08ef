from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where an application stands (notice §四 (一)–(三))."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for more material")
    UNDER_REVIEW = "under_review", _("Under verification")
    PROPOSED = "proposed", _("Decision proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CONTRACTED = "contracted", _("Contract signed")
    DISBURSED = "disbursed", _("Disbursed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw")
    ACCEPT = "accept", _("Accept for verification")
    RETURN = "return", _("Return for more material")
    PROPOSE = "propose", _("Propose a decision")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    CONTRACT = "contract", _("Record the contract")
    DISBURSE = "disburse", _("Record a disbursement")


class AuthorisationEnd(models.TextChoices):
    """Why an authorisation ended (PIPL: kept no longer than needed). The loans app may pass a
    code of its own: the field is free text, these are the codes the portal itself writes."""

    BANK_CHANGED = "bank_changed", _("The application moved to another bank")
    WITHDRAWN = "withdrawn", _("The application was withdrawn")
    REJECTED = "rejected", _("The application was rejected")
    SETTLED = "settled", _("The loan was settled")
    WRITTEN_OFF = "written_off", _("The loan was written off")


# What a history row records besides the workflow steps (same column as the actions).
EVIDENCE_REMOVED = "evidence_removed"
HISTORY_ACTIONS = [*Action.choices, (EVIDENCE_REMOVED, _("Evidence file removed"))]


class Purpose(models.TextChoices):
    """What the loan is for (notice §四 (四))."""

    QUALITY = "quality", _("Quality improvement (质量提升)")
    TECHNICAL = "technical", _("Technical upgrading (技术改造)")
    EQUIPMENT = "equipment", _("Equipment renewal (设备更新)")
    OTHER = "other", _("Other production and operation (其他生产经营)")


class RepaymentMethod(models.TextChoices):
    """How the loan is repaid, chosen at contract (DOMAIN.md §8); the loans app plans the
    schedule from it."""

    INTEREST_MONTHLY = "interest_monthly", _("Monthly interest, principal at maturity (按月付息到期还本)")
    EQUAL_INSTALMENTS = "equal_instalments", _("Equal instalments (等额本息)")
    EQUAL_PRINCIPAL = "equal_principal", _("Equal principal (等额本金)")


class ClaimOrigin(models.TextChoices):
    PROFILE = "profile", _("From the quality profile")
    ADDED = "added", _("Added by the enterprise")


class LibraryMatch(models.TextChoices):
    """How a claim compares with the element library, computed when shown."""

    CONFIRMED = "confirmed", _("Confirmed by the library")
    CONTRADICTED = "contradicted", _("Contradicted by the library")
    NOT_IN_LIBRARY = "not_in_library", _("Not in the library")


class EvidenceReview(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class VerificationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class AccessKind(models.TextChoices):
    PROFILE = "profile", _("Quality profile")
    EVIDENCE = "evidence", _("Evidence file")
    ANSWER_FILE = "answer_file", _("Regulator's answer file")


class AgeFilter(models.TextChoices):
    """Bank queue: how long an application has waited in its current stage."""

    OVER_1 = "1", _("Waiting more than 1 day")
    OVER_3 = "3", _("Waiting more than 3 days")
    OVER_7 = "7", _("Waiting more than 7 days")
    OVER_14 = "14", _("Waiting more than 14 days")


class StageFilter(models.TextChoices):
    """The lists behind the regulators' figures: applications that took a step in a period."""

    SUBMITTED = "submitted", _("Submitted in the period")
    ACCEPTED = "accepted", _("Accepted in the period")
    DECIDED = "decided", _("Decided in the period")
    APPROVED = "approved", _("Approved in the period")
    REJECTED = "rejected", _("Rejected in the period")
    CONTRACTED = "contracted", _("Contract signed in the period")
    DISBURSEMENT = "disbursement", _("Disbursement in the period")
    FIRST_DISBURSED = "first_disbursed", _("First disbursement in the period")
    WITHDRAWN = "withdrawn", _("Withdrawn in the period")
    RETURNED = "returned", _("Returned in the period")
    COMPLAINT = "complaint", _("Returned or rejected in the period")
