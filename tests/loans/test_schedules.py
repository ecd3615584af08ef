"""Schedules for each repayment method: the principal column sums to the loan exactly, the
last instalment absorbs the rounding, due dates run monthly to the maturity."""

from datetime import date
from decimal import Decimal

import pytest

from applications.choices import RepaymentMethod
from loans.schedules import build, due_dates, rebuild_after_extension

START = date(2026, 1, 31)
MATURITY = date(2027, 1, 31)


@pytest.mark.parametrize("method", RepaymentMethod.values)
@pytest.mark.parametrize("principal", ["1000000", "333333.33", "100000.01", "5000000"])
def test_principal_sums_to_the_loan(method, principal):
    rows = build(principal=principal, annual_rate="3.65", start=START, maturity=MATURITY, method=method)
    assert len(rows) == 12
    assert sum(r.principal for r in rows) == Decimal(principal)
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows)
    assert all(r.principal == r.principal.quantize(Decimal("0.01")) for r in rows)


def test_due_dates_monthly_clamped_to_month_end_last_on_maturity():
    dates = due_dates(START, MATURITY)
    assert dates[0] == date(2026, 2, 28) and dates[1] == date(2026, 3, 31) and dates[-1] == MATURITY


def test_interest_monthly_principal_at_maturity():
    rows = build(principal="1200000", annual_rate="3.6", start=START, maturity=MATURITY,
                 method=RepaymentMethod.INTEREST_MONTHLY)
    assert [r.principal for r in rows[:-1]] == [Decimal("0.00")] * 11
    assert rows[-1].principal == Decimal("1200000.00")
    assert {r.interest for r in rows} == {Decimal("3600.00")}  # 1,200,000 × 3.6% / 12


def test_equal_instalments_equal_totals_but_the_last():
    rows = build(principal="1000000", annual_rate="4.35", start=START, maturity=MATURITY,
                 method=RepaymentMethod.EQUAL_INSTALMENTS)
    totals = {r.total for r in rows[:-1]}
    assert totals == {Decimal("85309.90")}  # the textbook 等额本息 instalment for 100万 at 4.35% over 12 months
    assert abs(rows[-1].total - Decimal("85309.90")) < Decimal("0.10")  # the last absorbs the rounding
    assert rows[0].interest == Decimal("3625.00")
    assert [r.principal for r in rows] == sorted(r.principal for r in rows)  # principal share grows


def test_equal_principal_even_share_last_absorbs():
    rows = build(principal="100000", annual_rate="3.6", start=START, maturity=MATURITY,
                 method=RepaymentMethod.EQUAL_PRINCIPAL)
    assert {r.principal for r in rows[:-1]} == {Decimal("8333.33")}
    assert rows[-1].principal == Decimal("8333.37")
    assert rows[0].interest == Decimal("300.00") and rows[1].interest == Decimal("275.00")


def test_broken_last_period_uses_actual_days_over_360():
    rows = build(principal="360000", annual_rate="3.6", start=date(2026, 1, 10), maturity=date(2026, 3, 1),
                 method=RepaymentMethod.INTEREST_MONTHLY)
    assert [r.due_on for r in rows] == [date(2026, 2, 10), date(2026, 3, 1)]
    assert rows[0].interest == Decimal("1080.00")
    assert rows[1].interest == Decimal("684.00")  # 360000 × 3.6% × 19 / 360


@pytest.mark.parametrize("method", RepaymentMethod.values)
def test_extension_keeps_the_past_and_replans_the_rest(method):
    rows = build(principal="1000000", annual_rate="3.6", start=START, maturity=MATURITY, method=method)
    new = rebuild_after_extension(rows, extended_on=date(2026, 6, 15), new_maturity=date(2027, 7, 31),
                                  annual_rate="3.6", method=method, start=START)
    assert new[:4] == rows[:4]  # due Feb–May, before the extension of 15 June
    assert new[-1].due_on == date(2027, 7, 31)
    assert sum(r.principal for r in new) == Decimal("1000000")
    assert [r.number for r in new] == list(range(1, len(new) + 1))
