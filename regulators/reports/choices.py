from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being produced")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


class ReportSource(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled (beat)")
    ON_DEMAND = "on_demand", _("On demand")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel")
    PDF = "pdf", _("PDF")


class FileVariant(models.TextChoices):
    # The full report for regulators; the bulletin (情况通报) is what partner banks receive.
    FULL = "full", _("Full report")
    BULLETIN = "bulletin", _("Bulletin for partner banks")
