"""The access matrix for loans, fund-use reports (and their files) and risk alerts, pages and
API alike; constant query counts for every list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from elements import services as element_services
from loans import services
from loans.models import RiskAlert

from ..helpers import WORLD_USERS, TenantMatrix, assert_constant_queries, client_for
from .conftest import flow_of, make_loan, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flow")]  # TenantMatrix.make uses flow_of

BANK_SIDE = {"officer", "approver", "bank_admin"}


def _loan(world):
    return make_loan(world, flow_of(world), days_ago=10)


class TestLoanAccess(TenantMatrix):
    """The enterprise, its bank, its district regulator, the municipal bureau and admins."""

    allowed = {"enterprise", *BANK_SIDE, "district", "city", "admin"}

    def make(self, world):
        return _loan(world)

    def detail_urls(self, obj):
        return [(reverse("loans:detail", args=[obj.pk]), False), (reverse("api:loan-detail", args=[obj.pk]), True),
                (reverse("api:loan-fund-use-reports", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("loans:list"), False), (reverse("api:loan-list"), True)]

    def key(self, obj):
        return obj.contract.number

    @pytest.mark.parametrize("who", WORLD_USERS)
    def test_figures(self, world, who):
        """The loan book's figures (their own request) count only the loans the user sees."""
        self.make(world)
        response = client_for(world, who).get(reverse("loans:figures"))
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
            return
        assert response.status_code == 200
        assert response.context["figures"]["count"] == (1 if who in self.allowed else 0), who


class TestFundUseReportAccess(TenantMatrix):
    """A fund-use report: whoever sees the loan sees the report's figures."""

    allowed = {"enterprise", *BANK_SIDE, "district", "city", "admin"}

    def make(self, world):
        loan = _loan(world)
        return services.fund_use_report_create(loan=loan, user=world.enterprise, purpose="technical",
                                               amount="2345.67", date=timezone.localdate(), description="数控系统升级")

    def detail_urls(self, obj):
        return [(reverse("loans:detail", args=[obj.loan_id]), False),
                (reverse("api:loan-fund-use-reports", args=[obj.loan_id]), True)]

    def test_report_shown_to_the_allowed(self, world):
        report = self.make(world)
        for who in self.allowed:
            for url, api in self.detail_urls(report):
                assert "数控系统升级" in client_for(world, who, api=api).get(url).content.decode(), (who, url)


class TestFundUseFileAccess(TenantMatrix):
    """The supporting file: the enterprise and the bank holding the loan only."""

    allowed = {"enterprise", *BANK_SIDE}

    def make(self, world):
        loan = _loan(world)
        return services.fund_use_report_create(loan=loan, user=world.enterprise, purpose="equipment", amount="1000",
                                               date=timezone.localdate(), description="设备款",
                                               uploaded=upload("发票.pdf"))

    def detail_urls(self, obj):
        return [(reverse("loans:fund_use_file", args=[obj.loan_id, obj.pk]), False),
                (reverse("api:loan-fund-use-file", args=[obj.loan_id, obj.pk]), True)]


class TestRiskAlertAccess(TenantMatrix):
    """A bank's alert: its bank, the enterprise's district regulator, the municipal bureau and
    admins. Not the enterprise."""

    allowed = {*BANK_SIDE, "district", "city", "admin"}

    def make(self, world):
        _loan(world)
        element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                        user=world.district, entry_reason="矩阵测试")
        services.risk_alerts_raise()
        return RiskAlert.objects.get(audience="bank")

    def detail_urls(self, obj):
        return [(reverse("loans:alert_detail", args=[obj.pk]), False),
                (reverse("api:risk-alert-detail", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("loans:alerts"), False), (reverse("api:risk-alert-list"), True)]

    def key(self, obj):
        return "矩阵测试"  # the source of the change, on the page and in the API


class TestDistrictRiskAlertAccess(TestRiskAlertAccess):
    """The district regulator's copy of an alert: its district, the municipal bureau and
    admins. Not the banks (they have their own copy), not the enterprise."""

    allowed = {"district", "city", "admin"}

    def make(self, world):
        super().make(world)
        return RiskAlert.objects.get(audience="district")

    def list_urls(self):
        return [(reverse("loans:alerts") + "?audience=district", False),
                (reverse("api:risk-alert-list") + "?audience=district", True)]


def test_alert_list_page_shows_the_alert_to_its_bank_only(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="矩阵测试")
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience="bank", loan=loan)
    link = reverse("loans:alert_detail", args=[alert.pk])
    for who in ("officer", "approver", "bank_admin", "district", "city", "admin"):
        assert link in client_for(world, who).get(reverse("loans:alerts")).content.decode(), who
    for who in ("officer_2", "district_2"):
        assert link not in client_for(world, who).get(reverse("loans:alerts")).content.decode(), who


