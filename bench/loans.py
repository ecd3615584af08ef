"""Post-loan benchmark (issue 12). Run on PostgreSQL:

    .venv/bin/python bench/loans.py --loans 20000 --rows 125000 --listed 2000

Against one scratch database (default `jzd_loans_bench`, recreated and migrated):
1. a registry of loans + rows enterprises (`elements.feedgen` registration file, `sync_elements`);
2. `--loans` outstanding loans (equal instalments, 1,000,000 yuan, 12 months, disbursed 100 days
   ago, nothing repaid), written in bulk (applications, contracts, loans, schedules) with one bank
   desk and a district regulator per unit;
3. an abnormal list of `--rows` rows that lists `--listed` borrowers (the rest: other registered
   enterprises), applied with `manage.py sync_elements abnormal FILE` in a child process with
   tasks inline, as in the embedded default: the sync's end runs the alert job. Reported: the
   sync's wall time, the alerts raised (bank and district), the seconds from the batch's end to
   the last alert notified, and the queries per batch of events of a second run of the job over
   the same events with the alerts deleted;
4. the nightly overdue job over all loans (every loan falls overdue: the worst case), timed, and a
   second run (nothing changes).
Prints a table and writes bench/out/loans.json."""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
PY = sys.executable


def env_for(db):
    return {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "DJANGO_SETTINGS_MODULE": "jingzhidai.settings.local", "DJANGO_DEBUG": "false", "CELERY_BROKER_URL": ""}


def sh(*args, env=None):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=True)


def recreate(db):
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"drop database if exists {db}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"create database {db}")
    sh(PY, "manage.py", "migrate", "--noinput", "-v0", env=env_for(db))


