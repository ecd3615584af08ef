"""Rate limits count the client by the address the trusted proxy saw, not by what the client
writes into X-Forwarded-For; the public pages are limited too."""

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from jingzhidai.network import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "signup": "2/minute"}}


def _request(remote="10.0.0.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("proxies,remote,forwarded,expected", [
    (0, "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # no trusted proxy: the header is ignored
    (1, "10.0.0.9", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # what our proxy appended
    (2, "10.0.0.9", "1.2.3.4, 198.51.100.7, 10.0.0.8", "198.51.100.7"),
    (1, "203.0.113.5", None, "203.0.113.5"),  # did not come through the proxy
    (2, "203.0.113.5", "1.2.3.4", "203.0.113.5"),
])
def test_client_ip_is_what_the_trusted_proxy_saw(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(remote, forwarded)) == expected


def test_make_run_trusts_no_proxy():
    assert django_settings.TRUSTED_PROXY_COUNT == 0


def test_rotating_forwarded_for_does_not_defeat_the_token_endpoint_limit(low_rates):
    client = APIClient()
    codes = [client.post(reverse("api:auth-token"), {"username": "nobody", "password": "x"},
                         HTTP_X_FORWARDED_FOR=f"10.1.1.{i}").status_code for i in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]
    body = client.post(reverse("api:auth-token"), {"username": "nobody", "password": "x"}).json()
    assert body["code"] == "throttled" and set(body) == {"message", "code", "extra"}


def test_rotating_forwarded_for_does_not_defeat_the_self_check_limit_behind_a_proxy(low_rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    url = reverse("api:enterprise-check") + "?uscc=91110000802100433B"
    codes = [client.get(url, HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 198.51.100.7").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another client behind the same proxy has its own counter.
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_public_check_page_is_limited_and_says_so(client, low_rates):
    url = reverse("identity:check")
    for i in range(3):
        assert client.get(url, {"uscc": "91110000802100433B"}, HTTP_X_FORWARDED_FOR=f"9.9.9.{i}").status_code == 200
    response = client.get(url, {"uscc": "91110000802100433B"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "请求过于频繁" in response.content.decode()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429


def test_the_check_page_and_the_api_self_check_share_one_counter(client, low_rates):
    client.get(reverse("identity:check"), {"uscc": "91110000802100433B"})
    client.get(reverse("identity:check"), {"uscc": "91110000802100433B"})
    assert APIClient().get(reverse("api:enterprise-check") + "?uscc=91110000802100433B").status_code == 200
    assert client.get(reverse("identity:check")).status_code == 429


def test_signup_posts_are_limited(client, low_rates, world):
    data = {"uscc": world.ent.uscc, "enterprise_name": "别的公司"}
    assert client.post(reverse("identity:signup"), data).status_code == 200
    assert client.post(reverse("identity:signup"), data, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    before = client.post(reverse("identity:signup"), data, HTTP_X_FORWARDED_FOR="1.1.1.2")
    assert before.status_code == 429
    assert client.get(reverse("identity:signup")).status_code == 200  # reading the form is not counted


def test_lockout_records_the_address_the_proxy_saw(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("identity:login"), {"username": world.officer.username, "password": "wrong"},
                HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert AccessAttempt.objects.get(username=world.officer.username).ip_address == "198.51.100.7"


def test_production_counts_in_redis_when_a_cache_url_is_set():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jingzhidai.settings.production", "DJANGO_SECRET_KEY": "x" * 50,
           "CACHE_URL": "redis://127.0.0.1:6379/7"}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/7"]
    env.pop("CACHE_URL")
    env["DJANGO_SETTINGS_MODULE"] = "jingzhidai.settings.test"
    out = subprocess.run([sys.executable, "-c", code.replace(", settings.CACHES['default']['LOCATION']", "")],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["django.core.cache.backends.locmem.LocMemCache"]


BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.broker
@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="CELERY_BROKER_URL is not a Redis URL (CI sets it)")
def test_counters_are_shared_through_redis(low_rates, settings):
    """Two workers (two cache connections) see the same counter when the cache is Redis."""
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": BROKER,
                                   "KEY_PREFIX": "jzd-throttle-test"}}
    # Only our key is removed (clear() would flush the whole Redis database the broker shares).
    caches["default"].delete("throttle_anon_127.0.0.1")
    try:
        url = reverse("api:enterprise-check") + "?uscc=91110000802100433B"
        assert [APIClient().get(url).status_code for _ in range(3)] == [200, 200, 200]
        # A fresh connection, as another gunicorn worker would have, finds the counter.
        from django.core.cache.backends.redis import RedisCache

        other = RedisCache(BROKER, {"KEY_PREFIX": "jzd-throttle-test"})
        assert len(other.get("throttle_anon_127.0.0.1")) == 3
        assert APIClient().get(url).status_code == 429
    finally:
        caches["default"].delete("throttle_anon_127.0.0.1")
