"""The fixed cost of every request (issue 10): the fast paths in the project's middleware must
answer exactly what the general paths answer.

- CSP: a response without nonce or decorator gets the policy built once, not per response; it is
  the string django-csp builds, follows the settings when they change, and a page with a nonce
  still gets its own nonce.
- Idempotency-Key: a safe method never reads the header (as before, nothing is recorded for it);
  an unsafe API request is still refused, recorded and replayed as before.
- Request id: an incoming well-formed id is honoured, anything else replaced by a fresh one."""

import re

import pytest
from csp.constants import NONE, SELF
from csp.utils import build_policy
from django.test import Client, override_settings
from django.urls import reverse

from identity.models import RequestRecord
from jingzhidai.middleware import CSPMiddleware

from ..helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/districts/"


def test_the_kept_policy_is_the_one_django_csp_builds(client):
    response = client.get(API)
    assert response["Content-Security-Policy"] == build_policy()
    assert "nonce-" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert client.get(API)["Content-Security-Policy"] == build_policy()


def test_the_kept_policy_follows_the_settings(client):
    client.get(API)
    policy = {"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF]}}
    report = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-report/"}}
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report):
        response = client.get(API)
        assert response["Content-Security-Policy"] == build_policy()
        assert sorted(response["Content-Security-Policy"].split("; ")) == ["default-src 'none'", "img-src 'self'"]
        assert response["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
    assert client.get(API)["Content-Security-Policy"] == build_policy()


def test_a_page_with_a_nonce_gets_its_own_each_time(world):
    """A page whose template asks for `request.csp_nonce` goes through django-csp: its nonce is in
    the header, a new one on every response (the admin's periodic task form carries one)."""
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = client_for(world, "admin")
    url = reverse("admin:django_celery_beat_periodictask_add")
    first, second = (client.get(url) for _ in range(2))
    assert second.status_code == 200, second.status_code
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]) for r in (first, second)]
    assert all(nonces) and nonces[0][1] != nonces[1][1]
    assert f'nonce="{nonces[1][1]}"' in second.content.decode()


def test_exempt_and_excluded_responses_as_django_csp(rf):
    from django.http import HttpResponse

    middleware = CSPMiddleware(lambda request: response)
    response = HttpResponse("x")
    response._csp_exempt = True
    assert "Content-Security-Policy" not in middleware(rf.get("/x/"))
    response = HttpResponse("x")
    response["Content-Security-Policy"] = "default-src 'self'"  # set by the view: kept
    assert middleware(rf.get("/x/"))["Content-Security-Policy"] == "default-src 'self'"
    policy = {"EXCLUDE_URL_PREFIXES": ["/x/"], "DIRECTIVES": {"default-src": [SELF]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response = HttpResponse("x")
        assert "Content-Security-Policy" not in middleware(rf.get("/x/"))
        response = HttpResponse("x")
        assert middleware(rf.get("/y/"))["Content-Security-Policy"] == "default-src 'self'"


def test_a_nonce_asked_for_after_the_response_is_an_error(rf):
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    request = rf.get("/x/")
    CSPMiddleware(lambda r: HttpResponse("x"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


class TestIdempotencyOnSafeMethods:
    def test_a_get_with_any_key_is_served_and_not_recorded(self, world):
        api = client_for(world, "enterprise", api=True)
        for key in ("k-1", "not visible ascii \u00e9", ""):
            assert api.get(reverse("api:me"), HTTP_IDEMPOTENCY_KEY=key).status_code == 200
        assert not RequestRecord.objects.exists()

    def test_an_unsafe_request_is_still_checked_recorded_and_replayed(self, world):
        api = client_for(world, "enterprise")  # signed in with a session: the key is kept per user
        url = reverse("api:auth-token")
        refused = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="not visible ascii \u00e9")
        assert refused.status_code == 400 and refused.json()["code"] == "idempotency_key_invalid"
        first = api.delete(url, HTTP_IDEMPOTENCY_KEY="revoke-1")
        again = api.delete(url, HTTP_IDEMPOTENCY_KEY="revoke-1")
        assert RequestRecord.objects.filter(key="revoke-1").count() == 1
        assert again.status_code == first.status_code and again["Idempotent-Replayed"] == "true"


def test_the_request_id_is_honoured_when_well_formed_and_made_otherwise():
    client = Client()
    assert client.get(API, HTTP_X_REQUEST_ID="trace-0123456789")["X-Request-ID"] == "trace-0123456789"
    for incoming in ("short", "bad id with spaces", "x" * 65, ""):
        made = client.get(API, HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made), made
    assert client.get(API)["X-Request-ID"] != client.get(API)["X-Request-ID"]
