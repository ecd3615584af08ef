"""Usernames are unique whatever their case (a database constraint); sign-in ignores case and so
does the lockout key."""

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from banks import services as bank_services
from identity.choices import Role
from identity.models import User
from jingzhidai.errors import ApplicationError

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_case_variant(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username=world.officer.username.upper(), role=Role.PLATFORM_ADMIN)


def test_staff_create_refuses_a_case_variant_with_the_normal_message(world, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ApplicationError) as e:
        bank_services.staff_create(actor=world.bank_admin, bank=world.bank, username=world.approver.username.title(),
                                   password="Lantern-river-4417", role=Role.BANK_OFFICER)
    assert e.value.code == "username_taken" and "taken" in str(e.value.message)


def test_sign_in_ignores_case(client, world):
    response = client.post(reverse("identity:login"), {"username": world.officer.username.upper(),
                                                       "password": PASSWORD})
    assert response.status_code == 302


def test_case_variants_share_one_lockout(client, world):
    name = world.officer.username
    variants = [name.upper(), name.title(), name, name.swapcase(), name.capitalize()]
    for variant in variants[: settings.AXES_FAILURE_LIMIT]:
        client.post(reverse("identity:login"), {"username": variant, "password": "wrong-password"})
    response = client.post(reverse("identity:login"), {"username": name, "password": PASSWORD})
    assert response.status_code == 429


def test_natural_key_lookup_is_case_insensitive(world):
    assert User.objects.get_by_natural_key(world.officer.username.upper()) == world.officer


def test_an_oversize_username_on_the_web_login_is_a_form_error(client):
    response = client.post(reverse("identity:login"), {"username": "a" * 100_000, "password": "x"})
    assert response.status_code == 200 and response.context["form"].errors
