import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from identity import uscc

from ..factories import PASSWORD, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_token_then_me(world):
    client = APIClient()
    response = client.post(reverse("api:auth-token"), {"username": world.officer.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(reverse("api:me")).json()
    assert me["role"] == "bank_officer"
    assert me["organization"] == {"type": "bank", "id": world.bank.pk, "name": world.bank.name}


def test_me_for_each_organization_kind(world):
    for who, kind in [("enterprise", "enterprise"), ("district", "regulator_unit"), ("admin", "platform")]:
        client = APIClient()
        client.force_authenticate(world.users[who])
        assert client.get(reverse("api:me")).json()["organization"]["type"] == kind


def test_wrong_password_gets_a_clear_error_in_the_standard_shape(world):
    response = APIClient().post(reverse("api:auth-token"), {"username": world.officer.username, "password": "nope"},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "authentication_failed" and "Wrong username or password" in body["message"]


def test_expired_token_is_refused(world, settings):
    from datetime import timedelta

    from identity.models import ApiToken
    from identity.services import api_token_issue

    key = api_token_issue(user=world.officer)
    token = ApiToken.objects.get(user=world.officer)
    ApiToken.objects.filter(pk=token.pk).update(created=token.created - settings.API_TOKEN_TTL - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api:me")).status_code == 401
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_me_needs_authentication():
    assert APIClient().get(reverse("api:me")).status_code == 401


def test_public_check_answers_the_documented_shape():
    ent = EnterpriseFactory()
    body = APIClient().get(reverse("api:enterprise-check"), {"uscc": ent.uscc}).json()
    assert set(body) >= {"uscc", "valid", "errors", "beijing", "district", "eligible", "reasons"}
    assert body["valid"] and body["beijing"] and body["eligible"] and body["in_registry"]
    assert body["district"]["code"] == "110108"
    assert body["errors"] == [] and body["reasons"] == []


def test_public_check_of_a_bad_code_in_english_and_chinese():
    url = reverse("api:enterprise-check")
    en = APIClient().get(url, {"uscc": "91110000802100433C"}, HTTP_ACCEPT_LANGUAGE="en").json()
    zh = APIClient().get(url, {"uscc": "91110000802100433C"}).json()
    assert not en["valid"] and not en["eligible"]
    assert "check character" in en["errors"][0]
    assert "校验" in zh["errors"][0]


def test_public_check_of_a_code_not_in_the_registry():
    body = APIClient().get(reverse("api:enterprise-check"), {"uscc": "91110000802100433B"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["valid"] and not body["eligible"] and not body["in_registry"]
    assert "only the code itself" in body["note"]
    assert body["reasons"] and "registry does not list this code yet" in body["reasons"][-1]
    assert body["district"] is None


def test_public_check_of_an_individual_business():
    body = APIClient().get(reverse("api:enterprise-check"), {"uscc": uscc.make_code("9", "2", "110108", "MA0T0010")},
                           HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["valid"] and not body["eligible"]
    assert body["reasons"] and "individual business" in body["reasons"][0]


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/auth/token/", "/api/v1/me/", "/api/v1/enterprises/check/"):
        assert path in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_public_check_says_whether_quality_credit_holds():
    ent = EnterpriseFactory()
    body = APIClient().get(reverse("api:enterprise-check"), {"uscc": ent.uscc}).json()
    assert body["quality_credit"]["holds"] is True and body["quality_credit"]["reasons"] == []
    body = APIClient().get(reverse("api:enterprise-check"), {"uscc": "91110000802100433B"}).json()
    assert body["quality_credit"] is None


def test_public_check_explains_a_credit_failure_and_the_remedy(world):
    from datetime import date

    from elements.choices import ListingKind
    from elements.services import listing_record

    listing_record(enterprise=world.ent, kind=ListingKind.ABNORMAL, listed_on=date(2025, 3, 1), user=world.district,
                   entry_reason="通过登记的住所或者经营场所无法联系", reason="test")
    body = APIClient().get(reverse("api:enterprise-check"), {"uscc": world.ent.uscc}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["eligible"] is True  # eligibility and quality credit are separate questions
    assert body["quality_credit"]["holds"] is False
    assert body["quality_credit"]["reasons"] and body["quality_credit"]["remedies"]
    page = APIClient().get(reverse("identity:check"), {"uscc": world.ent.uscc}).content.decode()
    assert 'data-testid="verdict" data-tone="warning"' in page and 'data-testid="verdict-steps"' in page


def test_list_filters_narrow_lists_only_not_reads_by_id(world):
    """The shared scoped viewset applies the query-string filters to lists; an object read by its
    id is found whatever they say (it used to be 404 when a filter excluded it)."""
    client = APIClient()
    client.force_authenticate(world.users["city"])
    other = "110105" if world.ent.district_id != "110105" else "110108"
    listed = client.get("/api/v1/enterprises/", {"district": other}).json()["results"]
    assert world.ent.uscc not in {e["uscc"] for e in listed}
    one = client.get(f"/api/v1/enterprises/{world.ent.uscc}/", {"district": other})
    assert one.status_code == 200 and one.json()["uscc"] == world.ent.uscc
    # …and the scope still holds: a district regulator of another unit does not find it by id
    client.force_authenticate(world.users["district_2"])
    assert client.get(f"/api/v1/enterprises/{world.ent.uscc}/").status_code == 404


def test_schema_generates_with_the_scoped_viewsets(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/enterprises/{uscc}/", "/api/v1/banks/{id}/", "/api/v1/applications/{id}/",
                 "/api/v1/change-events/"):
        assert path in text
