"""CPU per request of the API lists and single-object reads, in process (Django test client
through the whole middleware stack, production settings), against the configured database:

    DJANGO_SETTINGS_MODULE=jingzhidai.settings.production DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=testserver \
      DJANGO_SECURE_SSL_REDIRECT=False DATABASE_URL=postgres://…/jzd_1m .venv/bin/python bench/api_cpu.py

Per endpoint: the median CPU time of this process per request (process_time, which the load of
other processes disturbs less than wall time), the median wall time and the query count.
N=200 requests each (N=…), ONLY=substring, PROFILE=substring writes a cProfile of that endpoint
to bench/out/api_cpu.prof and prints its top 40 by own time."""

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingzhidai.settings.production")
import django  # noqa: E402

django.setup()
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from applications.models import Application  # noqa: E402
from identity.models import User  # noqa: E402
from identity.services import api_token_issue  # noqa: E402


def user(name):
    return User.objects.get(username=name)


officer, enterprise, district = user("demo-officer"), user("demo-enterprise"), user("demo-district")
tokens = {u.username: api_token_issue(user=u) for u in (officer, enterprise, district)}
seen = Application.objects.filter(bank_id=officer.bank_id, submitted_at__isnull=False)
n_seen = seen.count()
detail = seen.order_by("-id").values_list("id", flat=True)[:1][0]
size = int(os.environ.get("PAGE_SIZE", "0")) or None
q_size = f"page_size={size}&" if size else ""
from django.conf import settings  # noqa: E402

per_page = size or settings.REST_FRAMEWORK["PAGE_SIZE"]
last = max(1, (n_seen + per_page - 1) // per_page)
ENDPOINTS = [
    ("API applications first", f"/api/v1/applications/?{q_size}", "demo-officer"),
    ("API applications middle", f"/api/v1/applications/?{q_size}page={last // 2 or 1}", "demo-officer"),
    ("API applications last", f"/api/v1/applications/?{q_size}page={last}", "demo-officer"),
    ("API applications ?status", f"/api/v1/applications/?{q_size}status=under_review", "demo-officer"),
    ("API applications ?district", f"/api/v1/applications/?{q_size}district=110108", "demo-officer"),
    ("API application detail", f"/api/v1/applications/{detail}/", "demo-officer"),
    ("API loan book", f"/api/v1/loans/?{q_size}", "demo-officer"),
    ("API verification requests (district)", f"/api/v1/verification-requests/?{q_size}", "demo-district"),
    ("API enterprise profile", f"/api/v1/enterprises/{enterprise.enterprise_id}/profile/", "demo-enterprise"),
    ("API public self-check", f"/api/v1/enterprises/check/?uscc={enterprise.enterprise_id}", None),
]
N = int(os.environ.get("N", "200"))
ONLY = os.environ.get("ONLY", "")
PROFILE = os.environ.get("PROFILE", "")
client = Client()
print(f"{Application.objects.count():,} applications; demo-officer sees {n_seen:,}; page size {per_page}; "
      f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
for name, path, who in ENDPOINTS:
    if ONLY and ONLY.lower() not in name.lower():
        continue
    headers = {"HTTP_ACCEPT": "application/json"}
    if who:
        headers["HTTP_AUTHORIZATION"] = f"Token {tokens[who]}"
    for _ in range(5):
        r = client.get(path, **headers)
    assert r.status_code == 200, (path, r.status_code, r.content[:300])
    queries = []

    def counted(execute, sql, params, many, context, queries=queries):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        client.get(path, **headers)
    if os.environ.get("SQL"):
        print(*(q[:160] for q in queries), sep="\n")
    profiler = cProfile.Profile() if PROFILE and PROFILE.lower() in name.lower() else None
    cpu, wall = [], []
    for _ in range(N):
        t, p = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        client.get(path, **headers)
        if profiler:
            profiler.disable()
        cpu.append((time.process_time() - p) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    print(f"{name:40s} CPU {statistics.median(cpu):6.2f} ms  wall {statistics.median(wall):6.2f} ms  "
          f"{len(queries)} queries", flush=True)
    if profiler:
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        profiler.dump_stats(out / "api_cpu.prof")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
