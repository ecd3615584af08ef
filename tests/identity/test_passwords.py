"""Weak passwords are refused, people change their own password, an administrator-set password
must be replaced at the next sign-in (logged, owner told), hashes are Argon2."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from banks import services as bank_services
from identity import services
from identity.choices import Role, SecurityEventKind
from identity.models import SecurityEvent, User
from jingzhidai.audit import AppendOnlyError
from jingzhidai.errors import ApplicationError

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WEAK = ["11111111Aa!", "qwertyuiop", "Aa123456!", "woaini1314", "zhongguo123",
        # the same ideas at 12+ characters, which the length rule alone lets through
        "111111111111Aa!", "qwertyuiop1234", "Aa123456!Aa123456!", "woaini1314woaini", "zhongguo123456",
        "Woaini1314520!", "Zhongguo@2026", "P@ssw0rd12345"]
STRONG = ["Jzd-demo-2026!", PASSWORD, "Quality-first-2026", "Lantern-river-4417"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="someone"))


@pytest.mark.parametrize("password", WEAK[5:])
def test_long_weak_passwords_are_refused_for_guessability(password, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as e:
        validate_password(password, User(username="someone"))
    assert "too easy to guess" in " ".join(e.value.messages)


@pytest.mark.parametrize("password", [*STRONG, settings.DEMO_PASSWORD])
def test_demo_and_factory_passwords_pass(password):
    validate_password(password, User(username="someone"))


def test_a_password_made_of_the_users_own_name_is_refused():
    with pytest.raises(ValidationError):
        validate_password("zhangsanfeng-2026", User(username="zhangsanfeng", first_name="张三丰"))


def test_users_change_their_own_password(client, world):
    user = world.officer
    client.force_login(user)
    url = reverse("identity:password_change")
    assert client.get(url).status_code == 200
    response = client.post(url, {"old_password": "wrong", "new_password1": "Lantern-river-4417",
                                 "new_password2": "Lantern-river-4417"})
    assert response.status_code == 200 and response.context["form"].errors["old_password"]
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "qwertyuiop1234",
                                 "new_password2": "qwertyuiop1234"})
    assert response.status_code == 200 and response.context["form"].errors["new_password1"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "Lantern-river-4417",
                                 "new_password2": "Lantern-river-4417"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lantern-river-4417")
    assert client.get(reverse("identity:home_bank")).status_code == 200  # still signed in
    event = SecurityEvent.objects.get(user=user)
    assert event.kind == SecurityEventKind.PASSWORD_CHANGED and event.address == "127.0.0.1"


def test_bank_admin_reset_forces_a_change_is_logged_and_told(client, world, django_capture_on_commit_callbacks):
    officer = world.officer
    officer.email = "officer@example.com"
    officer.save()
    admin = APIClient()
    admin.force_authenticate(world.bank_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("api:bank-staff-reset-password", args=[officer.pk]),
                              {"password": "Lantern-river-4417"}, REMOTE_ADDR="10.2.3.4")
    assert response.status_code == 200, response.json()
    officer.refresh_from_db()
    assert officer.must_change_password
    event = SecurityEvent.objects.get(user=officer, kind=SecurityEventKind.PASSWORD_SET_BY_ADMIN)
    assert (event.actor, event.address) == (world.bank_admin, "10.2.3.4")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@example.com"]
    assert world.bank_admin.display_name in mail.outbox[0].body

    # The administrator knows the password, but cannot work as the officer with it: no token ...
    api = APIClient().post(reverse("api:auth-token"), {"username": officer.username, "password": "Lantern-river-4417"})
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    # ... and the web sign-in leads only to the change-password page.
    assert client.post(reverse("identity:login"), {"username": officer.username,
                                                   "password": "Lantern-river-4417"}).status_code == 302
    response = client.get(reverse("identity:home_bank"))
    assert response.status_code == 302 and response["Location"] == reverse("identity:password_change")
    assert client.get("/api/v1/me/").json()["code"] == "password_change_required"
    response = client.post(reverse("identity:password_change"), {
        "old_password": "Lantern-river-4417", "new_password1": "Mountain-lake-8830", "new_password2": "Mountain-lake-8830"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.must_change_password
    assert client.get(reverse("identity:home_bank")).status_code == 200


def test_staff_opened_by_an_admin_must_change_the_initial_password(world):
    user = bank_services.staff_create(actor=world.bank_admin, bank=world.bank, username="new-officer",
                                      password="Lantern-river-4417", role=Role.BANK_OFFICER, address="10.9.9.9")
    assert user.must_change_password
    assert SecurityEvent.objects.filter(user=user, actor=world.bank_admin, address="10.9.9.9").exists()
    with pytest.raises(ApplicationError) as e:
        services.api_token_issue(user=user)
    assert e.value.code == "password_change_required"


def test_django_admin_password_set_forces_a_change(world):
    from django.test import Client

    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    web = Client()
    web.force_login(world.admin)
    url = reverse("admin:auth_user_password_change", args=[world.officer.pk])
    response = web.post(url, {"password1": "Lantern-river-4417", "password2": "Lantern-river-4417",
                              "usable_password": "true"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    world.officer.refresh_from_db()
    assert world.officer.must_change_password and world.officer.check_password("Lantern-river-4417")
    assert SecurityEvent.objects.filter(user=world.officer, actor=world.admin).exists()


def test_security_events_are_append_only(world):
    services.account_password_change(user=world.officer, old_password=PASSWORD, new_password="Lantern-river-4417")
    event = SecurityEvent.objects.get()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.update(address="1.1.1.1")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.address = "1.1.1.1"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_new_hashes_are_argon2_and_pbkdf2_is_upgraded_at_sign_in(client, settings):
    from django.conf import global_settings  # noqa: F401  (the production list is in base settings)

    from jingzhidai.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = UserFactory(role=Role.PLATFORM_ADMIN)
    user.set_password("Lantern-river-4417")
    assert user.password.startswith("argon2")
    user.password = make_password("Lantern-river-4417", hasher="pbkdf2_sha256")
    user.save()
    response = client.post(reverse("identity:login"), {"username": user.username, "password": "Lantern-river-4417"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_the_password_notice_is_written_in_the_owners_language(world, django_capture_on_commit_callbacks):
    """Issue 14: e-mails follow the language the person chose (User.language), not the admin's."""
    officer = world.officer
    officer.email, officer.language = "officer@example.com", "en"
    officer.save()
    admin = APIClient()
    admin.force_authenticate(world.bank_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("api:bank-staff-reset-password", args=[officer.pk]),
                              {"password": "Lantern-river-4417"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert mail.outbox[0].subject == "Your password was set by an administrator"
