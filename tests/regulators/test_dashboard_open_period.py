"""An open period (one that includes today) keeps its closed days and reads only today from the
base tables: every figure equals the one computed over the whole period from the base tables,
medians included (kept as whole-day histograms, whose merged median is the median
percentile_cont gives over the base rows)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import timezone

from applications.choices import Action, Status
from applications.models import Application, Claim, HistoryEntry, VerificationRequest
from elements.models import ElementType
from loans.models import FundUseReport
from regulators import metrics
from regulators.metrics import Period, Scope

from .dashboard_fixture import Q3, at, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3(world, product, product_2):
    return build(world, product, product_2)


def local(day: date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _copy(app, **fields):
    new = Application.objects.get(pk=app.pk)
    new.pk = None
    for k, v in fields.items():
        setattr(new, k, v)
    new.save()
    Application.objects.filter(pk=new.pk).update(**fields)  # stamps a save() would not keep
    return Application.objects.get(pk=new.pk)


def _today_events(q3, world):
    """What happens on the open period's last closed day and today: an acceptance across
    midnight, a submission today, a step today of an application submitted in Q3, requests
    answered today (late), asked today and left open past their due day, fund use today."""
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    late_night = _copy(q3.a4, submitted_at=local(yesterday, 23, 30), accepted_at=local(today, 0, 30),
                       status=Status.UNDER_REVIEW, status_changed_at=local(today, 0, 30), created_at=local(yesterday, 23))
    HistoryEntry.objects.create(application=late_night, action=Action.SUBMIT, from_status=Status.DRAFT,
                                to_status=Status.SUBMITTED, at=local(yesterday, 23, 30))
    HistoryEntry.objects.create(application=late_night, action=Action.ACCEPT, from_status=Status.SUBMITTED,
                                to_status=Status.UNDER_REVIEW, at=local(today, 0, 30))
    fresh = _copy(q3.a4, submitted_at=timezone.now(), accepted_at=None, status=Status.SUBMITTED,
                  status_changed_at=timezone.now(), created_at=timezone.now())
    HistoryEntry.objects.create(application=fresh, action=Action.SUBMIT, from_status=Status.DRAFT,
                                to_status=Status.SUBMITTED, at=timezone.now())
    # A4 (submitted 09-20, under review since 10-05) is rejected today.
    HistoryEntry.objects.create(application=q3.a4, action=Action.REJECT, from_status=Status.UNDER_REVIEW,
                                to_status=Status.REJECTED, at=timezone.now(), note="不符合条件")
    Application.objects.filter(pk=q3.a4.pk).update(status=Status.REJECTED, status_changed_at=timezone.now(),
                                                   decided_at=timezone.now())

    types = iter(ElementType.objects.exclude(category_id="credit").order_by("pk"))

    def vr(app, asked, due, answered):
        claim = Claim.objects.create(application=app, element_type=next(types), origin="added")
        return VerificationRequest.objects.create(
            application=app, claim=claim, element_type=claim.element_type, enterprise=app.enterprise,
            regulator_unit=app.enterprise.regulator_unit, question="请核实", asked_by=world.officer, asked_at=asked,
            due_on=due, status="confirmed" if answered else "open", answered_at=answered)

    vr(q3.a4, local(today - timedelta(days=20), 10), today - timedelta(days=13), local(today, 0, 5))  # late, today
    vr(q3.a4, local(today - timedelta(days=6), 10), today - timedelta(days=2), None)  # open, overdue
    vr(q3.a4, local(today - timedelta(days=3), 16), today + timedelta(days=5), local(yesterday, 9))  # in time
    vr(fresh, timezone.now(), today + timedelta(days=7), None)  # asked today
    FundUseReport.objects.create(loan=q3.l3, purpose="technical", amount=D("70000"), date=today,
                                 description="用途", reported_by=world.enterprise_2)
    FundUseReport.objects.create(loan=q3.l1, purpose="quality", amount=D("20000"), date=yesterday,
                                 description="用途", reported_by=world.enterprise)


def _from_base_tables(scope, period):
    """The figures with nothing kept: every part computed over the whole period."""
    original = metrics._split
    metrics._split = lambda period: None
    try:
        return metrics.compute_dashboard(scope, period)
    finally:
        metrics._split = original


@pytest.mark.parametrize("who", ["city", "district", "bank"])
def test_open_period_equals_the_base_tables_computed_then_kept(q3, world, who):
    _today_events(q3, world)
    scope = {"city": Scope(), "district": Scope(unit=world.district.regulator_unit_id),
             "bank": Scope(bank=world.bank.pk)}[who]
    period = Period(Q3[0], timezone.localdate() + timedelta(days=3))
    whole = _from_base_tables(scope, period)
    assert whole["applications"]["submitted"] == {"city": 7, "district": 5, "bank": 5}[who]  # two since last night
    for _ in range(2):  # the closed days computed, then kept
        assert metrics.compute_dashboard(scope, period) == whole
    if who == "city":
        v = whole["verification"]
        # Q3's three (all answered by now, two late) and four around today: answered late today, open past its due
        # day, answered in time yesterday, asked today
        assert (v["asked"], v["answered"]) == (7, 5)
        assert v["overdue"] == 2 + 2
        assert whole["fund_use"]["reported"] == D("1040000.00")
        assert whole["applications"]["by_status"]["rejected"] == 2  # A2, and A4 today


def test_a_change_today_reaches_the_kept_open_period(q3, world):
    period = Period(Q3[0], timezone.localdate())
    before = metrics.compute_dashboard(Scope(), period)
    _today_events(q3, world)
    after = metrics.compute_dashboard(Scope(), period)
    assert after == _from_base_tables(Scope(), period)
    assert after["applications"]["by_status"]["rejected"] == before["applications"]["by_status"]["rejected"] + 1


def _percentile_cont(sql_span: str, table: str, where: str, params) -> D | None:
    with connection.cursor() as cur:
        cur.execute(f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {sql_span}) FROM {table} WHERE {where}", params)
        value = cur.fetchone()[0]
    return None if value is None else D(str(value)).quantize(D("0.1"))


def _span(later, earlier):
    tz = "Asia/Shanghai"
    return f"(({later} AT TIME ZONE '{tz}')::date - ({earlier} AT TIME ZONE '{tz}')::date)"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont is PostgreSQL's")
def test_histogram_medians_equal_percentile_cont_over_the_base_rows(q3, world):
    _today_events(q3, world)
    # spans that are not whole days of elapsed time: 1 h over midnight, 47 h, 25 h
    for submitted, accepted in ((local(date(2026, 7, 6), 23, 30), local(date(2026, 7, 7), 0, 30)),
                                (local(date(2026, 7, 6), 1), local(date(2026, 7, 8), 0)),
                                (local(date(2026, 8, 6), 9), local(date(2026, 8, 7), 10))):
        _copy(q3.a4, submitted_at=submitted, accepted_at=accepted, created_at=submitted)
    period = Period(Q3[0], timezone.localdate())
    start, end = period.start, period.end
    stages = metrics._stage_medians(Scope(), period)["all"]
    for name, (later, earlier) in metrics.STAGES.items():
        expected = _percentile_cont(_span(later, earlier), "applications_application",
                                    f"{later} >= %s AND {later} < %s AND {earlier} IS NOT NULL", [start, end])
        assert stages[name] == expected, name
    assert stages["submit_to_accept"] is not None
    turnaround = metrics._verification(Scope(), period)["all"]["median_days"]
    assert turnaround == _percentile_cont(_span("answered_at", "asked_at"), "applications_verificationrequest",
                                          "answered_at >= %s AND answered_at < %s", [start, end])
    # per bank, as the bank evaluation reads them
    by_bank = metrics._stage_medians(Scope(), period, "bank")
    for bank in (world.bank, world.bank_2):
        expected = _percentile_cont(_span("accepted_at", "submitted_at"), "applications_application",
                                    "accepted_at >= %s AND accepted_at < %s AND bank_id = %s", [start, end, bank.pk])
        assert by_bank[bank.pk]["submit_to_accept"] == expected


def test_histogram_median():
    assert metrics.histogram_median({}) is None
    assert metrics.histogram_median({3: 1}) == D("3.0")
    assert metrics.histogram_median({1: 1, 4: 1}) == D("2.5")
    assert metrics.histogram_median({0: 2, 5: 1, 9: 1}) == D("2.5")
    assert metrics.histogram_median({2: 3, 7: 1}) == D("2.0")
    assert metrics.histogram_median({10: 1, 1: 2}) == D("1.0")


def test_whole_days_by_the_local_calendar(q3):
    """Days per stage are whole days between the local dates (Asia/Shanghai) of the two steps."""
    a = _copy(q3.a4, submitted_at=at(7, 6, 23), accepted_at=at(7, 7, 1), created_at=at(7, 6, 22))
    period = Period(date(2026, 7, 7), date(2026, 7, 7))
    assert metrics._stage_medians(Scope(), period)["all"]["submit_to_accept"] == D("1.0")
    assert a.accepted_at - a.submitted_at == timedelta(hours=2)


def test_todays_loan_positions_are_kept_until_a_position_changes(q3, world):
    from django.db.models import F

    from loans.models import Loan, Repayment

    before = metrics._loans_now(Scope(), None)
    assert before == metrics._loans_now_computed(Scope(), None)
    Repayment.objects.create(loan=q3.l3, bank=q3.l3.bank, date=timezone.localdate(), principal=D("100000"),
                             interest=D("0"), reference="R-today", source="page")
    Loan.objects.filter(pk=q3.l3.pk).update(outstanding=F("outstanding") - D("100000"))
    after = metrics._loans_now(Scope(), None)
    assert after == metrics._loans_now_computed(Scope(), None)
    assert after["all"]["balance"] == before["all"]["balance"] - D("100000")


def test_banks_and_units_side_by_side_in_an_open_period_equal_the_base_tables(q3, world):
    _today_events(q3, world)
    period = Period(Q3[0], timezone.localdate())
    original = metrics._split
    metrics._split = lambda period: None
    try:
        banks, units = metrics._bank_evaluation(period), metrics._by_unit(period, None)
    finally:
        metrics._split = original
    assert sum(r["received"] for r in banks) == 7
    for _ in range(2):  # the closed days computed, then kept
        assert metrics._bank_evaluation(period) == banks
        assert metrics._by_unit(period, None) == units


def test_enterprise_counts_are_kept_until_the_library_changes(q3, world):
    from elements import services as element_services
    from elements.choices import ListingKind

    period = Period(Q3[0], timezone.localdate())
    before = metrics._enterprises(Scope(), period)
    assert before == metrics._enterprises_counted(Scope(), period) and before["quality_credit"] == 1
    element_services.listing_record(enterprise=q3.a1.enterprise, kind=ListingKind.ABNORMAL, user=world.district,
                                    reason="未报送年报", entry_reason="核查发现", listed_on=timezone.localdate() - timedelta(days=2))
    after = metrics._enterprises(Scope(), period)
    assert after == metrics._enterprises_counted(Scope(), period)
    assert after["quality_credit"] == 0
