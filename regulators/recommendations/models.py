from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhidai.limits import NOTE, LimitedTextField

from ..consents import Consent


class RecommendationConsent(Consent):
    """An enterprise agrees to be recommended to partner banks. Ended (time, who), never
    deleted; an entry of a list is shown only while the consent it was built under is in force."""

    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta(Consent.Meta):
        verbose_name = _("recommendation consent")
        verbose_name_plural = _("recommendation consents")
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=models.Q(ended_at__isnull=True),
                                               name="one_recommendation_consent_in_force")]

    def __str__(self):
        return f"{self.enterprise_id} @ {self.granted_at:%Y-%m-%d %H:%M}"


class RecommendedList(models.Model):
    """A dated snapshot: who qualified on `as_of`. The newest is the one banks browse."""

    month = models.DateField(_("month"), help_text=_("First day of the month the list is for."))
    as_of = models.DateField(_("profiles as of"))
    built_at = models.DateTimeField(_("built"), default=timezone.now)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("built by"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    opted_in = models.PositiveIntegerField(_("enterprises opted in"), default=0)
    entries_count = models.PositiveIntegerField(_("enterprises listed"), default=0)

    class Meta:
        ordering = ["-built_at", "-id"]
        verbose_name = _("recommended list")
        verbose_name_plural = _("recommended lists")

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.built_at:%Y-%m-%d %H:%M})"


class RecommendedEntry(models.Model):
    """One enterprise on one list, with its five-category summary on the list's date."""

    snapshot = models.ForeignKey(RecommendedList, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    consent = models.ForeignKey(RecommendationConsent, on_delete=models.PROTECT, related_name="entries")
    district = models.ForeignKey("identity.District", verbose_name=_("district"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+", db_constraint=False)
    enterprise_name = models.CharField(_("enterprise name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    # [{"code", "name", "elements": [names]}] for the four distinction categories, plus credit.
    summary = models.JSONField(_("five-category summary"), default=list)
    distinctions = models.PositiveSmallIntegerField(_("distinctions held"), default=0)

    class Meta:
        ordering = ["district_id", "enterprise_name", "id"]
        verbose_name = _("recommended enterprise")
        verbose_name_plural = _("recommended enterprises")
        constraints = [models.UniqueConstraint(fields=["snapshot", "enterprise"], name="one_entry_per_list")]
        # The list's order within a snapshot: a page is read from the index, not sorted.
        indexes = [models.Index(fields=["snapshot", "district", "enterprise_name", "id"],
                                name="recommended_entry_order")]

    def __str__(self):
        return self.enterprise_name


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    """A partner bank invites a recommended enterprise to apply (optionally for one product)."""

    entry = models.ForeignKey(RecommendedEntry, on_delete=models.PROTECT, related_name="invitations")
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    bank = models.ForeignKey("banks.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("banks.Product", verbose_name=_("product"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    message = LimitedTextField(_("message"), max_length=NOTE, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT,
                                   related_name="+")
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=InvitationStatus.choices,
                              default=InvitationStatus.OPEN)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["enterprise", "bank"],
                                               condition=models.Q(status="open"),
                                               name="one_open_invitation_per_bank")]
        indexes = [models.Index(fields=["enterprise", "status"], name="invitation_enterprise_status")]

    def __str__(self):
        return f"{self.bank_id} → {self.enterprise_id}"
