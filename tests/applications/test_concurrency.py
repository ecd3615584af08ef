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


def test_two_disburse_requests_with_one_idempotency_key_at_once_disburse_once(flow, world):
    """The same API request sent twice at the same moment (a client retrying on a timeout): the
    key's record is unique, so one request acts; the other is told the first is still running
    (409 idempotency_in_progress) or, if it already answered, gets that answer replayed."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    from identity.services import api_token_issue

    app = flow.to(Status.CONTRACTED)
    key = api_token_issue(user=world.approver)
    url = reverse("api:application-disburse", args=[app.pk])

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.post(url, {"amount": "300000"}, format="json", HTTP_IDEMPOTENCY_KEY="same-key")

    responses, _errors = _race(post, post)
    assert len(responses) == 2
    statuses = sorted(r.status_code for r in responses)
    assert statuses in ([200, 200], [200, 409])
    if statuses == [200, 409]:
        assert next(r for r in responses if r.status_code == 409).json()["code"] == "idempotency_in_progress"
    else:
        assert any(r.has_header("Idempotent-Replayed") for r in responses)
    assert Disbursement.objects.filter(application=app).count() == 1


def test_a_double_clicked_disburse_form_disburses_once_when_both_clicks_arrive_together(flow, world):
    """Both posts of one form token at the same moment: one acts, the other waits for its
    answer and goes to the same page."""
    import re

    from django.urls import reverse
    from django.utils import timezone

    from ..helpers import client_for

    app = flow.to(Status.CONTRACTED)
    action = reverse("applications:act", args=[app.pk, "disburse"])
    clients = [client_for(world, "approver"), client_for(world, "approver")]
    html = clients[0].get(reverse("applications:detail", args=[app.pk])).content.decode()
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>.*?</form>', html, re.S).group(0)
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', form).group(1)
    data = {"amount": "300000", "date": timezone.localdate().isoformat(), "form_token": token}
    responses, _errors = _race(*(lambda c=c: c.post(action, data) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.url for r in responses} == {reverse("applications:detail", args=[app.pk])}
    assert Disbursement.objects.filter(application=app).count() == 1
