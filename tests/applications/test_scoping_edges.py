"""Edges of the application scope found in review: a draft withdrawn unsent stays the
enterprise's own; the bank's internal notes stay with the bank."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import Notification

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_draft_withdrawn_before_submission_stays_private(flow, world):
    app = flow.draft()
    app = services.application_withdraw(application=app, user=world.enterprise, note="填错了")
    assert app.status == Status.WITHDRAWN and app.submitted_at is None
    for who in ("officer", "approver", "district", "city", "admin"):
        api = client_for(world, who, api=True).get(reverse("api:application-detail", args=[app.pk]))
        assert api.status_code == 404, who
        listing = client_for(world, who, api=True).get(reverse("api:application-list")).json()
        assert app.pk not in [a["id"] for a in listing["results"]], who
    assert client_for(world, "enterprise", api=True).get(
        reverse("api:application-detail", args=[app.pk])).status_code == 200
    assert not Notification.objects.filter(application=app, recipient__bank=world.bank).exists()


def test_a_submitted_then_withdrawn_application_stays_with_the_bank(flow, world):
    app = flow.to(Status.WITHDRAWN)
    assert client_for(world, "officer", api=True).get(
        reverse("api:application-detail", args=[app.pk])).status_code == 200
    assert Notification.objects.filter(application=app, recipient=world.officer, kind="withdraw").exists()


def test_proposal_notes_are_the_banks_own(flow, world):
    app = flow.to(Status.PROPOSED)
    bank = client_for(world, "officer", api=True).get(reverse("api:application-detail", args=[app.pk])).json()
    assert bank["proposal_notes"] == "质量要素良好"
    ent = client_for(world, "enterprise", api=True).get(reverse("api:application-detail", args=[app.pk])).json()
    assert "proposal_notes" not in ent
    listing = client_for(world, "enterprise", api=True).get(reverse("api:application-list")).json()
    assert all("proposal_notes" not in a for a in listing["results"])


def test_an_application_cannot_be_routed_to_a_closed_branch(flow, world):
    from banks.models import Branch
    from jingzhidai.errors import ApplicationError

    closed = Branch.objects.create(bank=world.bank, name="已撤并支行", district_id="110108", is_active=False)
    with pytest.raises(ApplicationError) as e:
        services.application_create(user=world.enterprise, product=flow.product, branch=closed, amount="1000000",
                                    term_months=12, purpose="equipment", purpose_description="购置检测设备",
                                    need_statement="资金缺口100万元。", authorise=True)
    assert "branch" in e.value.extra["fields"]


def test_home_pages_show_what_is_waiting(flow, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    flow.to(Status.SUBMITTED)
    flow.to(Status.PROPOSED)
    officer_home = client_for(world, "officer").get(reverse("identity:home_bank")).content.decode()
    assert 'data-testid="home-cards"' in officer_home
    cards = officer_home[officer_home.index('data-testid="home-cards"'):]
    assert '<div class="stat text-warning">1</div><div class="small text-body">等待受理' in cards
    other_bank = client_for(world, "officer_2").get(reverse("identity:home_bank")).content.decode()
    assert "等待受理" in other_bank and '<div class="stat">0</div><div class="small text-body">等待受理' in other_bank
    with CaptureQueriesContext(connection) as few:
        client_for(world, "district").get(reverse("identity:home_regulator"))
    flow.to(Status.SUBMITTED)
    flow.to(Status.SUBMITTED)
    with CaptureQueriesContext(connection) as more:
        client_for(world, "district").get(reverse("identity:home_regulator"))
    assert len(few) == len(more)


def test_the_proposal_form_shows_the_products_rate_range(flow, world):
    app = flow.to(Status.UNDER_REVIEW)
    page = client_for(world, "officer").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="rate-range"' in page
    ent_page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="rate-range"' not in ent_page


@pytest.mark.parametrize("closed", ["suspend", "remove"])
def test_api_create_answers_a_closed_banks_product_like_an_unknown_one(flow, world, closed):
    """The API offers what the HTML form offers (products open to the enterprise): the id of a
    closed bank's product answers exactly like an id that does not exist, naming no bank."""
    from banks import services as bank_services

    bank_services.bank_transition(actor=world.admin, bank=world.bank_2, action=closed, reason="测试")
    client = client_for(world, "enterprise", api=True)

    def create(product_id):
        return client.post(reverse("api:application-list"), {
            "product": product_id, "amount": "1000000", "term_months": 12, "purpose": "equipment",
            "need_statement": "x"}, format="json")

    foreign, unknown = create(flow.product_2.pk), create(999999)
    assert foreign.status_code == unknown.status_code == 400
    body = foreign.content.decode()
    assert world.bank_2.name not in body
    assert body == unknown.content.decode().replace("999999", str(flow.product_2.pk))
    assert create(flow.product.pk).status_code == 201
