"""Security headers on every page (issue 9): a Content-Security-Policy without inline script or
style, a Permissions-Policy, and HTML that needs neither (no inline script without the nonce, no
on* handler attributes, no style attributes, no javascript: URLs, no htmx hx-on)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from identity.models import User

pytestmark = pytest.mark.django_db

# One demo user per role: users of one role see the same pages (the CI smoke run signs every
# demo user in).
DEMO_USERS = ["demo-enterprise", "demo-officer", "demo-approver", "demo-bank-admin", "demo-district", "demo-city",
              "demo-admin"]
PUBLIC_PAGES = ["/login/", "/check/", "/signup/", "/banks/", "/api/docs/"]
# Links that change state on GET or leave HTML (files, CSV) are not crawled.
NOT_CRAWLED = re.compile(r"^/(logout|i18n|media|static|django-admin)/|\.csv$|/file/$|/evidence/\d+/$")
ADMIN_PAGES = ["/django-admin/", "/django-admin/identity/user/", "/django-admin/identity/user/add/",
               "/django-admin/django_celery_beat/periodictask/", "/django-admin/django_celery_beat/periodictask/add/"]


def _shape(url):
    """/applications/12/ and /applications/13/ (or two enterprises' profiles) render the same
    template: crawl one of each. A path segment with a digit is an id or a USCC."""
    return re.sub(r"[^/]*\d[^/]*", "N", url.split("?")[0])


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems, self.links = [], []
        self.in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=…> handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if value and name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.problems.append(("inline-script", attrs.get("nonce")))
        if tag == "style":
            self.problems.append(("inline-style", attrs.get("nonce")))
        if tag == "a" and (href := attrs.get("href")) and href.startswith("/"):
            self.links.append(href.split("#")[0])


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check_page(url, response):
    assert response.status_code == 200, (url, response.status_code)
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy"
    policy = _directives(csp)
    script_src = policy.get("script-src", policy.get("default-src"))
    style_src = policy.get("style-src", policy.get("default-src"))
    assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, (url, csp)
    assert style_src and "'unsafe-inline'" not in style_src, (url, csp)
    assert policy.get("object-src") == ["'none'"] and policy.get("frame-ancestors") == ["'none'"], (url, csp)
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, (url, permissions)
    links = []
    if response["Content-Type"].startswith("text/html"):
        page = _Page()
        page.feed(response.content.decode())
        nonces = {w[len("'nonce-"):-1] for w in script_src if w.startswith("'nonce-")}
        style_nonces = {w[len("'nonce-"):-1] for w in style_src if w.startswith("'nonce-")}
        for problem in page.problems:
            if isinstance(problem, tuple):
                kind, nonce = problem
                allowed = nonces if kind == "inline-script" else style_nonces
                assert nonce and nonce in allowed, f"{url}: {kind} without the response's nonce"
            else:
                raise AssertionError(f"{url}: {problem}")
        links = page.links
    return links


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}


def test_public_pages_carry_the_policies():
    client = Client()
    for url in PUBLIC_PAGES:
        check_page(url, client.get(url))


def test_the_swagger_ui_script_is_served_as_a_file_not_inline():
    client = Client()
    check_page("/api/docs/", client.get("/api/docs/"))
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]


def test_every_page_of_every_role_carries_the_policies_and_no_inline_script(demo):
    """Each demo user's home, every page of its menu and every page those link to (one level,
    GET only), as in the CI smoke run but in-process."""
    for username in DEMO_USERS:
        client = Client()
        client.force_login(demo[username])
        home = client.get("/", follow=True)
        start = home.redirect_chain[-1][0] if home.redirect_chain else "/"
        menu = check_page(start, home)
        seen = {_shape(start)}
        frontier = [u for u in menu if not NOT_CRAWLED.search(u)]
        for depth in (1, 2):
            following = []
            for url in dict.fromkeys(frontier):
                if _shape(url) in seen:
                    continue
                seen.add(_shape(url))
                response = client.get(url)
                if response.status_code in (302, 403) or not response["Content-Type"].startswith("text/html"):
                    continue
                links = check_page(f"{username} {url}", response)
                following += [u for u in links if not NOT_CRAWLED.search(u)] if depth == 1 else []
            frontier = following
        assert len(seen) > 3, (username, seen)


def test_the_django_admin_carries_the_policies(demo):
    """Django's admin uses no inline script; django-celery-beat's task form does (our copy of its
    template carries the nonce)."""
    client = Client()
    client.force_login(demo["demo-admin"])
    for url in ADMIN_PAGES:
        check_page(url, client.get(url))


def test_no_template_has_inline_script_handlers_or_styles():
    """Also the templates no test page reaches (every app's and the project's)."""
    roots = [settings.BASE_DIR / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    offenders = []
    pattern = re.compile(r"""<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:|hx-on""", re.I)
    for root in roots:
        for path in Path(root).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line) and "{{ request.csp_nonce }}" not in line:
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)
