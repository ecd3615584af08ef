"""The monthly recommended list at scale: N enterprises opted in (a tenth of them on the abnormal
list, a fifth without any distinction), then `recommended_list_build` timed with its query count,
and the banks' first page of the list. Against the configured database (PostgreSQL), in a
database of its own (it adds rows):

    DATABASE_URL=postgres://…/jzd_bench_recommended BENCH_N=50000 \\
        .venv/bin/python manage.py shell < bench/recommended.py
"""

import os
import time
import uuid
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elements.choices import ListingKind, Source
from elements.models import Distinction, ElementType, Listing
from identity.choices import Role
from identity.models import Enterprise, RegulatorUnit, User
from identity.uscc import make_code
from regulators.recommendations.models import RecommendationConsent
from regulators.recommendations.services import recommended_list_build

N = int(os.environ.get("BENCH_N", "50000"))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
run = uuid.uuid4().hex[:4].upper()


def org(i):
    body, n = "", i
    for _ in range(4):
        body = ALPHABET[n % 31] + body
        n //= 31
    return ("B" + run[:3] + body)[:8]


units = {u.district_id: u for u in RegulatorUnit.objects.exclude(district_id=None)}
districts = sorted(units)
types = list(ElementType.objects.exclude(category_id="credit").values_list("pk", flat=True))
t = time.perf_counter()
ents = [Enterprise(uscc=make_code("9", "1", districts[i % len(districts)], org(i)), name=f"基准企业{run}{i}",
                   legal_form="legal_person", status="existing", district_id=districts[i % len(districts)],
                   regulator_unit=units[districts[i % len(districts)]]) for i in range(N)]
Enterprise.objects.bulk_create(ents, batch_size=5000)
user, _ = User.objects.get_or_create(username=f"bench-recommended-{run}",
                                    defaults={"role": Role.ENTERPRISE, "enterprise_id": ents[0].uscc})
granted = date.today() - timedelta(days=30)
Distinction.objects.bulk_create([
    Distinction(enterprise=e, key=uuid.uuid4().hex, content_hash="b", source=Source.REGULATOR,
                element_type_id=types[i % len(types)], granted_on=granted)
    for i, e in enumerate(ents) if i % 5], batch_size=5000)
Listing.objects.bulk_create([
    Listing(enterprise=e, key=uuid.uuid4().hex, content_hash="b", source=Source.REGULATOR, kind=ListingKind.ABNORMAL,
            listed_on=granted) for i, e in enumerate(ents) if i % 10 == 3], batch_size=5000)
RecommendationConsent.objects.bulk_create([RecommendationConsent(enterprise=e, granted_by=user) for e in ents],
                                          batch_size=5000)
print(f"seeded {N} opted-in enterprises in {time.perf_counter() - t:.1f} s")

with CaptureQueriesContext(connection) as q:
    t = time.perf_counter()
    snapshot = recommended_list_build()
    elapsed = time.perf_counter() - t
print(f"build: {snapshot.opted_in} opted in, {snapshot.entries_count} listed, {elapsed:.1f} s, "
      f"{len(q.captured_queries)} queries")

bank_user = User.objects.filter(role=Role.BANK_OFFICER, bank__status="admitted").first()
if bank_user:
    c = Client(SERVER_NAME="localhost")
    c.force_login(bank_user)
    for url in ["/regulators/recommended/", "/api/v1/recommended/", "/api/v1/recommended/?district=110108",
                "/api/v1/recommended/?page=300", "/regulators/recommended/?page=300",
                "/api/v1/recommended/?page=600"]:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as q:
                r = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
        print(r.status_code, url, f"median {sorted(times)[2]:.0f} ms", len(q.captured_queries), "queries")
