"""Quality conditions: validation against the catalog, the sentence, and matching profiles."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from banks import conditions as cond
from banks import selectors
from banks.models import Product

from .conftest import make_profile

pytestmark = pytest.mark.django_db

EXAMPLE = {"credit_must_hold": True, "any_of": [{"category": "management"}, {"category": "brand"}],
           "all_of": [{"element": "infrastructure.iso_quality"}]}


@pytest.fixture
def catalog(db):
    return cond.catalog_load()


def test_clean_normalises_and_drops_duplicates(catalog):
    data = {"any_of": [{"category": "brand"}, {"category": "brand"}]}
    assert cond.conditions_clean(data, catalog=catalog) == {
        "credit_must_hold": False, "all_of": [], "any_of": [{"category": "brand"}]}
    assert cond.conditions_clean(None, catalog=catalog) == {"credit_must_hold": False, "all_of": [], "any_of": []}


@pytest.mark.parametrize("data,fragment", [
    ([1, 2], "must be an object"),
    ({"credit": True}, "Unknown keys"),
    ({"credit_must_hold": "yes"}, "true or false"),
    ({"all_of": {"element": "x"}}, "must be a list"),
    ({"all_of": [{"element": "a", "category": "b"}]}, "Each entry"),
    ({"all_of": ["management"]}, "Each entry"),
    ({"any_of": [{"category": "finance"}]}, "Unknown element category: finance"),
    ({"any_of": [{"category": "credit"}]}, "credit_must_hold"),
    ({"all_of": [{"element": "management.nobel_prize"}]}, "Unknown element type: management.nobel_prize"),
])
def test_clean_refuses_bad_conditions_with_a_clear_message(catalog, data, fragment):
    with translation.override("en"), pytest.raises(ValidationError) as e:
        cond.conditions_clean(data, catalog=catalog)
    assert any(fragment in m for m in e.value.messages), e.value.messages


def test_describe_in_english_and_chinese(catalog):
    with translation.override("en"):
        text = cond.conditions_describe(EXAMPLE, catalog=catalog)
        assert text == ("Requires: quality credit holds; Quality management system certification (ISO 9001); "
                        "at least one of a distinction in Quality management, a distinction in Quality brand.")
        assert cond.conditions_describe({}, catalog=catalog).startswith("No quality conditions")
    with translation.override("zh-hans"):
        text = cond.conditions_describe(EXAMPLE, catalog=catalog)
        assert "质量管理体系认证（ISO 9001）" in text and "“质量管理”" in text and "质量品牌" in text


@pytest.mark.parametrize("held,credit_fails,meets,missing", [
    (("infrastructure.iso_quality", "management.chief_quality_officer"), (), True, []),
    (("infrastructure.iso_quality", "brand.time_honored"), (), True, []),
    (("management.chief_quality_officer",), (), False, ["Needs Quality management system certification (ISO 9001)."]),
    (("infrastructure.iso_quality", "innovation.ip_pilot"), (), False,
     ["Needs at least one of: a distinction in Quality management, a distinction in Quality brand."]),
    (("infrastructure.iso_quality", "brand.time_honored"), ("credit.no_abnormal_operation",), False,
     ["Quality credit must hold; it does not: listed: credit.no_abnormal_operation"]),
    ((), ("credit.no_penalty_3y",), False, [
        "Quality credit must hold; it does not: listed: credit.no_penalty_3y",
        "Needs Quality management system certification (ISO 9001).",
        "Needs at least one of: a distinction in Quality management, a distinction in Quality brand."]),
])
def test_matching_says_what_is_missing(catalog, held, credit_fails, meets, missing):
    profile = make_profile(*held, credit_fails=credit_fails)
    with translation.override("en"):
        assert cond.conditions_match(EXAMPLE, profile, catalog=catalog) == (meets, missing)


def test_category_in_all_of_and_single_credit_element(catalog):
    conditions = {"all_of": [{"category": "innovation"}, {"element": "credit.no_serious_violation"}]}
    with translation.override("en"):
        ok, missing = cond.conditions_match(conditions, make_profile("management.chief_quality_officer",
                                                                     credit_fails=("credit.no_serious_violation",)),
                                            catalog=catalog)
        assert not ok
        assert missing == ["Needs at least one distinction in Quality innovation.",
                           "Needs Not on the serious illegal and dishonest list."]
        # Failing a different credit condition does not matter to this product.
        ok, _missing = cond.conditions_match(conditions, make_profile("innovation.patent_award_gold",
                                                                      credit_fails=("credit.no_penalty_3y",)),
                                             catalog=catalog)
        assert ok


def test_no_conditions_are_met_by_everyone(catalog):
    assert cond.conditions_match({}, make_profile(credit_fails=("credit.no_penalty_3y",)), catalog=catalog) == (
        True, [])


def test_product_match_over_a_product_list(world, product, product_2):
    strong = make_profile("brand.time_honored")
    weak = make_profile(credit_fails=("credit.no_abnormal_operation",))
    products = Product.objects.order_by("pk")
    assert [r["meets"] for r in selectors.product_matches(products, strong)] == [True, True]
    rows = selectors.product_matches(products, weak)
    assert [r["meets"] for r in rows] == [False, False] and all(len(r["missing"]) == 2 for r in rows)
    assert selectors.product_match(product, strong) == (True, [])
