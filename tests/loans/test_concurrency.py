"""Two alert jobs at once raise and notify each alert exactly once; two repayments with the
same bank reference at once record one. Needs PostgreSQL (row locks, ON CONFLICT)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Notification
from elements import services as element_services
from elements.signals import library_changed
from loans import services
from loans.choices import Audience
from loans.models import Repayment, RiskAlert
from loans.receivers import library_changed_alerts

from ..helpers import race
from .conftest import make_loan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data_restored"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and ON CONFLICT races need PostgreSQL; run with DATABASE_URL=postgres://…"),
]


@pytest.fixture
def no_automatic_job():
    """The signal would run the job inline at the end of each entry: here the test runs it."""
    library_changed.disconnect(dispatch_uid="loans.library_changed")
    yield
    library_changed.connect(library_changed_alerts, dispatch_uid="loans.library_changed")


def test_two_alert_jobs_at_once_raise_each_alert_once(world, flow, no_automatic_job):
    loan = make_loan(world, flow, days_ago=10)
    for n in range(3):
        element_services.listing_record(enterprise=world.ent, kind="abnormal",
                                        listed_on=timezone.localdate() - timedelta(days=n), user=world.district,
                                        entry_reason=f"第{n + 1}次")
    results, errors = race(services.risk_alerts_raise, services.risk_alerts_raise, services.risk_alerts_raise)
    assert not errors, errors
    assert sum(results) == 6  # 3 changes × (the bank, the district), notified by whichever job claimed them
    assert RiskAlert.objects.filter(audience=Audience.BANK, loan=loan).count() == 3
    assert RiskAlert.objects.filter(audience=Audience.DISTRICT).count() == 3
    assert Notification.objects.filter(recipient=world.officer, kind="risk_alert").count() == 3
    assert Notification.objects.filter(recipient=world.district, kind="risk_alert").count() == 3


def test_the_same_bank_reference_twice_at_once_is_one_repayment(world, flow):
    loan = make_loan(world, flow, days_ago=10)

    def pay():
        return services.repayment_record(loan=loan, user=world.officer, date=timezone.localdate(),
                                         principal="1000", interest="10", reference="CORE-42")

    results, errors = race(pay, pay)
    assert not errors, errors
    assert sorted(created for _r, created in results) == [False, True]
    assert Repayment.objects.filter(reference="CORE-42").count() == 1
    loan.refresh_from_db()
    assert loan.repaid_principal == 1000
