"""A file is stored before its row commits: a rollback afterwards leaves it without a row.
The nightly sweep deletes such files once they are old enough, and nothing a row refers to."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from applications import services
from applications.files import orphan_files_sweep
from applications.models import Evidence

from .conftest import UNHELD, upload

pytestmark = pytest.mark.django_db


class _Abort(Exception):
    pass


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path):
    """Files of this test only (the suite's other tests leave files whose rows rolled back)."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


def test_a_rolled_back_upload_leaves_a_file_that_the_sweep_deletes(flow, world):
    app = flow.draft(claims=[UNHELD])
    kept = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    before = set(Evidence.objects.values_list("file", flat=True))
    with pytest.raises(_Abort), transaction.atomic():  # an outer block that fails after the upload
        services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
        raise _Abort
    assert set(Evidence.objects.values_list("file", flat=True)) == before
    month = kept.file.name.rsplit("/", 1)[0]
    stored = set(default_storage.listdir(month)[1])
    orphans = {f"{month}/{n}" for n in stored} - before
    assert len(orphans) == 1  # the rolled-back upload's file is still there

    assert orphan_files_sweep(older_than=timedelta(hours=1)) == []  # too young: may still be in flight
    assert sorted(orphan_files_sweep(older_than=timedelta(0))) == sorted(orphans)
    assert default_storage.exists(kept.file.name)
    assert not any(default_storage.exists(name) for name in orphans)


def test_the_sweep_is_scheduled_nightly():
    task = PeriodicTask.objects.get(task="applications.orphan_files_sweep")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("3", "15")
