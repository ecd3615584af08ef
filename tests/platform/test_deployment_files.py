"""docker-compose.yml and .env.example read against the settings (no Docker engine here, so
the files are checked by reading them: every variable they set is one the settings read)."""

import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SETTINGS_TEXT = "".join((ROOT / "jingzhidai/settings" / f).read_text() for f in ("base.py", "production.py"))
READ_BY_SETTINGS = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', SETTINGS_TEXT))
# Read by Django itself, by the Postgres/MinIO images or by compose, not by our settings.
NOT_OURS = {"DJANGO_SETTINGS_MODULE", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "MINIO_ROOT_USER",
            "MINIO_ROOT_PASSWORD"}


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services_with_health_checks():
    services = compose()["services"]
    for name in ("web", "worker", "beat", "db", "redis", "minio"):
        assert name in services
        assert "healthcheck" in services[name], name
    assert "gunicorn jingzhidai.wsgi:application" in services["web"]["command"]
    assert "celery -A jingzhidai worker" in services["worker"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "jingzhidai.settings.production"
        assert set(services[name]["depends_on"]) == {"db", "redis", "minio"}


def test_every_variable_compose_sets_is_read_by_the_settings():
    env = compose()["services"]["web"]["environment"]
    unknown = set(env) - READ_BY_SETTINGS - NOT_OURS
    assert not unknown, unknown
    assert env["STORAGE_BACKEND"] == "s3" and env["S3_ENDPOINT_URL"].startswith("http://minio:")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_env_example_lists_only_real_settings_and_every_required_one():
    text = (ROOT / ".env.example").read_text()
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))
    assert not (names - READ_BY_SETTINGS - NOT_OURS), names - READ_BY_SETTINGS - NOT_OURS
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND", "EMAIL_URL",
            "DJANGO_ALLOWED_HOSTS"} <= names


class _Probe(BaseHTTPRequestHandler):
    """Stands in for gunicorn: records what the health check asks and answers with `status`."""

    status = 200
    seen: list = []

    def do_GET(self):
        self.seen.append((self.path, self.headers["Host"], self.headers["X-Forwarded-Proto"]))
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def run_web_healthcheck(status):
    """Runs the web service's health-check command (as Docker would) against the stand-in."""
    test = compose()["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    _Probe.status, _Probe.seen = status, []
    server = HTTPServer(("127.0.0.1", 0), _Probe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code = test[3].replace("127.0.0.1:8000", f"127.0.0.1:{server.server_port}")
        env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "jingzhidai.example.gov.cn,localhost"}
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=30)
    finally:
        server.shutdown()
    return result.returncode, _Probe.seen


def test_the_web_health_check_asks_health_as_the_tls_proxy_would():
    returncode, seen = run_web_healthcheck(200)
    assert returncode == 0
    assert seen == [("/health/", "jingzhidai.example.gov.cn", "https")]
    assert "127.0.0.1:8000" in compose()["services"]["web"]["healthcheck"]["test"][3]
    assert "--bind 0.0.0.0:8000" in compose()["services"]["web"]["command"]


def test_the_web_health_check_fails_when_health_answers_503():
    returncode, seen = run_web_healthcheck(503)
    assert returncode != 0 and seen


def test_every_process_shares_the_redis_cache():
    env = compose()["services"]["web"]["environment"]
    assert env["CACHE_URL"].startswith("redis://redis:")
    assert env["CACHE_URL"] != env["CELERY_BROKER_URL"]


def test_the_image_carries_the_backup_tools():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"apt-get install[^\n]*\bpostgresql-client\b", dockerfile)  # pg_dump / pg_restore
