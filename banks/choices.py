from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BankStatus(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")


class BankAction(models.TextChoices):
    """Decisions on the partner list (notice §二(二)). Each one is a status transition."""

    ADMIT = "admit", _("Admit")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    REMOVE = "remove", _("Remove")


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", pgettext_lazy("product status", "Withdrawn")


class ProductAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    WITHDRAW = "withdraw", pgettext_lazy("product action", "Withdraw")
    REPUBLISH = "republish", _("Publish again")


class RateKind(models.TextChoices):
    FIXED = "fixed", _("Fixed range")
    LPR_SPREAD = "lpr_spread", _("LPR plus a spread")


class GuaranteeType(models.TextChoices):
    CREDIT = "credit", _("Credit (信用)")
    SURETY = "surety", _("Surety (保证)")
    MORTGAGE = "mortgage", _("Mortgage (抵押)")
    PLEDGE = "pledge", _("Pledge (质押)")


class StaffAction(models.TextChoices):
    CREATE = "create", _("Create")
    DEACTIVATE = "deactivate", _("Deactivate")
    REACTIVATE = "reactivate", _("Reactivate")
    RESET_PASSWORD = "reset_password", _("Reset password")
