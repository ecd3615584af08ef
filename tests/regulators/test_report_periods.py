from datetime import date

import pytest

from jingzhidai.errors import ApplicationError
from regulators.reports.periods import last_closed_month, last_closed_quarter, period_parse

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("kind,text,code,start,end", [
    ("monthly", "2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
    ("monthly", " 2024-02 ", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("quarterly", "2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("quarterly", "2026-q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("quarterly", "2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
])
def test_valid_periods(kind, text, code, start, end):
    period = period_parse(kind, text, today=TODAY)
    assert (period.code, period.start, period.end) == (code, start, end)


@pytest.mark.parametrize("kind,text,code", [
    ("monthly", "2026-13", "invalid_period"), ("monthly", "2026-00", "invalid_period"),
    ("monthly", "2026-Q3", "invalid_period"), ("monthly", "202611", "invalid_period"),
    ("monthly", "", "invalid_period"), ("quarterly", "2026-11", "invalid_period"),
    ("quarterly", "2026-Q5", "invalid_period"), ("quarterly", "1999-Q1", "invalid_period"),
    ("monthly", "2027-01", "invalid_period"),  # not started yet
    ("weekly", "2026-11", "invalid_kind"),
])
def test_invalid_periods_are_refused_with_a_clear_error(kind, text, code):
    with pytest.raises(ApplicationError) as e:
        period_parse(kind, text, today=TODAY)
    assert e.value.code == code
    assert e.value.extra["fields"]


def test_closed_and_open_periods():
    assert period_parse("monthly", "2026-11", today=TODAY).is_closed(TODAY)
    assert not period_parse("monthly", "2026-12", today=TODAY).is_closed(TODAY)
    assert not period_parse("quarterly", "2026-Q4", today=TODAY).is_closed(TODAY)


def test_last_closed_periods():
    assert last_closed_month(TODAY).code == "2026-11"
    assert last_closed_month(date(2026, 1, 15)).code == "2025-12"
    assert last_closed_quarter(TODAY).code == "2026-Q3"
    assert last_closed_quarter(date(2026, 1, 1)).code == "2025-Q4"
    assert last_closed_quarter(date(2026, 4, 1)).code == "2026-Q1"


def test_labels_in_chinese():
    assert period_parse("monthly", "2026-11", today=TODAY).label == "2026年11月"
    assert period_parse("quarterly", "2026-Q3", today=TODAY).label == "2026年第3季度"
