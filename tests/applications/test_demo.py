"""The demo world: demo-enterprise holds distinctions and meets a product of demo-officer's
bank; every role's pages show something; seeding twice changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.choices import Status, VerificationStatus
from applications.models import Application, VerificationRequest
from banks import selectors as bank_selectors
from elements.selectors import profile_get
from identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return {u.username: u for u in User.objects.filter(username__startswith="demo-")}


def test_demo_world(demo, client):
    ent = demo["demo-enterprise"].enterprise
    profile = profile_get(enterprise=ent)
    assert profile.held_categories() and profile.quality_credit.holds
    products = bank_selectors.products_open_to(ent).filter(bank=demo["demo-officer"].bank)
    assert any(bank_selectors.product_match(p, profile)[0] for p in products)
    statuses = set(Application.objects.filter(enterprise=ent).values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.UNDER_REVIEW, Status.DISBURSED, Status.DRAFT} <= statuses
    vr = VerificationRequest.objects.get(status=VerificationStatus.OPEN)  # the year of history's are answered
    assert vr.status == VerificationStatus.OPEN and vr.regulator_unit == demo["demo-district"].regulator_unit
    count, asked = Application.objects.count(), VerificationRequest.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Application.objects.count() == count and VerificationRequest.objects.count() == asked
    demo = {u.username: u for u in User.objects.filter(username__startswith="demo-")}  # passwords were reset

    pages = {
        "demo-enterprise": [reverse("applications:list"), reverse("applications:create"),
                            reverse("applications:access_log"), reverse("applications:notifications")],
        "demo-officer": [reverse("applications:list"), reverse("applications:notifications")],
        "demo-approver": [reverse("applications:list")],
        "demo-district": [reverse("regulators:inbox"), reverse("applications:list")],
        "demo-city": [reverse("regulators:inbox")],
    }
    for username, urls in pages.items():
        client.force_login(demo[username])
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
        for app in Application.objects.filter(enterprise=ent).exclude(status=Status.DRAFT):
            if username != "demo-enterprise" and app.bank_id != getattr(demo[username], "bank_id", app.bank_id):
                continue
            assert client.get(reverse("applications:detail", args=[app.pk])).status_code == 200
    client.force_login(demo["demo-officer"])
    queue = client.get(reverse("applications:list")).content.decode()
    # The applications demo's three, plus those behind the loans demo's loans.
    held = Application.objects.filter(bank=demo["demo-officer"].bank, submitted_at__isnull=False).count()
    assert held >= 3 and queue.count('data-testid="application-row"') == min(held, 50)  # a page of 50
    client.force_login(demo["demo-district"])
    inbox = client.get(reverse("regulators:inbox")).content.decode()
    asked = VerificationRequest.objects.filter(regulator_unit=demo["demo-district"].regulator_unit).count()
    assert inbox.count('data-testid="request-row"') == min(asked, 50) and asked >= 1
    client.force_login(demo["demo-enterprise"])
    assert 'type="radio" name="product"' in client.get(reverse("applications:create")).content.decode()
