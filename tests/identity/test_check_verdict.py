"""The self-check says one thing (issue 14): what holds, what does not, what to do next; never
a green "eligible" above a yellow "quality credit does not hold"."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from identity import services
from identity.verdict import check_verdict

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def _abnormal(world):
    from elements.choices import ListingKind
    from elements.services import listing_record

    listing_record(enterprise=world.ent, kind=ListingKind.ABNORMAL, listed_on=date(2025, 3, 1), user=world.district,
                   entry_reason="通过登记的住所或者经营场所无法联系", reason="test")


def test_positive_verdict_for_a_visitor_offers_sign_up(world):
    with translation.override("zh-hans"):
        v = check_verdict(services.enterprise_check(world.ent.uscc))
    assert v.tone == "success" and not v.fails
    assert len(v.holds) == 2  # eligibility and quality credit
    assert [url for _t, url in v.steps] == [reverse("identity:signup"), reverse("identity:login")]


def test_positive_verdict_for_the_enterprise_offers_apply(world):
    v = check_verdict(services.enterprise_check(world.ent.uscc), world.enterprise)
    assert v.steps == [(v.steps[0][0], reverse("applications:create"))]
    other = check_verdict(services.enterprise_check(world.ent.uscc), world.enterprise_2)
    assert other.steps == []


def test_credit_failure_is_one_warning_with_the_remedy(world):
    _abnormal(world)
    result = services.enterprise_check(world.ent.uscc)
    v = check_verdict(result, world.enterprise)
    assert v.tone == "warning" and v.holds and v.fails
    assert result.quality_credit["remedies"][0] in [t for t, _u in v.steps]
    assert not any(url for _t, url in v.steps)  # no "apply" link while credit does not hold


def test_not_eligible_and_invalid_codes():
    assert check_verdict(services.enterprise_check("123")).tone == "danger"
    v = check_verdict(services.enterprise_check("91110000802100433B"))
    assert v.tone == "danger" and v.fails and v.steps


def test_the_page_shows_one_verdict(world):
    _abnormal(world)
    page = client_for(world, "anonymous").get(reverse("identity:check"), {"uscc": world.ent.uscc}).content.decode()
    assert page.count('data-testid="verdict"') == 1
    assert "alert-success" not in page
    assert "质量信用" in page and "下一步" in page


def test_the_positive_page_links_sign_up(world):
    page = client_for(world, "anonymous").get(reverse("identity:check"), {"uscc": world.ent.uscc}).content.decode()
    assert 'data-tone="success"' in page and f'href="{reverse("identity:signup")}"' in page
    assert "alert-warning" not in page


def test_the_code_box_has_a_visible_label(world):
    """Issue 14: the self-check's code box is labelled on the page, not only by aria-label."""
    from ..helpers import unlabelled_fields

    page = client_for(world, "anonymous").get(reverse("identity:check")).content.decode()
    assert 'for="f-uscc">统一社会信用代码</label>' in page
    assert unlabelled_fields(page) == []