def _listed_and_removed(world, reason, days_ago=0):
    """A listing (bad news) and its removal the same day (good news): the enterprise's quality
    credit holds again, so it can keep borrowing in the test."""
    listing = element_services.listing_record(enterprise=world.ent, kind="abnormal",
                                              listed_on=timezone.localdate() - timedelta(days=days_ago),
                                              user=world.district, entry_reason=reason)
    element_services.listing_remove(listing=listing, removed_on=timezone.localdate(), user=world.district,
                                    reason="已整改")


def test_lists_run_constant_queries(world, flow):
    make_loan(world, flow, days_ago=10)
    _listed_and_removed(world, "一")
    services.risk_alerts_raise()
    n = iter(range(2, 100))

    def grow():
        loan = make_loan(world, flow, days_ago=10)
        services.fund_use_report_create(loan=loan, user=world.enterprise, purpose="quality", amount="100",
                                        date=timezone.localdate(), description="x")
        k = next(n)
        _listed_and_removed(world, str(k), days_ago=k)
        services.risk_alerts_raise()

    for who, url, api in (("officer", reverse("loans:list"), False), ("officer", reverse("api:loan-list"), True),
                          ("district", reverse("loans:list"), False), ("enterprise", reverse("loans:list"), False),
                          ("officer", reverse("loans:alerts"), False),
                          ("officer", reverse("api:risk-alert-list"), True),
                          ("district", reverse("loans:alerts"), False)):
        assert_constant_queries(client_for(world, who, api=api), url, grow)


def test_the_loan_page_and_its_report_list_run_constant_queries(world, flow):
    """The loan page lists repayments, fund-use reports (with files), alerts and history; the
    API lists the reports: more of each costs no more queries."""
    loan = make_loan(world, flow, days_ago=10)
    services.fund_use_report_create(loan=loan, user=world.enterprise, purpose="quality", amount="100",
                                    date=timezone.localdate(), description="a", uploaded=upload("a.pdf"))
    services.repayment_record(loan=loan, user=world.officer, date=timezone.localdate(), principal="10",
                              interest="1", reference="R0")
    _listed_and_removed(world, "0", days_ago=1)
    services.risk_alerts_raise()
    n = iter(range(1, 100))

    def grow():
        k = next(n)
        report = services.fund_use_report_create(loan=loan, user=world.enterprise, purpose="equipment",
                                                 amount="100", date=timezone.localdate(), description=str(k),
                                                 uploaded=upload(f"{k}.pdf"))
        services.fund_use_report_review(report=report, user=world.officer, accepted=False, note="?")
        services.repayment_record(loan=loan, user=world.officer, date=timezone.localdate(), principal="10",
                                  interest="1", reference=f"R{k}")
        services.loan_classify(loan=loan, user=world.officer, classification="special_mention")
        _listed_and_removed(world, str(k), days_ago=k + 1)
        services.risk_alerts_raise()

    for who in ("officer", "enterprise", "district"):
        assert_constant_queries(client_for(world, who), reverse("loans:detail", args=[loan.pk]), grow)
        assert_constant_queries(client_for(world, who, api=True),
                                reverse("api:loan-fund-use-reports", args=[loan.pk]), grow)
        assert_constant_queries(client_for(world, who, api=True), reverse("api:loan-detail", args=[loan.pk]), grow)
