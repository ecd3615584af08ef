"""Double submission: an API request repeated with its Idempotency-Key, or a form posted twice
with its one-time token (a double click), acts once. The mechanism is `jingzhidai.once`; these
tests use the steps where a second effect hurts most (a disbursement, a new draft)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from applications.choices import Status
from applications.models import Application, Disbursement
from identity.models import RequestRecord
from identity.services import api_token_issue

from ..helpers import client_for
from .conftest import HELD

pytestmark = pytest.mark.django_db

TOKEN_FIELD = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
    return client


def _disburse(client, app, amount="100000", key="k-1"):
    return client.post(reverse("api:application-disburse", args=[app.pk]), {"amount": amount}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)


# --- API: Idempotency-Key ------------------------------------------------------------------------

def test_a_repeated_disburse_with_its_key_replays_the_answer_and_disburses_once(flow, world):
    app = flow.to(Status.CONTRACTED)
    api = token_client(world.approver)
    first = _disburse(api, app)
    second = _disburse(api, app)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert Disbursement.objects.filter(application=app).count() == 1
    # A new key is a new request.
    assert _disburse(api, app, key="k-2").status_code == 200
    assert Disbursement.objects.filter(application=app).count() == 2


def test_without_a_key_every_request_acts(flow, world):
    app = flow.to(Status.CONTRACTED)
    api = token_client(world.approver)
    for _ in range(2):
        api.post(reverse("api:application-disburse", args=[app.pk]), {"amount": "100000"}, format="json")
    assert Disbursement.objects.filter(application=app).count() == 2


def test_the_same_key_with_another_body_is_refused(flow, world):
    app = flow.to(Status.CONTRACTED)
    api = token_client(world.approver)
    assert _disburse(api, app, amount="100000").status_code == 200
    r = _disburse(api, app, amount="200000")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused" and r.json()["message"]
    assert Disbursement.objects.filter(application=app).count() == 1


def test_keys_belong_to_their_user(flow, world):
    """Another user's request with the same key is its own request (never someone else's answer)."""
    app = flow.to(Status.CONTRACTED)
    assert _disburse(token_client(world.approver), app).status_code == 200
    r = _disburse(client_for(world, "officer"), app)  # session-authenticated API call
    assert r.status_code == 200 and not r.has_header("Idempotent-Replayed")
    assert Disbursement.objects.filter(application=app).count() == 2


def test_two_creates_with_one_key_make_one_draft(flow, world, product):
    api = token_client(world.enterprise)
    body = {"product": product.pk, "amount": "1000000", "term_months": 12, "purpose": "equipment",
            "need_statement": "x", "claims": [HELD], "authorise": True}
    ids = [api.post(reverse("api:application-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="new-1")
           for _ in range(2)]
    assert [r.status_code for r in ids] == [201, 201] and ids[0].json()["id"] == ids[1].json()["id"]
    assert Application.objects.filter(enterprise=world.ent).count() == 1


def test_a_refused_request_is_replayed_too_but_an_unauthenticated_one_is_not_kept(flow, world):
    app = flow.to(Status.CONTRACTED)
    api = token_client(world.approver)
    refused = _disburse(api, app, amount="9999999")
    assert refused.status_code == 409 and refused.json()["code"] == "over_contract"
    again = _disburse(api, app, amount="9999999")
    assert again.status_code == 409 and again.json() == refused.json() and again["Idempotent-Replayed"] == "true"
    anonymous = APIClient()
    assert _disburse(anonymous, app, key="anon").status_code in (401, 403)
    assert _disburse(anonymous, app, key="anon").status_code in (401, 403)


def test_a_malformed_key_is_refused_with_a_clear_message(flow, world):
    app = flow.to(Status.CONTRACTED)
    r = _disburse(token_client(world.approver), app, key="x" * 256)
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_invalid" and "255" in r.json()["message"]
    assert not Disbursement.objects.filter(application=app).exists()


def test_the_key_is_in_the_schema_of_every_state_changing_operation(client):
    schema = client.get(reverse("schema"), {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            assert ("Idempotency-Key" in names) == (method in ("post", "put", "patch", "delete")), (path, method)


# --- HTML: one-time form tokens ------------------------------------------------------------------

def _token(response, action=None):
    """The form_token of the form that posts to `action` on the page (None: the page's own form)."""
    html = response.content.decode()
    target = rf'action="{re.escape(action)}"' if action else r'class="vstack'
    form = re.search(rf'<form method="post"[^>]*{target}[^>]*>.*?</form>', html, re.S)
    assert form, action
    return TOKEN_FIELD.search(form.group(0)).group(1)


def test_a_double_clicked_disburse_form_disburses_once(flow, world):
    app = flow.to(Status.CONTRACTED)
    page = client_for(world, "approver")
    action = reverse("applications:act", args=[app.pk, "disburse"])
    token = _token(page.get(reverse("applications:detail", args=[app.pk])), action)
    data = {"amount": "100000", "date": timezone.localdate().isoformat(), "form_token": token}
    first = page.post(action, data)
    second = page.post(action, data)
    assert first.status_code == second.status_code == 302 and second.url == first.url
    assert Disbursement.objects.filter(application=app).count() == 1
    shown = page.get(second.url)
    assert "已经提交过" in shown.content.decode()  # "This form had already been sent; it was acted on once."


def test_a_double_clicked_create_form_makes_one_draft(flow, world, product):
    page = client_for(world, "enterprise")
    action = reverse("applications:create")
    token = _token(page.get(action))
    data = {"product": product.pk, "amount": "1000000", "term_months": 12, "purpose": "equipment",
            "need_statement": "x", "claims": [HELD], "authorise": "on", "form_token": token}
    first, second = page.post(action, data), page.post(action, data)
    assert first.status_code == 302 and second.url == first.url
    assert Application.objects.filter(enterprise=world.ent).count() == 1
    # A fresh page has a fresh token: the enterprise can make a second draft on purpose.
    data["form_token"] = _token(page.get(action))
    assert page.post(action, data).status_code == 302
    assert Application.objects.filter(enterprise=world.ent).count() == 2


def test_every_form_on_the_page_has_its_own_token(flow, world):
    app = flow.to(Status.UNDER_REVIEW)
    html = client_for(world, "officer").get(reverse("applications:detail", args=[app.pk])).content.decode()
    tokens = TOKEN_FIELD.findall(html)
    assert len(html.split("csrfmiddlewaretoken")) - 1 == len(tokens) == len(set(tokens)) > 1


def test_a_form_without_a_token_is_accepted_as_before(flow, world):
    """Pages rendered before the token existed (an old tab) still work; the guard needs the token."""
    app = flow.to(Status.CONTRACTED)
    page = client_for(world, "approver")
    action = reverse("applications:act", args=[app.pk, "disburse"])
    for _ in range(2):
        page.post(action, {"amount": "100000", "date": timezone.localdate().isoformat()})
    assert Disbursement.objects.filter(application=app).count() == 2


def test_a_key_older_than_a_day_acts_again(flow, world):
    app = flow.to(Status.CONTRACTED)
    api = token_client(world.approver)
    _disburse(api, app)
    RequestRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    r = _disburse(api, app)
    assert r.status_code == 200 and not r.has_header("Idempotent-Replayed")
    assert Disbursement.objects.filter(application=app).count() == 2


def test_a_server_error_forgets_the_key_so_a_retry_acts(flow, world, monkeypatch):
    from applications import services

    app = flow.to(Status.CONTRACTED)
    api = token_client(world.approver)
    api.raise_request_exception = False
    real = services.application_disburse
    monkeypatch.setattr(services, "application_disburse", lambda **kw: 1 / 0)
    assert _disburse(api, app).status_code == 500
    assert not RequestRecord.objects.exists()
    monkeypatch.setattr(services, "application_disburse", real)
    assert _disburse(api, app).status_code == 200
    assert Disbursement.objects.filter(application=app).count() == 1


def test_a_second_click_while_the_first_is_still_running_does_not_act(flow, world, settings):
    settings.FORM_TOKEN_WAIT_SECONDS = 0
    app = flow.to(Status.CONTRACTED)
    page = client_for(world, "approver")
    action = reverse("applications:act", args=[app.pk, "disburse"])
    detail = reverse("applications:detail", args=[app.pk])
    token = _token(page.get(detail), action)
    RequestRecord.objects.create(kind="form", user=world.approver, key=token, fingerprint="", method="POST",
                                 path=action)  # the first click, still being handled
    r = page.post(action, {"amount": "100000", "date": timezone.localdate().isoformat(), "form_token": token},
                  HTTP_REFERER=f"http://testserver{detail}")
    assert r.status_code == 302 and r.url == f"http://testserver{detail}"
    assert not Disbursement.objects.filter(application=app).exists()
