"""GET /health/: no login, no data, one status per component; 503 naming the component that is
down. Each component is brought down for real where it can be (a closed port, a database that
does not exist, a store that is not a directory, a bucket that does not exist)."""

import threading

import boto3
import pytest
from django.db import connections
from moto import mock_aws

from jingzhidai import health
from jingzhidai.celery import app as celery_app

COMPONENTS = {"database", "cache", "broker", "storage"}
CLOSED_PORT = "127.0.0.1:9"  # discard port: nothing listens there


def get_health(client):
    response = client.get("/health/")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def assert_only_down(body, name, state="error"):
    assert body["status"] == "error"
    assert set(body["components"]) == COMPONENTS
    assert body["components"][name] == state
    assert all(value == "ok" for key, value in body["components"].items() if key != name), body


def test_all_components_reachable_answers_200_without_login(client, db):
    status, body = get_health(client)
    assert status == 200
    assert body == {"status": "ok", "components": dict.fromkeys(COMPONENTS, "ok")}


def test_database_down(client, db, monkeypatch, tmp_path):
    real = connections["default"]
    broken = dict(real.settings_dict)
    broken["NAME"] = str(tmp_path / "missing" / "db.sqlite3") if real.vendor == "sqlite" else "jzd_health_no_such_db"
    wrapper = type(real)(broken, alias="default")
    monkeypatch.setattr(health, "connections", {"default": wrapper})
    status, body = get_health(client)
    assert status == 503
    assert_only_down(body, "database")


def test_cache_down(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://{CLOSED_PORT}/0"}}
    status, body = get_health(client)
    assert status == 503
    assert_only_down(body, "cache")


def test_broker_down(client, db, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_write_url", f"redis://{CLOSED_PORT}/0")
    status, body = get_health(client)
    assert status == 503
    assert_only_down(body, "broker")


def test_file_store_down(client, db, settings, tmp_path):
    not_a_directory = tmp_path / "media"
    not_a_directory.write_text("a file where the store should be")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(not_a_directory)}}}
    status, body = get_health(client)
    assert status == 503
    assert_only_down(body, "storage")


S3_OPTIONS = {"bucket_name": "jzd-health", "access_key": "test", "secret_key": "test", "region_name": "us-east-1"}


@pytest.fixture
def s3_storage(settings):
    with mock_aws():
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage",
                                                              "OPTIONS": S3_OPTIONS}}
        yield boto3.client("s3", region_name="us-east-1")


def test_object_store_bucket_present(client, db, s3_storage):
    s3_storage.create_bucket(Bucket="jzd-health")
    status, body = get_health(client)
    assert status == 200 and body["components"]["storage"] == "ok"


def test_object_store_bucket_missing(client, db, s3_storage):
    status, body = get_health(client)
    assert status == 503
    assert_only_down(body, "storage")


def test_a_hung_component_is_reported_as_timeout_instead_of_hanging_the_probe(client, db, settings, monkeypatch):
    release = threading.Event()
    monkeypatch.setitem(health.CHECKS, "broker", lambda: release.wait(60))
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    try:
        status, body = get_health(client)
    finally:
        release.set()
    assert status == 503
    assert_only_down(body, "broker", state="timeout")


def test_the_reason_stays_in_the_log(client, db, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://{CLOSED_PORT}/0"}}
    response = client.get("/health/")
    assert CLOSED_PORT not in response.content.decode()
    assert any("cache is not reachable" in record.getMessage() for record in caplog.records)


def test_only_get(client, db):
    assert client.post("/health/").status_code == 405
