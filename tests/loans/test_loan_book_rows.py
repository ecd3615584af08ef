"""The loan book at scale (issue 10): pages taken by id first (jingzhidai/paging.py), rows read
as values with exactly the serializer's JSON, and a search that finds the matching enterprises
and contracts first."""

import json

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from loans import selectors
from loans.api import LoanSerializer
from tests.helpers import client_for

from .conftest import make_loan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["officer", "enterprise", "district", "city"])
def test_loan_book_rows_are_the_serializers_json_of_each_loan(world, flow, who):
    make_loan(world, flow, days_ago=40, number="HT-ROW-1")
    make_loan(world, flow, days_ago=10, disburse=None)
    user = world.users[who]
    body = client_for(world, who, api=True).get("/api/v1/loans/").json()
    assert body["count"] == 2 and body["count_estimated"] is False
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    loans = {loan.pk: loan for loan in selectors.loan_list(user)}
    expected = [LoanSerializer(loans[row["id"]], context={"request": request}).data for row in body["results"]]
    assert json.loads(json.dumps(expected)) == body["results"]
    assert [r["id"] for r in body["results"]] == list(selectors.loan_list(user).values_list("pk", flat=True))
    assert ("classification" in body["results"][0]) == (who != "enterprise")


@pytest.mark.parametrize("few", [200, 0])  # 0: every search takes the path for many matches
def test_loan_book_search_by_name_code_and_contract_number(world, flow, monkeypatch, few):
    monkeypatch.setattr("loans.filters.SEARCH_FEW", few)
    a = make_loan(world, flow, days_ago=40, number="HT-ALPHA-1")
    b = make_loan(world, flow, days_ago=10, number="HT-BETA-2")
    api, html = client_for(world, "officer", api=True), client_for(world, "officer")

    def found(q):
        ids = {r["id"] for r in api.get("/api/v1/loans/", {"q": q}).json()["results"]}
        assert ids == {loan.pk for loan in html.get("/loans/", {"q": q}).context["object_list"]}
        return ids

    assert found("alpha-1") == {a.pk}  # contract number, any case
    assert found(world.ent.name[1:3]) == {a.pk, b.pk}  # part of the name
    assert found(world.ent.uscc[:8].lower()) == {a.pk, b.pk}  # the start of the code
    assert found("no-such-thing") == set()
    # Contract numbers from three characters (a trigram index finds them).
    assert found("HT") == set()


# Queries per page, pinned (issue 10); see tests/applications/test_list_pages.py.
PRODUCT = "the loans' product"  # replaced by its id
LIST_QUERIES = [
    ("officer", True, "/api/v1/loans/", {}, 3),
    ("officer", True, "/api/v1/loans/", {"page": 2, "page_size": 1}, 3),
    ("officer", True, "/api/v1/loans/", {"q": "HT-ALPHA"}, 5),  # + the matching enterprises, contracts
    ("officer", True, "/api/v1/loans/", {"q": "北京"}, 4),  # + the matching enterprises
    # The figures follow in their own request (loans:figures).
    # HTML (issue 10, fifth increment): the filter's districts and products in one query each (were
    # a count and a cursor each, and one bank per product), the rows as values.
    ("officer", False, "/loans/", {}, 8),
    ("officer", False, "/loans/", {"overdue": "any", "classification": "loss"}, 7),  # an empty page: no rows read
    ("district", False, "/loans/", {"district": "110108"}, 9),
    ("officer", False, "/loans/", {"product": PRODUCT}, 9),  # + the product the filter validates
    ("officer", False, "/loans/figures/", {}, 3),  # the session, the user, the aggregate
    ("officer", False, "/loans/figures/", {"product": PRODUCT, "overdue": "any"}, 4),  # + the product
    ("district", False, "/loans/figures/", {"district": "110108"}, 4),  # + the district
    ("officer", True, "/api/v1/risk-alerts/", {}, 2),  # no alerts: count only
    ("officer", False, "/loans/alerts/", {}, 5),
    ("district", False, "/regulators/verification-requests/", {}, 5),
    ("district", True, "/api/v1/verification-requests/", {}, 3),
]


@pytest.mark.parametrize("who,api,url,params,expected", LIST_QUERIES)
def test_list_pages_run_a_pinned_number_of_queries(world, flow, who, api, url, params, expected):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    loan = make_loan(world, flow, days_ago=40, number="HT-ALPHA-1")
    make_loan(world, flow, days_ago=10, number="HT-BETA-2")
    params = {k: loan.product_id if v == PRODUCT else v for k, v in params.items()}
    client = client_for(world, who, api=api)
    client.get(url, params)  # a first request may fill caches (the session, the menu)
    with CaptureQueriesContext(connection) as q:
        assert client.get(url, params).status_code == 200
    assert len(q.captured_queries) == expected, [x["sql"][:120] for x in q.captured_queries]
