"""Writes of the element library outside the bulk sync: regulators entering, correcting,
removing and revoking records, the daily expiry of distinctions, and catalog maintenance.
Every write that matters to a borrower appends a ChangeEvent in the same transaction."""

import hashlib
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identity.choices import REGULATOR_ROLES, Role
from identity.selectors import enterprises_visible_to
from jingzhidai.dates import add_months
from jingzhidai.errors import ApplicationError, full_clean_or_raise

from . import records
from .choices import DISTINCTION_LEVELS, DistinctionStatus, EventKind, Feed, ListingKind, Nature, Source
from .models import ChangeEvent, Distinction, ElementType, ImportBatch, Listing, Penalty, SpotCheck
from .selectors import profiles_forget
from .selectors import today as today_local
from .signals import announce

# Who maintains the element catalog (the views import it from here).
CATALOG_ROLES = (Role.CITY_REGULATOR, Role.PLATFORM_ADMIN)


def _require_reason(reason: str):
    if not (reason or "").strip():
        raise ApplicationError(_("Please give a reason: every change to the library records why."),
                               {"reason": [str(_("This field is required."))]}, code="reason_required")


def _require_regulator(user, enterprise_id: str):
    """A market regulator, and the enterprise inside their scope (a district regulator: their
    unit's enterprises). Outside it the answer is the same as for a missing enterprise."""
    if user is None or user.role not in REGULATOR_ROLES:
        raise ApplicationError(_("Only market regulators keep element records."), code="not_allowed",
                               status_code=403)
    if not enterprises_visible_to(user).filter(uscc=enterprise_id).exists():
        raise ApplicationError(_("Not found."), code="not_found", status_code=404)


def _provenance(*, user, reason, source=Source.REGULATOR) -> dict:
    return {"source": source, "batch_id": None, "row_number": None, "user_id": user.pk if user else None,
            "reason": reason or ""}


def _append_events(events: list[dict]):
    ChangeEvent.objects.bulk_create([ChangeEvent(**e) for e in events])
    announce(__name__)


def _save_new(model, obj, *, user, reason, source):
    values = {f: getattr(obj, f) for f in records.CONTENT_FIELDS[model]}
    obj.key = records.record_key(model, obj.enterprise_id, values)
    obj.content_hash = records.content_hash(model, values)
    for name, value in records.derived(model, values).items():
        setattr(obj, name, value)
    if model.objects.filter(key=obj.key).exists():
        raise ApplicationError(_("The library already has this record."), code="duplicate")
    full_clean_or_raise(obj, exclude=("key", "content_hash"))  # derived on save
    obj.save()
    _append_events(records.events_for(
        model, enterprise_id=obj.enterprise_id, record_id=obj.pk, old=None, new=values, today=today_local(),
        provenance=_provenance(user=user, reason=reason, source=source)))
    return obj


@transaction.atomic
def distinction_record(*, enterprise, element_type: ElementType, user, reason: str, level: str = "",
                       issuer: str = "", certificate_no: str = "", granted_on: date | None = None,
                       expires_on: date | None = None, claim: bool = False) -> Distinction:
    """A regulator enters a distinction (with a reason), or confirms an enterprise's claim
    (`claim=True`: the regulator is recorded as the one who confirmed it)."""
    _require_regulator(user, enterprise.pk)
    if not claim:
        _require_reason(reason)
    if element_type.nature != Nature.DISTINCTION:
        raise ApplicationError(_("%(type)s is a credit condition, not a distinction.") % {"type": element_type.name},
                               code="not_a_distinction")
    if element_type.is_retired:
        raise ApplicationError(_("%(type)s has been retired from the catalog.") % {"type": element_type.name},
                               code="retired_type")
    if (level and element_type.levels and level not in element_type.levels) or (
            level and level not in DISTINCTION_LEVELS):
        raise ApplicationError(_("%(type)s is not granted at this level.") % {"type": element_type.name},
                               {"level": [str(_("Not an applicable level."))]}, code="invalid_level")
    if granted_on and granted_on > today_local():
        message = _("The date granted cannot be in the future.")
        raise ApplicationError(message, {"fields": {"granted_on": [message]}}, code="invalid_dates")
    if expires_on is None:
        expires_on = default_expiry(granted_on, element_type.default_validity_months)
    if granted_on and expires_on and expires_on < granted_on:
        raise ApplicationError(_("The expiry date is before the date granted."), code="invalid_dates")
    obj = Distinction(enterprise=enterprise, element_type=element_type, level=level, issuer=issuer,
                      certificate_no=certificate_no, granted_on=granted_on, expires_on=expires_on,
                      source=Source.CLAIM if claim else Source.REGULATOR,
                      entered_by=None if claim else user, entry_reason=reason or "",
                      confirmed_by=user if claim else None)
    obj.status = records.distinction_status({"expires_on": expires_on}, today_local())
    return _save_new(Distinction, obj, user=user, reason=reason, source=obj.source)


