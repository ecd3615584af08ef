"""GET /health/: are the database, the cache, the Celery broker and the file store reachable?

No login and no data: the body names each component and says "ok", "error" or "timeout"
(the reason goes to the log, never to the caller). 200 when all are ok, 503 otherwise. The checks
run side by side in threads and the answer never waits longer than HEALTH_CHECK_TIMEOUT seconds,
so a hung service makes the probe fail instead of hanging it."""

import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jingzhidai.celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database():
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone()[0] != 1:
                raise RuntimeError("SELECT 1 did not answer 1")
    finally:
        connection.close()  # this thread's own connection; the request's is left alone


def check_cache():
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def check_broker():
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=settings.HEALTH_CHECK_TIMEOUT)


def check_storage():
    storage = default_storage
    if hasattr(storage, "bucket_name"):  # S3-compatible object storage (django-storages)
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    elif hasattr(storage, "location"):  # a directory (FileSystemStorage)
        location = Path(storage.location)
        location.mkdir(parents=True, exist_ok=True)  # as the first upload would
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError(f"{location} is not writable")
    else:
        storage.listdir("")


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "storage": check_storage}


def _run(name):
    try:
        CHECKS[name]()
    except Exception:
        logger.warning("health check: %s is not reachable", name, exc_info=True)
        return "error"
    return "ok"


def components_status() -> dict[str, str]:
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="health")
    futures = {name: pool.submit(_run, name) for name in CHECKS}
    wait(futures.values(), timeout=settings.HEALTH_CHECK_TIMEOUT)
    pool.shutdown(wait=False, cancel_futures=True)
    status = {}
    for name, future in futures.items():
        if future.done():
            status[name] = future.result()
        else:
            logger.warning("health check: %s did not answer within %ss", name, settings.HEALTH_CHECK_TIMEOUT)
            status[name] = "timeout"
    return status


@require_GET
@never_cache
def health(request):
    components = components_status()
    healthy = all(value == "ok" for value in components.values())
    return JsonResponse({"status": "ok" if healthy else "error", "components": components},
                        status=200 if healthy else 503)
