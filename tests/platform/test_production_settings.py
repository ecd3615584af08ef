"""The production settings module, loaded as gunicorn and the workers load it: its static-file
storage (hashed names and a manifest) must collect the portal's own and vendored files, and the
pages must render against that manifest; database connections are kept between requests."""

import importlib
import json
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

VENDORED = ["vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js",
            "vendor/chartjs/chart.umd.min.js", "vendor/htmx/htmx.min.js", "css/portal.css"]


def load_production(monkeypatch, **env):
    """A fresh import of jingzhidai.settings.production under the given environment."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-" + "k" * 60)
    for name in ("DATABASE_CONN_MAX_AGE", "DATABASE_CONN_HEALTH_CHECKS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("jingzhidai.settings.production", None)
    try:
        return importlib.import_module("jingzhidai.settings.production")
    finally:
        sys.modules.pop("jingzhidai.settings.production", None)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a scratch STATIC_ROOT, once per module."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        production = load_production(monkeypatch)
    root = tmp_path_factory.mktemp("static")
    from django.conf import settings

    storages = {**settings.STORAGES, "staticfiles": production.STORAGES["staticfiles"]}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_collectstatic_succeeds_with_the_production_storage(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())
    for name in VENDORED:
        hashed = manifest["paths"][name]
        assert hashed != name and (collected / hashed).is_file()


@pytest.mark.parametrize(("url", "asset"), [
    ("/login/", "vendor/bootstrap/bootstrap.min.css"),
    ("/check/", "vendor/bootstrap/bootstrap.min.css"),
    ("/api/docs/", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"),
])
def test_public_pages_render_against_the_manifest(collected, client, db, url, asset):
    response = client.get(url)
    assert response.status_code == 200
    manifest = json.loads((collected / "staticfiles.json").read_text())
    assert f"/static/{manifest['paths'][asset]}" in response.content.decode()


def test_a_hashed_static_file_is_served(collected, client):
    manifest = json.loads((collected / "staticfiles.json").read_text())
    response = client.get(f"/static/{manifest['paths']['vendor/htmx/htmx.min.js']}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (collected / "vendor/htmx/htmx.min.js").read_bytes()


def test_production_keeps_database_connections_and_checks_them(monkeypatch):
    production = load_production(monkeypatch)
    assert production.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert production.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_connection_reuse_is_configurable(monkeypatch):
    production = load_production(monkeypatch, DATABASE_CONN_MAX_AGE="0", DATABASE_CONN_HEALTH_CHECKS="false")
    assert production.DATABASES["default"]["CONN_MAX_AGE"] == 0
    assert production.DATABASES["default"]["CONN_HEALTH_CHECKS"] is False


def test_loading_production_settings_leaves_the_running_settings_alone(monkeypatch, settings):
    before = dict(settings.DATABASES["default"])
    load_production(monkeypatch, DATABASE_CONN_MAX_AGE="123")
    assert settings.DATABASES["default"] == before


def test_sessions_are_cached_only_with_a_shared_cache(monkeypatch):
    """cached_db with Redis (every worker shares it); the database alone with the per-process
    memory cache, where one worker could keep a session another one ended."""
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("ELEMENTS_PROFILE_CACHE", raising=False)
    running = sys.modules["jingzhidai.settings.base"]
    try:
        sys.modules.pop("jingzhidai.settings.base")  # these are decided in base, from the environment
        alone = load_production(monkeypatch)
        sys.modules.pop("jingzhidai.settings.base")
        shared = load_production(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/9")
    finally:
        sys.modules["jingzhidai.settings.base"] = running
    assert alone.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert alone.ELEMENTS_PROFILE_CACHE is False
    assert shared.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert shared.ELEMENTS_PROFILE_CACHE is True

