"""Free text has a maximum (issue 9): an over-long note or reason is refused with a message on
the field, in the API, on the page and in the service, and changes nothing."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import Application, HistoryEntry
from jingzhidai.errors import ApplicationError
from jingzhidai.limits import LONG_TEXT, NOTE

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_an_over_long_return_note_is_a_400_on_the_field_and_changes_nothing(world, flow):
    app = flow.to(Status.UNDER_REVIEW)
    history = HistoryEntry.objects.count()
    response = client_for(world, "officer", api=True).post(
        reverse("api:application-return", kwargs={"pk": app.pk}), {"note": "缺" * (NOTE + 1)}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and str(NOTE) in body["extra"]["fields"]["note"][0]
    app.refresh_from_db()
    assert app.status == Status.UNDER_REVIEW and HistoryEntry.objects.count() == history


def test_a_note_at_the_maximum_is_taken(world, flow):
    app = flow.to(Status.UNDER_REVIEW)
    response = client_for(world, "officer", api=True).post(
        reverse("api:application-return", kwargs={"pk": app.pk}), {"note": "缺" * NOTE}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.RETURNED


def test_an_over_long_reject_reason_on_the_page_is_refused(world, flow):
    app = flow.to(Status.PROPOSED)
    client = client_for(world, "approver")
    client.post(reverse("applications:act", kwargs={"pk": app.pk, "action": "reject"}),
                {"reason": "否" * (NOTE + 1)})
    app.refresh_from_db()
    assert app.status == Status.PROPOSED and app.decision_reason == ""


def test_the_service_refuses_an_over_long_statement_whoever_calls_it(world, flow, product):
    count = Application.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.application_create(user=world.enterprise, product=product, amount="100000", term_months=12,
                                    purpose="equipment", purpose_description="", need_statement="需" * (LONG_TEXT + 1))
    assert "need_statement" in refused.value.extra["fields"]
    assert Application.objects.count() == count


def test_an_over_long_search_is_a_400_on_the_api(world):
    response = client_for(world, "city", api=True).get(reverse("api:enterprise-list"), {"q": "x" * 101})
    assert response.status_code == 400 and "q" in response.json()["extra"]["fields"]
