from datetime import date
from decimal import Decimal

import pytest

from banks import services
from banks.choices import RateKind
from elements.profile import CategoryProfile, CreditReason, HeldElement, QualityCredit, QualityProfile

CREDIT_CODES = ["credit.no_abnormal_operation", "credit.no_serious_violation", "credit.no_penalty_3y",
                "credit.no_failed_spotcheck_3y"]


def make_profile(*held: str, credit_fails: tuple[str, ...] = (), uscc="91110108MA01JQD0XX") -> QualityProfile:
    """A QualityProfile built by hand: `held` element codes, credit failing on `credit_fails`."""
    by_category: dict[str, list[HeldElement]] = {}
    for code in held:
        category = code.split(".")[0]
        by_category.setdefault(category, []).append(HeldElement(code=code, name=code, category=category))
    conditions = {code: code not in credit_fails for code in CREDIT_CODES}
    reasons = [CreditReason(condition=code, message=f"listed: {code}") for code in credit_fails]
    return QualityProfile(
        uscc=uscc, as_of=date(2026, 11, 1), rules_version="test",
        quality_credit=QualityCredit(holds=not credit_fails, reasons=reasons, conditions=conditions),
        categories=[CategoryProfile(code=c, name=c, elements=els) for c, els in by_category.items()],
    )


def product_fields(**overrides):
    fields = dict(
        name="质量贷", amount_min=Decimal("500000"), amount_max=Decimal("10000000"), term_min_months=6,
        term_max_months=36, rate_kind=RateKind.LPR_SPREAD, spread_min_bp=-20, spread_max_bp=80,
        guarantee_types=["credit", "surety"],
        conditions={"credit_must_hold": True, "any_of": [{"category": "management"}, {"category": "brand"}]},
    )
    fields.update(overrides)
    return fields


@pytest.fixture
def product(world):
    return services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields())


@pytest.fixture
def product_2(world):
    return services.product_create(actor=world.bank_admin_2, bank=world.bank_2,
                                   **product_fields(name="北京银行质量贷", rate_kind=RateKind.FIXED,
                                                    spread_min_bp=None, spread_max_bp=None,
                                                    rate_min=Decimal("3.2"), rate_max=Decimal("4.5")))
