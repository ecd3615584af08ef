"""The enterprise's authorisation (consent) names one bank and lives no longer than needed:
moving a draft to another bank's product ends it, submitting asks for one for the bank the
application goes to, rejection and withdrawal end it, and so does `authorisations_end` (the
loans app calls it at settlement). Ending is recorded (time and reason), never a delete."""

import pytest
from django.urls import reverse

from applications import selectors, services
from applications.choices import AuthorisationEnd, Status
from applications.models import Authorisation
from jingzhidai.errors import ApplicationError

from ..helpers import client_for
from .conftest import HELD, UNHELD, upload

pytestmark = pytest.mark.django_db


def _profile(world, who, app):
    return client_for(world, who, api=True).get(reverse("api:application-profile", args=[app.pk]))


def _evidence_list(world, who, app):
    return client_for(world, who, api=True).get(reverse("api:application-evidence", args=[app.pk]))


def _move(app, world, product_2):
    return services.application_update(application=app, user=world.enterprise, product=product_2)


def test_moving_a_draft_to_another_bank_ends_the_authorisation(flow, world, product_2):
    app = flow.draft()
    first = Authorisation.objects.get(application=app)
    assert first.bank_id == world.bank.pk
    _move(app, world, product_2)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.end_reason == AuthorisationEnd.BANK_CHANGED
    assert not selectors.authorisation_active(app)


def test_submit_after_the_move_asks_for_the_new_bank(flow, world, product_2):
    app = flow.draft()
    _move(app, world, product_2)
    with pytest.raises(ApplicationError) as e:
        services.application_submit(application=app, user=world.enterprise)
    assert e.value.code == "authorisation_required"
    assert world.bank_2.name in str(e.value.message)
    services.authorisation_grant(application=app, user=world.enterprise)
    assert services.application_submit(application=app, user=world.enterprise).status == Status.SUBMITTED
    # Append-only: the ended ICBC row stays beside the new one.
    assert list(Authorisation.objects.filter(application=app).order_by("granted_at", "id").values_list(
        "bank_id", "end_reason")) == [(world.bank.pk, AuthorisationEnd.BANK_CHANGED), (world.bank_2.pk, "")]


def test_the_other_banks_officer_does_not_see_the_profile_after_the_move(flow, world, product_2):
    app = flow.draft()
    _move(app, world, product_2)
    with pytest.raises(ApplicationError):
        services.application_submit(application=app, user=world.enterprise)
    assert _profile(world, "officer_2", app).status_code == 404
    assert _profile(world, "officer", app).status_code == 404


def test_submit_through_the_api_may_authorise_the_new_bank(flow, world, product_2):
    app = flow.draft()
    _move(app, world, product_2)
    api = client_for(world, "enterprise", api=True)
    r = api.post(reverse("api:application-submit", args=[app.pk]), {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "authorisation_required"
    r = api.post(reverse("api:application-submit", args=[app.pk]), {"authorise": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["authorised_at"]
    assert _profile(world, "officer_2", app).status_code == 200


def test_moving_on_the_edit_page_without_ticking_does_not_authorise_the_new_bank(flow, world, product_2):
    app = flow.draft()
    page = client_for(world, "enterprise")
    form = page.get(reverse("applications:edit", args=[app.pk])).context["form"]
    assert not form["authorise"].value()  # never pre-ticked: the box always means "the bank chosen now"
    r = page.post(reverse("applications:edit", args=[app.pk]), {
        "product": product_2.pk, "amount": "1000000", "term_months": 12, "purpose": "equipment",
        "need_statement": "x", "claims": [HELD]})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.bank_id == world.bank_2.pk and not selectors.authorisation_active(app)


def test_an_authorisation_of_another_bank_opens_nothing(flow, world):
    """Data from before the fix: an application at bank 2 whose authorisation names bank 1."""
    app = flow.draft(other=True)
    services.evidence_add(application=app, user=world.enterprise_2, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise_2)
    assert _profile(world, "officer_2", app).status_code == 200
    Authorisation.objects.filter(application=app).update(bank=world.bank)
    assert _profile(world, "officer_2", app).status_code == 403
    assert _evidence_list(world, "officer_2", app).json() == []
    assert not selectors.authorisation_active(app)


def test_reject_ends_the_authorisation_and_the_bank_loses_access(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    services.application_accept(application=app, user=world.officer)
    assert _evidence_list(world, "officer", app).json()
    ev = app.evidence.get()
    services.evidence_review(evidence=ev, user=world.officer, verified=True)
    services.application_propose(application=app, user=world.officer, credit_line="1000000", annual_rate="3.6",
                                 term_months=12, guarantee_type="credit")
    services.application_reject(application=app, user=world.approver, reason="经营现金流不足")
    auth = Authorisation.objects.get(application=app)
    assert auth.revoked_at is not None and auth.end_reason == AuthorisationEnd.REJECTED
    assert _profile(world, "officer", app).status_code == 403
    assert _evidence_list(world, "officer", app).json() == []
    r = client_for(world, "officer", api=True).get(
        reverse("api:application-evidence-file", args=[app.pk, ev.pk]))
    assert r.status_code == 404


def test_withdraw_records_why_the_authorisation_ended(flow, world):
    app = flow.to(Status.SUBMITTED)
    services.application_withdraw(application=app, user=world.enterprise)
    auth = Authorisation.objects.get(application=app)
    assert auth.revoked_at is not None and auth.end_reason == AuthorisationEnd.WITHDRAWN


def test_a_closed_application_cannot_be_authorised_again(flow, world):
    app = flow.to(Status.SUBMITTED)
    services.application_withdraw(application=app, user=world.enterprise)
    with pytest.raises(ApplicationError) as e:
        services.authorisation_grant(application=app, user=world.enterprise)
    assert e.value.code == "authorisation_ended"
    assert Authorisation.objects.filter(application=app).count() == 1


def test_authorisations_end_at_settlement(flow, world):
    """What the loans app calls when the loan is settled."""
    app = flow.to(Status.DISBURSED)
    assert _profile(world, "officer", app).status_code == 200
    assert services.authorisations_end(application=app, reason=AuthorisationEnd.SETTLED) == 1
    auth = Authorisation.objects.get(application=app)
    assert auth.end_reason == AuthorisationEnd.SETTLED and auth.revoked_at is not None
    assert _profile(world, "officer", app).status_code == 403
    assert services.authorisations_end(application=app, reason=AuthorisationEnd.SETTLED) == 0  # nothing left
    with pytest.raises(TypeError):
        services.authorisations_end(app, AuthorisationEnd.SETTLED)  # keyword-only


def test_the_page_offers_to_authorise_the_bank_the_draft_goes_to_now(flow, world, product_2):
    app = flow.draft()
    _move(app, world, product_2)
    page = client_for(world, "enterprise")
    html = page.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert reverse("applications:authorise", args=[app.pk]) in html and world.bank_2.name in html
    assert page.post(reverse("applications:authorise", args=[app.pk])).status_code == 302
    assert selectors.authorisation_current(app).bank_id == world.bank_2.pk
