"""Nothing below `regulators` names its URLs or imports it: the verification answer form, the
regulators' home cards and the link notifications use to reach a request live in regulators,
and lower apps reach its pages through `identity.navigation.link_to`."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from applications import notifications
from identity.navigation import home_cards_for, link_to

ROOT = Path(__file__).resolve().parents[2]
BELOW = ("audit", "identity", "elements", "banks", "applications", "loans", "jingzhidai")
TEMPLATES_BELOW = ("identity", "elements", "banks", "applications", "loans")
NAMES_REGULATORS_URL = re.compile(r"""["']regulators:""")


def _python_files():
    for app in BELOW:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("path", list(_python_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_below_regulators_names_or_imports_it(path):
    source = path.read_text(encoding="utf-8")
    assert not NAMES_REGULATORS_URL.search(source), f"{path} names a regulators URL"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            assert node.module.split(".")[0] != "regulators", f"{path} imports {node.module}"
        elif isinstance(node, ast.Import):
            assert all(a.name.split(".")[0] != "regulators" for a in node.names), path


def test_no_template_of_a_lower_app_names_a_regulators_url():
    for app in TEMPLATES_BELOW:
        for path in (ROOT / "templates" / app).rglob("*.html"):
            assert not NAMES_REGULATORS_URL.search(path.read_text(encoding="utf-8")), path


def test_the_answer_form_lives_in_regulators():
    import applications.forms

    assert not hasattr(applications.forms, "AnswerForm")
    from regulators.forms import AnswerForm  # noqa: F401


def test_the_link_to_a_verification_request_comes_from_regulators():
    assert link_to("verification_request", 7) == reverse("regulators:request_detail", args=[7])
    assert link_to("nothing_registers_this", 7) == ""
    assert "reverse(\"regulators:" not in Path(notifications.__file__).read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_district_home_cards_come_from_regulators(world):
    cards = home_cards_for(world.district)
    inbox = reverse("regulators:inbox")
    assert [c["url"].split("?")[0] for c in cards].count(inbox) == 2
    assert inbox not in [c["url"].split("?")[0] for c in home_cards_for(world.city)]
    assert inbox not in [c["url"].split("?")[0] for c in home_cards_for(world.enterprise)]
