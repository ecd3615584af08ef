"""Throughput and latency of the portal next to a bare Django project, same machine, same
PostgreSQL, same gunicorn settings (issue 10):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jzd_speed1m .venv/bin/python bench/load.py

Against a database filled by `manage.py seed_demo` and `manage.py grow_demo --applications N`
(which writes the loans of the contracts with them, schedules included). In one run it:
- runs `collectstatic` (production settings: the manifest storage) and starts the portal
  (`jingzhidai.settings.production`, cache in Redis when CACHE_URL is set, anonymous rate
  raised so the self-check is measured, not throttled) under gunicorn;
- generates a bare Django project in a temporary directory (`django-admin startproject`, its
  default apps and middleware, production-like: DEBUG off, persistent connections) with two
  views on the same PostgreSQL table, `applications_application`: one row by primary key, and a
  20-row page of one bank (ORDER BY id DESC), both as JSON, and starts it under gunicorn with
  the same settings (`--workers 2`, sync workers);
- adds to it, for the floor of a tenant-scoped list, the demo officer signed in (Django's session
  and authentication middleware: the session row and one user read, through an unmanaged user
  model on the portal's `identity_user`) and its bank's 20 rows serialized by a DRF
  ModelSerializer, as a plain view (`/signed/`) and as a DRF APIView (`/signed-drf/`); the same
  APIView around one row by primary key (`/signed-one/<pk>/`, the floor of a signed-in single
  object: detail, profile); the list with token authentication on the portal's token table
  instead of the session (`/token-drf/`); and the least an audited, counted, tenant-scoped list
  does (`/audited/`: token, the bank's submitted applications, the count up to 5,000, 20 rows in
  the list's order, one row inserted into the portal's audit table);
- authenticates as the demo users (API tokens from `identity.services.api_token_issue`,
  sessions as `Client.force_login` writes them for the HTML pages);
- for each endpoint, at 10 and 50 concurrent clients (threads, one keep-alive connection each,
  re-opened when the server closes it; gunicorn's sync workers close after each response,
  for both servers alike), for DURATION seconds after a short warm-up: completed requests per
  second, p50 and p99 latency, non-200 answers; and the ratio to the bare project's view of the
  same kind (lists to the 20-row page, single objects to the one-row view).

Prints a table and writes bench/out/load.json. Options: --duration (default 5 s), --clients
(default 10,50), --only SUBSTRING (endpoints whose name contains it), --workers (default 2).
The load generator shares the 2 cores with both servers and PostgreSQL: note `uptime`."""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
GUNICORN = str(ROOT / ".venv/bin/gunicorn")
HOST = "127.0.0.1"
SECRET = "bench-load-" + os.urandom(16).hex()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def portal_env() -> dict:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="jingzhidai.settings.production", DJANGO_SECRET_KEY=SECRET,
               DJANGO_ALLOWED_HOSTS=f"{HOST},localhost", DJANGO_SECURE_SSL_REDIRECT="False",
               API_ANON_RATE="100000000/minute", LOG_FORMAT="text")
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3")
    return env


