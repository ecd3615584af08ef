"""The loan history keeps each classification with its as-of day, so that a period's
non-performing figures read the classification in force at its end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loans import services
from loans.choices import Classification, LoanAction
from loans.models import LoanHistory
from regulators import metrics

from ..loans.conftest import flow, loan_of, make_loan  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_classification_is_recorded_with_its_day_and_read_as_of_a_period_end(world, loan_of):  # noqa: F811
    loan = loan_of(days_ago=100)
    today = timezone.localdate()
    services.loan_classify(loan=loan, user=world.approver, classification=Classification.SUBSTANDARD,
                           classified_on=today - timedelta(days=10))
    row = LoanHistory.objects.get(loan=loan, action=LoanAction.CLASSIFY)
    assert (row.classification, row.effective_on) == (Classification.SUBSTANDARD, today - timedelta(days=10))
    before = metrics.Period(today - timedelta(days=40), today - timedelta(days=20))
    after = metrics.Period(today - timedelta(days=9), today - timedelta(days=1))
    assert metrics.compute_dashboard(metrics.Scope(), before)["loans"]["npl_loans"] == 0
    assert metrics.compute_dashboard(metrics.Scope(), after)["loans"]["npl_loans"] == 1
