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


def _as_opened(loan):
    """A loan as opening makes it, without its id and the moment it was made."""
    from django.forms.models import model_to_dict

    figures = model_to_dict(loan, exclude=["id", "status_changed_at"])
    schedule = list(loan.instalments.order_by("number").values_list("number", "due_on", "principal", "interest"))
    history = list(loan.history.values_list("action", "from_status", "to_status", "actor_id", "note"))
    return figures, schedule, history


def test_reconcile_in_chunks_opens_the_loans_the_contract_step_opens(world, flow):
    """The nightly reconcile (and grow_demo) opens many loans at once, a chunk at a time: each
    is the loan the contract and disbursement steps made (figures, schedule, next due date,
    history), for every repayment method, disbursed or not."""
    from applications.choices import RepaymentMethod
    from loans import services

    made = [make_loan(world, flow, method=method, days_ago=days, disburse=disburse, number=f"HT-R{i}")
            for i, (method, days, disburse) in enumerate([
                (RepaymentMethod.EQUAL_INSTALMENTS, 100, "1000000"), (RepaymentMethod.EQUAL_PRINCIPAL, 40, "400000"),
                (RepaymentMethod.INTEREST_MONTHLY, 10, None), (RepaymentMethod.EQUAL_INSTALMENTS, 200, "250000")])]
    before = {loan.contract_id: _as_opened(loan) for loan in made}
    Loan.objects.filter(pk__in=[loan.pk for loan in made]).delete()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert services.loans_reconcile(chunk=3) == len(made)
    # A constant number per chunk (two chunks here, then the empty read that ends it): the
    # contracts are read with their applications' enterprise and product, no query per contract
    # (the product was a deferred field, read back one contract at a time: 330,000 queries in
    # grow_demo's reconcile at 1,000,000).
    assert len(queries) == 11, [q["sql"][:80] for q in queries]
    after = {loan.contract_id: _as_opened(loan) for loan in Loan.objects.filter(contract_id__in=before)}
    assert after == before
    assert services.loans_reconcile() == 0
