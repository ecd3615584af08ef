"""Median time and query count of the application list pages for one bank officer, in process
(Django test client, no web server), against the configured database. Run after grow_demo:

    DATABASE_URL=postgres://…/jzd_speed1m .venv/bin/python manage.py shell < bench/lists.py

Every page of the bank queue the issue names: first, middle and last, the status and district
filters (first, middle and last page of each), the search, API and HTML; the loan book's first,
middle and last pages and each of its filters, and the bank's alert inbox. Set SQL=1 to print the
slowest query of each page, ONLY=loans for the loan book only, RUNS=n for more than 7 runs a page. Per page: the median wall
time, the median CPU time of this process (the Python side), the queries and their total time
on the last run."""

import os
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from identity.models import User

u = User.objects.get(username=os.environ.get("BENCH_USER", "demo-officer"))
seen = Application.objects.filter(bank_id=u.bank_id, submitted_at__isnull=False)
n = seen.count()
n_status = seen.filter(status="under_review").count()
n_district = seen.filter(enterprise__district_id="110108").count()
print("total", Application.objects.count(), "bank sees", n, "under_review", n_status, "district 110108", n_district,
      "load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
c = Client(SERVER_NAME="localhost")
c.force_login(u)
runs = int(os.environ.get("RUNS", "7"))


def last(count, size):
    return max(1, (count + size - 1) // size)


urls = []
# ONLY=loans: the loan book's pages only.
only_loans = os.environ.get("ONLY") == "loans"
# The API's pages are of 20 rows by default (REST_FRAMEWORK PAGE_SIZE), the HTML pages' of 50.
API_SIZE = settings.REST_FRAMEWORK["PAGE_SIZE"]
for base, size in (("/api/v1/applications/", API_SIZE), ("/applications/", 50)):
    for query, count in (("", n), ("status=under_review&", n_status), ("district=110108&", n_district)):
        for page in (1, last(count, size) // 2 or 1, last(count, size)):
            urls.append(f"{base}?{query}page={page}")
urls += ["/api/v1/applications/?q=北京", "/applications/?q=精密"]
if only_loans:
    urls = []
# The loan book (its figures on the HTML page), every filter the page offers, and the alert inbox.
from loans.models import Loan  # noqa: E402

n_loans = Loan.objects.filter(bank_id=u.bank_id).count()
print("loans of the bank", n_loans, flush=True)
for base, size in (("/api/v1/loans/", API_SIZE), ("/loans/", 50)):
    for page in (1, last(n_loans, size) // 2 or 1, last(n_loans, size)):
        urls.append(f"{base}?page={page}")
for query in ("status=repaying", "open=true", "overdue=any", "classification=loss", "district=110108", "product=1",
              "alerts_open=true", "q=北京", "q=精密", "q=GROW-3321"):
    urls.append(f"/loans/?{query}")
# The loan book's figures, a request of their own since the fourth increment (htmx on load).
urls += ["/loans/figures/", "/loans/figures/?open=true", "/loans/figures/?product=1", "/loans/figures/?district=110108"]
urls += ["/api/v1/risk-alerts/", "/loans/alerts/"]
for url in urls:
    ts, cpu = [], []
    for _ in range(runs):
        t, p = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as q:
            r = c.get(url, HTTP_ACCEPT="application/json" if "api" in url else "text/html")
        ts.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - p) * 1000)
    slow = max(q.captured_queries, key=lambda x: float(x["time"]))
    if os.environ.get("SQL"):
        print(slow["sql"][:1500])
    print(r.status_code, url, f"median {statistics.median(ts):.0f} ms (CPU of this process {statistics.median(cpu):.0f} ms)",
          len(q.captured_queries), "queries; SQL", f"{sum(float(x['time']) for x in q.captured_queries) * 1000:.0f} ms;",
          "slowest", slow["time"], flush=True)
