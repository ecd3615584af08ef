import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from identity.choices import Role
from identity.models import User

from ..factories import PASSWORD, EnterpriseFactory, UserFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db

HOMES = {
    "enterprise": "identity:home_enterprise", "officer": "identity:home_bank", "approver": "identity:home_bank",
    "bank_admin": "identity:home_bank", "district": "identity:home_regulator", "city": "identity:home_regulator",
    "admin": "identity:home_admin",
}


@pytest.mark.parametrize("who,home", HOMES.items())
def test_each_role_logs_in_and_lands_on_its_home(client, world, who, home):
    user = world.users[who]
    response = client.post(reverse("identity:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse(home)
    assert response.status_code == 200
    assert user.username in response.content.decode() or user.organization_name in response.content.decode()


@pytest.mark.parametrize("who", ["enterprise", "officer", "district"])
def test_role_homes_refuse_other_roles(world, who):
    client = client_for(world, who)
    for name in set(HOMES.values()) - {HOMES[who]}:
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("identity:login")
    assert client.get(reverse("identity:login")).status_code == 200


def test_lockout_after_repeated_failures(client, world):
    user = world.officer
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("identity:login"), {"username": user.username, "password": "wrong-password"})
        assert response.status_code == 200
        assert "锁定" not in response.content.decode()
    response = client.post(reverse("identity:login"), {"username": user.username, "password": "wrong-password"})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    # Even the right password is refused now, on the web and on the API.
    response = client.post(reverse("identity:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    api = APIClient().post(reverse("api:auth-token"), {"username": user.username, "password": PASSWORD})
    assert api.status_code == 429 and api.json()["code"] == "locked_out"
    assert "token" not in api.json()


def test_api_failures_count_toward_the_lockout(client, world):
    user = world.officer
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post(reverse("api:auth-token"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("identity:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_logout_ends_the_session(world):
    client = client_for(world, "district")
    assert client.get(reverse("identity:enterprise_list")).status_code == 200
    client.post(reverse("identity:logout"))
    assert client.get(reverse("identity:enterprise_list")).status_code == 302


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def _signup(client, ent, **overrides):
    data = dict(uscc=ent.uscc, enterprise_name=ent.name, full_name="张三", phone="13800000000",
                email="zs@example.com", username="new-ent-user", password1="Quality-first-2026",
                password2="Quality-first-2026")
    data.update(overrides)
    return client.post(reverse("identity:signup"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_signup_binds_the_account_and_the_district_regulator_confirms_it(client, world):
    response = _signup(client, world.ent)
    assert response.status_code == 302
    user = User.objects.get(username="new-ent-user")
    assert user.role == Role.ENTERPRISE and user.enterprise == world.ent
    # Code and registered name are public: the account waits for its regulator unit.
    assert not user.is_active and user.awaiting_confirmation
    login = {"username": "new-ent-user", "password": "Quality-first-2026"}
    assert client.post(reverse("identity:login"), login).status_code == 200
    assert "new-ent-user" in client_for(world, "district").get(reverse("identity:user_list")).content.decode()
    assert "new-ent-user" not in client_for(world, "district_2").get(reverse("identity:user_list")).content.decode()
    confirm = reverse("identity:account_decide", args=[user.pk, "confirm"])
    assert client_for(world, "district_2").post(confirm).status_code == 404  # not its enterprise
    assert client_for(world, "officer").post(confirm).status_code == 403
    assert client_for(world, "district").post(confirm).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.confirmed_by == world.district
    assert client_for(world, "district").post(confirm).status_code == 302  # a second confirm changes nothing
    user.refresh_from_db()
    assert user.confirmed_by == world.district
    assert client.post(reverse("identity:login"), login).status_code == 302


def test_only_regulators_confirm_sign_ups_and_only_they_see_the_buttons(client, world):
    _signup(client, world.ent)
    user = User.objects.get(username="new-ent-user")
    confirm = reverse("identity:account_decide", args=[user.pk, "confirm"])
    refuse = reverse("identity:account_decide", args=[user.pk, "refuse"])
    # Platform admins see the account but do not decide: the bureau knows the enterprise.
    page = client_for(world, "admin").get(reverse("identity:user_list")).content.decode()
    assert "new-ent-user" in page and confirm not in page and refuse not in page
    assert client_for(world, "admin").post(confirm).status_code == 403
    assert client_for(world, "admin").post(refuse).status_code == 403
    user.refresh_from_db()
    assert user.awaiting_confirmation
    for who in ("district", "city"):
        page = client_for(world, who).get(reverse("identity:user_list")).content.decode()
        assert confirm in page and refuse in page, who
    # The municipal bureau confirms for every unit.
    assert client_for(world, "city").post(confirm).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.confirmed_by == world.city


def test_a_refused_signup_is_deleted(client, world):
    _signup(client, world.ent)
    user = User.objects.get(username="new-ent-user")
    assert client_for(world, "district").post(reverse("identity:account_decide", args=[user.pk, "refuse"])).status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    # Only pending sign-ups can be refused: an active enterprise account stays.
    response = client_for(world, "district").post(reverse("identity:account_decide",
                                                          args=[world.enterprise.pk, "refuse"]))
    assert response.status_code == 302 and User.objects.filter(pk=world.enterprise.pk).exists()
    assert client_for(world, "district").post(
        reverse("identity:account_decide", args=[world.enterprise.pk, "delete"])).status_code == 404


@pytest.mark.parametrize("overrides,field_text", [
    ({"uscc": "91110000802100433C"}, "check character"),
    ({"uscc": "91110000802100433B"}, "not in the enterprise registry"),
    ({"enterprise_name": "别的公司"}, "does not match"),
    ({"password1": "short-pw", "password2": "short-pw"}, "too short"),
    ({"password1": "123456789012345", "password2": "123456789012345"}, "entirely numeric"),
    ({"password2": "Different-pass-2026"}, "differ"),
])
def test_signup_refusals_change_nothing(client, world, overrides, field_text):
    before = User.objects.count()
    response = _signup(client, world.ent, **overrides)
    assert response.status_code == 200
    assert field_text in response.content.decode()
    assert User.objects.count() == before


def test_signup_does_not_tell_whether_a_username_exists(client, world, django_capture_on_commit_callbacks,
                                                       settings):
    """A taken name (in any case) answers exactly like a free one; only the e-mail address given
    learns that the name cannot be used, and nothing is created."""
    from django.core import mail
    from django.test import Client

    settings.LANGUAGE_CODE = "en"
    before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        taken = _signup(client, world.ent, username=world.officer.username.upper(), email="x@example.com")
    assert User.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        free = _signup(Client(), world.ent, username="fresh-name", email="y@example.com")
    assert User.objects.count() == before + 1
    assert taken.status_code == free.status_code == 302 and taken["Location"] == free["Location"]
    taken_said = [str(m) for m in taken.wsgi_request._messages]
    free_said = [str(m) for m in free.wsgi_request._messages]
    assert [m.replace("x@example.com", "y@example.com") for m in taken_said] == free_said
    assert "taken" not in taken_said[0]
    assert [m.to for m in mail.outbox] == [["x@example.com"], ["y@example.com"]]
    assert "cannot be used" in mail.outbox[0].body and world.officer.username.upper() in mail.outbox[0].body
    assert "cannot be used" not in mail.outbox[1].body


def test_public_check_page(client):
    ent = EnterpriseFactory()
    response = client.get(reverse("identity:check"), {"uscc": ent.uscc})
    assert response.status_code == 200 and ent.name in response.content.decode()
    response = client.get(reverse("identity:check"), {"uscc": "91110000802100433C"})
    assert "校验" in response.content.decode()


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("identity:login")}, follow=True)
    assert b"Sign in to Jingzhidai" in response.content
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("identity:login")},
                           follow=True)
    assert "登录" in response.content.decode()


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_user_constraint_refuses_a_role_without_its_organization(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="broken", role=Role.BANK_OFFICER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="broken2", role=Role.ENTERPRISE, enterprise=world.ent, bank=world.bank)


@pytest.mark.parametrize("overrides,field", [
    ({"enterprise_name": "别的公司"}, "enterprise_name"),
    ({"password1": "short-pw", "password2": "short-pw"}, "password1"),
])
def test_signup_refusals_sit_next_to_their_field(client, world, overrides, field):
    UserFactory(username="Taken-User", role=Role.ENTERPRISE, enterprise=world.ent_2)
    response = _signup(client, world.ent, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors


def test_enterprise_pages_hand_the_loaded_enterprise_to_the_check(world, monkeypatch):
    """The home and detail pages have the registry record: the self-check does not read it again."""
    from identity import services

    def fail(code):
        raise AssertionError("enterprise_check read the registry record again")

    monkeypatch.setattr(services, "enterprise_get", fail)
    by_record = services.enterprise_check(enterprise=world.ent)
    assert by_record.enterprise is world.ent and by_record.in_registry and by_record.eligible
    for url in (reverse("identity:home_enterprise"), reverse("identity:enterprise_detail", args=[world.ent.uscc])):
        assert client_for(world, "enterprise").get(url).status_code == 200, url
    monkeypatch.undo()
    by_code = services.enterprise_check(world.ent.uscc)
    assert (by_code.eligible, by_code.reasons, by_code.district) == (by_record.eligible, by_record.reasons,
                                                                     by_record.district)


def test_signup_answers_in_the_language_of_the_page_and_remembers_it(world, django_capture_on_commit_callbacks):
    """Issue 14: the sign-up e-mail is written in the language the sign-up page was read in, and
    that language is kept on the account for its later e-mails."""
    from django.core import mail
    from django.test import Client

    chinese, english = Client(), Client()
    chinese.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = dict(uscc=world.ent.uscc, enterprise_name=world.ent.name, full_name="张三", phone="13800000000",
                password1="Quality-first-2026", password2="Quality-first-2026")
    with django_capture_on_commit_callbacks(execute=True):
        chinese.post(reverse("identity:signup"), {**data, "username": "zh-user", "email": "zh@example.com"})
        english.post(reverse("identity:signup"), {**data, "username": "en-user", "email": "en@example.com"})
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to["en@example.com"].subject == "Your sign-up was received"
    assert by_to["zh@example.com"].subject != "Your sign-up was received"
    assert User.objects.get(username="en-user").language == "en"
    assert User.objects.get(username="zh-user").language == "zh-hans"
