"""Figures for the report tests that do not test the figures themselves: a fixed dict in the
shape regulators.metrics returns, so layout, storage, access and API are tested on their own."""

from decimal import Decimal

import pytest

FIGURES = {
    "applications": {"total": 15},
    "amounts": {"requested": Decimal("9000000"), "approved": Decimal("6234500"), "disbursed": Decimal("5000000")},
    "approval_rate": Decimal("66.67"),
    "by_bank": [{"name": "测试银行甲", "applications": 10, "approved": Decimal("5000000"), "disbursed": Decimal("4000000")},
                {"name": "测试银行乙", "applications": 5, "approved": Decimal("1234500"),
                 "disbursed": Decimal("1000000")}],
    "by_month": [{"month": "2026-09", "applications": 4}, {"month": "2026-10", "applications": 11}],
}


@pytest.fixture
def fixed_figures(monkeypatch):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from regulators.reports import source

    calls = []

    def compute(*, unit, period, progress=None):
        calls.append((unit.code if unit else None, period.code))
        return json.loads(json.dumps(FIGURES, cls=DjangoJSONEncoder))

    monkeypatch.setattr(source, "figures_compute", compute)
    return calls
