"""The demo world has loans in every state, fund-use reports, open and acknowledged alerts,
and each role's loan pages show them; seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from identity.models import User
from loans.choices import FundUseStatus, LoanStatus
from loans.models import FundUseReport, Loan, RiskAlert

pytestmark = pytest.mark.django_db


def test_demo_loans_in_every_state(db, client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert set(Loan.objects.values_list("status", flat=True)) == set(LoanStatus.values)
    assert Loan.objects.filter(extended_on__isnull=False).exists()
    assert {FundUseStatus.ACCEPTED, FundUseStatus.QUESTIONED} <= set(
        FundUseReport.objects.values_list("status", flat=True))
    bank_alerts = RiskAlert.objects.filter(audience="bank")
    assert bank_alerts.filter(acknowledged_at__isnull=False).exists()
    assert bank_alerts.filter(acknowledged_at__isnull=True).exists()
    assert bank_alerts.filter(good_news=True).exists() and RiskAlert.objects.filter(audience="district").exists()
    counts = (Loan.objects.count(), RiskAlert.objects.count(), FundUseReport.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Loan.objects.count(), RiskAlert.objects.count(), FundUseReport.objects.count()) == counts
    overdue = Loan.objects.get(status=LoanStatus.OVERDUE, contract__number__startswith="ICBC-DEMO-")
    for username, urls, text in (
            ("demo-officer", [reverse("loans:list"), reverse("loans:alerts")], overdue.contract.number),
            ("demo-enterprise", [reverse("loans:list"), reverse("loans:detail", args=[overdue.pk])],
             overdue.contract.number),
            ("demo-district", [reverse("loans:list"), reverse("loans:alerts")], overdue.contract.number)):
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
        assert text in client.get(reverse("loans:list")).content.decode()
