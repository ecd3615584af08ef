"""The periodic jobs are declared by migration and the nightly task runs every part."""

import pytest
from django_celery_beat.models import PeriodicTask

from loans import tasks
from loans.choices import LoanStatus
from loans.models import Loan

from .conftest import make_loan

pytestmark = pytest.mark.django_db


def test_periodic_tasks_declared():
    alerts = PeriodicTask.objects.get(task="loans.risk_alerts_raise")
    assert alerts.enabled and (alerts.interval.every, alerts.interval.period) == (5, "minutes")
    nightly = PeriodicTask.objects.get(task="loans.nightly")
    assert nightly.enabled and (nightly.crontab.hour, nightly.crontab.minute) == ("1", "30")


def test_nightly_task_reconciles_and_refreshes(world, flow):
    loan = make_loan(world, flow, days_ago=70)
    result = tasks.nightly.delay().get()
    assert result["overdue"] == 1 and result["reconciled"] == 0
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.OVERDUE


def test_reconcile_opens_loans_for_contracts_without_one(world, flow):
    from loans import services

    loan = make_loan(world, flow, days_ago=10)
    contract = loan.contract
    loan.delete()  # as for a contract signed before the loans app existed
    assert services.loans_reconcile() == 1
    again = Loan.objects.get(contract=contract)
    assert again.disbursed == contract.amount and again.instalments.count() == 12
    assert services.loans_reconcile() == 0