def default_expiry(granted_on: date | None, months: int | None) -> date | None:
    """A validity of N months from the grant date ends the day before the same date N months on."""
    if granted_on is None or not months:
        return None
    return add_months(granted_on, months) - timedelta(days=1)


@transaction.atomic
def distinction_revoke(*, distinction: Distinction, user, reason: str, revoked_on: date | None = None) -> Distinction:
    _require_regulator(user, distinction.enterprise_id)
    _require_reason(reason)
    d = Distinction.objects.select_for_update().get(pk=distinction.pk)
    if d.status == DistinctionStatus.REVOKED:
        raise ApplicationError(_("This distinction is already revoked."), code="already_revoked")
    d.revoked_on = revoked_on or today_local()
    d.revoked_reason = reason
    d.status = DistinctionStatus.REVOKED
    d.save(update_fields=["revoked_on", "revoked_reason", "status", "updated_at"])
    ChangeEvent.objects.create(enterprise_id=d.enterprise_id, kind=EventKind.DISTINCTION_REVOKED,
                               record_type="distinction", record_id=d.pk, element_type_id=d.element_type_id,
                               occurred_on=d.revoked_on, data={"revoked_on": d.revoked_on.isoformat()},
                               **_provenance(user=user, reason=reason))
    announce(__name__)
    return d


@transaction.atomic
def listing_record(*, enterprise, kind: str, listed_on: date, user, entry_reason: str, reason: str = "",
                   authority: str = "", restricted_until: date | None = None) -> Listing:
    _require_regulator(user, enterprise.pk)
    _require_reason(entry_reason)
    if restricted_until is not None and restricted_until < listed_on:
        raise ApplicationError(_("The restriction ends before the listing date."), code="invalid_dates")
    obj = Listing(enterprise=enterprise, kind=kind, listed_on=listed_on, reason=reason, authority=authority,
                  restricted_until=restricted_until if kind == ListingKind.SERIOUS else None,
                  source=Source.REGULATOR, entered_by=user, entry_reason=entry_reason)
    return _save_new(Listing, obj, user=user, reason=entry_reason, source=Source.REGULATOR)


@transaction.atomic
def listing_remove(*, listing: Listing, removed_on: date, user, reason: str, authority: str = "") -> Listing:
    """A removal is an event: credit holds again from the removal date."""
    _require_regulator(user, listing.enterprise_id)
    _require_reason(reason)
    obj = Listing.objects.select_for_update().get(pk=listing.pk)
    if obj.removed_on is not None:
        raise ApplicationError(_("This listing was already removed on %(day)s.") % {"day": obj.removed_on},
                               code="already_removed")
    if removed_on < obj.listed_on:
        raise ApplicationError(_("The removal date is before the listing date."), code="invalid_dates")
    old = {f: getattr(obj, f) for f in records.CONTENT_FIELDS[Listing]}
    obj.removed_on, obj.removal_reason, obj.removal_authority = removed_on, reason, authority
    new = {f: getattr(obj, f) for f in records.CONTENT_FIELDS[Listing]}
    obj.content_hash = records.content_hash(Listing, new)
    obj.save(update_fields=["removed_on", "removal_reason", "removal_authority", "content_hash", "updated_at"])
    _append_events(records.events_for(
        Listing, enterprise_id=obj.enterprise_id, record_id=obj.pk, old=old, new=new, today=today_local(),
        provenance=_provenance(user=user, reason=reason)))
    return obj


