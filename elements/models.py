from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from identity.models import Enterprise
from jingzhidai.audit import AppendOnlyModel
from jingzhidai.limits import TEXT, LimitedTextField

from .choices import (
    BatchSource,
    BatchStatus,
    DistinctionStatus,
    EventKind,
    Feed,
    Level,
    ListingKind,
    Nature,
    Source,
    SpotCheckResult,
    SpotCheckScope,
)


class LocalNameMixin:
    """Catalog entries are named in the page's language: `name_en` in English where it is set,
    the Chinese `name` otherwise (never the code, never both languages side by side)."""

    @property
    def local_name(self) -> str:
        if (translation.get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def __str__(self):
        return self.local_name


class ElementCategory(LocalNameMixin, models.Model):
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


class ElementType(LocalNameMixin, models.Model):
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
    notes = models.CharField(
        _("notes"), max_length=500, blank=True,
        help_text=_("Where the default validity comes from (the rule or document), or that it is a local default."))
    aliases = models.JSONField(
        _("other names on published lists"), default=list, blank=True,
        help_text=_("Names the published lists use for this element besides the catalog name."))
    feed = models.CharField(_("feed that supplies it"), max_length=20, choices=Feed.choices)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category__order", "order", "code"]
        verbose_name = _("element type")
        verbose_name_plural = _("element types")

    @property
    def levels_display(self) -> str:
        labels = dict(Level.choices)
        return "、".join(str(labels.get(code, code)) for code in self.levels)

    @property
    def is_retired(self):
        return self.retired_at is not None


class ImportBatch(models.Model):
    """One run of a feed over one file. Counts are committed together with each chunk of rows
    they describe, so a batch that died midway shows exactly what it applied, and never looks
    finished (status stays running / becomes failed)."""

    feed = models.CharField(_("feed"), max_length=20, choices=Feed.choices)
    source = models.CharField(_("source"), max_length=20, choices=BatchSource.choices)
    file_name = models.CharField(_("file name"), max_length=300)
    storage_name = models.CharField(_("stored file"), max_length=400, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    read = models.PositiveIntegerField(_("rows read"), default=0)
    inserted = models.PositiveIntegerField(_("inserted"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = LimitedTextField(_("error"), blank=True, max_length=TEXT)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [models.Index(fields=["uploaded_by", "id"])]

    def __str__(self):
        return f"#{self.pk} {self.get_feed_display()} {self.file_name}"

    @property
    def is_done(self):
        return self.status in (BatchStatus.SUCCEEDED, BatchStatus.FAILED)

    def summary(self) -> str:
        return (f"batch {self.pk} {self.feed} {self.status}: read {self.read}, inserted {self.inserted}, "
                f"updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}")


class RejectedRow(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejects")
    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    raw_value = models.CharField(_("raw value"), max_length=500, blank=True)

    class Meta:
        ordering = ["batch", "row_number", "id"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")

    def __str__(self):
        return f"{self.row_number}: {self.column} {self.reason}"


class Record(models.Model):
    """What every library record carries: the enterprise, a natural key (so the same published
    row always lands on the same record), a hash of its content (so an unchanged row is
    recognised without comparing fields), and its provenance — a feed batch and row, or the
    regulator who entered it with a reason, or the regulator who confirmed an enterprise claim.
    Changes are never silent: each one writes a ChangeEvent."""

    # Every concrete record has a composite index that starts with the enterprise; rarely read
    # foreign keys carry no index of their own (each index slows the bulk sync down).
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    key = models.CharField(max_length=32, unique=True, editable=False)
    content_hash = models.CharField(max_length=32, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.FEED)
    batch = models.ForeignKey(ImportBatch, verbose_name=_("import batch"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField(_("row in file"), null=True, blank=True)
    updated_batch = models.ForeignKey(ImportBatch, verbose_name=_("last changed by batch"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", db_index=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", db_index=False)
    entry_reason = models.CharField(_("reason for entry"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("claim confirmed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def provenance(self) -> str:
        if self.source == Source.FEED and self.batch_id:
            return _("feed %(feed)s, batch #%(batch)s, row %(row)s") % {
                "feed": self.batch.get_feed_display() if self.batch else "", "batch": self.batch_id,
                "row": self.row_number}
        if self.source == Source.CLAIM:
            return _("enterprise claim confirmed by %(user)s") % {"user": self.confirmed_by.signature if self.confirmed_by else ""}
        if self.source == Source.REGULATOR:
            return _("entered by %(user)s: %(reason)s") % {"user": self.entered_by.signature if self.entered_by else "", "reason": self.entry_reason}
        return str(self.get_source_display())


class Distinction(Record):
    element_type = models.ForeignKey(ElementType, verbose_name=_("element type"), on_delete=models.PROTECT,
                                     related_name="distinctions")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=100, blank=True)
    granted_on = models.DateField(_("granted"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DistinctionStatus.choices,
                              default=DistinctionStatus.VALID)
    revoked_on = models.DateField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        ordering = ["enterprise", "element_type__category__order", "element_type__order", "-granted_on", "id"]
        verbose_name = _("distinction")
        verbose_name_plural = _("distinctions")
        indexes = [models.Index(fields=["enterprise", "element_type"]),
                   models.Index(fields=["status", "expires_on"])]

    def __str__(self):
        return f"{self.element_type} · {self.enterprise_id}"

    def valid_on(self, day) -> bool:
        """Held on `day`: granted by then, not past its expiry (the expiry date itself still
        counts: 有效期至 means valid through), not revoked by then."""
        return ((self.granted_on is None or self.granted_on <= day)
                and (self.expires_on is None or self.expires_on >= day)
                and (self.revoked_on is None or self.revoked_on > day))


class Listing(Record):
    """An abnormal-operation or serious-illegal-and-dishonest listing, with its removal."""

    kind = models.CharField(_("list"), max_length=20, choices=ListingKind.choices)
    listed_on = models.DateField(_("listed"))
    reason = models.CharField(_("reason for listing"), max_length=500, blank=True)
    authority = models.CharField(_("deciding authority"), max_length=200, blank=True)
    removed_on = models.DateField(_("removed"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=500, blank=True)
    removal_authority = models.CharField(_("removal authority"), max_length=200, blank=True)
    # A longer restriction the record states (a serious listing otherwise stops counting three
    # years after the listing date, elements.rules.serious_listing_ends).
    restricted_until = models.DateField(_("restriction stated until"), null=True, blank=True)

    class Meta:
        ordering = ["-listed_on", "id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [models.Index(fields=["enterprise", "kind", "listed_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.enterprise_id} · {self.listed_on}"

    def listed_at(self, day) -> bool:
        """On the list on `day`: from the listing date, up to but not including the removal date."""
        return self.listed_on <= day and (self.removed_on is None or self.removed_on > day)


class Penalty(Record):
    decision_no = models.CharField(_("decision number"), max_length=200)
    violation_type = models.CharField(_("violation type"), max_length=300, blank=True)
    content = models.CharField(_("penalty"), max_length=1000, blank=True)
    authority = models.CharField(_("deciding authority"), max_length=200, blank=True)
    decided_on = models.DateField(_("decision date"))
    # Derived from the authority at import (elements.rules.market_regulation_of): None when the
    # record names no authority. Only market-regulation cases decide credit (notice §三.1).
    market_regulation = models.BooleanField(_("market-regulation case"), null=True, blank=True, default=None)
    annulled_on = models.DateField(_("annulled"), null=True, blank=True)
    annulled_reason = models.CharField(_("reason for annulment"), max_length=300, blank=True)

    class Meta:
        ordering = ["-decided_on", "id"]
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")
        indexes = [models.Index(fields=["enterprise", "decided_on"])]

    def __str__(self):
        return f"{self.decision_no} · {self.enterprise_id}"


class SpotCheck(Record):
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    product = models.CharField(_("product"), max_length=300)
    model_spec = models.CharField(_("specification / model"), max_length=200, blank=True)
    production_batch = models.CharField(_("production date / batch"), max_length=200, blank=True)
    checked_on = models.DateField(_("check date"))
    result = models.CharField(_("result"), max_length=10, choices=SpotCheckResult.choices)
    failed_items = models.CharField(_("failed items"), max_length=1000, blank=True)
    authority = models.CharField(_("organising authority"), max_length=200, blank=True)
    # Derived at import (elements.rules): whose check it was, and the production date when the
    # list's 生产日期/批号 gives one (the 3-year window runs from it).
    scope = models.CharField(_("whose check"), max_length=20, choices=SpotCheckScope.choices,
                             default=SpotCheckScope.BEIJING)
    produced_on = models.DateField(_("production date"), null=True, blank=True)
    annulled_on = models.DateField(_("annulled"), null=True, blank=True)
    annulled_reason = models.CharField(_("reason for annulment"), max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_on", "id"]
        verbose_name = _("product spot check")
        verbose_name_plural = _("product spot checks")
        indexes = [models.Index(fields=["enterprise", "checked_on"])]

    def __str__(self):
        return f"{self.product} · {self.enterprise_id} · {self.checked_on}"


class ChangeEvent(AppendOnlyModel):
    """Append-only log of changes to the library that matter to a borrower or correct a record.
    Consumers (post-loan alerts) read `id > cursor`, optionally per enterprise; ids only grow."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+", db_index=False)  # (enterprise, id) index below
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    record_type = models.CharField(_("record type"), max_length=20)  # distinction, listing, penalty, …
    record_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    element_type = models.ForeignKey(ElementType, verbose_name=_("element type"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", db_index=False)
    occurred_on = models.DateField(_("date of the fact"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_index=False)
    row_number = models.PositiveIntegerField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)  # what the record says / before and after

    class Meta:
        ordering = ["id"]
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        indexes = [models.Index(fields=["enterprise", "id"])]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.enterprise_id}"
