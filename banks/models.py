from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jingzhidai.audit import AppendOnlyModel
from jingzhidai.limits import NOTE, TEXT, LimitedTextField

from .choices import (
    BankAction,
    BankStatus,
    GuaranteeType,
    ProductAction,
    ProductStatus,
    RateKind,
    StaffAction,
)

# Open to new applications, as a query condition (the selectors use these); the
# `accepts_applications` properties say the same of a loaded row, for templates.
BANK_OPEN_TO_APPLICATIONS = models.Q(status=BankStatus.ADMITTED)
PRODUCT_OPEN_TO_APPLICATIONS = models.Q(status=ProductStatus.ACTIVE, bank__status=BankStatus.ADMITTED)


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
    """A financial institution on (or once on) the partner list. `status` is only ever
    changed by `services.bank_transition`, which writes a `BankStatusChange` row."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.ForeignKey(InstitutionKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="banks")
    credit_code = models.CharField(_("licence or credit code"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BankStatus.choices, default=BankStatus.ADMITTED)
    head_office = models.CharField(_("head office"), max_length=200, blank=True,
                                   help_text=_("Legal entity and seat of the head office (总行)."))
    beijing_office = models.CharField(_("Beijing branch"), max_length=200, blank=True,
                                      help_text=_("The Beijing branch (北京分行) that signs the cooperation."))
    beijing_address = models.CharField(_("Beijing branch address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    admitted_on = models.DateField(_("admission date"), null=True, blank=True)
    note = LimitedTextField(_("admission note"), blank=True, max_length=NOTE)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner bank")
        verbose_name_plural = _("partner banks")

    def __str__(self):
        return self.name

    @property
    def accepts_applications(self) -> bool:
        return self.status == BankStatus.ADMITTED


class StatusChange(AppendOnlyModel):
    """One decision on a bank's or a product's status: who (kept by name too), when, why."""

    reason = LimitedTextField(_("reason"), max_length=NOTE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]


class BankStatusChange(StatusChange):
    """One decision on the partner list: from which status to which."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(_("action"), max_length=20, choices=BankAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=BankStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=BankStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("bank status change")
        verbose_name_plural = _("bank status changes")

    def __str__(self):
        return f"{self.bank_id} {self.from_status or '-'} → {self.to_status}"


