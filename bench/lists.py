"""Median time and query count of the application list pages for one bank officer, in process
(Django test client, no web server), against the configured database. Run after grow_demo:

    DATABASE_URL=postgres://…/jzd_speed_bench .venv/bin/python manage.py shell < bench/lists.py

Set SQL=1 to print the slowest query of each page."""

import os
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from identity.models import User

u = User.objects.get(username=os.environ.get("BENCH_USER", "demo-officer"))
n = Application.objects.filter(bank_id=u.bank_id, submitted_at__isnull=False).count()
print("total", Application.objects.count(), "bank sees", n)
c = Client(SERVER_NAME="localhost")
c.force_login(u)
last = (n + 49) // 50
for url in ["/api/v1/applications/", f"/api/v1/applications/?page={last//2}", f"/api/v1/applications/?page={last}",
            "/api/v1/applications/?status=under_review", "/api/v1/applications/?district=110108", "/api/v1/applications/?q=北京",
            "/applications/", f"/applications/?page={last}"]:
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            r = c.get(url, HTTP_ACCEPT="application/json" if "api" in url else "text/html")
        ts.append((time.perf_counter() - t) * 1000)
    slow = max(q.captured_queries, key=lambda x: float(x["time"]))
    if os.environ.get("SQL"):
        print(slow["sql"][:1500])
    print(r.status_code, url, f"median {statistics.median(ts):.0f} ms", len(q.captured_queries), "queries; slowest", slow["time"])
