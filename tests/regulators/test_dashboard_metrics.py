"""Each dashboard figure against the hand-computed world of dashboard_fixture (Q3 2026).

Worked out by hand:
- submitted in Q3: A1 (1,000,000), A2 (500,000), A3 (2,000,000), A4 (300,000), A7 (400,000) → 5, 4,200,000
  (A5 was submitted in June; the draft never).
- decided in Q3: A1 approved 07-08, A2 rejected 07-15, A3 approved 08-22, A5 approved 07-02 → 4 decided,
  3 approved, approval rate 75.0; approved amount 800,000 + 1,500,000 + 600,000 = 2,900,000.
- rates: A1 3.5 − LPR 3.00 (in force 06-20) = 50 bp; A3 3.2 − 2.90 (in force 08-20) = 30 bp; A5 3.8 − 3.00 =
  80 bp → average rate 3.500, spread (50 + 30 + 80) / 3 = 53.3 bp; credit loans A1, A5 of 3 → 66.7.
- median days: submit→accept (accepted in Q3: A1 2, A2 4, A3 1) = 2.0; accept→decision (A1 5, A2 6,
  A3 20, A5 6) = 6.0; decision→first disbursement (A1 4, A3 6) = 5.0.
- contracts: A1 800,000 (07-10), A3 1,500,000 (08-25); disbursed the same 2,300,000.
- at the end (09-30): L1 800,000 − 200,000 repaid (09-15; the 10-10 repayment is later) = 600,000, overdue
  since 09-20 (cured only 10-15), 次级 as of 09-25; L3 1,500,000, repaying, 关注 only as of 10-05 → normal.
  Outstanding 2,100,000; overdue 1 of 2 = 50.0, by balance 600/2100 = 28.6; NPL the same.
- status at the end of those submitted in Q3: A1, A3 disbursed; A2 rejected; A4 submitted (accepted 10-05);
  A7 returned.
- verification: asked 07-04 (answered 07-06, 2 days), 07-10 (due 07-17, answered 07-20: late, 10 days),
  09-25 (due 09-28, answered 10-02: open and overdue at the end) → asked 3, answered 2, overdue 2 = 66.7,
  median 6.0 days.
- open risk alerts at the end: the 09-01 alert (the 08-01 one was acknowledged 08-05, the 10-02 one later) → 1.
- fund use in Q3: quality 300,000, other 100,000, equipment 500,000 (technical 50,000 is 10-03) →
  900,000, of which the three purposes 800,000 = 88.9.
- enterprises: both hold a distinction; ent_2 is on the abnormal list since 09-01 → 2 with a profile, 1 credit.
- complaints: A7 returned 07-22, A2 rejected 07-15.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from regulators import metrics
from regulators.metrics import Period, Scope

from .dashboard_fixture import Q3, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3(world, product, product_2):
    return build(world, product, product_2)


PERIOD = Period(*Q3)


def test_headline_figures(q3):
    f = metrics.dashboard(Scope(), PERIOD)
    a = f["applications"]
    assert (a["submitted"], a["accepted"], a["decided"], a["approved"], a["rejected"]) == (5, 3, 4, 3, 1)
    assert (a["returned"], a["contracted"], a["first_disbursed"], a["withdrawn"]) == (1, 2, 2, 0)
    assert f["approval_rate"] == D("75.0")
    assert f["amounts"] == {"requested": D("4200000.00"), "approved": D("2900000.00"), "contracted": D("2300000.00"),
                            "disbursed": D("2300000.00"), "outstanding": D("2100000.00")}
    assert f["rates"]["average_rate"] == D("3.500")
    assert f["rates"]["spread_bp"] == D("53.3")
    assert f["credit_loans"] == {"approved": 3, "credit": 2, "share": D("66.7")}
    assert f["stage_days"] == {"submit_to_accept": D("2.0"), "accept_to_decision": D("6.0"),
                               "decision_to_disbursement": D("5.0")}


def test_status_at_the_end_of_the_period_not_today(q3):
    by_status = metrics.dashboard(Scope(), PERIOD)["applications"]["by_status"]
    assert {k: v for k, v in by_status.items() if v} == {"disbursed": 2, "rejected": 1, "submitted": 1, "returned": 1}


def test_loans_at_the_end_from_history(q3):
    ln = metrics.dashboard(Scope(), PERIOD)["loans"]
    assert (ln["loans"], ln["outstanding"]) == (2, D("2100000.00"))
    assert (ln["overdue_loans"], ln["overdue_share"], ln["overdue_balance_share"]) == (1, D("50.0"), D("28.6"))
    assert (ln["npl_loans"], ln["npl_balance"], ln["npl_balance_share"]) == (1, D("600000.00"), D("28.6"))


def test_verification_alerts_fund_use_enterprises(q3):
    f = metrics.dashboard(Scope(), PERIOD)
    assert f["verification"] == {"asked": 3, "answered": 2, "overdue": 2, "median_days": D("6.0"),
                                 "overdue_share": D("66.7")}
    assert f["open_alerts"] == 1
    fu = f["fund_use"]
    assert (fu["reported"], fu["quality"], fu["quality_share"]) == (D("900000.00"), D("800000.00"), D("88.9"))
    assert [r["amount"] for r in fu["by_purpose"]] == [D("300000.00"), D("0.00"), D("500000.00"), D("100000.00")]
    assert f["enterprises"] == {"with_profile": 2, "quality_credit": 1, "quality_credit_share": D("50.0")}


def test_breakdowns_partition_the_headline(q3):
    f = metrics.dashboard(Scope(), PERIOD)
    for key in ("by_bank", "by_product", "by_purpose", "by_industry", "by_month"):
        rows = f[key]
        assert sum(r["submitted"] for r in rows) == 5, key
        assert sum(r["approved"] for r in rows) == 3, key
        assert sum(r["requested"] for r in rows) == D("4200000"), key
        assert sum(r["disbursed"] for r in rows) == D("2300000"), key
    months = {r["key"]: (r["submitted"], r["decided"], r["approved"]) for r in f["by_month"]}
    assert months == {"2026-07": (3, 3, 2), "2026-08": (1, 1, 1), "2026-09": (1, 0, 0)}
    purposes = {r["key"]: r["submitted"] for r in f["by_purpose"]}
    assert purposes == {"quality": 2, "technical": 1, "equipment": 1, "other": 1}


def test_category_counts_an_application_once(q3):
    rows = {r["key"]: r for r in metrics.dashboard(Scope(), PERIOD)["by_category"]}
    # management: A1 and A2 submitted; A1, A2, A5 decided. brand: A1 and A3.
    assert (rows["management"]["submitted"], rows["management"]["requested"]) == (2, D("1500000.00"))
    assert (rows["management"]["decided"], rows["management"]["approved"]) == (3, 2)
    assert (rows["brand"]["submitted"], rows["brand"]["approved"], rows["brand"]["spread_bp"]) == (2, 2, D("40.0"))


def test_scope_of_a_district_and_of_a_bank(q3, world):
    haidian = metrics.dashboard(Scope(unit=world.ent.regulator_unit_id), PERIOD)
    assert (haidian["applications"]["submitted"], haidian["applications"]["decided"]) == (3, 3)
    assert haidian["approval_rate"] == D("66.7")
    assert haidian["loans"]["outstanding"] == D("600000.00")
    bank2 = metrics.dashboard(Scope(bank=world.bank_2.pk), PERIOD)
    assert (bank2["applications"]["submitted"], bank2["applications"]["approved"]) == (2, 1)
    assert bank2["rates"]["spread_bp"] == D("30.0")
    assert bank2["open_alerts"] == 1
    assert [r["key"] for r in bank2["by_bank"]] == [world.bank_2.pk]


def test_policy_effect(q3):
    rows = {r["code"]: r for r in metrics.policy_effect(Scope(), PERIOD)}
    held = rows["management.chief_quality_officer"]
    assert held["with"] == {"decided": 3, "approved": 2, "approval_rate": D("66.7"), "spread_bp": D("65.0")}
    assert held["without"] == {"decided": 1, "approved": 1, "approval_rate": D("100.0"), "spread_bp": D("30.0")}
    assert held["approval_rate_difference"] == D("-33.3")
    assert held["spread_difference_bp"] == D("35.0")
    brand = rows["brand.time_honored"]
    assert brand["with"]["approval_rate"] == D("100.0")
    assert brand["without"] == {"decided": 2, "approved": 1, "approval_rate": D("50.0"), "spread_bp": D("80.0")}


def test_bank_evaluation_and_city_average(q3, world):
    rows = {r["key"]: r for r in metrics.bank_evaluation(PERIOD)}
    b1, b2 = rows[world.bank.pk], rows[world.bank_2.pk]
    # bank: received A1, A2, A4 (3), accepted by the end A1, A2 → 66.7; decided A1, A2, A5.
    assert (b1["received"], b1["acceptance_rate"], b1["decided"], b1["approval_rate"]) == (3, D("66.7"), 3, D("66.7"))
    assert b1["stage_days"]["accept_to_decision"] == D("6.0")  # 5, 6, 6
    assert b1["verification"]["asked"] == 2 and b1["verification"]["answered"] == 2
    assert (b1["returns"], b1["rejections"]) == (0, 1)
    assert (b2["received"], b2["acceptance_rate"], b2["returns"]) == (2, D("50.0"), 1)
    assert b2["loans"]["npl_share"] is not None and b2["loans"]["npl_loans"] == 0
    avg = metrics.city_average(PERIOD)
    assert avg["banks"] == 2
    assert avg["approval_rate"] == D("83.4")  # (66.7 + 100.0) / 2 = 83.35 → 83.4
    assert avg["received"] == D("2.5")


def test_complaints_carry_reasons(q3):
    rows = metrics.complaints(Scope(), PERIOD)
    assert [(r["kind"], r["reason"]) for r in rows] == [("return", "请补充财务报表"), ("reject", "经营现金流不足")]


def test_by_unit_sets_districts_side_by_side(q3, world):
    rows = {r["key"]: r for r in metrics.by_unit(PERIOD)}
    assert rows[world.ent.regulator_unit_id]["submitted"] == 3
    assert rows[world.ent_2.regulator_unit_id]["submitted"] == 2
    assert sum(r["submitted"] for r in rows.values()) == 5


def test_a_closed_period_gives_the_same_figures_later(q3, world):
    """Later steps (an acceptance, a repayment, a cure, a reclassification) leave Q3 alone."""
    before = metrics.dashboard(Scope(), PERIOD)
    from applications.choices import Action, Status
    from applications.models import HistoryEntry
    from loans.models import Repayment

    from .dashboard_fixture import at

    HistoryEntry.objects.create(application=q3.a7, action=Action.SUBMIT, from_status=Status.RETURNED,
                                to_status=Status.SUBMITTED, at=at(11, 2))
    Repayment.objects.create(loan=q3.l3, bank=q3.l3.bank, date=date(2026, 11, 1), principal=D("100000"),
                             interest=D("0"), reference="R9", source="page")
    assert metrics.dashboard(Scope(), PERIOD) == before


def test_period_parsing():
    assert Period.parse("2026-11") == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.parse("2026-Q1") == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert Period.parse("2024") == Period(date(2024, 1, 1), date(2024, 12, 31))
    for bad in ("2026-13", "2026-Q5", "26", ""):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_an_open_period_adds_its_kept_closed_days_to_today(q3, world):
    """From Q3 to today: the days up to yesterday are kept, today is computed; the sum is exact,
    and the status at the end of an open period is the current one."""
    from django.utils import timezone

    from applications.models import Application

    today = timezone.localdate()
    period = Period(Q3[0], today)
    rates = metrics.lpr_rates()
    for dim in (None, "bank", "month", "category"):
        whole = metrics._flows_computed(Scope(), period, dim, rates)
        for _ in range(2):  # computed, then kept
            split = metrics._flows(Scope(), period, dim, rates)
            assert {k: {f: v for f, v in m.items() if v} for k, m in split.items()} == \
                {k: {f: v for f, v in m.items() if v} for k, m in whole.items()}, dim
    new = Application.objects.get(pk=q3.a4.pk)
    new.pk, new.created_at, new.submitted_at = None, timezone.now(), timezone.now()  # submitted today
    new.save()
    f = metrics.dashboard(Scope(), period)
    assert f["applications"]["submitted"] == 6  # A1, A2, A3, A4, A7 in Q3 (kept), one today (A5 was June)
    assert f["applications"]["by_status"]["under_review"] >= 1  # A4's current status


def test_quality_credit_figure_follows_the_profile_rules(q3):
    """The credit figure is the profile's answer (elements' set-based form), the production-date
    window of a spot check included: a product made more than 3 years before the period's end
    no longer counts although it was checked less than 3 years before."""
    from elements.models import SpotCheck
    from elements.selectors import profiles_get
    from identity.models import Enterprise

    SpotCheck.objects.create(enterprise=q3.a1.enterprise, key="t-spot-1", content_hash="x", level="municipal",
                             product="电线", checked_on=date(2024, 6, 1), produced_on=date(2023, 8, 1),
                             result="failed", scope="beijing", source="manual")
    f = metrics.dashboard(Scope(), PERIOD)["enterprises"]
    ids = list(Enterprise.objects.values_list("uscc", flat=True))
    profiles = profiles_get(enterprise_ids=ids, as_of=PERIOD.date_to)
    with_profile = [p for p in profiles.values() if p.distinction_codes()]
    assert f["with_profile"] == len(with_profile) == 2
    assert f["quality_credit"] == sum(p.quality_credit.holds for p in with_profile) == 1