def wait_up(port, path="/", timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            c = http.client.HTTPConnection(HOST, port, timeout=5)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not come up")


def gunicorn(wsgi, port, *, cwd, env, workers, log):
    return subprocess.Popen([GUNICORN, wsgi, "--bind", f"{HOST}:{port}", "--workers", str(workers),
                             "--timeout", "120", "--log-level", "warning"],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


# --- the bare project ---------------------------------------------------------------------------

BARE_VIEWS = '''
from django.db import connection
from django.http import JsonResponse
from django.urls import path

COLUMNS = ["id", "status", "amount", "term_months", "bank_id", "enterprise_id", "created_at", "status_changed_at"]
SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM applications_application "


def one(request, pk):
    with connection.cursor() as cursor:
        cursor.execute(SELECT + "WHERE id = %s", [pk])
        row = cursor.fetchone()
    return JsonResponse(dict(zip(COLUMNS, row)))


def page(request, bank):
    with connection.cursor() as cursor:
        cursor.execute(SELECT + "WHERE bank_id = %s ORDER BY id DESC LIMIT 20", [bank])
        rows = cursor.fetchall()
    return JsonResponse({"results": [dict(zip(COLUMNS, r)) for r in rows]})


# The least a tenant-scoped list does: a signed-in user (Django's session and authentication
# middleware: the session row, one user read), its bank's 20 rows through the ORM, serialized by a
# DRF ModelSerializer; as a plain Django view, and as a DRF APIView (session authentication,
# IsAuthenticated, the JSON renderer).
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from benchapp.models import Application


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = COLUMNS


def _rows(user):
    return ApplicationSerializer(Application.objects.filter(bank_id=user.bank_id).order_by("-id")[:20], many=True).data


def signed(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in"}, status=403)
    return JsonResponse({"results": _rows(request.user)})


class SignedDRF(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        return Response({"results": _rows(request.user)})


# The floor of a signed-in single object (detail, profile): the same APIView around one row by
# primary key through the ORM and the ModelSerializer (ratio to the bare one-row view).
class SignedOneDRF(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request, pk):
        return Response(ApplicationSerializer(Application.objects.get(pk=pk)).data)


# An API token as the portal keeps it (identity.authentication: only the SHA-256 of the key is
# stored; one indexed read of the token with its user), on the portal's own token table.
import hashlib

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from benchapp.models import ApiToken, AuditEvent


class BareTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hashlib.sha256(key.encode()).hexdigest()).first())
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid token.")
        return token.user, token


class TokenDRF(SignedDRF):
    """The signed-in DRF list with token authentication instead of the session."""

    authentication_classes = [BareTokenAuthentication]


COUNT_BOUND = 5000


class AuditedDRF(TokenDRF):
    """The least an audited, counted, tenant-scoped list does, as the portal's lists do it:
    token authentication, the user's scope (the bank's submitted applications), the total
    counted up to a bound, a page of 20 rows (ORDER BY the list's index), one audit row inserted."""

    def get(self, request):
        user = request.user
        scope = Application.objects.filter(bank_id=user.bank_id, submitted_at__isnull=False)
        count = scope.order_by().values("pk")[:COUNT_BOUND + 1].count()
        rows = ApplicationSerializer(scope.order_by("-status_changed_at", "-id")[:20], many=True).data
        AuditEvent.objects.create(user_id=user.pk, username=user.username, action="list",
                                  object_type="applications.application", method=request.method,
                                  path=request.path[:500], query=request.META.get("QUERY_STRING", "")[:500])
        return Response({"count": count, "count_estimated": count > COUNT_BOUND, "results": rows})


urlpatterns = [path("one/<int:pk>/", one), path("page/<int:bank>/", page), path("signed/", signed),
               path("signed-drf/", SignedDRF.as_view()), path("signed-one/<int:pk>/", SignedOneDRF.as_view()),
               path("token-drf/", TokenDRF.as_view()), path("audited/", AuditedDRF.as_view())]
'''

# The portal's users and applications, read-only (unmanaged) for the bare project's signed-in views.
BARE_MODELS = '''
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models


class User(AbstractBaseUser):
    username = models.CharField(max_length=150, unique=True)
    is_active = models.BooleanField(default=True)
    bank_id = models.BigIntegerField(null=True)
    USERNAME_FIELD = "username"

    class Meta:
        managed = False
        db_table = "identity_user"


class Application(models.Model):
    status = models.CharField(max_length=30)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    term_months = models.PositiveSmallIntegerField()
    bank_id = models.BigIntegerField()
    enterprise_id = models.CharField(max_length=18)
    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "applications_application"


class ApiToken(models.Model):
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING)
    created = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "identity_apitoken"


class AuditEvent(models.Model):
    """The portal's audit table (the bare project writes one row per audited list, as the portal does)."""

    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, blank=True, default="")
    organization = models.CharField(max_length=200, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)
    address = models.GenericIPAddressField(null=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=16)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True, default="")
    query = models.CharField(max_length=500, blank=True)

    class Meta:
        managed = False
        db_table = "audit_auditevent"
'''

# Signs the demo officer in to the bare project (its own session row and secret key).
BARE_SIGN_IN = '''
import django

django.setup()
from django.conf import settings
from django.test import Client

from benchapp.models import User

client = Client()
client.force_login(User.objects.get(username="demo-officer"))
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
'''


def bare_project(directory: Path, database_url: str) -> Path:
    directory.mkdir(parents=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    subprocess.run([str(ROOT / ".venv/bin/django-admin"), "startproject", "bare", str(directory)], check=True,
                   env=clean)
    db = urlparse(database_url)
    settings = directory / "bare" / "settings.py"
    settings.write_text(settings.read_text() + textwrap.dedent(f"""
        # bench/load.py: production-like, on the portal's PostgreSQL database
        DEBUG = False
        ALLOWED_HOSTS = ["{HOST}", "localhost"]
        DATABASES = {{"default": {{
            "ENGINE": "django.db.backends.postgresql", "NAME": {db.path.lstrip('/')!r},
            "USER": {db.username or ''!r}, "PASSWORD": {db.password or ''!r}, "HOST": {db.hostname or ''!r},
            "PORT": {str(db.port or '')!r}, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}}}}
        INSTALLED_APPS += ["rest_framework", "benchapp"]
        AUTH_USER_MODEL = "benchapp.User"
    """))
    (directory / "bare" / "urls.py").write_text(BARE_VIEWS)
    (directory / "benchapp").mkdir()
    (directory / "benchapp" / "__init__.py").write_text("")
    (directory / "benchapp" / "models.py").write_text(BARE_MODELS)
    return directory


def bare_session(directory: Path, env: dict) -> str:
    """The session cookie of the demo officer signed in to the bare project."""
    done = subprocess.run([PY, "-c", BARE_SIGN_IN], cwd=directory, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout.strip().splitlines()[-1]


# --- the load generator ----------------------------------------------------------------------------

def _connection(port):
    return http.client.HTTPConnection(HOST, port, timeout=120)


def run_load(port, path, headers, *, clients, duration):
    """`clients` threads, each with its own connection, requesting `path` until the end;
    returns (requests per second, p50 ms, p99 ms, non-200 count, total)."""
    latencies, bad = [], []
    lock = threading.Lock()
    start_gate = threading.Event()
    stop_at = [0.0]

    def worker():
        conn = _connection(port)
        mine, wrong = [], 0
        start_gate.wait()
        while True:
            t = time.perf_counter()
            if t >= stop_at[0]:
                break
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                status = r.status
                if r.will_close:
                    conn.close()
                    conn = _connection(port)
            except (http.client.HTTPException, OSError):
                status = 0
                conn.close()
                conn = _connection(port)
            done = time.perf_counter()
            if done <= stop_at[0]:
                mine.append(done - t)
                wrong += status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            bad.append(wrong)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for th in threads:
        th.start()
    begin = time.perf_counter()
    stop_at[0] = begin + duration
    start_gate.set()
    for th in threads:
        th.join()
    if not latencies:
        return 0.0, None, None, sum(bad), 0
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / duration, statistics.median(latencies) * 1000, p99 * 1000, sum(bad), len(latencies)


def warm(port, path, headers, n=10):
    conn = _connection(port)
    status = None
    for _ in range(n):
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        status = r.status
        if r.will_close:
            conn.close()
            conn = _connection(port)
    conn.close()
    return status


# --- who and what ---------------------------------------------------------------------------------

def world():
    """Tokens, session cookies and the ids the endpoints need (in this process, on the same
    database and secret key as the portal)."""
    os.environ.update(portal_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from applications.models import Application
    from banks.models import Product
    from identity.models import User
    from identity.services import api_token_issue

    def user(name):
        return User.objects.get(username=name)

    officer, enterprise, district = user("demo-officer"), user("demo-enterprise"), user("demo-district")

    def session(u):
        c = Client()
        c.force_login(u)
        return c.cookies[settings.SESSION_COOKIE_NAME].value

    seen = Application.objects.filter(bank_id=officer.bank_id, submitted_at__isnull=False)
    n = seen.count()
    detail = seen.order_by("-id").values_list("id", flat=True)[:1][0]
    return dict(
        officer_token=api_token_issue(user=officer), enterprise_token=api_token_issue(user=enterprise),
        district_token=api_token_issue(user=district),
        officer_session=session(officer), district_session=session(district), cookie=settings.SESSION_COOKIE_NAME,
        bank=officer.bank_id, uscc=enterprise.enterprise_id, detail=detail, seen=n,
        product=Product.objects.filter(bank_id=officer.bank_id).order_by("pk").values_list("pk", flat=True)[0],
        total=Application.objects.count(),
    )


def endpoints(w, api_page=None, html_page=None):
    from django.conf import settings

    api_size = api_page or settings.REST_FRAMEWORK.get("PAGE_SIZE") or 20
    html_size = html_page or 50
    api_last = max(1, (w["seen"] + api_size - 1) // api_size)
    html_last = max(1, (w["seen"] + html_size - 1) // html_size)
    officer_api = {"Authorization": f"Token {w['officer_token']}", "Accept": "application/json"}
    enterprise_api = {"Authorization": f"Token {w['enterprise_token']}", "Accept": "application/json"}
    officer_html = {"Cookie": f"{w['cookie']}={w['officer_session']}", "Accept": "text/html"}
    district_html = {"Cookie": f"{w['cookie']}={w['district_session']}", "Accept": "text/html"}
    public = {"Accept": "application/json"}
    return [
        ("API applications list, first page", "/api/v1/applications/", officer_api, "page"),
        ("API applications list, middle page", f"/api/v1/applications/?page={api_last // 2 or 1}", officer_api, "page"),
        ("API applications list, last page", f"/api/v1/applications/?page={api_last}", officer_api, "page"),
        ("API applications list, first page of 50", "/api/v1/applications/?page_size=50", officer_api, "page"),
        ("API applications ?status=under_review", "/api/v1/applications/?status=under_review", officer_api, "page"),
        ("API applications ?district=110108", "/api/v1/applications/?district=110108", officer_api, "page"),
        ("HTML bank queue, first page", "/applications/", officer_html, "page"),
        ("HTML bank queue, last page", f"/applications/?page={html_last}", officer_html, "page"),
        ("API application detail", f"/api/v1/applications/{w['detail']}/", officer_api, "one"),
        ("API enterprise profile", f"/api/v1/enterprises/{w['uscc']}/profile/", enterprise_api, "one"),
        ("API public self-check", f"/api/v1/enterprises/check/?uscc={w['uscc']}", public, "one"),
        ("HTML public self-check", f"/check/?uscc={w['uscc']}", {"Accept": "text/html"}, "one"),
        ("API loan book", "/api/v1/loans/", officer_api, "page"),
        ("API loan book, page of 50", "/api/v1/loans/?page_size=50", officer_api, "page"),
        ("HTML loan book", "/loans/", officer_html, "page"),
        ("HTML loan book ?product=", f"/loans/?product={w['product']}", officer_html, "page"),
        # Its figures, loaded by the page in a request of their own (htmx).
        ("HTML loan book figures", "/loans/figures/", officer_html, "page"),
        ("HTML regulators' inbox", "/regulators/verification-requests/", district_html, "page"),
        ("API verification requests (regulator)", "/api/v1/verification-requests/",
         {**district_html, "Accept": "application/json"}, "page"),
        ("API verification requests (regulator, token)", "/api/v1/verification-requests/",
         {"Authorization": f"Token {w['district_token']}", "Accept": "application/json"}, "page"),
        ("API applications list (district regulator: audited)", "/api/v1/applications/",
         {"Authorization": f"Token {w['district_token']}", "Accept": "application/json"}, "page"),
        ("HTML public typical cases", "/regulators/public/cases/", {"Accept": "text/html"}, "page"),
        # The portal's floor: its middleware and DRF around 16 reference rows, no sign-in, one query.
        ("API districts (the portal's floor)", "/api/v1/districts/", public, "one"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--only", default="")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url or not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database grow_demo filled.")
    clients = [int(x) for x in args.clients.split(",")]
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    env = portal_env()
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    w = world()
    tmp = Path(tempfile.mkdtemp(prefix="jzd-bare-"))
    bare_project(tmp / "project", database_url)
    portal_port, bare_port = free_port(), free_port()
    bare_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    bare_env["DJANGO_SETTINGS_MODULE"] = "bare.settings"
    logs = [open(out / "load-portal.log", "w"), open(out / "load-bare.log", "w")]
    servers = [gunicorn("jingzhidai.wsgi:application", portal_port, cwd=ROOT, env=env, workers=args.workers,
                        log=logs[0]),
               gunicorn("bare.wsgi:application", bare_port, cwd=tmp / "project", env=bare_env, workers=args.workers,
                        log=logs[1])]
    results = []
    # A plain kill stops the servers too (the finally below runs on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        wait_up(portal_port, "/health/")
        wait_up(bare_port, "/one/1/")
        load = os.getloadavg()
        print(f"{w['total']:,} applications; demo-officer's bank sees {w['seen']:,}; "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.duration:g} s per measurement",
              flush=True)
        bare = {}
        signed_in = {"Cookie": f"sessionid={bare_session(tmp / 'project', bare_env)}"}
        token = {"Authorization": f"Token {w['officer_token']}"}  # the portal's token table
        for kind, path, headers, name in (
                ("one", f"/one/{w['detail']}/", {}, "bare Django, one row"),
                ("page", f"/page/{w['bank']}/", {}, "bare Django, 20-row page"),
                # The floor of a tenant-scoped list (ratio to the bare page).
                ("signed", "/signed/", signed_in, "bare, signed in + ModelSerializer"),
                ("signed-drf", "/signed-drf/", signed_in, "bare, signed in + DRF APIView"),
                # The floor of a signed-in single object (detail, profile): ratio to the one-row view.
                ("signed-one", f"/signed-one/{w['detail']}/", signed_in, "bare, signed in + DRF, one row"),
                ("token-drf", "/token-drf/", token, "bare, token + DRF APIView"),
                ("audited", "/audited/", token, "bare, token+scope+count+audit, 20 rows")):
            status = warm(bare_port, path, headers)
            if status != 200:
                raise SystemExit(f"bare project: {path} answered {status}")
            for c in clients:
                bare[kind, c] = run_load(bare_port, path, headers, clients=c, duration=args.duration)
                # The floor rows: a single object to the one-row view, a list to the 20-row page.
                to = "one" if kind == "signed-one" else "page"
                ratio = (bare[kind, c][0] / bare[to, c][0] if kind not in ("one", "page") and bare[to, c][0]
                         else None)
                results.append(dict(server="bare", endpoint=f"bare {kind}", path=path, clients=c,
                                    rps=bare[kind, c][0], p50=bare[kind, c][1], p99=bare[kind, c][2],
                                    errors=bare[kind, c][3], ratio=ratio))
                _print(name, c, bare[kind, c], ratio)
        for name, path, headers, kind in endpoints(w):
            if args.only and args.only.lower() not in name.lower():
                continue
            status = warm(portal_port, path, headers)
            for c in clients:
                r = run_load(portal_port, path, headers, clients=c, duration=args.duration)
                ratio = r[0] / bare[kind, c][0] if bare[kind, c][0] else None
                results.append(dict(server="portal", endpoint=name, path=path, clients=c, rps=r[0], p50=r[1],
                                    p99=r[2], errors=r[3], ratio=ratio, compared_to=kind, warm_status=status))
                _print(name, c, r, ratio)
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=20)
            except subprocess.TimeoutExpired:
                s.kill()
        for f in logs:
            f.close()
    (out / "load.json").write_text(json.dumps(dict(applications=w["total"], bank_sees=w["seen"],
                                                   duration=args.duration, results=results), indent=1))


def _print(name, clients, r, ratio):
    rps, p50, p99, errors, _n = r
    p50s = f"{p50:7.1f}" if p50 is not None else "      -"
    p99s = f"{p99:7.1f}" if p99 is not None else "      -"
    ratio_s = f"{ratio:5.2f}" if ratio is not None else "    -"
    err = f"  {errors} non-200" if errors else ""
    print(f"{name:42.42s} c={clients:<3d} {rps:8.1f} req/s  p50 {p50s} ms  p99 {p99s} ms  ×bare {ratio_s}{err}",
          flush=True)


if __name__ == "__main__":
    main()
