"""Requests that used to end in a 500: a NUL byte in the address, JSON nested thousands of
levels deep, and what Django itself answers (an unexpected error, a body over the size limit),
which under /api/ now has the project's error shape."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import path

from jingzhidai import urls as project_urls
from jingzhidai.parsers import JSON_MAX_DEPTH

from ..helpers import client_for

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000


def _shape(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code", "extra"} and body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize("url", ["/enterprises/91110%00/", "/elements/enterprises/%00/profile/",
                                 "/api/v1/enterprises/9111%00/", "/api/v1/enterprises/?q=a%00b",
                                 "/elements/records/distinctions/?q=%00", "/api/v1/distinctions/?enterprise=%00"])
def test_a_nul_byte_in_path_or_query_is_a_400(world, url):
    for api in (False, True):
        client = client_for(world, "city", api=api)
        client.raise_request_exception = False
        response = client.get(url)
        assert response.status_code == 400
        if url.startswith("/api/"):
            _shape(response, 400, "invalid_url")


def test_a_nul_byte_is_refused_anonymously_too():
    response = Client(raise_request_exception=False).get("/api/v1/enterprises/check/?uscc=%00")
    _shape(response, 400, "invalid_url")


@pytest.mark.parametrize("url", ["/api/v1/applications/", "/api/v1/verification-requests/",
                                 "/api/v1/banks/", "/api/v1/products/"])
def test_json_nested_5000_deep_is_a_400_on_every_kind_of_endpoint(world, url):
    client = client_for(world, "admin", api=True)
    client.raise_request_exception = False
    body = _shape(client.post(url, DEEP, content_type="application/json"), 400, "parse_error")
    assert str(JSON_MAX_DEPTH) in body["message"]


def test_json_nested_5000_deep_is_a_400_anonymously_on_the_token_endpoint():
    client = Client(raise_request_exception=False)
    _shape(client.post("/api/v1/auth/token/", DEEP, content_type="application/json"), 400, "parse_error")
    nested_object = '{"a":' * 5000 + "1" + "}" * 5000
    _shape(client.post("/api/v1/auth/token/", nested_object, content_type="application/json"), 400, "parse_error")


def test_json_nested_just_beyond_the_bound_is_refused_and_within_it_parsed():
    import io

    from rest_framework.exceptions import ParseError

    from jingzhidai.parsers import BoundedJSONParser

    parser = BoundedJSONParser()
    ok = "[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH
    assert parser.parse(io.BytesIO(ok.encode())) == json.loads(ok)
    too_deep = "[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1)
    with pytest.raises(ParseError):
        parser.parse(io.BytesIO(too_deep.encode()))


def test_an_unknown_charset_is_a_400_not_a_500():
    client = Client(raise_request_exception=False)
    _shape(client.generic("POST", "/api/v1/auth/token/", b'{"username": "x"}',
                          content_type="application/json; charset=nope"), 400)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_json_body_over_the_limit_is_a_413_in_the_error_shape():
    client = Client(raise_request_exception=False)
    body = json.dumps({"username": "x" * 2000, "password": "y"})
    _shape(client.post("/api/v1/auth/token/", body, content_type="application/json"), 413, "request_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_form_body_over_the_limit_is_a_413_in_the_api_and_on_pages(world):
    client = client_for(world, "enterprise", api=True)
    client.raise_request_exception = False
    response = client.post("/api/v1/applications/", {"need_statement": "x" * 2000})
    _shape(response, 413, "request_too_large")
    page = Client(raise_request_exception=False).post("/login/", {"username": "x" * 2000, "password": "y"})
    assert page.status_code == 413


def _boom(request):
    raise RuntimeError("secret internals: SELECT * FROM passwords")


urlpatterns = [path("api/v1/boom/", _boom), path("boom/", _boom), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_is_a_500_in_the_error_shape_under_api_without_internals():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/boom/")
    body = _shape(response, 500, "server_error")
    assert "secret" not in response.content.decode() and "RuntimeError" not in response.content.decode()
    assert body["extra"] == {}
    page = client.get("/boom/")
    assert page.status_code == 500 and "text/html" in page["Content-Type"] and "secret" not in page.content.decode()


def test_an_unknown_api_address_is_a_404_in_the_error_shape():
    _shape(Client().get("/api/v1/no-such-thing/"), 404, "not_found")
    assert "text/html" in Client().get("/no-such-page/")["Content-Type"]


def test_the_api_settings_import_in_any_order():
    """DRF imports the parser classes while it defines APIView; when the pagination class (in
    jingzhidai.api, which imports DRF's views) was the first API setting read — as `manage.py
    check` does under production settings — the parser living in jingzhidai.api was imported
    half-built and every command failed. A fresh interpreter reads that setting first."""
    import os
    import subprocess
    import sys

    code = ("import django; django.setup(); from rest_framework.settings import api_settings; "
            "api_settings.DEFAULT_PAGINATION_CLASS; api_settings.DEFAULT_PARSER_CLASSES; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "jingzhidai.settings.test"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
