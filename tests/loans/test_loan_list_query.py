"""The loan book counts open alerts per loan shown, not by grouping every visible loan before the
page is taken (the defect issue 10 measured on the applications list)."""

import pytest
from django.utils import timezone

from elements import services as element_services
from loans import selectors, services
from loans.choices import AlertAction

from .conftest import make_loan

pytestmark = pytest.mark.django_db


def test_the_loan_list_is_not_grouped_and_counts_the_banks_open_alerts(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    assert selectors.loan_list(world.officer).query.group_by is None  # no GROUP BY over the bank's loans
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="测试")
    element_services.listing_record(enterprise=world.ent, kind="serious", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="测试")
    services.risk_alerts_raise()
    assert selectors.loan_list(world.officer).get(pk=loan.pk).open_alerts == 2  # the district's copies not counted
    alert = selectors.risk_alerts_visible_to(world.officer).filter(loan=loan).first()
    services.risk_alert_acknowledge(alert=alert, user=world.officer, action=AlertAction.CONTINUE, note="已核实")
    assert selectors.loan_list(world.officer).get(pk=loan.pk).open_alerts == 1