@transaction.atomic
def record_annul(*, record: Penalty | SpotCheck, user, reason: str, annulled_on: date | None = None):
    """A penalty overturned on review, or a spot-check result overturned on re-inspection: it
    stays in the library, marked annulled, and stops counting from the annulment date."""
    _require_regulator(user, record.enterprise_id)
    _require_reason(reason)
    model = type(record)
    obj = model.objects.select_for_update().get(pk=record.pk)
    if obj.annulled_on is not None:
        raise ApplicationError(_("This record is already annulled."), code="already_annulled")
    obj.annulled_on = annulled_on or today_local()
    obj.annulled_reason = reason
    obj.save(update_fields=["annulled_on", "annulled_reason", "updated_at"])
    ChangeEvent.objects.create(enterprise_id=obj.enterprise_id, kind=EventKind.ANNULLED,
                               record_type=records.RECORD_TYPES[model], record_id=obj.pk,
                               occurred_on=obj.annulled_on, data={"annulled_on": obj.annulled_on.isoformat()},
                               **_provenance(user=user, reason=reason))
    announce(__name__)
    return obj


def distinctions_expire(*, today: date | None = None, chunk: int = 5000) -> int:
    """Mark distinctions past their expiry as expired, each with a `distinction_lapsed` event
    dated the first day it no longer holds. Run daily; safe to run again."""
    today = today or today_local()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(Distinction.objects.select_for_update(skip_locked=True).filter(
                status=DistinctionStatus.VALID, expires_on__lt=today).values_list(
                "id", "enterprise_id", "element_type_id", "expires_on")[:chunk])
            if not rows:
                if total:
                    announce(__name__)
                return total
            Distinction.objects.filter(id__in=[r[0] for r in rows]).update(
                status=DistinctionStatus.EXPIRED, updated_at=timezone.now())
            profiles_forget()  # an update sends no signal
            ChangeEvent.objects.bulk_create([
                ChangeEvent(enterprise_id=ent, kind=EventKind.DISTINCTION_LAPSED, record_type="distinction",
                            record_id=pk, element_type_id=type_id, occurred_on=expires + timedelta(days=1),
                            source=Source.SYSTEM, data={"expires_on": expires.isoformat()})
                for pk, ent, type_id, expires in rows])
            total += len(rows)


# --- catalog ------------------------------------------------------------------------------

def _require_catalog_role(user):
    if user is None or user.role not in CATALOG_ROLES:
        raise ApplicationError(_("Only the municipal bureau maintains the element catalog."), code="not_allowed",
                               status_code=403)


@transaction.atomic
def element_type_save(*, element_type: ElementType, user, reason: str = "") -> ElementType:
    """Create or edit a catalog entry; `history` records who and why."""
    _require_catalog_role(user)
    if element_type.category_id == "credit" and element_type.nature != Nature.CONDITION:
        raise ApplicationError(_("The credit conditions are fixed by the rules of notice §3.1: a new one needs a "
                                 "rules change, not a catalog entry."), code="invalid_nature")
    if element_type.category_id and element_type.category_id != "credit":
        element_type.nature = Nature.DISTINCTION
    bad = [lv for lv in element_type.levels or [] if lv not in DISTINCTION_LEVELS]
    if bad:
        raise ApplicationError(_("Unknown level: %(levels)s") % {"levels": ", ".join(bad)}, code="invalid_level")
    full_clean_or_raise(element_type)
    element_type._change_reason = reason
    element_type.save()
    return element_type


