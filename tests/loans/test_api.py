"""The loans API: list filters, repayments (idempotent), status actions with 409 refusals,
fund-use reports and reviews, alert acknowledgement; error shape like the rest of the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from elements import services as element_services
from loans import services
from loans.choices import LoanStatus
from loans.models import Repayment, RiskAlert

from ..helpers import client_for
from .conftest import make_loan, upload

pytestmark = pytest.mark.django_db


def test_list_filters_and_enterprise_view(world, flow):
    a = make_loan(world, flow, days_ago=70)
    b = make_loan(world, flow, days_ago=10)
    services.loans_overdue_refresh()
    api = client_for(world, "officer", api=True)
    ids = lambda r: {x["id"] for x in r.json()["results"]}  # noqa: E731
    assert ids(api.get(reverse("api:loan-list"))) == {a.pk, b.pk}
    assert ids(api.get(reverse("api:loan-list"), {"status": "overdue"})) == {a.pk}
    assert ids(api.get(reverse("api:loan-list"), {"application": b.application_id})) == {b.pk}
    assert ids(api.get(reverse("api:loan-list"), {"overdue": "any"})) == {a.pk}
    row = api.get(reverse("api:loan-detail", args=[a.pk])).json()
    assert row["status"] == "overdue" and row["classification"] == "normal" and len(row["schedule"]) == 12
    assert "extend" not in row["allowed_actions"] and "default" not in row["allowed_actions"]
    mine = client_for(world, "enterprise", api=True).get(reverse("api:loan-detail", args=[a.pk])).json()
    assert "classification" not in mine and mine["outstanding"] == "1000000.00"


def test_repayment_api_is_idempotent_and_refuses_beyond_outstanding(world, flow):
    loan = make_loan(world, flow, days_ago=10, disburse="100000")
    api = client_for(world, "officer", api=True)
    url = reverse("api:loan-repayments", args=[loan.pk])
    body = {"date": str(timezone.localdate()), "principal": "1000.00", "interest": "12.50", "reference": "CORE-1"}
    assert api.post(url, body, format="json").status_code == 201
    assert api.post(url, body, format="json").status_code == 200
    assert Repayment.objects.count() == 1
    r = api.post(url, {**body, "reference": "CORE-2", "principal": "99000.01"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "over_outstanding"
    assert r.json()["extra"]["outstanding"] == "99000.00"
    r = api.post(url, {**body, "reference": ""}, format="json")
    assert r.status_code == 400 and "reference" in r.json()["extra"]["fields"]
    assert client_for(world, "enterprise", api=True).post(url, body, format="json").status_code == 403
    assert client_for(world, "officer_2", api=True).post(url, body, format="json").status_code == 404


def test_repayment_batch(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    api = client_for(world, "officer", api=True)
    day = str(timezone.localdate())
    rows = [{"contract_number": loan.contract.number, "date": day, "principal": "100", "interest": "1",
             "reference": "B-1"},
            {"loan": loan.pk, "date": day, "principal": "100", "interest": "1", "reference": "B-1"},
            {"contract_number": "NOPE", "date": day, "principal": "1", "interest": "0", "reference": "B-2"},
            {"loan": loan.pk, "date": day, "principal": "9999999", "interest": "0", "reference": "B-3"}]
    r = api.post(reverse("api:loan-repayments-batch"), {"repayments": rows}, format="json")
    assert r.status_code == 200
    assert [x["result"] for x in r.json()] == ["created", "duplicate", "refused", "refused"]
    assert r.json()[3]["code"] == "over_outstanding"
    assert client_for(world, "enterprise", api=True).post(reverse("api:loan-repayments-batch"),
                                                          {"repayments": rows}, format="json").status_code == 403


def test_status_actions_and_refusals(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    url = reverse("api:loan-status", args=[loan.pk])
    officer, approver = client_for(world, "officer", api=True), client_for(world, "approver", api=True)
    r = officer.post(url, {"action": "settle"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "outstanding"
    r = officer.post(url, {"action": "write_off", "reason": "x"}, format="json")
    assert r.status_code == 403
    r = approver.post(url, {"action": "write_off", "reason": "x"}, format="json")
    assert r.status_code == 409 and r.json()["extra"]["status"] == "repaying"
    new = str(loan.maturity_on + timedelta(days=60))
    r = officer.post(url, {"action": "extend", "maturity_on": new, "reason": "回款延迟"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "extended" and r.json()["maturity_on"] == new
    r = officer.post(url, {"action": "extend", "maturity_on": new, "reason": "再次"}, format="json")
    assert r.status_code == 409
    r = officer.post(url, {"action": "classify", "classification": "special_mention"}, format="json")
    assert r.status_code == 200 and r.json()["classification"] == "special_mention"
    r = approver.post(url, {"action": "default", "reason": "停产"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == LoanStatus.DEFAULTED
    r = officer.post(url, {"action": "bogus"}, format="json")
    assert r.status_code == 400
    assert client_for(world, "district", api=True).post(url, {"action": "classify", "classification": "loss"},
                                                        format="json").status_code == 403


def test_fund_use_api(world, flow):
    loan = make_loan(world, flow, days_ago=10, disburse="500000")
    ent = client_for(world, "enterprise", api=True)
    url = reverse("api:loan-fund-use-reports", args=[loan.pk])
    r = ent.post(url, {"purpose": "equipment", "amount": "300000", "date": str(timezone.localdate()),
                       "description": "购置设备", "file": upload("合同.pdf")}, format="multipart")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = ent.post(url, {"purpose": "quality", "amount": "200000.01", "date": str(timezone.localdate()),
                       "description": "x"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "over_disbursed"
    officer = client_for(world, "officer", api=True)
    review = reverse("api:loan-fund-use-review", args=[loan.pk, rid])
    r = officer.post(review, {"accepted": False, "note": "请补充发票"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "questioned"
    r = ent.post(reverse("api:loan-fund-use-answer", args=[loan.pk, rid]), {"answer": "已补充"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert officer.post(review, {"accepted": True}, format="json").json()["status"] == "accepted"
    assert officer.post(review, {"accepted": True}, format="json").status_code == 409
    file_url = reverse("api:loan-fund-use-file", args=[loan.pk, rid])
    assert officer.get(file_url).status_code == 200
    assert client_for(world, "district", api=True).get(file_url).status_code == 404


def test_alerts_api_filter_and_acknowledge(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="接口测试")
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience="bank")
    officer = client_for(world, "officer", api=True)
    listed = officer.get(reverse("api:risk-alert-list"), {"loan": loan.pk, "acknowledged": "false"}).json()
    assert [x["id"] for x in listed["results"]] == [alert.pk]
    assert "接口测试" in listed["results"][0]["source"]
    url = reverse("api:risk-alert-acknowledge", args=[alert.pk])
    r = officer.post(url, {"action": "early_repayment"}, format="json")
    assert r.status_code == 400 and "note" in r.json()["extra"]["fields"]
    r = officer.post(url, {"action": "tighten", "note": "加强监测"}, format="json")
    assert r.status_code == 200 and r.json()["acknowledged"] is True
    assert officer.post(url, {"action": "continue"}, format="json").status_code == 409
    assert not officer.get(reverse("api:risk-alert-list"), {"acknowledged": "false"}).json()["results"]
    assert client_for(world, "district", api=True).post(url, {"action": "continue"},
                                                        format="json").status_code == 403
    assert client_for(world, "enterprise", api=True).post(url, {"action": "continue"},
                                                          format="json").status_code == 404


def test_schema_lists_the_loans_api(world):
    schema = client_for(world, "admin").get(reverse("schema"), {"format": "json"}).json()
    for path in ("/api/v1/loans/", "/api/v1/loans/{id}/", "/api/v1/loans/{id}/repayments/",
                 "/api/v1/loans/{id}/status/", "/api/v1/loans/{id}/fund-use-reports/",
                 "/api/v1/loans/{id}/fund-use-reports/{rid}/review/", "/api/v1/risk-alerts/",
                 "/api/v1/risk-alerts/{id}/acknowledge/"):
        assert path in schema["paths"], path


def test_the_repayment_method_is_chosen_at_contract_through_the_api(world, flow):
    from applications.choices import Status
    from loans.models import Loan

    app = flow.to(Status.APPROVED)
    api = client_for(world, "officer", api=True)
    r = api.post(reverse("api:application-contract", args=[app.pk]),
                 {"number": "HT-API-1", "repayment_method": "equal_principal"}, format="json")
    assert r.status_code == 200 and r.json()["contract"]["repayment_method"] == "equal_principal"
    assert Loan.objects.get(application=app).repayment_method == "equal_principal"
    r = api.post(reverse("api:application-contract", args=[flow.to(Status.APPROVED).pk]),
                 {"number": "HT-API-2", "repayment_method": "balloon"}, format="json")
    assert r.status_code == 400 and "repayment_method" in r.json()["extra"]["fields"]


def test_every_bank_action_is_refused_409_from_every_status_it_does_not_start_from(world, flow):
    """The whole transition map: each action from each status outside its sources is a 409
    naming the status and the allowed ones, and changes nothing (status, figures, history)."""
    from loans.models import LoanHistory
    from loans.workflow import BANK_ACTIONS, TRANSITIONS

    loan = make_loan(world, flow, days_ago=10)
    url = reverse("api:loan-status", args=[loan.pk])
    approver = client_for(world, "approver", api=True)
    data = {"extend": {"maturity_on": str(loan.maturity_on + timedelta(days=30)), "reason": "r"},
            "settle": {}, "default": {"reason": "r"}, "write_off": {"reason": "r"},
            "classify": {"classification": "loss"}}
    refused = 0
    for action in BANK_ACTIONS:
        for status in set(LoanStatus.values) - TRANSITIONS[action].sources:
            type(loan).objects.filter(pk=loan.pk).update(status=status)
            before = (LoanHistory.objects.filter(loan=loan).count(), type(loan).objects.values_list(
                "maturity_on", "classification", "closed_reason").get(pk=loan.pk))
            r = approver.post(url, {"action": action, **data[action]}, format="json")
            assert r.status_code == 409, (action, status, r.content)
            assert r.json()["extra"]["status"] == status, (action, status)
            assert sorted(r.json()["extra"]["allowed_from"]) == sorted(TRANSITIONS[action].sources)
            after = (LoanHistory.objects.filter(loan=loan).count(), type(loan).objects.values_list(
                "maturity_on", "classification", "closed_reason").get(pk=loan.pk))
            assert after == before and type(loan).objects.get(pk=loan.pk).status == status
            refused += 1
    assert refused == 16


def test_loan_book_filters_classification_district_product_alerts_open(world, flow):
    from loans.choices import AlertAction

    a = make_loan(world, flow, days_ago=10)
    b = make_loan(world, flow, days_ago=10)
    services.loan_classify(loan=a, user=world.officer, classification="loss")
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="筛选")
    services.risk_alerts_raise()
    services.risk_alert_acknowledge(alert=RiskAlert.objects.get(loan=a), user=world.officer,
                                    action=AlertAction.CONTINUE)
    api = client_for(world, "officer", api=True)
    page = client_for(world, "officer")
    district = world.ent.district_id
    other = next(d for d in ("110101", "110105", "110106") if d != district)
    cases = [({"classification": "loss"}, {a}), ({"classification": "normal"}, {b}),
             ({"district": district}, {a, b}), ({"district": other}, set()),
             ({"product": a.application.product_id}, {a, b}),
             ({"alerts_open": "true"}, {b}), ({"alerts_open": "false"}, {a})]
    for params, expected in cases:
        r = api.get(reverse("api:loan-list"), params)
        assert r.status_code == 200 and {x["id"] for x in r.json()["results"]} == {x.pk for x in expected}, params
        html = page.get(reverse("loans:list"), params).content.decode()
        for loan in (a, b):
            assert (loan.contract.number in html) == (loan in expected), (params, loan.contract.number)
