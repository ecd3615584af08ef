"""Products: publication, validation, edits with history, withdrawal, and rates."""

from datetime import date
from decimal import Decimal

import pytest

from banks import selectors, services
from banks.choices import ProductAction, ProductStatus, RateKind
from banks.models import LoanPrimeRate, Product, ProductStatusChange
from elements import services as element_services
from elements.models import ElementType
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

from .conftest import product_fields

pytestmark = pytest.mark.django_db


def test_publishing_a_product_writes_its_first_history_row(world, product):
    assert product.status == ProductStatus.ACTIVE and product.bank == world.bank
    (row,) = selectors.product_history(product)
    assert (row.action, row.from_status, row.to_status, row.actor) == ("publish", "", "active", world.bank_admin)
    assert product.conditions == {"credit_must_hold": True, "all_of": [],
                                  "any_of": [{"category": "management"}, {"category": "brand"}]}


def test_withdraw_and_publish_again_with_reasons(world, product):
    product = services.product_transition(actor=world.bank_admin, product=product, action=ProductAction.WITHDRAW,
                                          reason="额度用完")
    assert product.status == ProductStatus.WITHDRAWN
    assert product not in selectors.products_open_to(None)
    assert product not in selectors.products_visible_to(world.enterprise)
    assert product in selectors.products_visible_to(world.officer)
    with pytest.raises(TransitionNotAllowed):
        services.product_transition(actor=world.bank_admin, product=product, action=ProductAction.WITHDRAW,
                                    reason="again")
    product = services.product_transition(actor=world.admin, product=product, action=ProductAction.REPUBLISH,
                                          reason="新年度额度")
    assert product.status == ProductStatus.ACTIVE
    assert [(h.action, h.from_status, h.to_status, h.reason) for h in reversed(selectors.product_history(product))][1:] == [
        ("withdraw", "active", "withdrawn", "额度用完"), ("republish", "withdrawn", "active", "新年度额度")]
    assert [h.actor for h in selectors.product_history(product)] == [world.admin, world.bank_admin, world.bank_admin]


def test_republish_is_refused_while_active_and_publish_is_not_a_transition(world, product):
    for action in (ProductAction.REPUBLISH, ProductAction.PUBLISH, "delete"):
        with pytest.raises(ApplicationError):
            services.product_transition(actor=world.bank_admin, product=product, action=action, reason="x")
    assert ProductStatusChange.objects.filter(product=product).count() == 1


def test_edits_are_kept_in_the_field_history(world, product):
    services.product_update(actor=world.bank_admin, product=product, amount_max=Decimal("20000000"),
                            reason="提高上限")
    product.refresh_from_db()
    assert product.amount_max == Decimal("20000000")
    history = list(selectors.product_field_history(product))
    assert len(history) == 2
    assert history[0].amount_max == Decimal("20000000") and history[1].amount_max == Decimal("10000000")
    assert history[0].history_user == world.bank_admin and history[0].history_change_reason == "提高上限"


@pytest.mark.parametrize("overrides,field", [
    ({"amount_min": Decimal("0")}, "amount_min"),
    ({"amount_min": Decimal("2000000"), "amount_max": Decimal("1000000")}, "amount_max"),
    ({"term_min_months": 24, "term_max_months": 12}, "term_max_months"),
    ({"term_max_months": 480}, "term_max_months"),
    ({"spread_min_bp": None}, "spread_min_bp"),
    ({"spread_min_bp": 100, "spread_max_bp": 50}, "spread_max_bp"),
    ({"rate_kind": RateKind.FIXED}, "rate_min"),
    ({"rate_kind": RateKind.FIXED, "spread_min_bp": None, "spread_max_bp": None, "rate_min": Decimal("5"),
      "rate_max": Decimal("4")}, "rate_max"),
    ({"rate_min": Decimal("3")}, "rate_min"),
    ({"guarantee_types": []}, "guarantee_types"),
    ({"guarantee_types": ["credit", "credit"]}, "guarantee_types"),
    ({"guarantee_types": ["gold"]}, "guarantee_types"),
    ({"conditions": {"all_of": [{"element": "management.no_such"}]}}, "conditions"),
])
def test_bad_products_are_refused_with_the_field_named(world, overrides, field):
    with pytest.raises(ApplicationError) as e:
        services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields(**overrides))
    assert field in e.value.extra["fields"], e.value.extra
    assert not Product.objects.exists()


