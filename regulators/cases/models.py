import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhidai.audit import AppendOnlyModel
from jingzhidai.limits import NOTE, SHORT, TEXT, LimitedTextField

from ..consents import Consent

MONEY = dict(max_digits=16, decimal_places=2)
MAX_PHOTOS = 8


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class CaseAction(models.TextChoices):
    CREATE = "create", _("Drafted")
    EDIT = "edit", _("Edited")
    PHOTO_ADD = "photo_add", _("Photo added")
    PHOTO_REMOVE = "photo_remove", _("Photo removed")
    CONSENT = "consent", _("Consent given")
    CONSENT_REVOKE = "consent_revoke", _("Consent revoked")
    CONSENT_LAPSE = "consent_lapse", _("Consent lapsed (the case changed)")
    PUBLISH = "publish", _("Published")
    UNPUBLISH = "unpublish", _("Unpublished")


def photo_path(instance, filename):
    """A generated path: the uploaded name is metadata, never part of a path."""
    day = timezone.localdate()
    return f"cases/{day:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class TypicalCase(models.Model):
    """A case the bureaus publicise: which enterprise borrowed from which bank, which quality
    element made the difference, the figures and the story. `status` is changed only by the
    services, each change written to `CaseEvent`."""

    title = models.CharField(_("title"), max_length=SHORT)
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    bank = models.ForeignKey("banks.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey("loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    element_type = models.ForeignKey("elements.ElementType", verbose_name=_("quality element that made the difference"),
                                     on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, null=True, blank=True)
    annual_rate = models.DecimalField(_("annual rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    summary = LimitedTextField(_("summary"), max_length=NOTE)
    body = LimitedTextField(_("text"), max_length=TEXT * 2)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT,
                              db_index=True)
    drafted_by_unit = models.ForeignKey("identity.RegulatorUnit", verbose_name=_("drafted by"),
                                        on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        indexes = [models.Index(fields=["status", "-published_at", "-id"], name="case_public_order")]

    def __str__(self):
        return self.title


class CaseConsent(Consent):
    """The enterprise's consent to publish one case as it stands. Ended (time, who, why), never
    deleted; editing the case ends it, so the enterprise always consented to what is shown."""

    case = models.ForeignKey(TypicalCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consents")
    end_reason = models.CharField(_("why it ended"), max_length=20, blank=True)

    class Meta(Consent.Meta):
        verbose_name = _("case consent")
        verbose_name_plural = _("case consents")
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(ended_at__isnull=True),
                                               name="one_consent_in_force_per_case")]

    def __str__(self):
        return f"{self.case_id} @ {self.granted_at:%Y-%m-%d %H:%M}"


class CasePhoto(models.Model):
    """A JPEG or PNG judged by content and re-encoded (metadata such as GPS positions dropped)."""

    case = models.ForeignKey(TypicalCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=SHORT, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")

    def __str__(self):
        return self.original_name


class CaseEvent(AppendOnlyModel):
    """The history of a case: every change of content, consent and status."""

    case = models.ForeignKey(TypicalCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=CaseAction.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = LimitedTextField(_("note"), max_length=NOTE, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")

    def __str__(self):
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
