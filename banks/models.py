from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BankStatus


class InstitutionKind(models.Model):
    """Partner-bank institution kinds (notice §二(二), DOMAIN.md §7), seeded by migration."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("institution kind")
        verbose_name_plural = _("institution kinds")

    def __str__(self):
        return self.name


class Bank(models.Model):
    """A financial institution on (or once on) the partner list."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.ForeignKey(InstitutionKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="banks")
    credit_code = models.CharField(_("licence or credit code"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BankStatus.choices, default=BankStatus.ADMITTED)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner bank")
        verbose_name_plural = _("partner banks")

    def __str__(self):
        return self.name


class Branch(models.Model):
    """A Beijing branch (网点) of a partner bank."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        "identity.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["bank", "name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="branch_unique_name_per_bank")]

    def __str__(self):
        return f"{self.bank.name} {self.name}"
