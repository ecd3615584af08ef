"""Writing one chunk of clean rows: a handful of queries per chunk, never one per row. Each
applier classifies rows against what the library already has (by natural key and content
hash) into inserted / updated / unchanged, writes them in bulk and appends the change events."""

import re
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from identity import registry
from identity.choices import RegistrationStatus, Role
from identity.models import Enterprise
from identity.selectors import regulator_units_by_code
from identity.services import enterprise_placement

from .. import records
from ..choices import DISTINCTION_LEVELS, DistinctionStatus, EventKind, Feed, Nature, Source
from ..models import ChangeEvent, Distinction, ElementType, ImportBatch, Listing, Penalty, SpotCheck
from ..selectors import today as today_local
from ..services import default_expiry
from . import bulk
from .feeds import CODE, header_of
from .readers import RowError


@dataclass
class Row:
    number: int
    uscc: str
    values: dict


@dataclass
class Outcome:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list = field(default_factory=list)  # (row number, RowError)


ENTERPRISE_FIELDS = ["name", "enterprise_type", "legal_form", "legal_representative", "registered_capital",
                     "established_on", "registration_authority", "address", "status", "industry", "district_id",
                     "regulator_unit_id"]


class Applier:
    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.today = today_local()

    def prepare(self, row: Row) -> Row:
        """Row-level checks that need no query (the catalog is loaded once); may raise RowError."""
        return row

    def apply(self, rows: list[Row]) -> Outcome:
        raise NotImplementedError

    def provenance(self, row_number) -> dict:
        return {"source": Source.FEED, "batch_id": self.batch.pk, "row_number": row_number,
                "user_id": self.batch.uploaded_by_id, "reason": ""}


def _dedupe(rows, key_of, hash_of, outcome: Outcome):
    """Within a chunk the later row for the same record wins: an identical repeat counts as
    unchanged, a different one as an update (a correction within the file)."""
    kept: dict = {}
    for row in rows:
        key, digest = key_of(row), hash_of(row)
        if key in kept:
            if kept[key][1] == digest:
                outcome.unchanged += 1
                continue
            outcome.updated += 1
        kept[key] = (row, digest)
    return kept


class RegistrationApplier(Applier):
    def __init__(self, batch):
        super().__init__(batch)
        self.units = {code: u.pk for code, u in regulator_units_by_code().items()}

    def prepare(self, row):
        v = row.values
        status_text = v.pop("status_text")
        status = registry.status_of(status_text)
        if status is None:
            if status_text:
                raise RowError(header_of(Feed.REGISTRATION, "status_text"), _("Unknown registration status."),
                               status_text)
            status = RegistrationStatus.EXISTING
        district, unit_code = enterprise_placement(authority=v["registration_authority"], address=v["address"],
                                                   code=row.uscc)
        v.update(status=str(status), legal_form=str(registry.legal_form_of(v["enterprise_type"])),
                 district_id=district, regulator_unit_id=self.units.get(unit_code) if unit_code else None)
        return row

    def apply(self, rows):
        out = Outcome()
        kept = _dedupe(rows, lambda r: r.uscc, lambda r: tuple(r.values[f] for f in ENTERPRISE_FIELDS), out)
        existing = {e["uscc"]: e for e in Enterprise.objects.filter(uscc__in=list(kept)).values(
            "uscc", *ENTERPRISE_FIELDS)}
        new, changed, events = [], [], []
        now = timezone.now()
        for uscc, (row, _digest) in kept.items():
            old = existing.get(uscc)
            if old is None:
                new.append({"uscc": uscc, **row.values})
                continue
            diff = [f for f in ENTERPRISE_FIELDS if old[f] != row.values[f]]
            if not diff:
                out.unchanged += 1
                continue
            changed.append(Enterprise(uscc=uscc, updated_at=now, **row.values))
            events.append(dict(
                enterprise_id=uscc, kind=str(EventKind.REGISTRATION_CHANGED), record_type="enterprise", record_id=None,
                element_type_id=None, occurred_on=None,
                data={"changed": diff, "before": {f: _j(old[f]) for f in diff},
                      "after": {f: _j(row.values[f]) for f in diff}}, **self.provenance(row.number)))
        bulk.insert_values(Enterprise, new)
        if changed:
            Enterprise.objects.bulk_update(changed, [*ENTERPRISE_FIELDS, "updated_at"], batch_size=1000)
        bulk.insert_values(ChangeEvent, events)
        out.inserted += len(new)
        out.updated += len(changed)
        return out


def _j(value):
    return records._json(value) if not hasattr(value, "as_tuple") else str(value)


