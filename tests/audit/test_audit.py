"""The audit trail (等保2.0 §8.1.4.3, ASVS V16): regulators' reads of enterprise data and
refused accesses (an object that exists outside the caller's door) are recorded with who, when,
what and from where, with the request id; one JSON log line per event; append-only; pruned only
beyond the retention."""

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.retention import check_retention
from audit.services import audit_prune
from identity.choices import Role
from jingzhidai.audit import AppendOnlyError

from ..factories import EnterpriseFactory, UserFactory, make_uscc
from ..helpers import assert_constant_queries, client_for

pytestmark = pytest.mark.django_db


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


@pytest.mark.parametrize("url_name, api", [("elements:profile", False), ("api:enterprise-profile", True),
                                           ("identity:enterprise_detail", False),
                                           ("api:enterprise-detail", True)])
def test_a_regulator_reading_an_enterprise_is_recorded_with_who_when_what_and_where(world, url_name, api):
    url = reverse(url_name, kwargs={"uscc": world.ent.uscc})
    before = timezone.now()
    response = client_for(world, "district", api=api).get(url, REMOTE_ADDR="10.1.2.3",
                                                           HTTP_X_REQUEST_ID="trace-0123456789")
    assert response.status_code == 200
    [event] = events()
    assert (event.username, event.user_id, event.role) == (world.district.username, world.district.pk,
                                                           Role.DISTRICT_REGULATOR)
    assert event.organization == world.district.regulator_unit.name
    assert event.action == "read" and event.object_id == world.ent.uscc and event.object_type
    assert event.address == "10.1.2.3" and event.at >= before and event.path == url
    assert event.request_id == "trace-0123456789" == response["X-Request-ID"]


def test_an_enterprise_reading_itself_is_not_a_regulator_read(world):
    client_for(world, "enterprise").get(reverse("identity:enterprise_detail", kwargs={"uscc": world.ent.uscc}))
    client_for(world, "enterprise", api=True).get(reverse("api:enterprise-list"))
    assert events() == []


def test_a_bank_without_an_application_is_refused_not_reading(world):
    client_for(world, "officer").get(reverse("identity:enterprise_detail", kwargs={"uscc": world.ent.uscc}))
    client_for(world, "officer", api=True).get(reverse("api:enterprise-list"))
    assert [(e.action, e.username) for e in events()] == [("refused", world.officer.username)]


@pytest.mark.parametrize("url_name, api", [("identity:enterprise_list", False), ("api:enterprise-list", True),
                                           ("elements:penalty_list", False), ("api:penalty-list", True)])
def test_lists_are_recorded_once_per_request_in_constant_queries(world, url_name, api):
    url = reverse(url_name) + "?page=1"
    assert_constant_queries(client_for(world, "city", api=api), url,
                            lambda: [EnterpriseFactory() for _ in range(3)])
    recorded = events()
    # One row per request: assert_constant_queries makes three (a warm-up, before and after).
    assert len(recorded) == 3 and {e.action for e in recorded} == {"list"}
    assert recorded[0].query == "page=1" and recorded[0].username == world.city.username


@pytest.mark.parametrize("url_name, api", [("elements:profile", False), ("api:enterprise-profile", True),
                                           ("identity:enterprise_detail", False),
                                           ("api:enterprise-detail", True)])
def test_an_object_outside_the_door_is_a_refused_access_a_missing_one_is_not(world, url_name, api):
    client = client_for(world, "district_2", api=api)
    outside = client.get(reverse(url_name, kwargs={"uscc": world.ent.uscc}), REMOTE_ADDR="10.9.9.9")
    missing = client.get(reverse(url_name, kwargs={"uscc": make_uscc(division="110105")}))
    assert outside.status_code == missing.status_code == 404
    [event] = events()
    assert event.action == "refused" and event.object_id == world.ent.uscc
    assert event.username == world.district_2.username and event.address == "10.9.9.9"
    assert event.request_id == outside["X-Request-ID"]


