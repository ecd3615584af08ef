from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import Feed, Nature


class ElementCategory(models.Model):
    """The five categories of notice §三."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("element category")
        verbose_name_plural = _("element categories")

    def __str__(self):
        return self.name


class ElementType(models.Model):
    """One element of the catalog (notice §三), maintained by the municipal bureau. Retired
    types keep their records readable; `history` keeps every edit."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    category = models.ForeignKey(ElementCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="types")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    levels = models.JSONField(_("applicable levels"), default=list, blank=True,
                              help_text=_("Any of national, municipal, district; empty where levels do not apply."))
    default_validity_months = models.PositiveSmallIntegerField(
        _("default validity (months)"), null=True, blank=True,
        help_text=_("For distinctions that expire (certifications typically 36 months)."))
    evidence = models.CharField(_("what evidence proves it"), max_length=300, blank=True)
    feed = models.CharField(_("feed that supplies it"), max_length=20, choices=Feed.choices)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category__order", "order", "code"]
        verbose_name = _("element type")
        verbose_name_plural = _("element types")

    def __str__(self):
        return self.name

    @property
    def is_retired(self):
        return self.retired_at is not None
