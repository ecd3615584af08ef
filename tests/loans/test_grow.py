"""grow_demo writes the loans of the contracts it generates with them (loans/grow.py): they are
exactly the loans the loans app opens for those contracts (`loans_reconcile`, the nightly
job's way): figures, status, product, classification, next due date, history row and schedule
to the cent; only ids and the moment of opening differ."""

import pytest
from django.core.management import call_command
from django.db.models import F

from applications import grow
from applications.models import Contract
from loans.grow import LoanRows
from loans.models import Instalment, Loan, LoanHistory
from loans.services import loans_reconcile

pytestmark = pytest.mark.django_db

LOAN_IGNORED = {"id", "status_changed_at", "created_at"}


def _loans_by_contract():
    """{contract id: (loan columns, history rows, schedule rows)}, ids and time stamps aside."""
    fields = [f.attname for f in Loan._meta.concrete_fields if f.attname not in LOAN_IGNORED]
    loans = {row["contract_id"]: row for row in Loan.objects.values(*fields)}
    ids = dict(Loan.objects.values_list("id", "contract_id"))
    history, schedules = {}, {}
    for row in LoanHistory.objects.order_by("id").values(
            "loan_id", *(f.attname for f in LoanHistory._meta.concrete_fields
                         if f.attname not in {"id", "loan_id", "at"})):
        history.setdefault(ids[row.pop("loan_id")], []).append(row)
    for loan_id, *row in Instalment.objects.order_by("loan_id", "number").values_list(
            "loan_id", "number", "due_on", "principal", "interest"):
        schedules.setdefault(ids[loan_id], []).append(tuple(row))
    return {c: (loans[c], history.get(c), schedules.get(c)) for c in loans}


@pytest.mark.parametrize("process", [False, True])
def test_grown_loans_are_those_the_loans_app_opens(world, product, held, process):
    _grown_equal_reconciled(process=process)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_as_grow_demo_runs_it_three_connections_and_the_loan_indexes_come_back(world, product, held):
    """Outside a transaction, as `grow_demo` runs it: generated in two forked processes, the
    schedules copied on a third connection, the loan tables' indexes dropped and rebuilt; the
    loans are still those the loans app opens."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    tables = [m._meta.db_table for m in LoanRows.tables]

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
            return {name for (name,) in cursor.fetchall()}

    before = indexes()
    assert "loan_bank_book" in before
    _grown_equal_reconciled(process=True, reindex=True)
    assert indexes() == before


def _grown_equal_reconciled(**options):
    grow.grow(applications=400, seed=5, extensions=[LoanRows()], **options)
    grown = _loans_by_contract()
    assert len(grown) == Contract.objects.count() > 50
    # Disbursed in one or two tranches, and not disbursed yet (the contract amount planned).
    assert {len(set(schedule)) > 0 for _loan, _history, schedule in grown.values()} == {True}
    assert {loan["disbursed"] > 0 for loan, _h, _s in grown.values()} == {True, False}
    assert Contract.objects.filter(loan__disbursed__lt=F("amount"), loan__disbursed__gt=0).exists()
    assert any(loan["days_past_due"] for loan, _h, _s in grown.values())
    assert sum(len(s) for _loan, _h, s in grown.values()) == Instalment.objects.count()
    assert loans_reconcile() == 0  # the nightly job finds nothing to open

    Loan.objects.all().delete()  # their history rows and schedules go with them
    assert loans_reconcile() == len(grown)
    assert _loans_by_contract() == grown


def test_grow_demo_opens_the_loans_with_the_rows(world, product, held):
    call_command("grow_demo", applications=150, verbosity=0)
    assert Loan.objects.count() == Contract.objects.count() > 0
    assert not Contract.objects.filter(loan__isnull=True).exists()
    assert LoanHistory.objects.count() == Loan.objects.count()
    assert not Loan.objects.exclude(product_id=F("application__product_id")).exists()
    assert not Loan.objects.exclude(enterprise_id=F("application__enterprise_id")).exists()


def test_without_loans_the_nightly_job_opens_them(world, product, held):
    call_command("grow_demo", applications=150, no_loans=True, verbosity=0)
    assert not Loan.objects.exists()
    assert loans_reconcile() == Contract.objects.count() > 0


def test_every_loan_column_is_written():
    """Each column of the loan tables is either computed per loan or its model default."""
    rows = LoanRows()
    for model, columns in rows.columns.items():
        expected = {f.column for f in model._meta.concrete_fields} - ({"id"} if model is not Loan else set())
        assert set(columns) == expected and len(columns) == len(set(columns)), model
