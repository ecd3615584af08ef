"""What the sync and the regulators' services share about records: the natural key that
identifies a record across files, the content hash that tells an unchanged row, and the change
events each kind of write produces. One definition, so a record entered by hand and the same
record arriving later in a feed meet on the same key."""

from datetime import date, timedelta
from hashlib import blake2b

from . import rules
from .choices import DistinctionStatus, EventKind, SpotCheckResult
from .models import Distinction, Listing, Penalty, SpotCheck

CONTENT_FIELDS = {
    Distinction: ["element_type_id", "level", "issuer", "certificate_no", "granted_on", "expires_on"],
    Listing: ["kind", "listed_on", "reason", "authority", "removed_on", "removal_reason", "removal_authority",
              "restricted_until"],
    Penalty: ["decision_no", "violation_type", "content", "authority", "decided_on"],
    SpotCheck: ["level", "product", "model_spec", "production_batch", "checked_on", "result", "failed_items",
                "authority"],
}
RECORD_TYPES = {Distinction: "distinction", Listing: "listing", Penalty: "penalty", SpotCheck: "spotcheck"}
REMOVAL_FIELDS = ("removed_on", "removal_reason", "removal_authority")
# What the rules read, derived from the content when a record is written (never from a feed
# column of its own): a change of the deriving rule needs a data migration that derives again.
DERIVED_FIELDS = {Penalty: ["market_regulation"], SpotCheck: ["scope", "produced_on"]}


def derived(model, values: dict) -> dict:
    if model is Penalty:
        return {"market_regulation": rules.market_regulation_of(values.get("authority") or "",
                                                                values.get("decision_no") or "")}
    if model is SpotCheck:
        return {"scope": str(rules.spotcheck_scope(values["level"], values.get("authority") or "")),
                "produced_on": rules.produced_on_of(values.get("production_batch") or "", values["checked_on"])}
    return {}


def digest(*parts) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return blake2b(text.encode(), digest_size=16).hexdigest()


def record_key(model, enterprise_id: str, values: dict) -> str:
    """The natural key: what makes two published rows the same record."""
    if model is Distinction:
        if values.get("certificate_no"):
            return digest("d", enterprise_id, values["element_type_id"], "no", values["certificate_no"])
        return digest("d", enterprise_id, values["element_type_id"], values.get("level"), values.get("granted_on"))
    if model is Listing:
        return digest("l", values["kind"], enterprise_id, values["listed_on"])
    if model is Penalty:
        return digest("p", enterprise_id, values["decision_no"])
    if model is SpotCheck:
        return digest("s", enterprise_id, values["checked_on"], values["product"], values.get("model_spec"),
                      values.get("production_batch"))
    raise ValueError(model)


def content_hash(model, values: dict) -> str:
    return digest(*(values.get(f) for f in CONTENT_FIELDS[model]))


def distinction_status(values: dict, today: date) -> str:
    expires = values.get("expires_on")
    return DistinctionStatus.EXPIRED if expires is not None and expires < today else DistinctionStatus.VALID


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(model, values: dict) -> dict:
    return {f: _json(values.get(f)) for f in CONTENT_FIELDS[model]}


def events_for(model, *, enterprise_id: str, record_id, old: dict | None, new: dict, today: date,
               provenance: dict) -> list[dict]:
    """The change events for one write, as ChangeEvent field values: `old` is None for a new
    record. `provenance` carries source, batch_id, row_number, user_id, reason."""
    record_type = RECORD_TYPES[model]
    element_type_id = new.get("element_type_id")

    def event(kind, occurred_on, data):
        return {"enterprise_id": enterprise_id, "kind": str(kind), "record_type": record_type, "record_id": record_id,
                "element_type_id": element_type_id, "occurred_on": occurred_on, "data": data, **provenance}

    snapshot = _snapshot(model, new)
    out = []
    if old is None:
        if model is Listing:
            out.append(event(EventKind.LISTED, new["listed_on"], snapshot))
            if new.get("removed_on"):
                out.append(event(EventKind.REMOVED, new["removed_on"], snapshot))
        elif model is Penalty:
            out.append(event(EventKind.PENALTY, new["decided_on"], snapshot))
        elif model is SpotCheck:
            if new["result"] == SpotCheckResult.FAILED:
                out.append(event(EventKind.SPOTCHECK_FAILED, new["checked_on"], snapshot))
        elif model is Distinction:
            out.append(event(EventKind.DISTINCTION_GRANTED, new.get("granted_on"), snapshot))
            if distinction_status(new, today) == DistinctionStatus.EXPIRED:
                out.append(event(EventKind.DISTINCTION_LAPSED, new["expires_on"] + timedelta(days=1), snapshot))
        return out

    changed = [f for f in CONTENT_FIELDS[model] if old.get(f) != new.get(f)]
    if not changed:
        return out
    if model is Listing and old.get("removed_on") is None and new.get("removed_on") is not None:
        out.append(event(EventKind.REMOVED, new["removed_on"], snapshot))
        changed = [f for f in changed if f not in REMOVAL_FIELDS]
    if model is SpotCheck and "result" in changed and new["result"] == SpotCheckResult.FAILED:
        out.append(event(EventKind.SPOTCHECK_FAILED, new["checked_on"], snapshot))
    if changed:
        out.append(event(EventKind.CORRECTED, None, {
            "changed": changed,
            "before": {f: _json(old.get(f)) for f in changed},
            "after": {f: _json(new.get(f)) for f in changed},
        }))
    return out
