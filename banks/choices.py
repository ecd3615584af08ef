from django.db import models
from django.utils.translation import gettext_lazy as _


class BankStatus(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")
