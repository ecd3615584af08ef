from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from jingzhidai import money


@pytest.mark.parametrize("amount,expected", [
    (Decimal("1234500"), "123.45"), (30000000, "3,000"), ("500000.00", "50"), (Decimal("10000"), "1"),
    (Decimal("12345678901"), "1,234,567.89"), (None, ""), ("", ""),
])
def test_wan(amount, expected):
    assert money.wan(amount) == expected


def test_yuan_and_rate():
    assert money.yuan(Decimal("2000000")) == "2,000,000.00"
    assert money.yuan("3500.5") == "3,500.50"
    assert money.rate(Decimal("3.200")) == "3.20%"
    assert money.rate("3.456") == "3.46%"
    assert money.rate(None) == ""


def test_money_picks_the_unit():
    with translation.override("zh-hans"):
        assert money.money(Decimal("2000000")) == "200 万元"
        assert money.money(Decimal("3500")) == "3,500.00 元"
    with translation.override("en"):
        assert money.money(Decimal("2000000")) == "200 10k yuan"


@pytest.mark.parametrize("text,expected", [
    ("2,000,000", Decimal("2000000")), ("2，000，000", Decimal("2000000")), (" 50 万元", Decimal("50")),
    ("1 234.5", Decimal("1234.5")), ("12元", Decimal("12")), ("abc", None), ("", None), ("1_000", None),
    ("NaN", None), ("Infinity", None), (None, None),
])
def test_parse_amount(text, expected):
    assert money.parse_amount(text) == expected


def test_filters():
    out = Template("{% load money %}{{ a|wan }}|{{ a|yuan }}|{{ r|rate }}").render(
        Context({"a": Decimal("2000000"), "r": Decimal("3.2")}))
    assert out == "200|2,000,000.00|3.20%"
