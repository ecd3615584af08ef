from django.db import models
from django.utils.translation import gettext_lazy as _


class LoanStatus(models.TextChoices):
    REPAYING = "repaying", _("Repaying")
    OVERDUE = "overdue", _("Overdue")
    EXTENDED = "extended", _("Extended (展期)")
    SETTLED = "settled", _("Settled")
    DEFAULTED = "defaulted", _("Defaulted")
    WRITTEN_OFF = "written_off", _("Written off")


class LoanAction(models.TextChoices):
    OPEN = "open", _("Loan opened from the contract")
    OVERDUE = "overdue", _("Fell overdue")
    CURE = "cure", _("Overdue amounts repaid")
    EXTEND = "extend", _("Extend (展期)")
    SETTLE = "settle", _("Settle")
    DEFAULT = "default", _("Declare defaulted")
    WRITE_OFF = "write_off", _("Write off")
    CLASSIFY = "classify", _("Record the classification")


class Classification(models.TextChoices):
    """五级分类 (the banking regulator's loan risk classification); the last three are
    non-performing."""

    NORMAL = "normal", _("Normal (正常)")
    SPECIAL_MENTION = "special_mention", _("Special mention (关注)")
    SUBSTANDARD = "substandard", _("Substandard (次级)")
    DOUBTFUL = "doubtful", _("Doubtful (可疑)")
    LOSS = "loss", _("Loss (损失)")


NON_PERFORMING = (Classification.SUBSTANDARD, Classification.DOUBTFUL, Classification.LOSS)


class RepaymentSource(models.TextChoices):
    PAGE = "page", _("Entered on the portal")
    API = "api", _("Bank system (API)")
    FILE = "file", _("Batch file")
    DEMO = "demo", _("Demo seed")


class FundUseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the bank's review")
    ACCEPTED = "accepted", _("Accepted")
    QUESTIONED = "questioned", _("Questioned by the bank")
    ANSWERED = "answered", _("Answered, awaiting the bank's review")


class Audience(models.TextChoices):
    BANK = "bank", _("Bank holding the loan or application")
    DISTRICT = "district", _("District regulator")


class AlertAction(models.TextChoices):
    CONTINUE = "continue", _("Continue as agreed")
    TIGHTEN = "tighten", _("Tighten monitoring")
    EARLY_REPAYMENT = "early_repayment", _("Demand early repayment")
    OTHER = "other", _("Other")


class OverdueFilter(models.TextChoices):
    ANY = "any", _("Overdue (any days)")
    OVER_30 = "30", _("More than 30 days overdue")
    OVER_90 = "90", _("More than 90 days overdue")


class PositionFilter(models.TextChoices):
    """Loans held at the end of a day (the regulators' figures drill down to these)."""

    HELD = "held", _("Outstanding")
    OVERDUE = "overdue", _("Overdue")
    NON_PERFORMING = "npl", _("Non-performing (次级/可疑/损失)")
