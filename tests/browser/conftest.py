"""The browser suite: Playwright for Python driving Debian's `chromium` (never a browser that
Playwright downloads), against a live server on the test database with the demo world.

Chromium missing: the tests are skipped with a reason on a developer's machine, and FAIL where
BROWSER_REQUIRED or CI is set (.ci/run installs chromium, so a missing browser is a CI error,
never a silent skip)."""

import os
import shutil
from io import StringIO

import pytest

PASSWORD = "Jzd-demo-2026!"


def _chromium_path():
    candidate = os.environ.get("CHROMIUM", "chromium")
    return shutil.which(candidate) or next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.access(p, os.X_OK)), None)


def _missing(what):
    if os.environ.get("BROWSER_REQUIRED") or os.environ.get("CI"):
        pytest.fail(f"browser suite: {what} is missing (install it: apt-get install -y chromium; "
                    "pip install -r requirements.lock)", pytrace=False)
    pytest.skip(f"browser suite: {what} is missing (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright")
    path = _chromium_path()
    if path is None:
        _missing("chromium")
    # Playwright's synchronous API keeps an event loop in this thread; Django's ORM (the demo world,
    # assertions on the database) would refuse to run beside it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def reference_snapshot(django_db_setup, django_db_blocker):
    """The migrations' reference data (districts, units, the element catalog…) as Django serializes
    it for a rollback, taken once. A transactional test elsewhere may leave the database flushed;
    the demo world needs that data underneath."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        with django_db_blocker.unblock():
            from identity.models import District

            contents = connection.creation.serialize_db_to_string() if District.objects.exists() else None
    return contents


@pytest.fixture
def demo_site(chromium, reference_snapshot, live_server, django_db_serialized_rollback):
    """The demo world (seed_demo) on the test database, served by pytest-django's live server.
    The test is transactional with a serialized rollback: afterwards the database is emptied and
    its reference data (what the migrations put there) restored, so the tests that run next see
    the database they expect (see `reference_data_restored` in tests/conftest.py)."""
    from django.core.management import call_command

    from identity.models import District

    if not District.objects.exists():
        # A test elsewhere (the backup round trip) can leave part of it restored: add what is
        # missing, row by row, keeping what is there.
        from django.core import serializers
        from django.db import IntegrityError, transaction

        assert reference_snapshot, "the test database has lost its reference data"
        for obj in serializers.deserialize("json", reference_snapshot):
            try:
                with transaction.atomic():
                    obj.save()
            except IntegrityError:
                pass
        assert District.objects.exists(), "the test database has lost its reference data"
    call_command("seed_demo", stdout=StringIO())
    return live_server


@pytest.fixture
def browse(chromium, demo_site):
    """`browse(user=None, lang="zh-CN")` → a Visit on a fresh browser context (signed in as the demo
    user when one is given). Every Visit's problems are asserted empty at the end of the test."""
    from .checks import Visit, catalog_codes

    codes = catalog_codes()
    contexts, visits = [], []

    def open_as(user=None, *, lang="zh-CN", name=None):
        context = chromium.new_context(locale=lang, viewport={"width": 1366, "height": 768})
        context.set_default_timeout(15_000)
        contexts.append(context)
        visit = Visit(context.new_page(), demo_site.url, name or user or "anonymous", codes=codes)
        visits.append(visit)
        if user:
            sign_in(visit, user)
        return visit

    yield open_as
    for context in contexts:
        context.close()
    problems = [p for v in visits for p in v.problems]
    assert not problems, "\n".join(problems)


def sign_in(visit, username, password=PASSWORD):
    page = visit.open("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button.btn-primary")
    page.wait_for_load_state("load")
    assert "/login/" not in page.url, f"{username} could not sign in"
    visit.check()
