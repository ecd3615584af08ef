"""The store behind Idempotency-Key and one-time form tokens (jingzhidai.once): records live
24 hours and an hourly beat task (declared by migration) forgets older ones."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from identity.models import RequestRecord
from jingzhidai import tasks

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_beat_task_forgets_records_older_than_a_day():
    user = UserFactory()
    old = RequestRecord.objects.create(kind="api", user=user, key="old", fingerprint="f", method="POST", path="/")
    RequestRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    fresh = RequestRecord.objects.create(kind="api", user=user, key="new", fingerprint="f", method="POST", path="/")
    assert tasks.request_records_prune.delay().get() == 1
    assert list(RequestRecord.objects.values_list("pk", flat=True)) == [fresh.pk]
    task = PeriodicTask.objects.get(task="jingzhidai.request_records_prune")
    assert task.enabled and task.crontab.hour == "*"


def test_csrf_token_also_renders_a_fresh_form_token_and_form_token_renders_it_alone():
    html = Template("{% csrf_token %}|{% csrf_token %}|{% form_token %}").render(Context({"csrf_token": "abc"}))
    parts = html.split("|")
    assert all('name="form_token"' in p for p in parts) and 'name="csrfmiddlewaretoken"' in parts[0]
    assert "csrfmiddlewaretoken" not in parts[2]
    assert len({p.split('name="form_token" value="')[1][:32] for p in parts}) == 3
    assert Template("{% csrf_token %}").render(Context({})) == ""  # no CSRF token, no form
