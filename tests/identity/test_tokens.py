"""API tokens are stored hashed, revocable (DELETE, sign-out, deactivation, password change),
and the token endpoint refuses oversize input with a 400."""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from identity import services
from identity.models import ApiToken

from ..factories import PASSWORD
from ..helpers import client_for

pytestmark = pytest.mark.django_db


def _token(user):
    response = APIClient().post(reverse("api:auth-token"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def _me(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(reverse("api:me")).status_code


def test_only_a_hash_and_a_prefix_of_the_key_are_stored(world):
    key = _token(world.officer)
    row = ApiToken.objects.get(user=world.officer)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() and row.key_hash != key
    assert row.prefix == key[:8] and len(key) >= 40
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert _me(key) == 200
    assert _me(row.key_hash) == 401  # the stored value is not a key


def test_a_new_token_replaces_the_old_one(world):
    first = _token(world.officer)
    second = _token(world.officer)
    assert _me(first) == 401 and _me(second) == 200


def test_delete_revokes_the_callers_token(world):
    key = _token(world.officer)
    other = _token(world.approver)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.delete(reverse("api:auth-token"))
    assert response.status_code == 204
    assert _me(key) == 401 and _me(other) == 200
    assert APIClient().delete(reverse("api:auth-token")).status_code == 401


def test_an_old_token_in_the_header_does_not_block_getting_a_new_one(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token expired-or-unknown")
    response = client.post(reverse("api:auth-token"), {"username": world.officer.username, "password": PASSWORD})
    assert response.status_code == 200


def test_sign_out_revokes_tokens(world):
    key = _token(world.officer)
    web = client_for(world, "officer")
    web.post(reverse("identity:logout"))
    assert _me(key) == 401


def test_password_change_revokes_tokens(world):
    key = _token(world.officer)
    services.account_password_change(user=world.officer, old_password=PASSWORD, new_password="Lantern-river-4417")
    assert _me(key) == 401


def test_admin_password_reset_revokes_tokens(world):
    from banks import services as bank_services

    key = _token(world.officer)
    bank_services.staff_reset_password(actor=world.bank_admin, account=world.officer, password="Lantern-river-4417")
    assert _me(key) == 401


def test_an_oversize_username_is_a_400_in_the_error_shape(world):
    response = APIClient().post(reverse("api:auth-token"), {"username": "a" * 100_000, "password": "x"},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "username" in body["extra"]["fields"]


def test_the_admin_shows_no_token_key(world):
    key = _token(world.officer)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    web = client_for(world, "admin")
    page = web.get(reverse("admin:identity_apitoken_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert key[:8] in html and key not in html and ApiToken.objects.get().key_hash not in html
    assert web.get(reverse("admin:identity_apitoken_add")).status_code == 403
    assert not any("authtoken" in str(m) for m in __import__("django.contrib.admin", fromlist=["site"]).site._registry)


def test_the_migration_hashes_existing_plain_tokens(world):
    """Tokens issued before hashing (DRF's authtoken table) keep working, stored hashed; the
    plain keys are gone."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("identity.migrations.0006_hashed_api_tokens_security_events_ci_usernames")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, "
                       "created timestamp with time zone)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, world.officer.pk, world.officer.date_joined])
    with connection.schema_editor() as editor:
        migration.hash_existing_tokens(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
        cursor.execute("DROP TABLE authtoken_token")
    row = ApiToken.objects.get(user=world.officer)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() and row.prefix == key[:8]
