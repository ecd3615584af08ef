import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.choices import GuaranteeType
from jingzhidai.audit import AppendOnlyModel, StepHistory
from jingzhidai.limits import LONG_TEXT, NOTE, TEXT, LimitedTextField

from .choices import (
    HISTORY_ACTIONS,
    AccessKind,
    AuthorisationEnd,
    ClaimOrigin,
    DocumentKind,
    EvidenceReview,
    Purpose,
    RepaymentMethod,
    Status,
    VerificationStatus,
)
from .workflow import WAITING

MONEY = dict(max_digits=16, decimal_places=2)
# The longest loan term the portal records (30 years; products are capped at the same).
TERM_MAX_MONTHS = 360
TERM = [MinValueValidator(1), MaxValueValidator(TERM_MAX_MONTHS)]


def evidence_path(instance, filename):
    """A generated path: the uploaded name is metadata, never part of a path."""
    day = timezone.localdate()
    return f"evidence/{day:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


def document_path(instance, filename):
    day = timezone.localdate()
    return f"documents/{day:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


def answer_path(instance, filename):
    day = timezone.localdate()
    return f"verification/{day:%Y/%m}/{uuid.uuid4().hex}{instance.answer_file_extension}"


class Application(models.Model):
    """An enterprise's 京质贷 application to one partner bank for one product. `status` is only
    ever changed by `services.application_transition`, which writes a HistoryEntry."""

    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="applications")
    bank = models.ForeignKey("banks.Bank", verbose_name=_("bank"), on_delete=models.PROTECT,
                             related_name="applications")
    product = models.ForeignKey("banks.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="applications")
    branch = models.ForeignKey("banks.Branch", verbose_name=_("branch"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="applications")
    amount = models.DecimalField(_("amount requested (yuan)"), **MONEY, validators=[MinValueValidator(1)])
    term_months = models.PositiveSmallIntegerField(_("term requested (months)"), validators=TERM)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    purpose_description = LimitedTextField(_("description of the purpose"), blank=True, max_length=TEXT)
    need_statement = LimitedTextField(_("loan-need statement (贷款需求说明)"), max_length=LONG_TEXT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")

    # Stage time stamps (first time each stage is reached), so the time a bank takes can be reported.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("in this status since"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("decision proposed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    contracted_at = models.DateTimeField(_("contract recorded"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("first disbursement"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    # The officer's proposal and the approver's decision (maker-checker).
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    credit_line = models.DecimalField(_("credit line (yuan)"), **MONEY, null=True, blank=True)
    annual_rate = models.DecimalField(_("annual rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    decided_term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True,
                                                           validators=TERM)
    guarantee_type = models.CharField(_("guarantee type"), max_length=20, choices=GuaranteeType.choices,
                                      blank=True)
    proposal_notes = LimitedTextField(_("proposal notes"), blank=True, max_length=NOTE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decision_reason = LimitedTextField(_("reason given to the enterprise"), blank=True, max_length=NOTE)
    return_note = LimitedTextField(_("what the bank asks for"), blank=True, max_length=NOTE)
    # The profile as the officer saw it when proposing, with the rules version it was computed under.
    decision_profile = models.JSONField(_("profile at the proposal"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["bank", "status", "status_changed_at"]),
                   models.Index(fields=["enterprise", "created_at"]),
                   # The list order (selectors.application_list) per audience: the bank's queue,
                   # the enterprise's own list, the regulators' (submitted only).
                   models.Index(fields=["bank", "-status_changed_at", "-id"], name="application_bank_queue",
                                condition=models.Q(submitted_at__isnull=False)),
                   models.Index(fields=["enterprise", "-status_changed_at", "-id"],
                                name="application_enterprise_list"),
                   models.Index(fields=["-status_changed_at", "-id"], name="application_submitted_list",
                                condition=models.Q(submitted_at__isnull=False)),
                   # The bank's queue filtered by status (pages walk it, count stops in it) and by
                   # district (the district's enterprises, each an index-only range of the bank).
                   models.Index(fields=["bank", "status", "-status_changed_at", "-id"],
                                name="application_bank_status_queue", condition=models.Q(submitted_at__isnull=False)),
                   models.Index(fields=["enterprise", "bank", "-status_changed_at", "-id"],
                                name="application_enterprise_bank", condition=models.Q(submitted_at__isnull=False)),
                   # The regulators' figures select by the date of each stage (regulators.metrics).
                   *[models.Index(fields=[stamp], name=f"application_{stamp}", condition=models.Q(
                       **{f"{stamp}__isnull": False})) for stamp in ("submitted_at", "accepted_at", "decided_at",
                                                                      "disbursed_at", "withdrawn_at")]]
        constraints = [
            models.CheckConstraint(name="application_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="application_maker_checker", condition=models.Q(decided_by__isnull=True)
                                   | models.Q(proposed_by__isnull=True)
                                   | ~models.Q(decided_by=models.F("proposed_by"))),
        ]

    def __str__(self):
        return _("Application %(no)s") % {"no": self.number}

    @property
    def number(self) -> str:
        return self.number_of(self.pk, self.created_at)

    @staticmethod
    def number_of(pk, created_at) -> str:
        """The application number, also for list rows read as values (api.ApplicationSerializer)."""
        return f"JZD-{created_at:%Y}-{pk:06d}" if pk else "—"

    @property
    def is_waiting(self) -> bool:
        """Waiting for someone's next step (workflow.WAITING): the queue shows for how long."""
        return self.status in WAITING

    def stages(self) -> list[tuple[str, object]]:
        """Every stage reached, with its date, for the enterprise's and the bank's pages."""
        rows = [(_("Created"), self.created_at), (_("Submitted"), self.submitted_at),
                (_("Returned for more material"), self.returned_at), (_("Accepted"), self.accepted_at),
                (_("Decision proposed"), self.proposed_at), (_("Decided"), self.decided_at),
                (_("Contract recorded"), self.contracted_at), (_("First disbursement"), self.disbursed_at),
                (_("Withdrawn"), self.withdrawn_at)]
        return [(label, at) for label, at in rows if at]


class Authorisation(models.Model):
    """The enterprise authorises one bank to see its quality profile and evidence for one
    application (notice §四 (一): 授权). No bank sees either without it, and only the bank it
    names (checked against the application's bank wherever the profile or a file is opened).
    Append-only: an authorisation is ended (time and reason), never deleted or re-pointed; an
    application that moves to another bank gets a new row for that bank."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="authorisations")
    enterprise = models.ForeignKey("identity.Enterprise", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey("banks.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"),
                                   on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # A code of choices.AuthorisationEnd (or one the loans app passes); empty while active.
    end_reason = models.CharField(_("why it ended"), max_length=40, blank=True)

    class Meta:
        ordering = ["granted_at", "id"]
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        constraints = [models.UniqueConstraint(fields=["application"], condition=models.Q(revoked_at__isnull=True),
                                               name="one_active_authorisation_per_application")]

    def __str__(self):
        return f"{self.enterprise_id} → {self.bank_id} @ {self.granted_at:%Y-%m-%d %H:%M}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def end_reason_label(self) -> str:
        return str(dict(AuthorisationEnd.choices).get(self.end_reason, self.end_reason))


class Claim(models.Model):
    """An element the enterprise claims to hold, by catalog code."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="claims")
    element_type = models.ForeignKey("elements.ElementType", verbose_name=_("element"), on_delete=models.PROTECT,
                                     related_name="+")
    origin = models.CharField(_("origin"), max_length=20, choices=ClaimOrigin.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "element_type__category__order", "element_type__order", "id"]
        verbose_name = _("claimed element")
        verbose_name_plural = _("claimed elements")
        constraints = [models.UniqueConstraint(fields=["application", "element_type"], name="claim_unique")]

    def __str__(self):
        return str(self.element_type)


class Evidence(models.Model):
    """One evidence file for one claim. Stored under a generated path in private storage;
    served only by views that check access (and log bank access)."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="evidence")
    claim = models.ForeignKey(Claim, verbose_name=_("claimed element"), on_delete=models.CASCADE,
                              related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("uploaded name"), max_length=255)
    extension = models.CharField(max_length=10, editable=False)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    review = models.CharField(_("check"), max_length=20, choices=EvidenceReview.choices,
                              default=EvidenceReview.PENDING)
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        ordering = ["application", "claim", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class Document(models.Model):
    """A general document of an application (financial statements, a purchase or sales
    contract, other material with a note), under the evidence file rules (files.py): judged by
    content, size-capped, hashed, stored under a generated path, served only as a download."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=30, choices=DocumentKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("uploaded name"), max_length=255)
    extension = models.CharField(max_length=10, editable=False)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["application", "uploaded_at", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self):
        return self.original_name


class HistoryEntry(StepHistory):
    """One workflow step: who, when, from which status to which, and the note; also an evidence
    file's removal (who, when, which file with its SHA-256; the status does not change)."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="history")
    action = models.CharField(_("action"), max_length=20, choices=HISTORY_ACTIONS)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)

    class Meta(StepHistory.Meta):
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        # The regulators' complaints figures: returns and rejections by date (regulators.metrics).
        indexes = [models.Index(fields=["at"], name="history_returns_rejections",
                                condition=models.Q(action__in=["return", "reject"]))]

    def __str__(self):
        return f"{self.application_id} {self.from_status} → {self.to_status}"


class Contract(models.Model):
    application = models.OneToOneField(Application, verbose_name=_("application"), on_delete=models.PROTECT,
                                       related_name="contract")
    number = models.CharField(_("contract number"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    amount = models.DecimalField(_("contract amount (yuan)"), **MONEY)
    annual_rate = models.DecimalField(_("annual rate (%)"), max_digits=6, decimal_places=3)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), validators=TERM)
    maturity_on = models.DateField(_("maturity date"))
    repayment_method = models.CharField(_("repayment method"), max_length=20, choices=RepaymentMethod.choices,
                                        default=RepaymentMethod.INTEREST_MONTHLY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    # Denormalised so that a bank's contract numbers are unique within the bank.
    bank = models.ForeignKey("banks.Bank", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("loan contract")
        verbose_name_plural = _("loan contracts")
        # The regulators' figures select contracts and disbursements by their date (regulators.metrics).
        indexes = [models.Index(fields=["signed_on"], name="contract_signed_on")]
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="contract_number_unique_per_bank"),
            models.CheckConstraint(name="contract_amount_positive", condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return self.number


class Disbursement(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="disbursements")
    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="disbursements")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        indexes = [models.Index(fields=["date"], name="disbursement_date")]
        constraints = [models.CheckConstraint(name="disbursement_amount_positive",
                                              condition=models.Q(amount__gt=0))]

    def __str__(self):
        return f"{self.contract_id} {self.amount} {self.date}"


def open_first():
    """The regulators' inbox order's first key (selectors.verification_inbox): open requests (0)
    before answered ones (1). One expression for the order and for the index that serves it."""
    return models.Case(models.When(status=VerificationStatus.OPEN, then=models.Value(0)), default=models.Value(1),
                       output_field=models.IntegerField())


class VerificationRequest(models.Model):
    """A bank asks the enterprise's competent regulator unit to confirm a claim the library
    lacks (notice §四 (二)). A confirmed claim becomes a library record with that provenance."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="verification_requests")
    claim = models.ForeignKey(Claim, verbose_name=_("claimed element"), on_delete=models.PROTECT,
                              related_name="verification_requests")
    element_type = models.ForeignKey("elements.ElementType", verbose_name=_("element"), on_delete=models.PROTECT,
                                     related_name="+")
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    regulator_unit = models.ForeignKey("identity.RegulatorUnit", verbose_name=_("regulator unit"),
                                       on_delete=models.PROTECT, related_name="verification_requests")
    question = LimitedTextField(_("question"), max_length=NOTE)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
                                 related_name="+")
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    status = models.CharField(_("status"), max_length=20, choices=VerificationStatus.choices,
                              default=VerificationStatus.OPEN)
    answer_note = LimitedTextField(_("answer"), blank=True, max_length=NOTE)
    answer_file = models.FileField(_("answer file"), upload_to=answer_path, max_length=255, blank=True)
    answer_file_name = models.CharField(_("answer file name"), max_length=255, blank=True)
    answer_file_extension = models.CharField(max_length=10, blank=True, editable=False)
    answer_file_content_type = models.CharField(max_length=50, blank=True)
    answer_file_sha256 = models.CharField(max_length=64, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    distinction = models.ForeignKey("elements.Distinction", verbose_name=_("library record"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        indexes = [models.Index(fields=["regulator_unit", "status", "due_on"]),
                   # The lists' orders, which their pages walk (jingzhidai/paging.py): the API's per
                   # regulator unit, and the inbox's (open first, earliest due first).
                   models.Index(fields=["regulator_unit", "-asked_at", "-id"], name="verification_unit_list"),
                   models.Index(models.F("regulator_unit"), open_first(), models.F("due_on"), models.F("id"),
                                name="verification_unit_inbox")]
        constraints = [models.UniqueConstraint(fields=["claim"], condition=models.Q(status="open"),
                                               name="one_open_request_per_claim")]

    def __str__(self):
        return _("Verification request %(no)s") % {"no": self.pk}

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == VerificationStatus.OPEN and self.due_on < today


class AccessLog(AppendOnlyModel):
    """Every time someone other than the enterprise opens its profile or an evidence file
    through an application: who, when, what, under which authorisation."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="access_log")
    enterprise = models.ForeignKey("identity.Enterprise", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
                             related_name="+")
    organization = models.CharField(_("organization"), max_length=200)
    authorisation = models.ForeignKey(Authorisation, verbose_name=_("authorisation"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="accesses")
    kind = models.CharField(_("what"), max_length=20, choices=AccessKind.choices)
    evidence = models.ForeignKey(Evidence, verbose_name=_("evidence file"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey(Document, verbose_name=_("document"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["enterprise", "at"])]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """In-app notice for one user; an email goes out after commit when the user has an address."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    application = models.ForeignKey(Application, verbose_name=_("application"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    verification_request = models.ForeignKey(VerificationRequest, null=True, blank=True, on_delete=models.CASCADE,
                                             related_name="+")
    kind = models.CharField(_("kind"), max_length=30)  # a workflow action, or verification_asked / _answered
    # A key of applications.notifications.MESSAGES and its parameters: the notice is rendered in
    # the reader's language. Rows without a key (older ones) are shown from subject/body.
    message = models.CharField(_("message key"), max_length=40, blank=True, default="")
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200)  # the text in the default language
    body = LimitedTextField(_("message"), blank=True, max_length=TEXT)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject

    def rendered(self, language=None):
        """(subject, body) in `language`, default the active one (see notifications.render)."""
        from .notifications import render

        return render(self.message, self.params, language=language, fallback=(self.subject, self.body))

    def shown(self):
        """(subject, body, note) for a page in the active language: the note is the free text
        people wrote, shown as written; a row without a known key shows its stored text."""
        from .notifications import render_parts

        return render_parts(self.message, self.params) or (self.subject, self.body, "")