class Branch(models.Model):
    """A Beijing branch (网点) of a partner bank. An application can be routed to one."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        "identity.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["bank", "name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="branch_unique_name_per_bank")]

    def __str__(self):
        return f"{self.bank.name} {self.name}"


class LoanPrimeRate(models.Model):
    """The loan prime rate (LPR) as published monthly by the PBoC / NBFC. Products priced at
    'LPR + spread' show their effective range against the rate in force."""

    effective_on = models.DateField(_("effective from"), unique=True)
    one_year = models.DecimalField(_("1-year LPR (%)"), max_digits=5, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0.01"))])
    five_year = models.DecimalField(_("5-year LPR (%)"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-effective_on"]
        verbose_name = _("loan prime rate")
        verbose_name_plural = _("loan prime rates")

    def __str__(self):
        return f"{self.effective_on} {self.one_year}%"


class Product(models.Model):
    """A 京质贷 product of a partner bank. `status` is only changed by
    `services.product_transition`; field edits are kept by `history`."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = LimitedTextField(_("description"), blank=True, max_length=TEXT)
    amount_min = models.DecimalField(_("minimum amount (yuan)"), max_digits=16, decimal_places=2)
    amount_max = models.DecimalField(_("maximum amount (yuan)"), max_digits=16, decimal_places=2)
    term_min_months = models.PositiveSmallIntegerField(_("shortest term (months)"))
    term_max_months = models.PositiveSmallIntegerField(_("longest term (months)"))
    rate_kind = models.CharField(_("rate"), max_length=20, choices=RateKind.choices)
    rate_min = models.DecimalField(_("lowest annual rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    rate_max = models.DecimalField(_("highest annual rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    spread_min_bp = models.SmallIntegerField(_("lowest spread over LPR (bp)"), null=True, blank=True)
    spread_max_bp = models.SmallIntegerField(_("highest spread over LPR (bp)"), null=True, blank=True)
    guarantee_types = models.JSONField(_("guarantee types offered"), default=list)
    conditions = models.JSONField(_("quality conditions"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.ACTIVE)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["bank__name", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="product_unique_name_per_bank"),
            models.CheckConstraint(name="product_amount_range", condition=models.Q(amount_min__gt=0)
                                   & models.Q(amount_min__lte=models.F("amount_max"))),
            models.CheckConstraint(name="product_term_range", condition=models.Q(term_min_months__gte=1)
                                   & models.Q(term_min_months__lte=models.F("term_max_months"))),
        ]

    def __str__(self):
        return f"{self.bank.name} · {self.name}"

    MAX_RATE = Decimal("24")  # % a year: above this no bank product is credible
    SPREAD_LIMIT = 1000  # bp either way

    def clean(self):
        errors = {}
        if self.amount_min is not None and self.amount_min <= 0:
            errors["amount_min"] = _("The minimum amount must be positive.")
        if self.amount_min is not None and self.amount_max is not None and self.amount_min > self.amount_max:
            errors["amount_max"] = _("The maximum amount must not be below the minimum amount.")
        if self.term_min_months is not None and self.term_min_months < 1:
            errors["term_min_months"] = _("The shortest term is at least one month.")
        if self.term_max_months is not None and self.term_max_months > 360:
            errors["term_max_months"] = _("The longest term is at most 360 months.")
        if (self.term_min_months is not None and self.term_max_months is not None
                and self.term_min_months > self.term_max_months):
            errors["term_max_months"] = _("The longest term must not be below the shortest term.")
        if self.rate_kind == RateKind.FIXED:
            if self.rate_min is None or self.rate_max is None:
                errors["rate_min"] = _("A fixed rate needs its lowest and highest annual rate.")
            elif not (0 < self.rate_min <= self.rate_max <= self.MAX_RATE):
                errors["rate_max"] = _("Rates must satisfy 0 < lowest ≤ highest ≤ %(max)s%%.") % {"max": self.MAX_RATE}
            if self.spread_min_bp is not None or self.spread_max_bp is not None:
                errors["spread_min_bp"] = _("A fixed rate has no spread over LPR.")
        elif self.rate_kind == RateKind.LPR_SPREAD:
            if self.spread_min_bp is None or self.spread_max_bp is None:
                errors["spread_min_bp"] = _("An LPR-based rate needs its lowest and highest spread in basis points.")
            elif not (-self.SPREAD_LIMIT <= self.spread_min_bp <= self.spread_max_bp <= self.SPREAD_LIMIT):
                errors["spread_max_bp"] = _("Spreads must satisfy −%(n)s ≤ lowest ≤ highest ≤ %(n)s bp.") % {
                    "n": self.SPREAD_LIMIT}
            if self.rate_min is not None or self.rate_max is not None:
                errors["rate_min"] = _("An LPR-based rate has no fixed range.")
        valid = set(GuaranteeType.values)
        if not isinstance(self.guarantee_types, list) or not self.guarantee_types:
            errors["guarantee_types"] = _("Offer at least one guarantee type.")
        elif not set(self.guarantee_types) <= valid or len(set(self.guarantee_types)) != len(self.guarantee_types):
            errors["guarantee_types"] = _("Guarantee types are %(types)s, each at most once.") % {
                "types": ", ".join(valid)}
        if errors:
            raise ValidationError(errors)

    def get_guarantee_types_display(self) -> list[str]:
        labels = dict(GuaranteeType.choices)
        return [str(labels.get(g, g)) for g in self.guarantee_types]

    @property
    def accepts_applications(self) -> bool:
        return self.status == ProductStatus.ACTIVE and self.bank.accepts_applications


class ProductStatusChange(StatusChange):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="status_changes")
    action = models.CharField(_("action"), max_length=20, choices=ProductAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ProductStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ProductStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("product status change")
        verbose_name_plural = _("product status changes")

    def __str__(self):
        return f"{self.product_id} {self.from_status or '-'} → {self.to_status}"


class StaffEvent(AppendOnlyModel):
    """Audit row for bank staff management (create, deactivate, reactivate, password reset)."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="staff_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                             related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=StaffAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("staff event")
        verbose_name_plural = _("staff events")

    def __str__(self):
        return f"{self.user_id} {self.action}"
