"""Periodic-report benchmark (issue 13). Run on PostgreSQL against a database with the demo
world grown to scale:

    .venv/bin/python bench/reports.py --db jzd_reports1m --build 1000000   # once: ~10-15 min
    .venv/bin/python bench/reports.py --db jzd_reports1m                   # the measurement

`--build N` recreates the database, migrates, runs `seed_demo` and `grow_demo --applications N`.
The measurement produces, through the services (as the Celery task does), the quarterly report
(`--period`, default the last closed quarter) of one district bureau (`--unit`, default 110108
海淀区) and of the city, each as Excel + PDF stored in default storage, and times each phase:
figures (regulators.metrics), Excel, PDF, total. Prints a table and writes bench/out/reports.json.
The issue's targets: a district's quarterly report under 60 s, the city's under 5 minutes."""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"


def env_for(db):
    return {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "DJANGO_SETTINGS_MODULE": "jingzhidai.settings.local", "DJANGO_DEBUG": "false", "CELERY_BROKER_URL": ""}


def build(db, n):
    sh = dict(cwd=ROOT, env=env_for(db), check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"drop database if exists {db}"], **sh)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"create database {db}"], **sh)
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["grow_demo", "--applications", str(n)]):
        subprocess.run([sys.executable, "manage.py", *args], stdout=subprocess.DEVNULL, **sh)


def measure(unit_code, period_code):
    from django.utils import timezone

    from applications.models import Application
    from identity.models import User
    from regulators.reports import render_pdf, render_xlsx, services, source
    from regulators.reports.periods import last_closed_quarter

    period_code = period_code or last_closed_quarter(timezone.localdate()).code
    city = User.objects.filter(role="city_regulator").first()
    timings = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0) + time.perf_counter() - t
        return wrapper

    source.figures_compute = timed("figures", source.figures_compute)
    services.render_xlsx = timed("excel", render_xlsx.render_xlsx)
    services.render_pdf = timed("pdf", render_pdf.render_pdf)
    results = {"applications": Application.objects.count(), "period": period_code, "reports": []}
    for code in (unit_code, None):
        timings.clear()
        t = time.perf_counter()
        report = services.report_request(user=city, kind="quarterly", period=period_code, unit_code=code)
        report = services.report_produce(report_id=report.pk)
        total = time.perf_counter() - t
        sizes = {f.format: f.size for f in report.files.all()}
        submitted = (report.figures or {}).get("dashboard", {}).get("applications", {}).get("submitted")
        results["reports"].append({"scope": report.scope_name, "status": report.status, "error": report.error,
                                   "total_s": round(total, 2), **{k: round(v, 2) for k, v in timings.items()},
                                   "submitted_in_period": submitted, "xlsx_bytes": sizes.get("xlsx"),
                                   "pdf_bytes": sizes.get("pdf")})
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="jzd_reports1m")
    parser.add_argument("--build", type=int, default=0, help="recreate the database with N applications first")
    parser.add_argument("--unit", default="110108")
    parser.add_argument("--period", default="", help="a quarter such as 2026-Q3 (default: the last closed)")
    args = parser.parse_args()
    if args.build:
        build(args.db, args.build)
    os.environ.update(env_for(args.db))
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    results = measure(args.unit, args.period)
    OUT.mkdir(exist_ok=True)
    (OUT / "reports.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"{results['applications']:,} applications, quarter {results['period']}")
    print(f"{'scope':<24} {'figures s':>10} {'excel s':>8} {'pdf s':>6} {'total s':>8} {'submitted':>10}")
    for r in results["reports"]:
        print(f"{r['scope']:<24} {r.get('figures', 0):>10} {r.get('excel', 0):>8} {r.get('pdf', 0):>6} "
              f"{r['total_s']:>8} {r['submitted_in_period'] or 0:>10,} {r['status']} {r['error'][:80]}")


if __name__ == "__main__":
    main()
