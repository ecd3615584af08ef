"""Median time and query count of the dashboards (metrics, pages and the API) against the
configured database. Build the data first (about 10 minutes for a million applications; the
loans in bulk, loans_reconcile would take hours):

    createdb jzd_dash1m && export DATABASE_URL=postgres://…/jzd_dash1m
    manage.py migrate && manage.py seed_demo && manage.py grow_demo --applications 1000000 --no-loans
    psql jzd_dash1m -f bench/dashboard_prepare.sql     # loans, repayments, overdue, classifications
    manage.py dashboard_refresh                        # optional: the nightly precompute (every scope)
    manage.py shell < bench/dashboard.py

RUNS (default 5) runs per case; SQL=1 prints the slowest query of each case; OPEN_ONLY=1 measures
only the open periods (this month, this quarter) and their pages."""

import os
import statistics
import time
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from identity.models import User
from regulators import metrics

RUNS = int(os.environ.get("RUNS", "5"))
print("applications", Application.objects.count())
quarter = metrics.Period(date(2026, 7, 1), date(2026, 9, 30))
district = User.objects.get(username="demo-district")
officer = User.objects.get(username="demo-officer")


def cold(label, call):
    """Once, recomputed (what the nightly task or the first reader of a period pays)."""
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        call()
    print(f"{label:<48} cold   {(time.perf_counter() - t) * 1000:7.0f} ms  {len(q.captured_queries):3d} queries")


def measure(label, call):
    ts = []
    for _ in range(RUNS):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            call()
        ts.append((time.perf_counter() - t) * 1000)
    slow = max(q.captured_queries, key=lambda x: float(x["time"]))
    if os.environ.get("SQL"):
        print(slow["sql"][:2000])
    print(f"{label:<48} median {statistics.median(ts):7.0f} ms  min {min(ts):6.0f}  {len(q.captured_queries):3d} queries;"
          f" slowest {float(slow['time']) * 1000:.0f} ms")


CASES = [
    ("metrics.dashboard city, Q3", lambda r: metrics.dashboard(metrics.Scope(), quarter, refresh=r)),
    ("metrics.dashboard one district, Q3",
     lambda r: metrics.dashboard(metrics.Scope(unit=district.regulator_unit_id), quarter, refresh=r)),
    ("metrics.dashboard one bank, Q3", lambda r: metrics.dashboard(metrics.Scope(bank=officer.bank_id), quarter,
                                                                   refresh=r)),
    ("metrics.by_unit (every unit), Q3", lambda r: metrics.by_unit(quarter, refresh=r)),
    ("metrics.bank_evaluation (every bank), Q3", lambda r: metrics.bank_evaluation(quarter, refresh=r)),
    ("metrics.policy_effect city, Q3", lambda r: metrics.policy_effect(metrics.Scope(), quarter, refresh=r)),
]
OPEN_ONLY = os.environ.get("OPEN_ONLY")
if not os.environ.get("WARM_ONLY") and not OPEN_ONLY:
    for label, call in CASES:
        cold(label, lambda call=call: call(True))
for label, call in ([] if OPEN_ONLY else CASES):
    measure(label + " (kept)", lambda call=call: call(False))
month = metrics.Period.month(date.today().year, date.today().month)
q = (date.today().month - 1) // 3 + 1
current_quarter = metrics.Period.quarter(date.today().year, q)
cold("metrics.dashboard city, this quarter: first call", lambda: metrics.dashboard(metrics.Scope(), current_quarter))
cold("metrics.dashboard district, this quarter: first call",
     lambda: metrics.dashboard(metrics.Scope(unit=district.regulator_unit_id), current_quarter))
measure("metrics.dashboard city, this month (open: live)", lambda: metrics.dashboard(metrics.Scope(), month))
measure("metrics.dashboard district, this month (open: live)",
        lambda: metrics.dashboard(metrics.Scope(unit=district.regulator_unit_id), month))
measure("metrics.dashboard city, this quarter (open: closed days kept)",
        lambda: metrics.dashboard(metrics.Scope(), current_quarter))
measure("metrics.dashboard district, this quarter (open: closed days kept)",
        lambda: metrics.dashboard(metrics.Scope(unit=district.regulator_unit_id), current_quarter))
today = date.today()
OPEN_URLS = (("demo-city", f"/api/v1/dashboard/?from={today:%Y-%m}-01&to={today}"),
             ("demo-district", f"/api/v1/dashboard/?from={current_quarter.date_from}&to={current_quarter.date_to}"),
             ("demo-city", f"/regulators/dashboard/?period=month&month={today:%Y-%m}"),
             ("demo-district", f"/regulators/dashboard/?period=quarter&quarter={today.year}-Q{q}"),
             ("demo-city", f"/regulators/dashboard/?period=quarter&quarter={today.year}-Q{q}"),
             ("demo-city", f"/regulators/dashboard/banks/?period=quarter&quarter={today.year}-Q{q}"))
for who, url in OPEN_URLS if OPEN_ONLY else (("demo-city", "/api/v1/dashboard/?from=2026-07-01&to=2026-09-30"),
                 ("demo-district", "/api/v1/dashboard/?from=2026-07-01&to=2026-09-30"),
                 ("demo-city", "/regulators/dashboard/?period=quarter&quarter=2026-Q3"),
                 ("demo-officer", "/regulators/dashboard/?period=quarter&quarter=2026-Q3")):
    c = Client(SERVER_NAME="localhost")
    c.force_login(User.objects.get(username=who))
    measure(f"{who} {url[:52]}", lambda c=c, url=url: c.get(url))