def test_bad_edit_changes_nothing(world, product):
    with pytest.raises(ApplicationError):
        services.product_update(actor=world.bank_admin, product=product, term_min_months=0)
    with pytest.raises(ApplicationError):
        services.product_update(actor=world.bank_admin, product=product, status=ProductStatus.WITHDRAWN)
    product.refresh_from_db()
    assert product.term_min_months == 6 and product.status == ProductStatus.ACTIVE
    assert product.history.count() == 1


def test_product_names_are_unique_per_bank(world, product):
    with pytest.raises(ApplicationError):
        services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields())
    services.product_create(actor=world.bank_admin_2, bank=world.bank_2, **product_fields())


@pytest.mark.parametrize("who", ["bank_admin_2", "officer", "approver", "city", "district", "enterprise"])
def test_only_the_banks_admin_or_a_platform_admin_manage_its_products(world, product, who):
    actor = world.users[who]
    with pytest.raises(ApplicationError) as e:
        services.product_create(actor=actor, bank=world.bank, **product_fields(name="另一个"))
    assert e.value.status_code == 403
    with pytest.raises(ApplicationError):
        services.product_update(actor=actor, product=product, name="改名")
    with pytest.raises(ApplicationError):
        services.product_transition(actor=actor, product=product, action=ProductAction.WITHDRAW, reason="x")
    product.refresh_from_db()
    assert product.name == "质量贷" and product.status == ProductStatus.ACTIVE
    assert Product.objects.count() == 1


def test_retired_element_types_are_refused_in_new_conditions_but_kept_on_edit(world, product):
    conditions = {"credit_must_hold": True, "all_of": [{"element": "infrastructure.iso_quality"}]}
    kept = services.product_create(actor=world.bank_admin, bank=world.bank,
                                   **product_fields(name="ISO贷", conditions=conditions))
    # Retired as the bureau does it (the service, which the kept catalog hears of).
    element_services.element_type_retire(element_type=ElementType.objects.get(code="infrastructure.iso_quality"),
                                         user=world.city, reason="标准废止")
    with pytest.raises(ApplicationError) as e:
        services.product_update(actor=world.bank_admin, product=product, conditions=conditions)
    assert "conditions" in e.value.extra["fields"]
    with pytest.raises(ApplicationError):
        services.product_create(actor=world.bank_admin, bank=world.bank,
                                **product_fields(name="新ISO贷", conditions=conditions))
    services.product_update(actor=world.bank_admin, product=kept, conditions=conditions, term_max_months=48)
    kept.refresh_from_db()
    assert kept.term_max_months == 48


def test_rate_ranges_against_the_lpr_in_force(world, product, product_2):
    lpr = selectors.lpr_current(date(2026, 1, 1))
    assert lpr.one_year == Decimal("3.00") and lpr.effective_on == date(2025, 5, 20)
    assert selectors.lpr_current(date(2025, 1, 1)).one_year == Decimal("3.10")
    assert selectors.product_rate_range(product, lpr) == (Decimal("2.80"), Decimal("3.80"))
    assert selectors.product_rate_range(product_2, lpr) == (Decimal("3.2"), Decimal("4.5"))
    assert selectors.product_rate_range(product, None) is None


def test_recording_a_new_lpr(world):
    services.lpr_record(actor=world.admin, effective_on=date(2026, 6, 22), one_year=Decimal("2.90"))
    assert selectors.lpr_current(date(2026, 7, 1)).one_year == Decimal("2.90")
    with pytest.raises(ApplicationError):
        services.lpr_record(actor=world.city, effective_on=date(2026, 7, 22), one_year=Decimal("2.80"))
    with pytest.raises(ApplicationError):
        services.lpr_record(actor=world.admin, effective_on=date(2026, 7, 22), one_year=Decimal("0"))
    assert not LoanPrimeRate.objects.filter(effective_on=date(2026, 7, 22)).exists()