class RecordApplier(Applier):
    model: type[Model]

    def apply(self, rows):
        out = Outcome()
        codes = {r.uscc for r in rows}
        known = set(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
        # A district regulator's upload may only touch the enterprises of its own unit.
        uploader = self.batch.uploaded_by
        in_scope = known
        if uploader is not None and uploader.role == Role.DISTRICT_REGULATOR:
            in_scope = set(Enterprise.objects.filter(uscc__in=known, regulator_unit_id=uploader.regulator_unit_id)
                           .values_list("uscc", flat=True))
        present = []
        for row in rows:
            if row.uscc in in_scope:
                present.append(row)
            elif row.uscc in known:
                out.rejects.append((row.number, RowError(
                    CODE, _("This enterprise is not under your regulator unit: ask its own unit or the "
                            "municipal bureau."), row.uscc)))
            else:
                out.rejects.append((row.number, RowError(
                    CODE, _("Not in the enterprise registry (sync the registration list first)."), row.uscc)))
        model = self.model
        kept = _dedupe(present, lambda r: records.record_key(model, r.uscc, r.values),
                       lambda r: records.content_hash(model, r.values), out)
        extra = ["status"] if model is Distinction else []
        existing = {e["key"]: e for e in model.objects.filter(key__in=list(kept)).values(
            "id", "key", "content_hash", *extra, *records.CONTENT_FIELDS[model])}
        new, changed, events = [], [], []
        now = timezone.now()
        for key, (row, digest) in kept.items():
            old = existing.get(key)
            if old is not None and old["content_hash"] == digest:
                out.unchanged += 1
                continue
            values = {"key": key, "content_hash": digest, "enterprise_id": row.uscc,
                      "updated_batch_id": self.batch.pk, **row.values, **records.derived(model, row.values)}
            if model is Distinction:
                revoked = old is not None and old["status"] == DistinctionStatus.REVOKED
                values["status"] = DistinctionStatus.REVOKED if revoked else records.distinction_status(
                    row.values, self.today)
            if old is None:
                values.update(source=Source.FEED, batch_id=self.batch.pk, row_number=row.number)
                new.append((values, row))
            else:
                changed.append((model(id=old["id"], updated_at=now, **values), row, old))
        if new:
            ids = bulk.insert_values(model, [v for v, _r in new], need_ids=True)
            for pk, (_values, row) in zip(ids, new, strict=True):
                events += records.events_for(model, enterprise_id=row.uscc, record_id=pk, old=None,
                                             new=row.values, today=self.today, provenance=self.provenance(row.number))
        if changed:
            fields = [*records.CONTENT_FIELDS[model], *records.DERIVED_FIELDS.get(model, []), "content_hash",
                      "updated_batch", "updated_at", *extra]
            model.objects.bulk_update([o for o, _r, _old in changed], fields, batch_size=1000)
            for obj, row, old in changed:
                events += records.events_for(model, enterprise_id=row.uscc, record_id=obj.pk, old=old,
                                             new=row.values, today=self.today, provenance=self.provenance(row.number))
        bulk.insert_values(ChangeEvent, events)
        out.inserted += len(new)
        out.updated += len(changed)
        return out


class ListingApplier(RecordApplier):
    model = Listing


class PenaltyApplier(RecordApplier):
    model = Penalty


class SpotCheckApplier(RecordApplier):
    model = SpotCheck


def _type_name(name: str) -> str:
    name = re.sub(r"[\s\"'“”‘’「」《》]", "", name or "").replace("（", "(").replace("）", ")")
    return name.lower()


def element_types_by_name(types) -> dict:
    """Name, English name, code, the other names lists use (aliases, e.g. a former catalog name),
    the name without its parenthesis and the parenthesis alone (ISO 9001) all find a type; exact
    names win over derived ones."""
    exact, derived = {}, {}
    for t in types:
        for n in (t.name, t.name_en, t.code, *(t.aliases or [])):
            exact.setdefault(_type_name(n), t)
        m = re.match(r"^(.*)\((.*)\)$", _type_name(t.name))
        if m:
            derived.setdefault(m[1], t)
            derived.setdefault(m[2], t)
    return {**derived, **exact}


class HonorApplier(RecordApplier):
    model = Distinction

    def __init__(self, batch):
        super().__init__(batch)
        self.types = element_types_by_name(ElementType.objects.all())

    def prepare(self, row):
        v = row.values
        column = header_of(Feed.HONOR, "element")
        t = self.types.get(_type_name(v["element"]))
        if t is None:
            raise RowError(column, _("Unknown element type: not in the catalog."), v["element"])
        if t.nature != Nature.DISTINCTION:
            raise RowError(column, _("A credit condition, not a distinction: it comes from its own list."),
                           v["element"])
        if t.is_retired:
            raise RowError(column, _("This element type has been retired from the catalog."), v["element"])
        level = v["level"]
        if level and level not in DISTINCTION_LEVELS:
            raise RowError(header_of(Feed.HONOR, "level"), _("A distinction is international, national, municipal "
                                                             "or district, not provincial."), level)
        if level and t.levels and level not in t.levels:
            raise RowError(header_of(Feed.HONOR, "level"), _("%(type)s is not granted at this level.") % {
                "type": t.name}, level)
        if not level and len(t.levels) == 1:
            level = t.levels[0]
        expires = v["expires_on"]
        if not v["expires_given"]:
            expires = default_expiry(v["granted_on"], t.default_validity_months)
        if expires and v["granted_on"] and expires < v["granted_on"]:
            raise RowError(header_of(Feed.HONOR, "expires_on"), _("The expiry date is before the date granted."),
                           str(expires))
        row.values = dict(element_type_id=t.pk, level=level, issuer=v["issuer"], certificate_no=v["certificate_no"],
                          granted_on=v["granted_on"], expires_on=expires)
        return row


APPLIERS = {
    Feed.REGISTRATION: RegistrationApplier,
    Feed.ABNORMAL: ListingApplier,
    Feed.SERIOUS: ListingApplier,
    Feed.PENALTY: PenaltyApplier,
    Feed.SPOTCHECK: SpotCheckApplier,
    Feed.HONOR: HonorApplier,
}
