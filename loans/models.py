import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.choices import Purpose, RepaymentMethod
from jingzhidai.audit import StepHistory
from jingzhidai.limits import NOTE, TEXT, LimitedTextField

from .choices import (
    AlertAction,
    Audience,
    Classification,
    FundUseStatus,
    LoanAction,
    LoanStatus,
    RepaymentSource,
)

MONEY = dict(max_digits=16, decimal_places=2)


def fund_use_path(instance, filename):
    """A generated path: the uploaded name is metadata, never part of a path."""
    day = timezone.localdate()
    return f"fund-use/{day:%Y/%m}/{uuid.uuid4().hex}{instance.file_extension}"


class Loan(models.Model):
    """A loan from its signed contract on (applications' Contract). The bank's core system is
    the book of record: the figures here come from the contract, the disbursements and the
    repayments the bank reports. `status` is only changed by `services.loan_transition`."""

    contract = models.OneToOneField("applications.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
                                    related_name="loan")
    application = models.OneToOneField("applications.Application", verbose_name=_("application"),
                                       on_delete=models.PROTECT, related_name="loan")
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    bank = models.ForeignKey("banks.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    # The application's product, kept on the loan (set when it is opened, never changed): the
    # loan book's product filter walks the book's index (loan_product_book) instead of joining
    # every loan of the bank to its application.
    product = models.ForeignKey("banks.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    repayment_method = models.CharField(_("repayment method"), max_length=20, choices=RepaymentMethod.choices)
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.REPAYING,
                              editable=False)
    status_changed_at = models.DateTimeField(_("in this status since"), default=timezone.now)
    # Figures kept current by the services (lists and the nightly job read them without sums).
    disbursed = models.DecimalField(_("disbursed (yuan)"), **MONEY, default=0)
    first_disbursed_on = models.DateField(_("first disbursement"), null=True, blank=True)
    repaid_principal = models.DecimalField(_("principal repaid (yuan)"), **MONEY, default=0)
    repaid_interest = models.DecimalField(_("interest paid (yuan)"), **MONEY, default=0)
    outstanding = models.DecimalField(_("outstanding principal (yuan)"), **MONEY, default=0)
    maturity_on = models.DateField(_("maturity date"))
    next_due_on = models.DateField(_("next due date"), null=True, blank=True)
    next_due_amount = models.DecimalField(_("amount due then (yuan)"), **MONEY, null=True, blank=True)
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    # Extension (展期): at most once, with a reason.
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    original_maturity_on = models.DateField(_("original maturity"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for the extension"), max_length=500, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    closed_on = models.DateField(_("defaulted or written off on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=500, blank=True)
    classification = models.CharField(_("five-category classification"), max_length=20,
                                      choices=Classification.choices, default=Classification.NORMAL)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    fund_use_flagged_at = models.DateTimeField(_("missing fund-use report flagged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [models.Index(fields=["bank", "status"]), models.Index(fields=["enterprise", "status"]),
                   models.Index(fields=["status", "next_due_on"]),
                   # The loan book's order (selectors.loan_list) for a bank: its pages walk it
                   # (jingzhidai/paging.py), the status, overdue and classification filters are read
                   # from it and so are the book's figures (selectors.loan_book_figures), without
                   # the table (PostgreSQL; SQLite ignores `include`).
                   models.Index(fields=["bank", "-created_at", "-id"], name="loan_bank_book",
                                include=["status", "days_past_due", "classification", "outstanding"]),
                   # …by product: the bank's book filtered by one of its products.
                   models.Index(fields=["bank", "product", "-created_at", "-id"], name="loan_product_book",
                                include=["status", "days_past_due", "classification", "outstanding"]),
                   # …by enterprise: the enterprise's own loans, and the bank's book filtered by
                   # district or searched by name (the few enterprises first, then their loans).
                   models.Index(fields=["enterprise", "bank", "-created_at", "-id"], name="loan_enterprise_book",
                                include=["status", "days_past_due", "classification", "outstanding"]),
                   # …for the regulators and platform admins, who see every loan.
                   models.Index(fields=["-created_at", "-id"], name="loan_book")]
        constraints = [
            models.CheckConstraint(name="loan_outstanding_not_negative", condition=models.Q(outstanding__gte=0)),
            models.CheckConstraint(name="loan_repaid_within_disbursed",
                                   condition=models.Q(repaid_principal__lte=models.F("disbursed"))),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return self.number_of(self.contract_id, self.contract.number if self.contract_id else None)

    @staticmethod
    def number_of(contract_id, contract_number) -> str:
        """The loan's number, also for loan book rows read as values (api.LoanSerializer)."""
        return contract_number if contract_id else "—"

    @property
    def is_open(self) -> bool:
        from .workflow import OPEN

        return self.status in OPEN

    @property
    def non_performing(self) -> bool:
        from .choices import NON_PERFORMING

        return self.classification in NON_PERFORMING


class Instalment(models.Model):
    """One line of the repayment schedule (planned; the repayments are what happened)."""

    # No index of its own: the unique (loan, number) serves every lookup by loan (issue 10: one
    # index fewer to write per schedule row, and to build after grow_demo's ten million).
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments", db_index=False)
    number = models.PositiveSmallIntegerField(_("no."))
    due_on = models.DateField(_("due on"))
    principal = models.DecimalField(_("principal (yuan)"), **MONEY)
    interest = models.DecimalField(_("interest (yuan)"), **MONEY)

    class Meta:
        ordering = ["loan", "number"]
        verbose_name = _("scheduled instalment")
        verbose_name_plural = _("repayment schedule")
        constraints = [models.UniqueConstraint(fields=["loan", "number"], name="instalment_unique_number")]

    def __str__(self):
        return f"{self.loan_id} #{self.number} {self.due_on}"

    @property
    def total(self):
        return self.principal + self.interest


class Repayment(models.Model):
    """A repayment the bank reports. The bank's reference is unique within the bank: the same
    reference twice is one repayment."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments")
    bank = models.ForeignKey("banks.Bank", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    principal = models.DecimalField(_("principal (yuan)"), **MONEY)
    interest = models.DecimalField(_("interest (yuan)"), **MONEY)
    reference = models.CharField(_("bank reference"), max_length=64)
    source = models.CharField(_("reported through"), max_length=10, choices=RepaymentSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [
            models.UniqueConstraint(fields=["bank", "reference"], name="repayment_reference_unique_per_bank"),
            models.CheckConstraint(name="repayment_amounts_not_negative",
                                   condition=models.Q(principal__gte=0, interest__gte=0)),
        ]

    def __str__(self):
        return self.reference


class LoanHistory(StepHistory):
    """One step of a loan: who (or the nightly job), when, from which status to which, note.
    Append-only, like an application's history."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("action"), max_length=20, choices=LoanAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=LoanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=LoanStatus.choices)
    # A classification step keeps what was recorded and as of which day, so the figures of a
    # closed period (regulators.metrics) read the classification in force then, not today's.
    classification = models.CharField(_("five-category classification"), max_length=20,
                                      choices=Classification.choices, blank=True)
    effective_on = models.DateField(_("as of"), null=True, blank=True)

    class Meta(StepHistory.Meta):
        verbose_name = _("loan history entry")
        verbose_name_plural = _("loan history")

    def __str__(self):
        return f"{self.loan_id} {self.from_status} → {self.to_status}"


class FundUseReport(models.Model):
    """The enterprise reports how disbursed money was used; the bank reviews it."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="fund_use")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    date = models.DateField(_("date spent"))
    description = LimitedTextField(_("description"), max_length=TEXT)
    file = models.FileField(_("supporting file"), upload_to=fund_use_path, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_extension = models.CharField(max_length=10, blank=True, editable=False)
    file_content_type = models.CharField(max_length=50, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=FundUseStatus.choices,
                              default=FundUseStatus.SUBMITTED)
    review_note = LimitedTextField(_("bank's note"), max_length=NOTE, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    answer = LimitedTextField(_("enterprise's answer"), max_length=NOTE, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("fund-use report")
        verbose_name_plural = _("fund-use reports")
        constraints = [models.CheckConstraint(name="fund_use_amount_positive", condition=models.Q(amount__gt=0))]

    def __str__(self):
        return f"{self.loan_id} {self.get_purpose_display()} {self.amount}"


class RiskAlert(models.Model):
    """A library change about an enterprise with an outstanding loan or an open application,
    for the bank holding it (one per loan or application) or for the enterprise's district
    regulator (one per change). Unique per (event, application) for banks and per event for
    the district, so re-runs and concurrent jobs raise nothing twice."""

    event = models.ForeignKey("elements.ChangeEvent", verbose_name=_("library change"), on_delete=models.PROTECT,
                              related_name="+")
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices)
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    application = models.ForeignKey("applications.Application", verbose_name=_("application"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey(Loan, verbose_name=_("loan"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="alerts")
    bank = models.ForeignKey("banks.Bank", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    regulator_unit = models.ForeignKey("identity.RegulatorUnit", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    good_news = models.BooleanField(_("good news"), default=False)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=AlertAction.choices, blank=True)
    note = LimitedTextField(_("note"), max_length=NOTE, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the approver"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk alert")
        verbose_name_plural = _("risk alerts")
        indexes = [models.Index(fields=["bank", "acknowledged_at"]), models.Index(fields=["regulator_unit", "id"]),
                   # The bank's alert inbox in its order (its pages walk it, jingzhidai/paging.py).
                   models.Index(fields=["bank", "-created_at", "-id"], name="risk_alert_bank_inbox"),
                   models.Index(fields=["enterprise", "id"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "application"], condition=models.Q(audience="bank"),
                                    name="risk_alert_once_per_application"),
            models.UniqueConstraint(fields=["event"], condition=models.Q(audience="district"),
                                    name="risk_alert_once_per_district"),
            models.CheckConstraint(name="risk_alert_bank_has_application",
                                   condition=~models.Q(audience="bank") | models.Q(application__isnull=False,
                                                                                   bank__isnull=False)),
        ]

    def __str__(self):
        return f"#{self.pk} {self.event_id} → {self.audience}"

    @property
    def is_open(self) -> bool:
        return self.audience == Audience.BANK and self.acknowledged_at is None


class AlertScan(models.Model):
    """A finished run of the alert job: up to which change event it looked (`upto`) and when it
    started. The next run starts after the `upto` of the last run that started at least the
    overlap window ago, so an event committed late (by a long transaction) is still read."""

    started_at = models.DateTimeField(db_index=True)
    upto = models.BigIntegerField()
    raised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("alert scan")
        verbose_name_plural = _("alert scans")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ≤ {self.upto}"
