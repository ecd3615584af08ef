"""The loan pages: the bank's book with its filters and figures, the loan page (schedule
against actual, repayments, fund use, alerts, history) and its forms, the enterprise's view,
the alert inbox and acknowledgement, the repayment file import; every demo role's menu."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from banks.models import Product
from elements import services as element_services
from loans import services
from loans.models import Repayment, RiskAlert

from ..helpers import client_for
from .conftest import make_loan

pytestmark = pytest.mark.django_db


def test_loan_book_filters_and_figures(world, flow):
    late = make_loan(world, flow, days_ago=70)
    fine = make_loan(world, flow, days_ago=10)
    services.loans_overdue_refresh()
    page = client_for(world, "officer").get(reverse("loans:list"), {"overdue": "any"}).content.decode()
    assert late.contract.number in page and fine.contract.number not in page
    client = client_for(world, "officer")
    page = client.get(reverse("loans:list")).content.decode()
    # The figures follow in a request of their own (htmx, on load), for the page's filters.
    assert f'hx-get="{reverse("loans:figures")}"' in page
    figures = client.get(reverse("loans:figures")).content.decode()
    assert 'data-testid="figures"' in figures and "200" in figures  # 2,000,000 yuan outstanding = 200 万元


def test_loan_book_figures_follow_the_pages_filters(world, flow):
    late = make_loan(world, flow, days_ago=70)
    make_loan(world, flow, days_ago=10)
    services.loans_overdue_refresh()
    client = client_for(world, "officer")
    page = client.get(reverse("loans:list"), {"overdue": "any", "page": "1"}).content.decode()
    assert f'hx-get="{reverse("loans:figures")}?overdue=any"' in page  # the filters, not the page
    every = client.get(reverse("loans:figures")).context["figures"]
    overdue = client.get(reverse("loans:figures"), {"overdue": "any"}).context["figures"]
    assert (every["count"], every["open"], every["overdue"]) == (2, 2, 1)
    assert (overdue["count"], overdue["open"], overdue["overdue"]) == (1, 1, 1)
    assert overdue["outstanding"] == late.outstanding
    # Filters that do not validate show nothing, as on the list.
    assert client.get(reverse("loans:figures"), {"status": "nonsense"}).context["figures"]["count"] == 0


def test_a_loan_carries_its_applications_product_and_the_book_filters_by_it(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    assert loan.product_id == loan.application.product_id
    client = client_for(world, "officer")
    rows = client.get(reverse("loans:list"), {"product": loan.product_id}).context["object_list"]
    assert [r.pk for r in rows] == [loan.pk]
    other = Product.objects.create(bank=loan.bank, name="另一产品", **{
        f.name: getattr(loan.product, f.name) for f in Product._meta.concrete_fields
        if f.name not in ("id", "bank", "name")})
    assert list(client.get(reverse("loans:list"), {"product": other.pk}).context["object_list"]) == []
    assert client.get(reverse("loans:figures"), {"product": other.pk}).context["figures"]["count"] == 0
    assert client.get(reverse("loans:figures"), {"product": loan.product_id}).context["figures"]["count"] == 1


def test_loan_page_for_the_bank_and_the_enterprise(world, flow):
    loan = make_loan(world, flow, days_ago=40)
    services.loan_classify(loan=loan, user=world.officer, classification="special_mention")
    bank = client_for(world, "officer").get(reverse("loans:detail", args=[loan.pk])).content.decode()
    for part in ('data-testid="schedule"', 'data-testid="repayments"', 'data-testid="fund-use"',
                 'data-testid="alerts"', 'data-testid="history"', 'data-testid="actions"',
                 'data-testid="classification"'):
        assert part in bank, part
    ent = client_for(world, "enterprise").get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert 'data-testid="next-due"' in ent and 'data-testid="classification"' not in ent
    assert 'data-testid="alerts"' not in ent and 'data-testid="actions"' not in ent
    assert reverse("loans:fund_use_create", args=[loan.pk]) in ent


def test_forms_record_repayment_report_act_and_show_refusals(world, flow):
    loan = make_loan(world, flow, days_ago=10, disburse="100000")
    officer = client_for(world, "officer")
    r = officer.post(reverse("loans:repayment_create", args=[loan.pk]), {
        "date": str(timezone.localdate()), "principal": "500", "interest": "5", "reference": "PAGE-1"}, follow=True)
    assert Repayment.objects.filter(reference="PAGE-1").exists() and "PAGE-1" in r.content.decode()
    r = officer.post(reverse("loans:repayment_create", args=[loan.pk]), {
        "date": str(timezone.localdate()), "principal": "999999", "interest": "0", "reference": "PAGE-2"}, follow=True)
    assert "alert-danger" in r.content.decode() and not Repayment.objects.filter(reference="PAGE-2").exists()
    ent = client_for(world, "enterprise")
    ent.post(reverse("loans:fund_use_create", args=[loan.pk]), {
        "purpose": "equipment", "amount": "50000", "date": str(timezone.localdate()), "description": "购置设备"})
    assert loan.fund_use.count() == 1
    assert 'data-testid="fund-use-by-purpose"' in officer.get(reverse("loans:detail", args=[loan.pk])).content.decode()
    officer.post(reverse("loans:act", args=[loan.pk, "extend"]), {
        "maturity_on": str(loan.maturity_on + timedelta(days=30)), "reason": "回款延迟"})
    loan.refresh_from_db()
    assert loan.status == "extended"
    assert client_for(world, "enterprise").post(reverse("loans:act", args=[loan.pk, "classify"]), {
        "classification": "loss"}).status_code == 403


def test_alert_inbox_and_acknowledge_page(world, flow):
    make_loan(world, flow, days_ago=10)
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="页面测试")
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience="bank")
    inbox = client_for(world, "officer").get(reverse("loans:alerts"), {"acknowledged": "false"}).content.decode()
    assert "页面测试" in inbox
    page = client_for(world, "district").get(reverse("loans:alert_detail", args=[alert.pk])).content.decode()
    assert 'name="action"' not in page  # the district reads, the bank acknowledges
    client_for(world, "officer").post(reverse("loans:alert_detail", args=[alert.pk]),
                                      {"action": "tighten", "note": "按月走访"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.officer


def test_repayment_file_import(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    day = timezone.localdate()
    content = ("contract_number,date,principal,interest,reference\n"
               f"{loan.contract.number},{day},1000,10,F-1\n{loan.contract.number},{day},1000,10,F-1\n"
               f"NOPE,{day},1,0,F-2\n").encode("gb18030")
    r = client_for(world, "officer").post(reverse("loans:repayment_import"),
                                          {"file": SimpleUploadedFile("repay.csv", content, "text/csv")})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="results"' in body
    assert Repayment.objects.filter(reference="F-1").count() == 1
    r = client_for(world, "officer").post(reverse("loans:repayment_import"), {
        "file": SimpleUploadedFile("bad.csv", b"a,b\n1,2\n", "text/csv")})
    assert "contract_number" in r.content.decode()
    assert client_for(world, "enterprise").get(reverse("loans:repayment_import")).status_code == 403


@pytest.mark.parametrize("who, entries", [
    ("enterprise", ["loans:list"]), ("officer", ["loans:list", "loans:alerts"]),
    ("district", ["loans:list", "loans:alerts"]), ("city", ["loans:list", "loans:alerts"]),
])
def test_menus_and_home_cards(world, who, entries):
    home = client_for(world, who).get(reverse("identity:home"), follow=True).content.decode()
    for name in entries:
        assert f'href="{reverse(name)}"' in home, name


def test_words_on_the_loan_pages_mean_what_they_say_in_chinese(world, flow):
    """"open" of an alert is 待处理, not a branch's 营业中; the first disbursement's date is not
    the history's "from" (原状态)."""
    loan = make_loan(world, flow, days_ago=10)
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="措辞")
    services.risk_alerts_raise()
    officer = client_for(world, "officer")
    for url in (reverse("loans:detail", args=[loan.pk]), reverse("loans:alerts")):
        page = officer.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "待处理" in page and "营业中" not in page, url
    page = officer.get(reverse("loans:detail", args=[loan.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "原状态" not in page and f"首次放款 {loan.first_disbursed_on:%Y-%m-%d}" in page


def test_the_loan_page_writes_money_one_way(world, flow):
    """Issue 14: 万元 with separators for large amounts, 元 with separators in tables, rates to
    two decimals; repayments typed with separators are understood."""
    import re

    loan = make_loan(world, flow, days_ago=40)
    client = client_for(world, "officer")
    page = client.get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert "100 万元 · 3.60%" in page
    assert re.search(r'data-testid="outstanding">100 万元<', page)
    assert "1000000.00" not in page and "3.600%" not in page
    client.post(reverse("loans:repayment_create", args=[loan.pk]),
                {"date": timezone.localdate().isoformat(), "principal": "12,000", "interest": "1,500.50",
                 "reference": "REF-ONE-WAY"})
    r = Repayment.objects.get(reference="REF-ONE-WAY")
    assert (r.principal, r.interest) == (12000, __import__("decimal").Decimal("1500.50"))
    page = client.get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert "12,000.00" in page and "1,500.50" in page


def test_the_loan_book_links_open_loans(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    page = client_for(world, "officer").get(reverse("loans:list"), {"open": "true"}).content.decode()
    assert loan.contract.number in page
    page = client_for(world, "officer").get(reverse("loans:list"), {"open": "false"}).content.decode()
    assert loan.contract.number not in page


def test_every_field_of_the_loan_page_has_a_visible_label(world, flow):
    """Issue 14: the repayment, fund-use, review, answer and bank-action fields are labelled on the
    page (not only by aria-label), amounts with their unit."""
    from ..helpers import unlabelled_fields

    loan = make_loan(world, flow, days_ago=40)
    report = services.fund_use_report_create(loan=loan, user=world.enterprise, purpose="equipment", amount="1000",
                                             date=timezone.localdate(), description="设备")
    bank = client_for(world, "officer").get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert 'name="principal"' in bank and 'name="classification"' in bank and 'name="verdict"' in bank
    assert unlabelled_fields(bank) == []
    assert "aria-label" not in bank.split('data-testid="repayments"')[1].split("</main>")[0]
    services.fund_use_report_review(report=report, user=world.officer, accepted=False, note="请补充合同")
    ent = client_for(world, "enterprise").get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert 'name="answer"' in ent and 'name="description"' in ent
    assert unlabelled_fields(ent) == []
    assert '<label class="form-label small" for="f-principal">本金（元）</label>' in bank
