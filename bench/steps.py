"""Median time and queries of each workflow step through the API, in process (DRF test client,
no web server), against the configured database (issue 10: each step under 60 ms unloaded):

    DATABASE_URL=postgres://…/jzd_speed1m .venv/bin/python manage.py shell < bench/steps.py

The demo users do the work (`seed_demo` first; `grow_demo` for scale): demo-enterprise creates
an application for a product of demo-officer's bank that it meets (claims: what the profile
holds plus one distinction it does not, authorised), uploads one evidence file for that claim
and submits; demo-officer accepts, verifies the evidence and proposes; demo-approver approves;
demo-officer records the contract (the loans app opens the loan); demo-approver disburses half.
One warm-up run, then RUNS runs (default 15). Each run adds one disbursed application (and
its loan) to the database. Prints per step the median and p90 in ms (wall clock), the median
CPU time of this process (the Python side alone, less sensitive to other work on the machine
than the wall clock; the database's work is not in it), the queries (outside a test: the
step's own transaction is BEGIN/COMMIT, not counted) and how many times the quality profile
was built (one query on listings per build)."""

import os
import statistics
import time
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications import selectors
from applications.models import Evidence
from banks import selectors as bank_selectors
from identity.models import User
from identity.selectors import district_names

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
RUNS = int(os.environ.get("RUNS", "15"))

ent_user, officer, approver = (User.objects.get(username=n) for n in ("demo-enterprise", "demo-officer",
                                                                      "demo-approver"))
enterprise = ent_user.enterprise
profile = selectors.profile_for(enterprise)
options = [o for o in selectors.product_options(enterprise, profile)
           if o["meets"] and o["product"].bank_id == officer.bank_id]
if not options:
    raise SystemExit("demo-enterprise meets no open product of demo-officer's bank: run seed_demo.")
product = options[0]["product"]
held = set(profile.held_codes())
unheld = next(t.code for t in selectors.claimable_types().order_by("id") if t.code not in held)
amount = max(product.amount_min, min(product.amount_max, Decimal("1000000")))
term = product.term_min_months
rates = bank_selectors.product_rate_range(product, bank_selectors.lpr_current())
rate = ((rates[0] + rates[1]) / 2).quantize(Decimal("0.01")) if rates else Decimal("3.50")
clients = {}
for who, user in (("enterprise", ent_user), ("officer", officer), ("approver", approver)):
    clients[who] = APIClient(SERVER_NAME="localhost")
    clients[who].force_authenticate(user)
district_names()  # per process, as a running server has it

times, cpu, queries, profiles = {}, {}, {}, {}


def step(name, who, url, data, fmt="json", record=True):
    with CaptureQueriesContext(connection) as q:
        t, c = time.perf_counter(), time.process_time()
        response = clients[who].post(url, data, format=fmt)
        elapsed, used = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
    if response.status_code not in (200, 201):
        raise SystemExit(f"{name}: {response.status_code} {response.content[:500]!r}")
    if record:
        times.setdefault(name, []).append(elapsed)
        cpu.setdefault(name, []).append(used)
        queries[name] = len(q.captured_queries)
        profiles[name] = sum('FROM "elements_listing"' in x["sql"] for x in q.captured_queries)
    return response


def run(record):
    codes = sorted(profile.distinction_codes()) + [unheld]
    pk = step("create", "enterprise", "/api/v1/applications/", dict(
        product=product.pk, amount=str(amount), term_months=term, purpose="equipment",
        need_statement="购置检测设备（基准测试）", claims=codes, authorise=True), record=record).json()["id"]
    base = f"/api/v1/applications/{pk}/"
    step("evidence", "enterprise", base + "evidence/",
         {"element": unheld, "file": SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf")},
         fmt="multipart", record=record)
    step("submit", "enterprise", base + "submit/", {}, record=record)
    step("accept", "officer", base + "accept/", {}, record=record)
    evidence = Evidence.objects.filter(application_id=pk).values_list("pk", flat=True)[0]
    step("review", "officer", base + f"evidence/{evidence}/review/", {"review": "verified"}, record=record)
    step("propose", "officer", base + "propose/", dict(credit_line=str(amount), annual_rate=str(rate),
                                                       term_months=term, guarantee_type=product.guarantee_types[0]),
         record=record)
    step("approve", "approver", base + "approve/", {}, record=record)
    step("contract", "officer", base + "contract/", dict(number=f"BENCH-{uuid.uuid4().hex[:12]}"), record=record)
    step("disburse", "approver", base + "disburse/", dict(amount=str(amount / 2)), record=record)


run(record=False)
started_load = os.getloadavg()
for _ in range(RUNS):
    run(record=True)
print(f"{RUNS} runs; product {product.pk} of bank {product.bank_id}; load average before "
      f"{' '.join(f'{x:.2f}' for x in started_load)}, after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
for name, ts in times.items():
    ts = sorted(ts)
    print(f"{name:9s} median {statistics.median(ts):6.1f} ms  p90 {ts[int(len(ts) * 0.9) - 1]:6.1f} ms  "
          f"CPU of this process {statistics.median(cpu[name]):5.1f} ms  {queries[name]:2d} queries  "
          f"profile built {profiles[name]}×")
