"""Repayment schedules (还款计划), pure Decimal arithmetic, no database.

Conventions (docs/loans.md): one instalment per month from the start date (the first
disbursement), due on the same day of the month (clamped to the month's end), the last on the
maturity date. A whole-month period bears interest at the monthly rate = annual rate / 12 (how
Chinese banks state 等额本息 and 等额本金 tables); a broken period (the last one, when the
maturity is not a whole number of months after the start) bears actual days / 360. Every
amount is quantized to 0.01 yuan (half up); the last instalment takes whatever principal is
left, so the principal column always sums to the loan's principal exactly."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from applications.choices import RepaymentMethod
from jingzhidai.dates import add_months, months_before

CENT = Decimal("0.01")


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Instalment(NamedTuple):
    number: int
    due_on: date
    principal: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


def due_dates(start: date, maturity: date) -> list[date]:
    """Monthly due dates after `start`, the last being `maturity` (which must follow `start`)."""
    if maturity <= start:
        raise ValueError("maturity must follow the start date")
    dates = months_before(start, maturity)
    dates.append(maturity)
    return dates


ZERO, NOTHING = Decimal("0.00"), Decimal(0)


def build(*, principal, annual_rate, start: date, maturity: date, method: str) -> list[Instalment]:
    """The schedule of `principal` (yuan) at `annual_rate` (percent a year) from `start` to
    `maturity` under one of applications' RepaymentMethod values.

    Written for speed (issue 10: grow_demo plans ten million instalments with it, the services
    every loan's): each due date is computed once, every period but the last is a whole month
    by construction, and a whole month's interest on an unchanged balance is the previous
    one's (interest-only loans compute it once). `tests/loans/test_schedules.py` holds it equal
    to the straightforward form, period by period."""
    principal = q(Decimal(principal))
    annual = Decimal(annual_rate) / 100
    monthly = annual / 12
    dates = due_dates(start, maturity)
    n = len(dates)
    if method == RepaymentMethod.EQUAL_INSTALMENTS and monthly > 0:
        growth = (1 + monthly) ** n
        payment = q(principal * monthly * growth / (growth - 1))
    else:
        payment = None
    if method == RepaymentMethod.EQUAL_PRINCIPAL or (method == RepaymentMethod.EQUAL_INSTALMENTS and payment is None):
        even_share = q(principal / n)
    else:
        even_share = None
    out, left, row = [], principal, tuple.__new__  # rows made without NamedTuple's __new__ frame
    balance = interest = None  # the balance whose whole-month interest `interest` is
    for k, day in enumerate(dates[:-1], start=1):  # whole months
        if left != balance:
            balance, interest = left, q(left * monthly)
        if even_share is not None:
            part = min(even_share, left)
        elif payment is not None:
            part = min(max(payment - interest, NOTHING), left)
        else:  # monthly interest, principal at maturity
            part = ZERO
        out.append(row(Instalment, (k, day, part, interest)))
        if part:
            left -= part
    # The last instalment absorbs every rounding difference; its period is a whole month only
    # when the maturity is a whole number of months after the start.
    previous = dates[-2] if n > 1 else start
    if maturity == add_months(start, n):
        interest = interest if left == balance else q(left * monthly)
    else:
        interest = q(left * annual * (maturity - previous).days / 360)
    out.append(Instalment(n, maturity, left, interest))
    return out


def rebuild_after_extension(schedule: list[Instalment], *, extended_on: date, new_maturity: date, annual_rate,
                            method: str, start: date) -> list[Instalment]:
    """An extension (展期) keeps the instalments due on or before the day it was agreed and
    plans what principal remains from the last of them to the new maturity, same method."""
    kept = [i for i in schedule if i.due_on <= extended_on]
    remaining = sum((i.principal for i in schedule), Decimal(0)) - sum((i.principal for i in kept), Decimal(0))
    restart = kept[-1].due_on if kept else start
    if remaining <= 0 or new_maturity <= restart:
        return kept
    rest = build(principal=remaining, annual_rate=annual_rate, start=restart, maturity=new_maturity, method=method)
    return kept + [Instalment(number=len(kept) + i.number, due_on=i.due_on, principal=i.principal,
                              interest=i.interest) for i in rest]
