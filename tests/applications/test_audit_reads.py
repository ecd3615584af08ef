"""Regulators' reads of applications are in the audit trail (issue 9); banks' and the
enterprise's are not (banks' opens are in the enterprise's access log instead)."""

import pytest
from django.urls import reverse

from applications.choices import Status
from audit.models import AuditEvent

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_district_regulator_reading_applications_is_audited_a_bank_is_not(world, flow):
    app = flow.to(Status.SUBMITTED)
    for who in ("enterprise", "officer"):
        assert client_for(world, who, api=True).get(reverse("api:application-detail", args=[app.pk])).status_code == 200
    assert not AuditEvent.objects.exists()
    client = client_for(world, "district", api=True)
    assert client.get(reverse("api:application-list")).status_code == 200
    assert client.get(reverse("api:application-detail", args=[app.pk])).status_code == 200
    page = client_for(world, "district").get(reverse("applications:detail", args=[app.pk]))
    assert page.status_code == 200
    recorded = list(AuditEvent.objects.order_by("id").values_list("action", "object_type", "object_id", "username"))
    assert recorded == [("list", "applications.application", "", world.district.username),
                        ("read", "applications.application", str(app.pk), world.district.username),
                        ("read", "applications.application", str(app.pk), world.district.username)]


def test_another_districts_regulator_is_refused_and_that_is_audited(world, flow):
    app = flow.to(Status.SUBMITTED)
    response = client_for(world, "district_2", api=True).get(reverse("api:application-detail", args=[app.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.username) == ("refused", str(app.pk), world.district_2.username)
