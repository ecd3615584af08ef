"""A regulator's reads of loans and risk alerts are in the audit trail like its reads of
applications (issue 9, audit); the bank's own reads are not, and another district's attempt
is recorded as refused."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_district_regulator_reading_loans_is_audited_a_bank_is_not(world, loan_of):
    loan = loan_of()
    assert client_for(world, "officer", api=True).get(reverse("api:loan-detail", args=[loan.pk])).status_code == 200
    assert client_for(world, "officer").get(reverse("loans:detail", args=[loan.pk])).status_code == 200
    assert not AuditEvent.objects.exists()
    api = client_for(world, "district", api=True)
    assert api.get(reverse("api:loan-list")).status_code == 200
    assert api.get(reverse("api:loan-detail", args=[loan.pk])).status_code == 200
    assert client_for(world, "district").get(reverse("loans:detail", args=[loan.pk])).status_code == 200
    assert client_for(world, "district").get(reverse("loans:alerts")).status_code == 200
    recorded = list(AuditEvent.objects.order_by("id").values_list("action", "object_type", "object_id", "username"))
    assert recorded == [("list", "loans.loan", "", world.district.username),
                        ("read", "loans.loan", str(loan.pk), world.district.username),
                        ("read", "loans.loan", str(loan.pk), world.district.username),
                        ("list", "loans.riskalert", "", world.district.username)]


def test_another_districts_regulator_is_refused_and_that_is_audited(world, loan_of):
    loan = loan_of()
    assert client_for(world, "district_2", api=True).get(reverse("api:loan-detail", args=[loan.pk])).status_code == 404
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.username) == ("refused", str(loan.pk), world.district_2.username)
