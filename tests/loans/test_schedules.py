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


# --- the fast form held equal to the straightforward one ----------------------------------------

def _reference_build(*, principal, annual_rate, start, maturity, method):
    """`build` as first written (every period's due date and interest computed afresh): the
    fast form must give the same rows, to the cent and exponent."""
    import calendar

    from loans.schedules import Instalment, q

    def months_after(day, months):
        month0 = day.month - 1 + months
        year, month = day.year + month0 // 12, month0 % 12 + 1
        return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))

    principal = q(Decimal(principal))
    annual = Decimal(annual_rate) / 100
    monthly = annual / 12
    dates, k = [], 1
    while (day := months_after(start, k)) < maturity:
        dates.append(day)
        k += 1
    dates.append(maturity)
    n = len(dates)
    if method == RepaymentMethod.EQUAL_INSTALMENTS and monthly > 0:
        growth = (1 + monthly) ** n
        payment = q(principal * monthly * growth / (growth - 1))
    else:
        payment = None
    even_share = q(principal / n)
    out, left, previous = [], principal, start
    for k, day in enumerate(dates, start=1):
        if day == months_after(start, k):
            interest = q(left * monthly)
        else:
            interest = q(left * annual * (day - previous).days / 360)
        if k == n:
            part = left
        elif method == RepaymentMethod.EQUAL_PRINCIPAL or (method == RepaymentMethod.EQUAL_INSTALMENTS
                                                          and payment is None):
            part = min(even_share, left)
        elif method == RepaymentMethod.EQUAL_INSTALMENTS:
            part = min(max(payment - interest, Decimal(0)), left)
        else:
            part = Decimal("0.00")
        out.append(Instalment(k, day, part, interest))
        left -= part
        previous = day
    return out


def _cases():
    import random
    from datetime import timedelta

    from jingzhidai.dates import add_months

    rng = random.Random(10)
    starts = [date(2024, 1, 31), date(2024, 2, 29), date(2023, 2, 28), date(2025, 8, 30), date(2026, 12, 15),
              date(2025, 3, 1)]
    starts += [date(2023, 1, 1) + timedelta(days=rng.randint(0, 1500)) for _ in range(30)]
    for start in starts:
        for months in (1, 2, 3, 7, 12, 13, 36, 61, 120):
            whole = add_months(start, months)
            for maturity in (whole, whole - timedelta(days=rng.randint(1, 20)), whole + timedelta(days=3)):
                if maturity > start:
                    yield start, maturity


@pytest.mark.parametrize("method", RepaymentMethod.values)
@pytest.mark.parametrize("rate", ["0", "3.450", "3.65", "4.35", "0.01", "18"])
def test_build_equals_the_straightforward_form(method, rate):
    import random

    rng = random.Random(f"{method} {rate}")
    checked = 0
    for start, maturity in _cases():
        principal = rng.choice(["1000000", "333333.33", "0.01", "12345678.91", "90000.00", "500"])
        fast = build(principal=principal, annual_rate=rate, start=start, maturity=maturity, method=method)
        slow = _reference_build(principal=principal, annual_rate=rate, start=start, maturity=maturity, method=method)
        assert [tuple(map(str, row)) for row in fast] == [tuple(map(str, row)) for row in slow], (start, maturity)
        checked += 1
    assert checked > 500


def test_add_months_fast_form_equals_calendar_clamping():
    import calendar
    from datetime import datetime, timedelta

    from jingzhidai.dates import add_months

    day = date(2023, 1, 1)
    while day < date(2025, 1, 1):
        for months in (0, 1, 2, 11, 13, 25, -1, -14):
            month0 = day.month - 1 + months
            year, month = day.year + month0 // 12, month0 % 12 + 1
            expected = day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
            assert add_months(day, months) == expected and type(add_months(day, months)) is date
        day += timedelta(days=1)
    assert add_months(datetime(2024, 1, 31, 9, 30), 1) == datetime(2024, 2, 29, 9, 30)


def test_months_before_steps_as_add_months():
    from datetime import timedelta

    from jingzhidai.dates import add_months, months_before

    start = date(2023, 1, 1)
    while start < date(2025, 1, 1):
        for end in (start + timedelta(days=1), add_months(start, 1), add_months(start, 13) + timedelta(days=2)):
            expected, k = [], 1
            while add_months(start, k) < end:
                expected.append(add_months(start, k))
                k += 1
            assert months_before(start, end) == expected
        start += timedelta(days=1)
