"""Archived reports. A report row is written once per production and never replaced:
producing a period again makes a new row (and new files), so what was sent stays as it was."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingzhidai.limits import TEXT, LimitedTextField

from .choices import FileFormat, FileVariant, ReportKind, ReportSource, ReportStatus


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=7)  # 2026-11 or 2026-Q3
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    # The scope: a regulator unit (a district bureau or a special-area unit), or the whole city.
    unit = models.ForeignKey("identity.RegulatorUnit", verbose_name=_("scope"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("produced"), max_length=20, choices=ReportSource.choices,
                              default=ReportSource.ON_DEMAND)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = LimitedTextField(_("error"), blank=True, max_length=TEXT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Whether the period had ended when the figures were computed (else they are provisional).
    period_closed = models.BooleanField(_("period closed"), default=False)
    # The figures the files were made from (JSON, decimals as strings): a later production of a
    # closed period must give the same.
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published to partner banks"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["unit", "id"]), models.Index(fields=["kind", "period", "unit"])]
        constraints = [
            models.CheckConstraint(name="report_published_is_citywide",
                                   condition=models.Q(published_at__isnull=True) | models.Q(unit__isnull=True)),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.period} {self.scope_name}"

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit_id else str(_("Beijing (city-wide)"))

    @property
    def reference(self) -> str:
        """What people quote and the files are named after: jzd-monthly-2026-11-110108-42."""
        return f"jzd-{self.kind}-{self.period}-{self.unit.code if self.unit_id else 'city'}-{self.pk}"

    @property
    def is_done(self):
        return self.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)

    @property
    def is_citywide(self):
        return self.unit_id is None


class ReportFile(models.Model):
    """One stored file of a report (default storage), with its SHA-256."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    variant = models.CharField(_("variant"), max_length=10, choices=FileVariant.choices, default=FileVariant.FULL)
    storage_name = models.CharField(_("stored file"), max_length=400)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["report", "variant", "format"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [models.UniqueConstraint(fields=["report", "variant", "format"], name="report_file_unique")]

    def __str__(self):
        return self.file_name

    @property
    def content_type(self):
        return {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "pdf": "application/pdf"}[self.format]