@transaction.atomic
def element_type_retire(*, element_type: ElementType, user, reason: str) -> ElementType:
    """Retired types leave the catalog for new records and for profiles dated after the
    retirement; their records stay readable."""
    _require_catalog_role(user)
    _require_reason(reason)
    t = ElementType.objects.select_for_update().get(pk=element_type.pk)
    if t.nature == Nature.CONDITION:
        # Retiring one would say "retired" and change nothing: the rules, not the catalog, decide.
        raise ApplicationError(_("The four credit conditions are fixed by notice §3.1 and cannot be retired: "
                                 "changing them needs a new version of the rules, not a catalog change."),
                               code="condition_not_retirable")
    if t.is_retired:
        raise ApplicationError(_("This element type is already retired."), code="already_retired")
    t.retired_at = timezone.now()
    t.retired_reason = reason
    t._change_reason = reason
    t.save()
    return t


@transaction.atomic
def element_type_restore(*, element_type: ElementType, user, reason: str) -> ElementType:
    _require_catalog_role(user)
    _require_reason(reason)
    t = ElementType.objects.select_for_update().get(pk=element_type.pk)
    if not t.is_retired:
        raise ApplicationError(_("This element type is not retired."), code="not_retired")
    t.retired_at = None
    t.retired_reason = ""
    t._change_reason = reason
    t.save()
    return t


# --- import batches -----------------------------------------------------------------------

@transaction.atomic
def import_batch_upload(*, feed: str, uploaded_file, user) -> ImportBatch:
    """A regulator uploads a published-list file: it is stored (default storage, so object
    storage in production) and the sync runs in Celery after commit."""
    from django.core.files.storage import default_storage

    from .choices import SYNC_FEEDS, BatchSource
    from .sync.readers import FORMATS, UnreadableFile, check_archive, format_of

    if user is None or user.role not in (*REGULATOR_ROLES, Role.PLATFORM_ADMIN):
        raise ApplicationError(_("Only regulators upload published lists."), code="not_allowed", status_code=403)
    if feed not in SYNC_FEEDS:
        raise ApplicationError(_("Unknown feed."), {"feed": [str(_("Unknown feed."))]}, code="invalid_feed")
    if feed == Feed.REGISTRATION and user.role == Role.DISTRICT_REGULATOR:
        # The registry decides every tenant's scope: only the municipal bureau loads it.
        raise ApplicationError(_("Only the municipal bureau loads the registration list."), code="not_allowed",
                               status_code=403)
    fmt = format_of(uploaded_file.name)
    if fmt is None:
        raise ApplicationError(_("Unsupported file type: use %(formats)s.") % {"formats": ", ".join(FORMATS)},
                               {"file": [str(_("Unsupported file type."))]}, code="invalid_file")
    limit = settings.ELEMENTS_UPLOAD_MAX_BYTES
    if (uploaded_file.size or 0) > limit:
        raise ApplicationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                               {"file": [str(_("File too large."))]}, code="file_too_large")
    if fmt == "xlsx":
        try:
            check_archive(uploaded_file)
        except UnreadableFile as e:
            raise ApplicationError(str(e), {"fields": {"file": [str(e)]}}, code="invalid_file")
    digest = hashlib.sha256()
    for block in uploaded_file.chunks():
        digest.update(block)
    uploaded_file.seek(0)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    # A generated name: the uploaded one is kept only as metadata (file_name).
    name = default_storage.save(f"imports/{feed}/{stamp}-{uuid.uuid4().hex}.{fmt}", uploaded_file)
    batch = ImportBatch(feed=feed, source=BatchSource.UPLOAD, file_name=uploaded_file.name[:300],
                        storage_name=name, size=uploaded_file.size or 0, uploaded_by=user, sha256=digest.hexdigest())
    batch.full_clean()
    batch.save()
    from .tasks import import_batch_run
    transaction.on_commit(lambda: import_batch_run.delay(batch.pk))
    return batch
