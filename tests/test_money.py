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


# --- form fields and how refusals name fields (issue 14) ---------------------------------------

from django import forms as django_forms  # noqa: E402

from jingzhidai.errors import ApplicationError, error_text, form_labels  # noqa: E402
from jingzhidai.forms import AmountField, RateField, WanAmountField, labelled_errors  # noqa: E402


class _Form(django_forms.Form):
    amount = AmountField(label="金额（元）")
    rate = RateField(label="年利率（%）", required=False)
    range_wan = WanAmountField(label="最低金额（万元）", required=False)


@pytest.mark.parametrize("typed,expected", [
    ("2,000,000", Decimal("2000000")), ("2，000，000", Decimal("2000000")), ("200 万元", Decimal("2000000")),
    ("200万", Decimal("2000000")), ("1.5万元", Decimal("15000")), ("3 500.50 元", Decimal("3500.50")),
])
def test_amount_field_accepts_what_people_type(typed, expected):
    form = _Form({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == expected


@pytest.mark.parametrize("typed", ["两百万", "1_000", "NaN", "1.234"])
def test_amount_field_refuses_the_rest(typed):
    form = _Form({"amount": typed})
    assert not form.is_valid() and "amount" in form.errors


@pytest.mark.parametrize("typed,expected", [("3.45", Decimal("3.45")), ("3.45%", Decimal("3.45")),
                                            ("3.45 ％", Decimal("3.45"))])
def test_rate_field(typed, expected):
    form = _Form({"amount": "1", "rate": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rate"] == expected
    assert not _Form({"amount": "1", "rate": "3元"}).is_valid()


def test_wan_field():
    form = _Form({"amount": "1", "range_wan": "1,000 万元"})
    assert form.is_valid() and form.cleaned_data["range_wan"] == Decimal("1000")
    assert not _Form({"amount": "1", "range_wan": "1000元"}).is_valid()


def test_the_fields_say_their_unit_and_render_as_text():
    with translation.override("zh-hans"):
        html = str(_Form()["amount"])
        assert 'type="text"' in html and 'inputmode="decimal"' in html
        assert "元" in str(_Form.base_fields["amount"].help_text)
        assert "万元" in str(_Form.base_fields["range_wan"].help_text)


def test_errors_away_from_the_form_name_fields_by_their_labels():
    with translation.override("zh-hans"):
        form = _Form({"amount": "abc"})
        form.is_valid()
        (line,) = labelled_errors(form)
        assert line.startswith("金额（元）：") and "amount" not in line
        refusal = ApplicationError("请输入数字。", {"fields": {"amount": ["请输入数字。"]}})
        assert error_text(refusal, form_labels(_Form)) == "金额（元）：请输入数字。"
        old_shape = ApplicationError("请输入数字。", {"rate": ["请输入数字。"]})
        assert error_text(old_shape, form_labels(_Form)) == "年利率（%）：请输入数字。"
        assert error_text(ApplicationError("已拒绝。"), form_labels(_Form)) == "已拒绝。"


def test_parse_yuan_and_in_wan():
    assert money.parse_yuan("200 万元") == Decimal("2000000")
    assert money.parse_yuan("2,000") == Decimal("2000")
    assert money.parse_yuan("x") is None
    assert money.in_wan(Decimal("1000.00")) == "1,000"
    assert money.in_wan(Decimal("12.5")) == "12.5"
