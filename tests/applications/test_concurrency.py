"""Two users acting at once: the transition locks the row, so exactly one wins. Needs
PostgreSQL (SQLite serialises whole transactions and has no row locks)."""

from decimal import Decimal

import pytest
from django.db import connection

from applications import services
from applications.choices import Status
from applications.models import Application, Disbursement, HistoryEntry
from identity.choices import Role
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

from ..factories import UserFactory
from ..helpers import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data_restored"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks (select_for_update) need PostgreSQL; run with DATABASE_URL=postgres://…"),
]


def _race(*calls):
    return race(*calls, catch=ApplicationError)


def test_two_approvals_at_once_exactly_one_wins(flow, world):
    app = flow.to(Status.PROPOSED)
    second = UserFactory(role=Role.BANK_APPROVER, bank=world.bank)
    results, errors = _race(lambda: services.application_approve(application=app, user=world.approver),
                            lambda: services.application_approve(application=app, user=second))
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], TransitionNotAllowed)
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    assert HistoryEntry.objects.filter(application=app, to_status=Status.APPROVED).count() == 1


def test_approve_and_reject_at_once_exactly_one_wins(flow, world):
    app = flow.to(Status.PROPOSED)
    second = UserFactory(role=Role.BANK_APPROVER, bank=world.bank)
    results, errors = _race(lambda: services.application_approve(application=app, user=world.approver),
                            lambda: services.application_reject(application=app, user=second, reason="不符合"))
    assert len(results) == 1 and len(errors) == 1
    app.refresh_from_db()
    assert app.status in (Status.APPROVED, Status.REJECTED)
    assert HistoryEntry.objects.filter(application=app, from_status=Status.PROPOSED).count() == 1


def test_two_disbursements_at_once_never_exceed_the_contract(flow, world):
    app = flow.to(Status.CONTRACTED)  # contract of 1 000 000
    results, errors = _race(
        lambda: services.application_disburse(application=app, user=world.approver, amount="600000"),
        lambda: services.application_disburse(application=app, user=world.officer, amount="600000"))
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].code == "over_contract"
    assert Disbursement.objects.filter(application=app).count() == 1
    assert sum(d.amount for d in Disbursement.objects.filter(application=app)) == Decimal("600000")
    assert Application.objects.get(pk=app.pk).status == Status.DISBURSED


def test_two_disbursements_that_fit_both_land(flow, world):
    app = flow.to(Status.CONTRACTED)
    results, errors = _race(
        lambda: services.application_disburse(application=app, user=world.approver, amount="500000"),
        lambda: services.application_disburse(application=app, user=world.officer, amount="500000"))
    assert len(results) == 2 and not errors
    assert sum(d.amount for d in Disbursement.objects.filter(application=app)) == Decimal("1000000")


def test_two_workers_sending_the_same_notification_send_one_email(flow, world, monkeypatch):
    import time

    from django.core import mail

    from applications.models import Notification

    world.officer.email = "officer@bank.example"
    world.officer.save()
    n = Notification.objects.create(recipient=world.officer, kind="verification_asked", subject="s", body="b",
                                    url="/x/")
    sent = []

    def slow_send(subject, body, sender, to, **kwargs):  # the first worker is still sending
        sent.append(to)
        time.sleep(0.5)
        return 1

    monkeypatch.setattr(services, "send_mail", slow_send)
    results, errors = _race(lambda: services.notification_email_send(notification_id=n.pk),
                            lambda: services.notification_email_send(notification_id=n.pk))
    assert sorted(results) == [False, True] and not errors
    assert sent == [["officer@bank.example"]] and not mail.outbox
    n.refresh_from_db()
    assert n.emailed_at is not None
