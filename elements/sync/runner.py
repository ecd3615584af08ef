"""Running a feed over a file as one import batch.

Rows stream from the reader and are applied in chunks (ELEMENTS_SYNC_CHUNK, default 5000),
each in its own transaction together with the batch's counts and rejected rows, so the batch
always describes exactly what is in the database. The batch is `running` until the last chunk
commits and only then `succeeded`; a run that raises is `failed` with the error, one killed
outright stays `running` until `import_batches_fail_stale` marks it failed. Writes are
idempotent by natural key and content hash, so running the same file again converges."""

import hashlib
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import SYNC_FEEDS, BatchSource, BatchStatus
from ..models import ImportBatch, RejectedRow
from ..selectors import profiles_forget
from ..signals import announce
from . import staged
from .apply import APPLIERS, Outcome, Row
from .feeds import Mapping, parse_row
from .readers import JsonLinesReader, RowError, UnreadableFile, open_reader

log = logging.getLogger(__name__)


def chunk_size() -> int:
    return getattr(settings, "ELEMENTS_SYNC_CHUNK", 5000)


def file_digest(path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(1024 * 1024):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def batch_create(*, feed: str, path, source: str = BatchSource.CLI, user=None, file_name: str | None = None,
                 storage_name: str = "") -> ImportBatch:
    if feed not in SYNC_FEEDS:
        raise ValueError(f"unknown feed {feed!r}; one of {', '.join(SYNC_FEEDS)}")
    sha, size = file_digest(path) if os.path.exists(path) else ("", 0)
    return ImportBatch.objects.create(feed=feed, source=source, file_name=(file_name or os.path.basename(path))[:300],
                                      storage_name=storage_name, sha256=sha, size=size, uploaded_by=user)


def run_file(*, feed: str, path, source: str = BatchSource.CLI, user=None, file_name: str | None = None) -> ImportBatch:
    """Create an import batch for `path` and run it. Returns the finished batch (succeeded or
    failed); unexpected errors are recorded on the batch and raised."""
    batch = batch_create(feed=feed, path=str(path), source=source, user=user, file_name=file_name)
    return run_batch(batch, str(path))


def _reject(batch, number, error: RowError) -> RejectedRow:
    return RejectedRow(batch=batch, row_number=number, column=(error.column or "")[:60],
                       reason=str(error.reason)[:300], raw_value=str(error.raw or "")[:500])


def _finish(batch: ImportBatch, status: str, error: str = ""):
    batch.status = status
    batch.error = str(error)[:ImportBatch._meta.get_field("error").max_length]
    batch.finished_at = timezone.now()
    if status == BatchStatus.SUCCEEDED:
        batch.progress = 100
    batch.save(update_fields=["status", "error", "finished_at", "progress"])


def run_batch(batch: ImportBatch, path: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, started_at=timezone.now(),
                                                   heartbeat_at=timezone.now(), error="", finished_at=None)
    batch.refresh_from_db()
    try:
        _run(batch, path)
    except UnreadableFile as e:
        _finish(batch, BatchStatus.FAILED, str(e))
        return batch
    except Exception as e:
        # The details (SQL, paths) go to the log for operators, not to the regulators' pages.
        log.exception("import batch %s failed: %s", batch.pk, e)
        _finish(batch, BatchStatus.FAILED, _("The run stopped after %(n)d rows because of an internal error "
                                             "(logged for the operators). Run the file again; rows already "
                                             "applied count as unchanged.") % {"n": batch.read})
        raise
    _finish(batch, BatchStatus.SUCCEEDED)
    announce(__name__, batch=batch)
    return batch


def _run(batch: ImportBatch, path: str):
    if staged.usable(batch, path):
        try:
            staged.run(batch, path)
            return
        except staged.NotStageable as e:
            # Nothing of the library was touched yet: the row-by-row path takes the whole file.
            log.info("import batch %s: row-by-row path (%s)", batch.pk, e)
    reader = open_reader(path, batch.file_name)
    applier = APPLIERS[batch.feed](batch)
    jsonl = isinstance(reader, JsonLinesReader)
    size = chunk_size()
    mapping = None
    mappings: dict[tuple, Mapping] = {}  # JSON lines: keys may differ from row to row
    pending: list[Row] = []
    rejects: list[tuple[int, RowError]] = []
    read = 0
    for number, raw in reader.rows():
        if mapping is None and not jsonl:
            mapping = Mapping(batch.feed, reader.headers)
            mapping.check()
        read += 1
        if isinstance(raw, RowError):
            rejects.append((number, raw))
        else:
            try:
                if jsonl:
                    keys = tuple(raw)
                    mapping = mappings.get(keys) or mappings.setdefault(keys, Mapping(batch.feed, list(keys)))
                    if missing := mapping.missing():
                        raise RowError(missing[0], _("This column is required."), "")
                code, values = parse_row(batch.feed, mapping.values(raw))
                pending.append(applier.prepare(Row(number, code, values)))
            except RowError as e:
                rejects.append((number, e))
        if read == size:
            _commit(batch, applier, pending, rejects, read, reader.fraction())
            pending, rejects, read = [], [], 0
    if mapping is None and not jsonl:
        Mapping(batch.feed, reader.headers).check()
    _commit(batch, applier, pending, rejects, read, reader.fraction())


def _commit(batch: ImportBatch, applier, rows: list[Row], rejects, read: int, fraction: float):
    with transaction.atomic():
        outcome = applier.apply(rows) if rows else Outcome()
        if outcome.inserted or outcome.updated:
            profiles_forget()  # bulk writes send no signal: no kept profile is used any more
        all_rejects = sorted(rejects + outcome.rejects, key=lambda r: r[0])
        if all_rejects:
            RejectedRow.objects.bulk_create([_reject(batch, n, e) for n, e in all_rejects], batch_size=2000)
        batch.read += read
        batch.inserted += outcome.inserted
        batch.updated += outcome.updated
        batch.unchanged += outcome.unchanged
        batch.rejected += len(all_rejects)
        batch.progress = max(batch.progress, min(99, int(fraction * 100)))
        batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["read", "inserted", "updated", "unchanged", "rejected", "progress",
                                  "heartbeat_at"])


def import_batches_fail_stale(*, older_than: timedelta | None = None) -> int:
    """A worker killed outright leaves its batch `running`; after a while without progress it
    is marked failed so nobody mistakes it for one still going. Re-running the file converges."""
    older_than = older_than or timedelta(minutes=getattr(settings, "ELEMENTS_STALE_BATCH_MINUTES", 30))
    cutoff = timezone.now() - older_than
    return ImportBatch.objects.filter(status=BatchStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=BatchStatus.FAILED, finished_at=timezone.now(),
        error=_("The run stopped without finishing (no progress for a while). Run the file again."))
