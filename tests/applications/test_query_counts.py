"""Each workflow step through the API runs a fixed number of queries and builds the
enterprise's quality profile at most once (issue 10). The numbers are absolute: a change that
adds a query to a step has to change them here, on purpose. Contract and disbursement include
the loans app's work in the same transaction (opening the loan, its schedule)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Evidence
from identity.selectors import district_names
from tests.helpers import client_for

from .conftest import HELD, UNHELD, upload

# Measured before issue 10's changes: create 54, submit 35, propose 21, contract 38, disburse 27;
# after its first increment: create 20, submit 25, contract 28, disburse 25; after its second:
# create 17, evidence 11, submit 19, review 8, contract 17, disburse 19. Counted inside the
# test's transaction: the step's own transaction appears as a SAVEPOINT and its RELEASE (two
# queries a running server does not send as such).
# Every step reads the element catalog from the cache, which the product's conditions filled
# (one catalog for profiles and product conditions since the review of stop 17; before it,
# create 17, submit and propose 19).
EXPECTED = {"create": 15, "evidence": 7, "submit": 17, "accept": 10, "review": 7, "propose": 17, "approve": 10,
            "contract": 15, "disburse": 18}
# The quality profile: built by create, submit (product conditions and claims) and propose
# (kept with the proposal); never twice in one step. One query on listings per build.
PROFILES = {"create": 1, "submit": 1, "propose": 1}


@pytest.fixture
def steps(world, product, held):
    ent = client_for(world, "enterprise", api=True)
    officer = client_for(world, "officer", api=True)
    approver = client_for(world, "approver", api=True)
    counts, profiles = {}, {}
    district_names()  # read once per process (lru_cache): count as a running server does

    def run(name, client, url, data, fmt="json"):
        with CaptureQueriesContext(connection) as q:
            response = client.post(url, data, format=fmt)
        assert response.status_code in (200, 201), (name, response.content[:300])
        counts[name] = len(q.captured_queries)
        profiles[name] = sum('FROM "elements_listing"' in x["sql"] for x in q.captured_queries)
        return response

    pk = run("create", ent, "/api/v1/applications/", dict(
        product=product.pk, amount="1000000", term_months=12, purpose="equipment", need_statement="购置设备",
        claims=[HELD, UNHELD], authorise=True)).json()["id"]
    base = f"/api/v1/applications/{pk}/"
    run("evidence", ent, base + "evidence/", {"element": UNHELD, "file": upload()}, fmt="multipart")
    run("submit", ent, base + "submit/", {})
    run("accept", officer, base + "accept/", {})
    evidence = Evidence.objects.get(application_id=pk)
    run("review", officer, base + f"evidence/{evidence.pk}/review/", {"review": "verified"})
    run("propose", officer, base + "propose/", dict(credit_line="1000000", annual_rate="3.6", term_months=12,
                                                     guarantee_type="credit"))
    run("approve", approver, base + "approve/", {})
    run("contract", officer, base + "contract/", dict(number="HT-1"))
    run("disburse", approver, base + "disburse/", dict(amount="400000"))
    return counts, profiles


def test_queries_per_step(steps):
    counts, _ = steps
    assert counts == EXPECTED


def test_profile_built_at_most_once_per_step(steps):
    _, profiles = steps
    assert profiles == {name: PROFILES.get(name, 0) for name in EXPECTED}
