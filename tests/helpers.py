"""Test helpers shared by every app: the tenant matrix and the constant-query assertion."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

WORLD_USERS = ["anonymous", "enterprise", "enterprise_2", "officer", "approver", "bank_admin", "officer_2",
               "bank_admin_2", "district", "district_2", "city", "admin"]


def client_for(world, who, *, api=False):
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(world.users[who]) if api else client.force_login(world.users[who])
    return client


class TenantMatrix:
    """Subclass once per resource (class name starting with Test). Provide:

    - `allowed`: the world users who may see the object (everyone else gets 404, anonymous
      is sent to log in / gets 401-403);
    - `make(world)`: create the object under test (beyond the world);
    - `detail_urls(obj)`: HTML and API URLs of the object, marked with `api=True/False` as
      (url, api) pairs;
    - optionally `list_urls()` as (url, api) pairs and `key(obj)` (text that shows the object
      in a list response). A list page that some allowed users' role never has (an
      enterprise sees its own record, but the record list is a regulators' page) is given as
      (url, api, refused): those users must be refused (302/401/403) on that URL.
    The matrix then checks every world user against every URL: an allowed user gets 200 and
    sees the object in each list (unless refused there), anyone else is refused or does not
    see it."""

    allowed: set = set()

    def make(self, world):
        raise NotImplementedError

    def detail_urls(self, obj):
        raise NotImplementedError

    def list_urls(self):
        return []

    def key(self, obj):
        # Text that identifies the object in a list response. No default: a bare pk ("7")
        # would match almost any page and make the list check meaningless.
        raise NotImplementedError("a TenantMatrix with list_urls must say how the object shows in a list")

    @pytest.mark.parametrize("who", WORLD_USERS)
    def test_detail(self, world, who):
        obj = self.make(world)
        for url, api in self.detail_urls(obj):
            response = client_for(world, who, api=api).get(url)
            if who in self.allowed:
                assert response.status_code == 200, (who, url, response.status_code)
            elif who == "anonymous":
                assert response.status_code in (302, 401, 403), (who, url, response.status_code)
                if response.status_code == 302:
                    assert "/login/" in response["Location"]
            else:
                assert response.status_code == 404, (who, url, response.status_code)

    @pytest.mark.parametrize("who", WORLD_USERS)
    def test_list(self, world, who):
        obj = self.make(world)
        for url, api, *rest in self.list_urls():
            refused = rest[0] if rest else ()
            response = client_for(world, who, api=api).get(url)
            if who in refused:
                # A role without this list page at all.
                assert response.status_code in (302, 401, 403), (who, url, response.status_code)
                continue
            if who not in self.allowed and response.status_code in (302, 401, 403):
                # Refused the whole list (anonymous, or a role without this list page).
                continue
            assert response.status_code == 200, (who, url, response.status_code)
            body = response.content.decode()
            if who in self.allowed:
                assert self.key(obj) in body, (who, url)
            else:
                assert self.key(obj) not in body, (who, url)


def assert_constant_queries(client, url, grow, *, status=200):
    """The page or API list must run the same number of queries after `grow()` adds rows. A first
    request fills what the portal keeps in its cache (the element catalog), which is not a cost
    that grows with the data."""
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        response = client.get(url)
    assert response.status_code == status, response.status_code
    grow()
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == status
    assert len(after) == len(before), (
        f"{url}: {len(before)} queries before, {len(after)} after adding rows:\n"
        + "\n".join(q["sql"] for q in after.captured_queries)
    )
    return len(after)


def race(*calls, catch=Exception):
    """Run the calls at the same moment in threads (PostgreSQL tests of row locks and unique
    keys); return (results, errors), errors being the `catch` exceptions raised."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except catch as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def unlabelled_fields(html: str) -> list[str]:
    """Form fields of a rendered page without a <label for=…> of their own (the server-side
    sibling of the browser suite's label check, tests/browser/checks.py): every input, select and
    textarea that people fill, except hidden fields, buttons, and checkboxes and radios (their
    labels wrap them or a column heading names them)."""
    import re

    labelled = set(re.findall(r'<label\b[^>]*\bfor="([^"]+)"[^>]*>\s*[^<\s]', html))
    found = []
    for tag, attrs in re.findall(r"<(input|select|textarea)\b([^>]*)>", html):
        kind = re.search(r'\stype="([^"]*)"', attrs)
        if kind and kind.group(1) in ("hidden", "submit", "button", "reset", "image", "checkbox", "radio"):
            continue
        field_id = re.search(r'\sid="([^"]*)"', attrs)
        if not field_id or field_id.group(1) not in labelled:
            name = re.search(r'\sname="([^"]*)"', attrs)
            found.append(f"{tag} {name.group(1) if name else attrs.strip()[:60]}")
    return found
