"""The whole 申请 → 核实 → 发放 flow, once through the API and once through the pages, plus
notifications (in-app now, email after commit) and the OpenAPI schema."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.choices import Status
from applications.models import AccessLog, Application, Notification
from banks import services as bank_services
from jingzhidai.errors import ApplicationError

from ..helpers import client_for
from .conftest import HELD, PDF, UNHELD, product_fields, upload

pytestmark = pytest.mark.django_db


def test_whole_flow_through_the_api(flow, world, django_capture_on_commit_callbacks):
    ent = client_for(world, "enterprise", api=True)
    officer = client_for(world, "officer", api=True)
    approver = client_for(world, "approver", api=True)
    district = client_for(world, "district", api=True)

    r = ent.post(reverse("api:application-list"), {
        "product": flow.product.pk, "amount": "1200000", "term_months": 12, "purpose": "equipment",
        "purpose_description": "购置检测设备", "need_statement": "资金缺口120万元", "claims": [HELD, UNHELD],
        "authorise": True}, format="json")
    assert r.status_code == 201, r.json()
    app_id = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["authorised_at"]
    assert {c["element"] for c in r.json()["claims"]} == {HELD, UNHELD}
    assert ent.patch(reverse("api:application-detail", args=[app_id]), {"amount": "1000000"},
                     format="json").json()["amount"] == "1000000.00"
    assert officer.get(reverse("api:application-detail", args=[app_id])).status_code == 404  # a draft
    ev = ent.post(reverse("api:application-evidence", args=[app_id]),
                  {"file": upload("老字号证书.pdf"), "element": UNHELD}, format="multipart").json()
    with django_capture_on_commit_callbacks(execute=True):
        r = ent.post(reverse("api:application-submit", args=[app_id]), {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert ent.patch(reverse("api:application-detail", args=[app_id]), {"amount": "900000"},
                     format="json").status_code == 409

    queue = officer.get(reverse("api:application-list"), {"status": "submitted"}).json()["results"]
    assert [row["id"] for row in queue] == [app_id]
    assert queue[0]["allowed_actions"] == ["accept", "return"]
    profile = officer.get(reverse("api:application-profile", args=[app_id]))
    assert profile.status_code == 200
    assert officer.post(reverse("api:application-accept", args=[app_id])).json()["status"] == "under_review"
    vr = officer.post(reverse("api:verification-request-list"), {
        "application": app_id, "element": UNHELD, "question": "请核实是否为中华老字号"}, format="json").json()
    assert [row["id"] for row in district.get(reverse("api:verification-request-list")).json()["results"]] == [
        vr["id"]]
    assert district.post(reverse("api:verification-request-answer", args=[vr["id"]]),
                         {"confirmed": True, "note": "属实", "level": "national"},
                         format="json").json()["status"] == "confirmed"
    file = officer.get(reverse("api:application-evidence-file", args=[app_id, ev["id"]]))
    assert b"".join(file.streaming_content) == PDF
    assert officer.post(reverse("api:application-evidence-review", args=[app_id, ev["id"]]),
                        {"review": "verified"}, format="json").json()["review"] == "verified"
    r = officer.post(reverse("api:application-propose", args=[app_id]), {
        "credit_line": "1000000", "annual_rate": "3.55", "term_months": 12, "guarantee_type": "credit"},
        format="json")
    assert r.status_code == 200, r.json()
    assert approver.post(reverse("api:application-approve", args=[app_id])).json()["status"] == "approved"
    r = approver.post(reverse("api:application-contract", args=[app_id]), {"number": "ICBC-JZD-0001"},
                      format="json")
    assert r.json()["contract"]["amount"] == "1000000.00"
    today = timezone.localdate().isoformat()
    assert officer.post(reverse("api:application-disburse", args=[app_id]), {"amount": "600000", "date": today},
                        format="json").json()["status"] == "disbursed"
    r = approver.post(reverse("api:application-disburse", args=[app_id]), {"amount": "400000.01"}, format="json")
    assert r.status_code == 409 and r.json()["extra"]["remaining"] == "400000.00"
    final = approver.post(reverse("api:application-disburse", args=[app_id]), {"amount": "400000"},
                          format="json").json()
    assert final["disbursed_total"] == "1000000.00"

    history = ent.get(reverse("api:application-history", args=[app_id])).json()
    assert [h["to_status"] for h in history] == ["submitted", "under_review", "proposed", "approved", "contracted",
                                                 "disbursed", "disbursed"]
    detail = ent.get(reverse("api:application-detail", args=[app_id])).json()
    for stamp in ("submitted_at", "accepted_at", "proposed_at", "decided_at", "contracted_at", "disbursed_at"):
        assert detail[stamp], stamp
    assert detail["credit_line"] == "1000000.00" and detail["annual_rate"] == "3.550"
    assert AccessLog.objects.filter(application_id=app_id, user=world.officer).count() == 2
    assert Notification.objects.filter(recipient=world.enterprise, application_id=app_id).count() == 6
    assert ent.get(reverse("api:application-list"), {"status": "disbursed"}).json()["count"] == 1


def test_emails_leave_after_commit_to_those_with_an_address(flow, world, django_capture_on_commit_callbacks):
    world.officer.email = "officer@bank.example"
    world.officer.save(update_fields=["email"])
    app = flow.draft()
    from applications import services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=app, user=world.enterprise)
    assert not mail.outbox and callbacks
    for cb in callbacks:
        cb()
    assert [m.to for m in mail.outbox] == [["officer@bank.example"]]
    assert app.number in mail.outbox[0].subject
    n = Notification.objects.get(recipient=world.officer, application=app)
    assert n.emailed_at is not None
    # A refused step sends nothing and writes no notification.
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        services.application_approve(application=app, user=world.approver)
    assert Notification.objects.count() == before and len(mail.outbox) == 1


def test_whole_flow_through_the_pages(flow, world, product):
    bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields(
        name="创新贷", conditions={"all_of": [{"element": "innovation.patent_award_gold"}]}))
    ent = client_for(world, "enterprise")
    ent.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = ent.get(reverse("applications:create"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "京质贷·质量贷" in body and "创新贷" in body
    assert 'data-testid="missing"' in body  # what the enterprise misses for the other product
    r = ent.post(reverse("applications:create"), {
        "product": product.pk, "amount": "1000000", "term_months": "12", "purpose": "quality",
        "purpose_description": "质量提升", "need_statement": "需要资金提升检测能力", "claims": [HELD, UNHELD],
        "authorise": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    detail = reverse("applications:detail", args=[app.pk])
    assert r["Location"] == detail
    ent.post(reverse("applications:evidence_upload", args=[app.pk]), {"element": UNHELD, "file": upload()})
    ent.post(reverse("applications:act", args=[app.pk, "submit"]))
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED

    officer = client_for(world, "officer")
    officer.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    queue = officer.get(reverse("applications:list")).content.decode()
    assert app.number in queue
    officer.post(reverse("applications:act", args=[app.pk, "accept"]))
    page = officer.get(detail).content.decode()
    assert "Confirmed by the library" in page and "Not in the library" in page
    assert page.count('data-testid="claim-row"') == 2
    officer.post(reverse("applications:vr_create", args=[app.pk]), {"element": UNHELD, "question": "请核实"})
    req = app.verification_requests.get()

    district = client_for(world, "district")
    assert str(req.pk) in district.get(reverse("regulators:inbox")).content.decode()
    district.post(reverse("regulators:request_detail", args=[req.pk]), {"confirmed": "yes", "note": "属实"})

    ev = app.evidence.get()
    officer.post(reverse("applications:evidence_review", args=[app.pk, ev.pk]), {"verdict": "verified"})
    officer.post(reverse("applications:act", args=[app.pk, "propose"]), {
        "credit_line": "1000000", "annual_rate": "3.6", "term_months": "12", "guarantee_type": "credit"})
    app.refresh_from_db()
    assert app.status == Status.PROPOSED
    # The officer who proposed gets no approve button; the approver does.
    approve_url = reverse("applications:act", args=[app.pk, "approve"])
    assert approve_url not in officer.get(detail).content.decode()
    approver = client_for(world, "approver")
    assert reverse("applications:act", args=[app.pk, "approve"]) in approver.get(detail).content.decode()
    approver.post(reverse("applications:act", args=[app.pk, "approve"]))
    today = timezone.localdate().isoformat()
    approver.post(reverse("applications:act", args=[app.pk, "contract"]), {"number": "HT-WEB-1", "signed_on": today})
    approver.post(reverse("applications:act", args=[app.pk, "disburse"]), {"amount": "1000000", "date": today})
    app.refresh_from_db()
    assert app.status == Status.DISBURSED
    r = approver.post(reverse("applications:act", args=[app.pk, "disburse"]), {"amount": "1", "date": today},
                      follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "more than the contract amount" in r.content.decode()

    page = ent.get(detail).content.decode()
    assert 'data-testid="stages"' in page and "HT-WEB-1" in page
    assert page.count("<li class=\"border-start") == 6
    log = ent.get(reverse("applications:access_log")).content.decode()
    # The profile views (one line per person and day, with the count) and the evidence file.
    counts = [int(n) for n in __import__("re").findall(r'data-testid="access-count">(\d+)<', log)]
    assert len(counts) >= 2 and sum(counts) >= 3
    notes = ent.get(reverse("applications:notifications")).content.decode()
    assert notes.count('data-testid="notification"') == 5


def test_refused_step_on_a_page_shows_the_message_and_changes_nothing(flow, world):
    app = flow.to(Status.SUBMITTED)
    r = client_for(world, "officer").post(reverse("applications:act", args=[app.pk, "approve"]), follow=True,
                                          HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and "alert-danger" in r.content.decode()
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED
    assert client_for(world, "officer").post(reverse("applications:act", args=[app.pk, "nonsense"])).status_code == 404


def test_enterprise_edits_a_draft_and_answers_a_return(flow, world):
    app = flow.to(Status.RETURNED)
    ent = client_for(world, "enterprise")
    page = ent.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="return-note"' in page and "请补充设备采购合同" in page
    r = ent.post(reverse("applications:edit", args=[app.pk]), {
        "product": app.product_id, "amount": "1500000", "term_months": "24", "purpose": "equipment",
        "need_statement": "补充：采购合同已附", "claims": [HELD], "authorise": "on"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert (app.amount, app.term_months, app.need_statement) == (1500000, 24, "补充：采购合同已附")
    ent.post(reverse("applications:act", args=[app.pk, "submit"]), {"note": "已补充"})
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert ent.get(reverse("applications:edit", args=[app.pk])).status_code == 302


def test_schema_lists_every_endpoint(client):
    schema = client.get(reverse("schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in ["/api/v1/applications/", "/api/v1/applications/{id}/", "/api/v1/applications/{id}/history/",
                 "/api/v1/applications/{id}/evidence/", "/api/v1/verification-requests/",
                 "/api/v1/verification-requests/{id}/answer/", "/api/v1/applications/{id}/profile/"]:
        assert path in paths, path
    for action in ["submit", "withdraw", "accept", "return", "propose", "approve", "reject", "contract", "disburse"]:
        assert "post" in paths[f"/api/v1/applications/{{id}}/{action}/"], action
    assert "patch" in paths["/api/v1/applications/{id}/"]
    assert "multipart/form-data" in paths["/api/v1/applications/{id}/evidence/"]["post"]["requestBody"]["content"]


def test_the_form_offers_only_products_the_enterprise_meets(flow, world, product):
    other = bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields(
        name="创新贷", conditions={"all_of": [{"element": "innovation.patent_award_gold"}]}))
    ent = client_for(world, "enterprise")
    body = ent.get(reverse("applications:create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'value="{other.pk}" disabled' in body
    assert f'value="{product.pk}" disabled' not in body
    r = ent.post(reverse("applications:create"), {
        "product": other.pk, "amount": "1000000", "term_months": "12", "purpose": "quality",
        "need_statement": "x", "authorise": "on"})
    assert r.status_code == 200 and not Application.objects.exists()
    r = client_for(world, "enterprise", api=True).post(reverse("api:application-list"), {
        "product": other.pk, "amount": "1000000", "term_months": 12, "purpose": "quality", "need_statement": "x"},
        format="json")
    assert r.status_code == 400 and r.json()["code"] == "conditions_not_met"
    assert r.json()["extra"]["product"]  # what it misses, one message per condition


def test_the_enterprise_sees_the_decision_and_the_reason(flow, world):
    app = flow.to(Status.REJECTED)
    page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="decision-reason"' in page and "经营现金流不足" in page
    assert timezone.localtime(app.decided_at).strftime("%Y-%m-%d") in page  # the page shows Beijing time
    assert "质量要素良好" not in page  # the bank's internal proposal notes stay with the bank
    assert "质量要素良好" in client_for(world, "officer").get(
        reverse("applications:detail", args=[app.pk])).content.decode()


def test_branch_options_follow_the_chosen_product(flow, world, product):
    from ..factories import BranchFactory

    mine = BranchFactory(bank=world.bank, name="海淀支行")
    BranchFactory(bank=world.bank_2, name="朝阳支行")
    r = client_for(world, "enterprise").get(reverse("applications:branch_options"), {"product": product.pk},
                                            HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = r.content.decode()
    assert f'value="{mine.pk}"' in body and "朝阳支行" not in body
    assert client_for(world, "officer").get(reverse("applications:branch_options")).status_code == 403
    # A branch of another bank is refused on the application itself.
    other = BranchFactory(bank=world.bank_2, name="通州支行")
    r = client_for(world, "enterprise", api=True).post(reverse("api:application-list"), {
        "product": product.pk, "branch": other.pk, "amount": "1000000", "term_months": 12, "purpose": "quality",
        "need_statement": "x"}, format="json")
    assert r.status_code == 400 and "branch" in r.json()["extra"]["fields"]