def build_loans(n_loans: int):
    """Bulk set-up (no services: this is the scene, not what is measured)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from applications.choices import RepaymentMethod, Status
    from applications.models import Application, Authorisation, Contract, Disbursement
    from banks.models import Bank, Product
    from elements.feedgen import code_for
    from identity.choices import Role
    from identity.models import Enterprise, RegulatorUnit, User
    from jingzhidai.dates import add_months
    from loans import schedules
    from loans.models import Instalment, Loan

    bank = Bank.objects.create(name="基准测试银行", name_en="Bench bank", kind_id="city_commercial")
    product = Product.objects.create(bank=bank, name="京质贷·基准", amount_min=1, amount_max=10_000_000,
                                     term_min_months=1, term_max_months=60, rate_kind="fixed", rate_min=3,
                                     rate_max=5, guarantee_types=["credit"])
    officer = User.objects.create(username="bench-officer", role=Role.BANK_OFFICER, bank=bank)
    User.objects.create(username="bench-approver", role=Role.BANK_APPROVER, bank=bank)
    for unit in RegulatorUnit.objects.exclude(kind="municipal"):
        User.objects.create(username=f"bench-district-{unit.code}", role=Role.DISTRICT_REGULATOR, regulator_unit=unit)
    codes = [code_for(i) for i in range(n_loans)]
    ents = set(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    codes = [c for c in codes if c in ents]
    now = timezone.now()
    signed = timezone.localdate() - timedelta(days=100)
    amount = Decimal("1000000")
    apps = Application.objects.bulk_create([
        Application(enterprise_id=c, bank=bank, product=product, amount=amount, term_months=12, purpose="equipment",
                    need_statement="基准", status=Status.DISBURSED, created_by=officer, submitted_at=now - timedelta(
                        days=120), contracted_at=now - timedelta(days=100), disbursed_at=now - timedelta(days=100),
                    credit_line=amount, annual_rate=Decimal("3.6"), decided_term_months=12) for c in codes],
        batch_size=5000)
    Authorisation.objects.bulk_create([Authorisation(application=a, enterprise_id=a.enterprise_id, bank=bank,
                                                     granted_by=officer) for a in apps], batch_size=5000)
    contracts = Contract.objects.bulk_create([
        Contract(application=a, number=f"BENCH-{a.pk}", signed_on=signed, amount=amount, annual_rate=Decimal("3.6"),
                 term_months=12, maturity_on=add_months(signed, 12), recorded_by=officer, bank=bank,
                 repayment_method=RepaymentMethod.EQUAL_INSTALMENTS) for a in apps], batch_size=5000)
    Disbursement.objects.bulk_create([Disbursement(application_id=c.application_id, contract=c, amount=amount,
                                                   date=signed, recorded_by=officer) for c in contracts],
                                     batch_size=5000)
    loans = Loan.objects.bulk_create([
        Loan(contract=c, application_id=c.application_id, enterprise_id=a.enterprise_id, bank=bank,
             product=product, repayment_method=c.repayment_method, maturity_on=c.maturity_on, disbursed=amount,
             first_disbursed_on=signed, outstanding=amount) for c, a in zip(contracts, apps, strict=True)],
        batch_size=5000)
    plan = schedules.build(principal=amount, annual_rate="3.6", start=signed, maturity=add_months(signed, 12),
                           method=RepaymentMethod.EQUAL_INSTALMENTS)
    rows = [Instalment(loan=ln, number=i.number, due_on=i.due_on, principal=i.principal, interest=i.interest)
            for ln in loans for i in plan]
    Instalment.objects.bulk_create(rows, batch_size=10000)
    return codes


def write_abnormal(path, borrowers, others):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["序号", "统一社会信用代码", "企业名称", "列入日期", "列入原因", "列入决定机关"])
        for n, code in enumerate([*borrowers, *others], 1):
            w.writerow([n, code, "企业", "2026-11-20", "通过登记的住所或者经营场所无法联系", "北京市市场监督管理局"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loans", type=int, default=20000)
    ap.add_argument("--rows", type=int, default=125000)
    ap.add_argument("--listed", type=int, default=2000)
    ap.add_argument("--db", default="jzd_loans_bench")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"loans": a.loans, "rows": a.rows, "listed": a.listed}
    t = time.perf_counter()
    recreate(a.db)
    os.environ.update(env_for(a.db))
    import django

    django.setup()
    from elements.feedgen import code_for, write_feed

    registry = a.loans + a.rows
    reg = OUT / f"registration-bench-{registry}.csv"
    if not reg.exists():
        write_feed("registration", reg, n_rows=registry, seed=12)
    sh(PY, "manage.py", "sync_elements", "registration", str(reg), env=env_for(a.db))
    borrowers = build_loans(a.loans)
    results["setup_seconds"] = round(time.perf_counter() - t, 1)
    others = [code_for(i) for i in range(a.loans, a.loans + a.rows - a.listed)]
    path = OUT / f"abnormal-bench-{a.rows}.csv"
    write_abnormal(path, borrowers[:a.listed], others)

    t = time.perf_counter()
    sh(PY, "manage.py", "sync_elements", "abnormal", str(path), env=env_for(a.db))
    results["sync_and_alerts_seconds"] = round(time.perf_counter() - t, 1)

    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from elements.models import ImportBatch
    from loans import services
    from loans.models import AlertScan, RiskAlert

    batch = ImportBatch.objects.filter(feed="abnormal").latest("id")
    last = RiskAlert.objects.aggregate(m=Max("notified_at"))["m"]
    results["batch"] = batch.summary()
    results["alerts_bank"] = RiskAlert.objects.filter(audience="bank").count()
    results["alerts_district"] = RiskAlert.objects.filter(audience="district").count()
    results["seconds_from_sync_end_to_last_alert"] = round((last - batch.finished_at).total_seconds(), 1) if last else None
    # The job again over the same events (alerts and scans deleted): queries per batch of events.
    RiskAlert.objects.all().delete()
    AlertScan.objects.all().delete()
    from applications.models import Notification

    Notification.objects.filter(kind="risk_alert").delete()
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        raised = services.risk_alerts_raise()
        results["alert_job_seconds"] = round(time.perf_counter() - t, 1)
    batches = -(-a.listed // services.alert_batch_size())
    results["alert_job_raised"] = raised
    results["alert_job_queries"] = len(q)
    results["alert_job_batches"] = batches

    t = time.perf_counter()
    counts = services.loans_overdue_refresh()
    results["overdue_job_seconds"] = round(time.perf_counter() - t, 1)
    results["overdue_job"] = counts
    t = time.perf_counter()
    services.loans_overdue_refresh()
    results["overdue_job_again_seconds"] = round(time.perf_counter() - t, 1)
    (OUT / "loans.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    for k, v in results.items():
        print(f"{k:40} {v}")


if __name__ == "__main__":
    main()
