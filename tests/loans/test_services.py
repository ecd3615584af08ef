"""The loan from its contract on: schedule, repayments (idempotent, never beyond outstanding),
overdue and back, every status transition and its refusals, authorisation ending."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services as app_services
from applications.choices import RepaymentMethod
from applications.models import Authorisation, Notification
from jingzhidai.errors import ApplicationError, TransitionNotAllowed
from loans import selectors, services
from loans.choices import Classification, LoanAction, LoanStatus
from loans.models import Instalment, LoanHistory, Repayment

pytestmark = pytest.mark.django_db


def _pay(loan, world, amount_principal, amount_interest="0", ref="R1", day=None):
    return services.repayment_record(loan=loan, user=world.officer, date=day or timezone.localdate(),
                                     principal=amount_principal, interest=amount_interest, reference=ref)


def test_loan_opens_at_contract_with_the_chosen_method_and_schedule(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.EQUAL_PRINCIPAL, disburse=None)
    assert loan.repayment_method == RepaymentMethod.EQUAL_PRINCIPAL
    assert loan.status == LoanStatus.REPAYING and loan.disbursed == 0 and loan.outstanding == 0
    assert sum(i.principal for i in loan.instalments.all()) == loan.contract.amount
    assert LoanHistory.objects.filter(loan=loan, action=LoanAction.OPEN).count() == 1
    # Idempotent: asking again returns the same loan.
    assert services.loan_for_contract(contract=loan.contract).pk == loan.pk


def test_disbursements_move_figures_and_schedule(world, flow, loan_of):
    loan = loan_of(disburse="400000")
    assert loan.disbursed == Decimal("400000") and loan.outstanding == Decimal("400000")
    assert sum(i.principal for i in loan.instalments.all()) == Decimal("400000")
    app_services.application_disburse(application=loan.application, user=world.approver, amount="600000",
                                      date=loan.first_disbursed_on)
    loan.refresh_from_db()
    assert loan.disbursed == Decimal("1000000") and loan.outstanding == Decimal("1000000")
    assert sum(i.principal for i in loan.instalments.all()) == Decimal("1000000")
    assert loan.instalments.count() == 12


def _position_read_back(loan):
    """What the nightly job and a repayment read: the saved schedule against the payments."""
    return selectors.due_positions(loan_ids=[loan.pk]).get(loan.pk)


@pytest.mark.parametrize("method", RepaymentMethod.values)
def test_next_due_at_opening_and_after_disbursements_is_what_the_saved_schedule_says(world, flow, loan_of, method):
    """The loan's next due date and amount are computed from the schedule in memory when it is
    opened and when a disbursement moves it (issue 10: no read-back query); they are what
    `due_positions` reads back from the saved rows, repayments included."""
    loan = loan_of(method=method, disburse=None)
    assert loan.next_due_on is not None
    assert (loan.next_due_on, loan.next_due_amount) == _position_read_back(loan)
    for amount in ("400000", "300000"):
        app_services.application_disburse(application=loan.application, user=world.approver, amount=amount,
                                          date=loan.contract.signed_on)
        loan.refresh_from_db()
        assert (loan.next_due_on, loan.next_due_amount) == _position_read_back(loan)
        _pay(loan, world, "1000", "50", ref=f"R-{amount}", day=loan.contract.signed_on)
        loan.refresh_from_db()
        assert (loan.next_due_on, loan.next_due_amount) == _position_read_back(loan)


def test_due_position_of_a_schedule_in_memory():
    from loans.schedules import Instalment as Row

    day = timezone.localdate()
    rows = [Row(1, day, Decimal("100"), Decimal("10")), Row(2, day + timedelta(days=30), Decimal("100"),
                                                           Decimal("5"))]
    assert selectors.due_position_of(rows, paid=Decimal(0)) == (day, Decimal("110.00"))
    assert selectors.due_position_of(rows, paid=Decimal("110")) == (day + timedelta(days=30), Decimal("105.00"))
    assert selectors.due_position_of(rows, paid=Decimal("50")) == (day, Decimal("60.00"))
    assert selectors.due_position_of(rows, paid=Decimal("215")) is None


def test_repayment_is_idempotent_by_bank_reference(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.INTEREST_MONTHLY, days_ago=10)
    r1, created = _pay(loan, world, "1000", "100", ref="CORE-1")
    again, created_again = _pay(loan, world, "1000", "100", ref="CORE-1")
    assert created and not created_again and again.pk == r1.pk
    loan.refresh_from_db()
    assert loan.repaid_principal == Decimal("1000") and loan.outstanding == Decimal("999000")
    with pytest.raises(TransitionNotAllowed) as e:
        _pay(loan, world, "2000", "100", ref="CORE-1")
    assert e.value.code == "duplicate_reference"
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_never_more_principal_than_outstanding(world, flow, loan_of):
    loan = loan_of(days_ago=10, disburse="300000")
    with pytest.raises(TransitionNotAllowed) as e:
        _pay(loan, world, "300000.01")
    assert e.value.code == "over_outstanding" and e.value.extra["outstanding"] == "300000.00"
    loan.refresh_from_db()
    assert loan.outstanding == Decimal("300000") and not Repayment.objects.exists()


@pytest.mark.parametrize("fields, field", [
    ({"principal": "-1"}, "principal"), ({"principal": "abc"}, "principal"), ({"principal": "0.001"}, "principal"),
    ({"reference": ""}, "reference"), ({"date": "2020-01-01"}, "date"), ({"date": "tomorrow"}, "date"),
])
def test_bad_repayments_are_refused_with_the_field(world, flow, loan_of, fields, field):
    loan = loan_of(days_ago=10)
    data = {"date": timezone.localdate(), "principal": "10", "interest": "1", "reference": "X", **fields}
    with pytest.raises(ApplicationError) as e:
        services.repayment_record(loan=loan, user=world.officer, **data)
    assert field in e.value.extra["fields"]
    assert not Repayment.objects.exists()


def test_only_the_bank_desk_records_repayments(world, flow, loan_of):
    loan = loan_of(days_ago=10)
    for who in (world.enterprise, world.officer_2, world.bank_admin, world.district):
        with pytest.raises(ApplicationError) as e:
            services.repayment_record(loan=loan, user=who, date=timezone.localdate(), principal="1", interest="0",
                                      reference="X")
        assert e.value.status_code == 403


def test_overdue_nightly_and_back_when_paid(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.EQUAL_INSTALMENTS, days_ago=70)  # two instalments due
    counts = services.loans_overdue_refresh()
    assert counts["overdue"] == 1
    loan.refresh_from_db()
    first = loan.instalments.get(number=1)
    assert loan.status == LoanStatus.OVERDUE and loan.overdue_since == first.due_on
    assert loan.days_past_due == (timezone.localdate() - first.due_on).days
    assert loan.next_due_amount == first.total  # owed up to and including the first instalment not covered
    assert LoanHistory.objects.filter(loan=loan, action=LoanAction.OVERDUE, actor__isnull=True).count() == 1
    assert Notification.objects.filter(recipient=world.officer, kind="loan_overdue").exists()
    assert Notification.objects.filter(recipient=world.enterprise, kind="loan_overdue").exists()
    # Running again changes nothing more.
    assert services.loans_overdue_refresh()["overdue"] == 0
    # Paying one instalment leaves it overdue; paying everything due brings it back.
    due = list(loan.instalments.filter(due_on__lt=timezone.localdate()).order_by("number"))
    _pay(loan, world, due[0].principal, due[0].interest, ref="P1")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OVERDUE and loan.overdue_since == due[1].due_on
    _pay(loan, world, sum(i.principal for i in due[1:]), sum(i.interest for i in due[1:]), ref="P2")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAYING and loan.days_past_due == 0
    assert loan.next_due_on > timezone.localdate()
    assert LoanHistory.objects.filter(loan=loan, action=LoanAction.CURE).count() == 1


def test_nightly_cures_a_loan_whose_schedule_moved(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.INTEREST_MONTHLY, days_ago=40)
    services.loans_overdue_refresh()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OVERDUE
    interest = loan.instalments.get(number=1).interest
    _pay(loan, world, "0", interest, ref="I1")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAYING


def test_extend_once_with_reason_within_the_limit(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.INTEREST_MONTHLY, days_ago=10)
    old = loan.maturity_on
    with pytest.raises(ApplicationError) as e:
        services.loan_extend(loan=loan, user=world.officer, maturity_on=old + timedelta(days=400), reason="周转")
    assert "maturity_on" in e.value.extra["fields"]  # a 12-month loan extends by at most 12 months
    with pytest.raises(ApplicationError) as e:
        services.loan_extend(loan=loan, user=world.officer, maturity_on=old + timedelta(days=90), reason="")
    assert "reason" in e.value.extra["fields"]
    loan = services.loan_extend(loan=loan, user=world.officer, maturity_on=old + timedelta(days=90),
                                reason="订单回款延迟")
    assert loan.status == LoanStatus.EXTENDED and loan.original_maturity_on == old
    assert loan.instalments.order_by("-number").first().due_on == old + timedelta(days=90)
    assert sum(i.principal for i in loan.instalments.all()) == loan.disbursed
    with pytest.raises(TransitionNotAllowed):
        services.loan_extend(loan=loan, user=world.officer, maturity_on=old + timedelta(days=120), reason="再次")


def test_no_extension_of_an_overdue_loan(world, flow, loan_of):
    loan = loan_of(days_ago=70)
    services.loans_overdue_refresh()
    with pytest.raises(TransitionNotAllowed) as e:
        services.loan_extend(loan=loan, user=world.officer, maturity_on=loan.maturity_on + timedelta(days=30),
                             reason="x")
    assert e.value.extra["status"] == LoanStatus.OVERDUE


def test_settle_refused_while_outstanding_then_automatic_with_date_and_authorisation_ends(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.INTEREST_MONTHLY, days_ago=10, disburse="1000000")
    with pytest.raises(TransitionNotAllowed) as e:
        services.loan_settle(loan=loan, user=world.officer)
    assert e.value.code == "outstanding"
    assert Authorisation.objects.get(application=loan.application).active
    day = timezone.localdate() - timedelta(days=1)
    _pay(loan, world, "1000000", "1000", ref="ALL", day=day)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.SETTLED and loan.settled_on == day and loan.outstanding == 0
    assert not Authorisation.objects.get(application=loan.application).active
    with pytest.raises(TransitionNotAllowed):
        _pay(loan, world, "0", "1", ref="AFTER")


def test_settle_by_hand_when_the_contract_was_not_fully_disbursed(world, flow, loan_of):
    loan = loan_of(days_ago=10, disburse="200000")
    _pay(loan, world, "200000", "10", ref="ALL")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAYING  # the rest of the contract could still be disbursed
    loan = services.loan_settle(loan=loan, user=world.approver)
    assert loan.status == LoanStatus.SETTLED and loan.settled_on == timezone.localdate()


def test_default_and_write_off_by_the_approver_with_reasons(world, flow, loan_of):
    loan = loan_of(days_ago=10)
    with pytest.raises(ApplicationError) as e:
        services.loan_default(loan=loan, user=world.officer, reason="失联")
    assert e.value.status_code == 403
    with pytest.raises(TransitionNotAllowed):
        services.loan_write_off(loan=loan, user=world.approver, reason="核销")
    with pytest.raises(ApplicationError) as e:
        services.loan_default(loan=loan, user=world.approver, reason="")
    assert e.value.code == "reason_required"
    loan = services.loan_default(loan=loan, user=world.approver, reason="企业停产，联系不上")
    assert loan.status == LoanStatus.DEFAULTED and loan.closed_reason == "企业停产，联系不上"
    assert Authorisation.objects.get(application=loan.application).active
    loan = services.loan_write_off(loan=loan, user=world.approver, reason="经诉讼无可执行财产，核销")
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert not Authorisation.objects.get(application=loan.application).active
    assert list(LoanHistory.objects.filter(loan=loan).values_list("action", flat=True)) == [
        LoanAction.OPEN, LoanAction.DEFAULT, LoanAction.WRITE_OFF]


def test_classification_with_date_in_history_not_told_to_the_enterprise(world, flow, loan_of):
    loan = loan_of(days_ago=10)
    day = timezone.localdate() - timedelta(days=2)
    loan = services.loan_classify(loan=loan, user=world.officer, classification=Classification.SPECIAL_MENTION,
                                  classified_on=day)
    assert loan.classification == Classification.SPECIAL_MENTION and loan.classified_on == day
    assert loan.status == LoanStatus.REPAYING
    assert LoanHistory.objects.filter(loan=loan, action=LoanAction.CLASSIFY).exists()
    assert not Notification.objects.filter(recipient=world.enterprise, kind="loan_classify").exists()
    with pytest.raises(ApplicationError) as e:
        services.loan_classify(loan=loan, user=world.officer, classification="bad")
    assert "classification" in e.value.extra["fields"]


def test_other_bank_cannot_act(world, flow, loan_of):
    loan = loan_of(days_ago=10)
    with pytest.raises(ApplicationError) as e:
        services.loan_classify(loan=loan, user=world.officer_2, classification=Classification.LOSS)
    assert e.value.status_code == 403


def test_non_performing_share(world, flow, loan_of):
    a = loan_of(days_ago=10, disburse="300000")
    loan_of(days_ago=10, disburse="100000")
    services.loan_classify(loan=a, user=world.officer, classification=Classification.SUBSTANDARD)
    figures = selectors.loan_book_figures(selectors.loans_visible_to(world.officer))
    assert figures["outstanding"] == Decimal("400000") and figures["npl"] == Decimal("300000")
    assert figures["npl_share"] == Decimal("75.0")


def test_schedule_against_actual(world, flow, loan_of):
    loan = loan_of(method=RepaymentMethod.EQUAL_PRINCIPAL, days_ago=70)
    first = Instalment.objects.get(loan=loan, number=1)
    _pay(loan, world, first.principal, first.interest, ref="P1")
    loan.refresh_from_db()
    rows = selectors.schedule_against_actual(loan)
    assert [r.state for r in rows[:3]] == ["paid", "overdue", "future"]
