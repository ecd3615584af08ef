"""Sessions end after SESSION_IDLE_TIMEOUT without a request and SESSION_COOKIE_AGE after sign-in,
however busy the session was."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from identity.middleware import LAST_SEEN_AT, SIGNED_IN_AT

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def _shift(client, **stamps):
    session = client.session
    for key, seconds_ago in stamps.items():
        session[key] = time.time() - seconds_ago
    session.save()


def test_defaults():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_an_idle_session_ends(world):
    client = client_for(world, "district")
    url = reverse("identity:enterprise_list")
    assert client.get(url).status_code == 200
    _shift(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_TIMEOUT - 120})
    assert client.get(url).status_code == 200  # still within the idle limit, and the stamp moves on
    assert time.time() - client.session[LAST_SEEN_AT] < 60
    _shift(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_TIMEOUT + 1})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


def test_the_working_day_limit_is_absolute(world):
    client = client_for(world, "district")
    url = reverse("identity:enterprise_list")
    assert client.get(url).status_code == 200
    # Busy all day (seen a second ago), but signed in longer ago than SESSION_COOKIE_AGE.
    _shift(client, **{SIGNED_IN_AT: settings.SESSION_COOKIE_AGE + 1, LAST_SEEN_AT: 1})
    assert client.get(url).status_code == 302
    assert client.get(url).status_code == 302  # and it stays signed out


def test_api_session_callers_are_signed_out_too(world):
    client = client_for(world, "district")
    assert client.get("/api/v1/me/").status_code == 200
    _shift(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_TIMEOUT + 1})
    assert client.get("/api/v1/me/").status_code in (401, 403)


class TestCachedDbSessions:
    """Production with CACHE_URL keeps sessions in the cache, written through to the database
    (settings.SESSION_ENGINE): the same rules hold, and a signed-in request reads no session row."""

    @pytest.fixture(autouse=True)
    def cached_db(self, settings):
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

    def test_a_signed_in_request_reads_the_session_from_the_cache(self, world):
        client = client_for(world, "district")
        client.get("/api/v1/me/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/me/").status_code == 200
        assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]
        assert [q for q in ctx.captured_queries if '"identity_user"' in q["sql"]]  # the user: every request

    def test_idle_and_absolute_limits(self, world):
        test_an_idle_session_ends(world)
        test_the_working_day_limit_is_absolute(world)
        test_api_session_callers_are_signed_out_too(world)

    def test_signing_out_ends_the_session_everywhere(self, world):
        client = client_for(world, "district")
        assert client.get("/api/v1/me/").status_code == 200
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.post(reverse("identity:logout"))
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
        assert replay.get("/api/v1/me/").status_code in (401, 403)

    def test_deactivation_and_a_new_password_end_it_at_once(self, world):
        client = client_for(world, "district")
        assert client.get("/api/v1/me/").status_code == 200
        world.district.set_password("Another-passw0rd-2026!")
        world.district.save()
        assert client.get("/api/v1/me/").status_code in (401, 403)
        client = client_for(world, "district_2")
        assert client.get("/api/v1/me/").status_code == 200
        world.district_2.is_active = False
        world.district_2.save()
        assert client.get("/api/v1/me/").status_code in (401, 403)
