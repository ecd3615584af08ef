"""What people see after acting (issue 14): an evidence review needs an explicit choice and
confirms it; home counters link to the filtered lists; the officer's notice of a district
answer names the application and the enterprise; the access log shows one line per person,
object and day with a count; the approval note and the proposal card are titled rightly;
money and rates are written one way; refusals name fields by their labels."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.choices import Status
from applications.models import AccessLog, Evidence, Notification

from ..helpers import client_for
from .conftest import HELD, UNHELD, upload

pytestmark = pytest.mark.django_db


def _reviewing_with_evidence(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload("老字号.pdf"))
    services.application_submit(application=app, user=world.enterprise)
    services.application_accept(application=app, user=world.officer)
    return app, ev


# --- the evidence review -----------------------------------------------------------------------

def test_the_review_select_has_no_default(flow, world):
    app, _ev = _reviewing_with_evidence(flow, world)
    page = client_for(world, "officer").get(reverse("applications:detail", args=[app.pk])).content.decode()
    select = re.search(r'<select [^>]*name="verdict".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>' in select and "required" in select


def test_saving_without_a_choice_marks_nothing_and_says_so(flow, world):
    app, ev = _reviewing_with_evidence(flow, world)
    r = client_for(world, "officer").post(reverse("applications:evidence_review", args=[app.pk, ev.pk]),
                                          {"verdict": "", "reason": ""}, follow=True)
    ev.refresh_from_db()
    assert ev.review == "pending"
    assert "请选择" in r.content.decode() and "老字号.pdf" in r.content.decode()


def test_saving_a_choice_confirms_it(flow, world):
    app, ev = _reviewing_with_evidence(flow, world)
    r = client_for(world, "officer").post(reverse("applications:evidence_review", args=[app.pk, ev.pk]),
                                          {"verdict": "verified"}, follow=True)
    assert Evidence.objects.get(pk=ev.pk).review == "verified"
    assert "老字号.pdf：已核验" in r.content.decode()


# --- home counters ------------------------------------------------------------------------------

def test_home_counters_link_to_filtered_lists_that_show_the_counted_rows(flow, world):
    submitted = flow.to(Status.SUBMITTED)
    draft = flow.draft()
    home = client_for(world, "enterprise").get(reverse("identity:home_enterprise")).content.decode()
    link = f'{reverse("applications:list")}?phase=in_progress'
    assert link in home
    listed = client_for(world, "enterprise").get(link).content.decode()
    assert submitted.number in listed and draft.number not in listed


def test_regulator_and_loan_counters_link_to_filters(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    services.application_accept(application=app, user=world.officer)
    services.verification_request_create(application=app, user=world.officer, element_code=UNHELD, question="请核实")
    home = client_for(world, "district").get(reverse("identity:home_regulator")).content.decode()
    assert f'{reverse("regulators:inbox")}?status=open' in home
    assert f'{reverse("regulators:inbox")}?overdue=true' in home
    bank_home = client_for(world, "officer").get(reverse("identity:home_bank")).content.decode()
    assert f'{reverse("loans:list")}?open=true' in bank_home
    assert f'{reverse("applications:list")}?phase=lending' in bank_home


# --- the district's answer ----------------------------------------------------------------------

def test_the_answer_notice_names_the_application_and_the_enterprise(flow, world):
    app, _ev = _reviewing_with_evidence(flow, world)
    vr = services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                              question="请核实")
    services.verification_request_answer(request=vr, user=world.district, confirmed=False, note="未查到记录")
    n = Notification.objects.get(recipient=world.officer, kind="verification_answered")
    assert app.number in n.subject and world.ent.name in n.subject
    assert app.number in n.body and "未查到记录" in n.body


# --- the access log -----------------------------------------------------------------------------

def test_the_access_log_shows_one_line_per_person_object_and_day(flow, world):
    app = flow.to(Status.SUBMITTED)
    for _i in range(3):
        services.profile_open(application=app, user=world.officer)
    services.profile_open(application=app, user=world.approver)
    assert AccessLog.objects.filter(application=app).count() == 4  # every view is recorded
    page = client_for(world, "enterprise").get(reverse("applications:access_log")).content.decode()
    assert page.count('data-testid="access-row"') == 2
    counts = sorted(re.findall(r'data-testid="access-count">(\d+)<', page))
    assert counts == ["1", "3"]


def test_the_access_summary_groups_by_day(flow, world):
    from datetime import timedelta

    from applications import selectors

    app = flow.to(Status.SUBMITTED)
    for at in (timezone.now() - timedelta(days=2), timezone.now()):
        AccessLog.objects.create(application=app, enterprise_id=app.enterprise_id, user=world.officer,
                                 organization="银行", kind="profile", at=at)
    rows = list(selectors.access_log_summary(world.enterprise))
    assert [r["count"] for r in rows] == [1, 1]


# --- the decision card ----------------------------------------------------------------------------

def test_the_proposal_card_and_the_approval_note(flow, world):
    app = flow.to(Status.PROPOSED)
    page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "拟批准条件" in page
    services.application_approve(application=app, user=world.approver, note="同意按拟定条件放款")
    page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "审批意见与决定" in page and "审批意见</dt>" in page and "原因</dt>" not in page


def test_a_rejection_reason_is_labelled_as_such(flow, world):
    app = flow.to(Status.REJECTED)
    page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "拒绝原因</dt>" in page


# --- money on the page, in refusals and in forms ---------------------------------------------------

def test_amounts_and_rates_are_written_one_way(flow, world):
    app = flow.to(Status.DISBURSED)
    page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "100 万元" in page  # amount and credit line of 1,000,000
    assert "3.60%" in page and "3.600%" not in page
    assert "40 万元" in page  # the disbursement of 400,000
    assert "1000000.00" not in page and "400000.00" not in page
    listing = client_for(world, "enterprise").get(reverse("applications:list")).content.decode()
    assert re.search(r'<td class="text-end">100</td>', listing)


def test_the_application_form_takes_separators_and_wan(flow, world):
    app = flow.draft()
    client = client_for(world, "enterprise")
    page = client.get(reverse("applications:edit", args=[app.pk])).content.decode()
    assert "千位分隔符" in page and 'inputmode="decimal"' in page
    data = {"product": flow.product.pk, "amount": "2，000，000", "term_months": 12, "purpose": "equipment",
            "need_statement": "购置设备", "claims": [HELD]}
    r = client.post(reverse("applications:edit", args=[app.pk]), data)
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.amount == Decimal("2000000")
    client.post(reverse("applications:edit", args=[app.pk]), {**data, "amount": "150 万元"})
    app.refresh_from_db()
    assert app.amount == Decimal("1500000")


def test_a_refused_amount_names_the_field_by_its_label(flow, world):
    app = flow.draft()
    data = {"product": flow.product.pk, "amount": "两百万", "term_months": 12, "purpose": "equipment",
            "need_statement": "购置设备"}
    body = client_for(world, "enterprise").post(reverse("applications:edit", args=[app.pk]), data).content.decode()
    assert "请输入以元为单位的金额" in body and "amount:" not in body


def test_the_propose_step_takes_separators_and_a_bad_number_names_its_label(flow, world):
    app = flow.to(Status.UNDER_REVIEW)
    client = client_for(world, "officer")
    r = client.post(reverse("applications:act", args=[app.pk, "propose"]),
                    {"credit_line": "abc", "annual_rate": "3.6", "term_months": 12, "guarantee_type": "credit"},
                    follow=True)
    alert = re.search(r'<div class="alert alert-danger[^>]*>(.*?)</div>', r.content.decode(), re.S).group(1)
    assert "授信额度（元）：" in alert and "credit_line" not in alert
    client.post(reverse("applications:act", args=[app.pk, "propose"]),
                {"credit_line": "1,000,000", "annual_rate": "3.6%", "term_months": 12, "guarantee_type": "credit"})
    app.refresh_from_db()
    assert app.status == Status.PROPOSED and app.credit_line == Decimal("1000000")


def test_a_product_range_refusal_is_in_wan(flow, world):
    from jingzhidai.errors import ApplicationError

    with pytest.raises(ApplicationError) as e:
        flow.draft(amount="50000000")
    assert "10 万元" in str(e.value.message) and "500 万元" in str(e.value.message)
