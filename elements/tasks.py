"""Celery tasks: thin, they take ids or names and call the sync and the services. Periodic
schedules are declared once, in migration 0004 (django-celery-beat)."""

import logging
import os
import shutil
import tempfile
import urllib.request
from urllib.parse import urlparse

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage

from . import services
from .choices import SYNC_FEEDS, BatchSource, BatchStatus
from .models import ImportBatch
from .sync import import_batches_fail_stale, run_batch
from .sync.readers import format_of
from .sync.runner import batch_create

log = logging.getLogger(__name__)


def _to_temp(stream, suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="jzd-feed-", suffix=suffix)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    return path


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def import_batch_run(self, batch_id: int):
    """Run an uploaded batch: its file is in default storage (local disk or object storage)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status == BatchStatus.SUCCEEDED:
        return batch.pk
    try:
        with default_storage.open(batch.storage_name, "rb") as stream:
            path = _to_temp(stream, os.path.splitext(batch.file_name)[1])
    except OSError as e:  # storage unreachable: try again later
        raise self.retry(exc=e)
    try:
        run_batch(batch, path)
    finally:
        os.unlink(path)
    return batch.pk


def inbox_prefix() -> str:
    prefix = getattr(settings, "ELEMENTS_INBOX_PREFIX", "inbox/")
    return prefix if prefix.endswith("/") else prefix + "/"


def _feed_of(name: str, folder: str) -> str | None:
    if folder in SYNC_FEEDS:
        return folder
    stem = os.path.basename(name).lower()
    return next((f for f in SYNC_FEEDS if stem.startswith((f"{f}-", f"{f}_", f"{f}."))), None)


def _inbox_files():
    prefix = inbox_prefix()
    try:
        folders, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield "", prefix + name
    for folder in folders:
        _sub, names = default_storage.listdir(prefix + folder + "/")
        for name in names:
            yield folder, f"{prefix}{folder}/{name}"


@shared_task
def inbox_scan() -> list[int]:
    """Run every new file of the inbox (ELEMENTS_INBOX_PREFIX in default storage): either in
    a folder named after its feed (inbox/abnormal/2026-11.csv) or named after it
    (inbox/abnormal-2026-11.csv). A file whose content already succeeded from the inbox is
    skipped; the file stays where it is (the bureau's drop folder is theirs to tidy)."""
    import_batches_fail_stale()
    done = []
    for folder, name in _inbox_files():
        feed = _feed_of(name, folder)
        if feed is None or format_of(name) is None:
            continue
        with default_storage.open(name, "rb") as stream:
            path = _to_temp(stream, os.path.splitext(name)[1])
        try:
            batch = batch_create(feed=feed, path=path, source=BatchSource.INBOX, file_name=os.path.basename(name),
                                 storage_name=name)
            seen = ImportBatch.objects.filter(source=BatchSource.INBOX, storage_name=name, sha256=batch.sha256,
                                              status=BatchStatus.SUCCEEDED).exclude(pk=batch.pk).exists()
            if seen:
                batch.delete()
                continue
            run_batch(batch, path)
            done.append(batch.pk)
        finally:
            os.unlink(path)
    return done


@shared_task
def feeds_pull() -> int:
    """Pull each feed from its HTTPS URL (ELEMENTS_FEED_URLS: feed -> URL), one task each."""
    urls = getattr(settings, "ELEMENTS_FEED_URLS", {}) or {}
    for feed, url in urls.items():
        feed_pull.delay(feed, url)
    return len(urls)


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def feed_pull(self, feed: str, url: str) -> int | None:
    parsed = urlparse(url)
    if parsed.scheme != "https" or feed not in SYNC_FEEDS:
        log.error("feed %s: refusing %s (HTTPS URLs of a known feed only)", feed, url)
        return None
    name = os.path.basename(parsed.path) or f"{feed}.csv"
    try:
        with urllib.request.urlopen(url, timeout=getattr(settings, "ELEMENTS_FEED_TIMEOUT", 60)) as response:
            path = _to_temp(response, os.path.splitext(name)[1] or ".csv")
    except OSError as e:
        raise self.retry(exc=e)
    try:
        batch = batch_create(feed=feed, path=path, source=BatchSource.URL, file_name=name, storage_name=url[:400])
        run_batch(batch, path)
        return batch.pk
    finally:
        os.unlink(path)


@shared_task
def distinctions_expire() -> int:
    return services.distinctions_expire()
