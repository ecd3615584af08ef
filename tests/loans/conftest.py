"""Fixtures for post-loan management: the applications flow (world.ent applies to world.bank)
brought to a signed contract and a disbursement in the past, so schedules have come due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services as app_services
from applications.choices import RepaymentMethod, Status
from applications.demo import stages_backdate
from loans.models import Loan

from ..applications import conftest as applications_fixtures
from ..applications.conftest import PDF, Flow, flow_of, held, product, product_2, upload  # noqa: F401 - fixtures

flow = applications_fixtures.flow  # the applications' flow fixture, under its name


def make_loan(world, flow, *, method=RepaymentMethod.EQUAL_INSTALMENTS, days_ago=100, disburse="1000000",
              number=None):
    """A loan of world.ent at world.bank: 1,000,000 yuan, 12 months at 3.6 %, signed and
    disbursed `days_ago` days ago (nothing disbursed when `disburse` is None)."""
    app = flow.to(Status.APPROVED)
    signed = timezone.localdate() - timedelta(days=days_ago)
    stages_backdate(app, decided_on=signed)
    app = app_services.application_contract(application=app, user=world.officer, number=number or f"HT-{app.pk}",
                                            signed_on=signed, repayment_method=method)
    if disburse:
        app_services.application_disburse(application=app, user=world.approver, amount=disburse, date=signed)
    return Loan.objects.select_related("contract", "application", "enterprise", "bank").get(application=app)


@pytest.fixture
def loan_of(world, flow):
    return lambda **kw: make_loan(world, flow, **kw)
