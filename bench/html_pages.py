"""CPU per request of the HTML list pages, in process, with the production settings (cached
template loader, manifest static storage): every list in the menus, first and last page, with
filters, for the demo users who see them. Run after `collectstatic --noinput`:

    export DJANGO_SETTINGS_MODULE=jingzhidai.settings.production DJANGO_SECRET_KEY=… \
        DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=False DATABASE_URL=… CACHE_URL=…
    .venv/bin/python manage.py shell < bench/html_pages.py

Per page: the median CPU time of this process per GET (`time.process_time`: the Python side,
which the machine's load disturbs less than the wall clock), the median wall time, the queries.
RUNS=n GETs a page (default 15); ONLY=substring for the pages whose URL contains it;
LANG=en for the English pages (default: the portal's default, zh-Hans); PROFILE=n to print the
n costliest functions (cumulative) of a cProfile over every GET of the selected pages;
DUMP=dir to write each page's HTML (the per-request tokens blanked) for a before/after diff."""

import cProfile
import os
import pstats
import re
import statistics
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from identity.models import User

RUNS = int(os.environ.get("RUNS", "15"))
ONLY = os.environ.get("ONLY", "")
LANG = os.environ.get("LANG_PAGES") or os.environ.get("LANG", "")
LANG = "en" if LANG.startswith("en") else ""
DUMP = os.environ.get("DUMP", "")
PROFILE = int(os.environ.get("PROFILE", "0"))


PAGES = {
    "demo-officer": [
        "/applications/", "/applications/?page=LAST", "/applications/?status=under_review",
        "/applications/?district=110108&page=LAST", "/applications/?q=精密",
        "/loans/", "/loans/?page=LAST", "/loans/?status=repaying", "/loans/?product=1", "/loans/?q=北京",
        "/loans/figures/", "/loans/figures/?open=true",
        "/loans/alerts/", "/loans/alerts/?acknowledged=false",
        "/applications/notifications/", "/banks/products/mine/",
        "/regulators/recommended/", "/regulators/bulletins/",
    ],
    "demo-district": [
        "/regulators/verification-requests/", "/regulators/verification-requests/?status=open",
        "/regulators/verification-requests/?page=LAST",
        "/applications/", "/loans/", "/loans/alerts/", "/enterprises/", "/accounts/",
        "/elements/records/distinctions/", "/elements/records/listings/", "/elements/records/penalties/",
        "/elements/records/spot-checks/", "/elements/imports/", "/elements/catalog/",
        "/regulators/cases/", "/regulators/reports/", "/banks/", "/banks/products/",
    ],
    "demo-enterprise": [
        "/applications/", "/loans/", "/applications/notifications/", "/applications/access-log/",
        "/regulators/invitations/",
    ],
    "demo-admin": ["/banks/staff/", "/accounts/"],
}

SCRUB = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), '"X-CSRFToken": ""'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'name="form_token" value="[^"]*"'), 'name="form_token" value=""'),
]


def scrub(html: str) -> str:
    for pattern, blank in SCRUB:
        html = pattern.sub(blank, html)
    return html


def last_page(client, url):
    """The last page number that the pagination shows ("Page 1 of about 5238", "第 1 页，约 5238 页")."""
    text = client.get(url.replace("page=LAST", "page=1")).content.decode()
    shown = re.search(r'page-item disabled"><span class="page-link">([^<]*)<', text)
    return int(re.findall(r"\d+", shown.group(1).replace(",", ""))[-1]) if shown else 1


print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()), "lang", LANG or "zh-hans", flush=True)
# CPU time, not wall time: waits for the database are not the Python side's cost.
profiler = cProfile.Profile(time.process_time) if PROFILE else None
if DUMP:
    Path(DUMP).mkdir(parents=True, exist_ok=True)
totals = []
for username, urls in PAGES.items():
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if LANG:
        client.cookies["django_language"] = LANG
    for url in urls:
        if ONLY and ONLY not in url:
            continue
        if "LAST" in url:
            url = url.replace("LAST", str(last_page(client, url)))
        r = client.get(url)  # warm (templates, caches)
        cpu, wall = [], []
        for _ in range(RUNS):
            t, p = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as q:
                if profiler:
                    profiler.enable()
                r = client.get(url)
                if profiler:
                    profiler.disable()
            cpu.append((time.process_time() - p) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
        totals.append(statistics.median(cpu))
        print(f"{r.status_code} {username:16} {url:52} CPU {statistics.median(cpu):5.1f} ms  wall {statistics.median(wall):5.1f} ms"
              f"  {len(q.captured_queries):2} queries  {len(r.content) // 1024} KiB", flush=True)
        if DUMP:
            name = re.sub(r"[^A-Za-z0-9]+", "_", f"{username}{url}").strip("_") + ".html"
            Path(DUMP, name).write_text(scrub(r.content.decode()))
print(f"sum of medians {sum(totals):.1f} ms CPU over {len(totals)} pages; load average",
      " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
if profiler:
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(PROFILE)
    stats.sort_stats("tottime").print_stats(PROFILE)