def test_the_request_id_is_generated_or_honoured_when_well_formed(world):
    client = client_for(world, "enterprise")
    generated = client.get(reverse("identity:login"))["X-Request-ID"]
    assert len(generated) == 32
    assert client.get(reverse("identity:login"), HTTP_X_REQUEST_ID="abc-DEF_123.456")["X-Request-ID"] == \
        "abc-DEF_123.456"
    forged = client.get(reverse("identity:login"), HTTP_X_REQUEST_ID='x" \n{"level": "forged"}')["X-Request-ID"]
    assert forged != 'x" \n{"level": "forged"}' and len(forged) == 32


def test_each_audit_event_is_one_json_line_with_the_request_id(world, settings):
    from logging.config import dictConfig

    stream = io.StringIO()
    dictConfig({**settings.LOGGING, "handlers": {"console": {**settings.LOGGING["handlers"]["console"],
                                                             "stream": stream}}})
    try:
        client_for(world, "city").get(reverse("identity:enterprise_detail", kwargs={"uscc": world.ent.uscc}),
                                      HTTP_X_REQUEST_ID="req-abcdef123456")
    finally:
        dictConfig({**settings.LOGGING})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [line] = [x for x in lines if x.get("logger") == "jingzhidai.audit"]
    assert line["request_id"] == "req-abcdef123456" and line["level"] == "INFO"
    assert line["audit"]["user"] == world.city.username and line["audit"]["object_id"] == world.ent.uscc
    assert line["audit"]["action"] == "read" and line["time"]


def test_audit_events_are_append_only(world):
    client_for(world, "city").get(reverse("identity:enterprise_list"))
    event = AuditEvent.objects.get()
    event.username = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().username == world.city.username


def test_the_admin_shows_audit_events_read_only(world):
    admin = UserFactory(role=Role.PLATFORM_ADMIN, is_staff=True, is_superuser=True)
    client_for(world, "city").get(reverse("identity:enterprise_list"))
    client = client_for(world, "anonymous")
    client.force_login(admin)
    assert client.get("/django-admin/audit/auditevent/").status_code == 200
    event = AuditEvent.objects.get()
    assert client.get("/django-admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/django-admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 1


def test_retention_below_six_months_is_refused_at_start(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ImproperlyConfigured, match="AUDIT_RETENTION_DAYS"):
        check_retention()
    settings.AUDIT_RETENTION_DAYS = 183
    check_retention()


def test_prune_removes_only_rows_older_than_the_retention(world, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    from axes.models import AccessLog

    now = timezone.now()
    old, young = (AuditEvent.objects.create(at=now - timedelta(days=days), action="read",
                                            object_type="identity.enterprise") for days in (201, 199))
    stale = AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    AccessLog.objects.filter(pk=stale.pk).update(attempt_time=now - timedelta(days=201))
    recent = AccessLog.objects.create(username="y", ip_address="10.0.0.1", user_agent="t")
    assert audit_prune(now=now) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]
    kept = set(AccessLog.objects.values_list("pk", flat=True))
    assert recent.pk in kept and stale.pk not in kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_changing_an_audit_row_or_deleting_a_young_one(world):
    from django.db import DatabaseError, transaction

    event = AuditEvent.objects.create(action="read", object_type="identity.enterprise", username="a")
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET username = 'b' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get().username == "a"


def test_the_prune_runs_nightly_from_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="audit.prune")
    assert task.enabled and task.crontab.hour == "3"


def test_a_district_regulator_opening_another_districts_enterprise_is_refused(world):
    other = EnterpriseFactory(district_id="110105", division="110105")
    response = client_for(world, "district", api=True).get(reverse("api:enterprise-detail",
                                                                   kwargs={"uscc": other.uscc}))
    assert response.status_code == 404
    assert [e.action for e in events()] == ["refused"]
