"""Notice §三.1 at its boundaries: each credit rule exactly at and just inside its limit,
removals restoring credit, expiry and revocation of distinctions, retired types."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from elements import rules
from elements.choices import DistinctionStatus, EventKind, ListingKind, Source, SpotCheckResult
from elements.models import ChangeEvent, Distinction, ElementType, Listing, Penalty, SpotCheck
from elements.records import content_hash, derived, record_key
from elements.selectors import credit_summary, profile_get, profiles_forget, profiles_get

from ..helpers import client_for

pytestmark = pytest.mark.django_db


PROVENANCE_FIELDS = ("source", "batch", "row_number", "entered_by", "entry_reason", "confirmed_by")


def _make(model, ent, **values):
    """A record with the given content. Provenance (`source`, `batch`, `row_number`,
    `entered_by`, `entry_reason`, `confirmed_by`) defaults to a regulator entry without a user;
    pass a batch (feed), entered_by (regulator) or confirmed_by (claim) to get a record whose
    provenance follows a foreign key."""
    provenance = {k: values.pop(k) for k in PROVENANCE_FIELDS if k in values}
    provenance.setdefault("source", Source.REGULATOR)
    fields = {k: v for k, v in values.items()}
    key_values = dict(fields)
    if model is Distinction:
        key_values["element_type_id"] = fields["element_type"].pk
        fields.setdefault("status", DistinctionStatus.VALID)
    return model.objects.create(enterprise=ent, key=record_key(model, ent.uscc, key_values),
                                content_hash=content_hash(model, key_values), **provenance,
                                **{**derived(model, key_values), **fields})


def listing(ent, kind=ListingKind.ABNORMAL, listed_on=date(2024, 3, 5), removed_on=None, **provenance):
    return _make(Listing, ent, kind=kind, listed_on=listed_on, removed_on=removed_on, reason="未报送年报",
                 authority="北京市海淀区市场监督管理局", **provenance)


def penalty(ent, decided_on, no="京海市监罚〔2023〕1号", authority="北京市海淀区市场监督管理局", **provenance):
    return _make(Penalty, ent, decision_no=no, decided_on=decided_on, violation_type="虚假宣传",
                 authority=authority, **provenance)


def spotcheck(ent, checked_on, result=SpotCheckResult.FAILED, level="municipal", authority="北京市市场监督管理局",
              production_batch="", **provenance):
    return _make(SpotCheck, ent, level=level, product="电线电缆", checked_on=checked_on, result=result,
                 failed_items="导体电阻", authority=authority, production_batch=production_batch, **provenance)


def distinction(ent, code, **kw):
    return _make(Distinction, ent, element_type=ElementType.objects.get(code=code), **kw)


def holds(ent, day):
    return profile_get(enterprise=ent, as_of=day).quality_credit.holds


class TestThreeYearBoundary:
    """A record dated d counts on D when d <= D <= d + 3 years (Civil Code §§201–203)."""

    def test_penalty_counts_on_the_last_day_and_not_the_day_after(self, world):
        penalty(world.ent, date(2023, 3, 5))
        assert not holds(world.ent, date(2026, 3, 5))  # exactly 3 years: still inside
        assert holds(world.ent, date(2026, 3, 6))  # one day beyond
        assert not holds(world.ent, date(2026, 3, 4))  # just inside

    def test_penalty_counts_from_its_decision_date(self, world):
        penalty(world.ent, date(2023, 3, 5))
        assert holds(world.ent, date(2023, 3, 4))
        assert not holds(world.ent, date(2023, 3, 5))

    def test_failed_spotcheck_boundary(self, world):
        spotcheck(world.ent, date(2022, 6, 30))
        assert not holds(world.ent, date(2025, 6, 29))
        assert not holds(world.ent, date(2025, 6, 30))
        assert holds(world.ent, date(2025, 7, 1))

    def test_passed_spotcheck_does_not_count(self, world):
        spotcheck(world.ent, date(2025, 6, 30), result=SpotCheckResult.PASSED)
        assert holds(world.ent, date(2025, 7, 1))

    def test_leap_day_ends_on_the_last_day_of_february(self, world):
        penalty(world.ent, date(2024, 2, 29))
        assert rules.last_day_counted(date(2024, 2, 29)) == date(2027, 2, 28)
        assert not holds(world.ent, date(2027, 2, 28))
        assert holds(world.ent, date(2027, 3, 1))

    def test_reason_tells_until_when(self, world):
        penalty(world.ent, date(2023, 3, 5))
        reason = profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).quality_credit.reasons[0]
        assert reason.condition == "credit.no_penalty_3y"
        assert (reason.since, reason.until) == (date(2023, 3, 5), date(2026, 3, 5))
        assert reason.reference == "京海市监罚〔2023〕1号" and reason.authority and reason.remedy

    def test_annulled_penalty_stops_counting_from_annulment(self, world):
        p = penalty(world.ent, date(2025, 1, 10))
        Penalty.objects.filter(pk=p.pk).update(annulled_on=date(2025, 5, 1))
        assert not holds(world.ent, date(2025, 4, 30))
        assert holds(world.ent, date(2025, 5, 1))


class TestListings:
    def test_listed_from_listing_date(self, world):
        listing(world.ent, listed_on=date(2024, 3, 5))
        assert holds(world.ent, date(2024, 3, 4))
        assert not holds(world.ent, date(2024, 3, 5))

    def test_removal_restores_credit_from_the_removal_date(self, world):
        listing(world.ent, listed_on=date(2024, 3, 5), removed_on=date(2025, 1, 20))
        assert not holds(world.ent, date(2025, 1, 19))
        assert holds(world.ent, date(2025, 1, 20))

    def test_serious_list_is_its_own_condition(self, world):
        listing(world.ent, kind=ListingKind.SERIOUS, listed_on=date(2024, 1, 1))
        credit = profile_get(enterprise=world.ent, as_of=date(2026, 1, 1)).quality_credit
        assert credit.conditions == {"credit.no_abnormal_operation": True, "credit.no_serious_violation": False,
                                     "credit.no_penalty_3y": True, "credit.no_failed_spotcheck_3y": True}
        assert "严重违法失信名单" in credit.reasons[0].message

    def test_every_reason_is_listed(self, world):
        listing(world.ent, listed_on=date(2025, 1, 1))
        listing(world.ent, kind=ListingKind.SERIOUS, listed_on=date(2025, 2, 1))
        penalty(world.ent, date(2025, 3, 1))
        spotcheck(world.ent, date(2025, 4, 1))
        credit = profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).quality_credit
        assert not credit.holds
        assert sorted(r.condition for r in credit.reasons) == sorted(rules_conditions())
        assert not any(credit.conditions.values())

    def test_other_enterprises_records_do_not_count(self, world):
        listing(world.ent_2, listed_on=date(2024, 1, 1))
        assert holds(world.ent, date(2025, 1, 1))


class TestSeriousListThreeYears:
    """SAMR Order No. 44 of 2021: a serious listing is removed once it has lasted three years."""

    def test_stops_counting_the_day_it_turns_three_years_without_a_removal_date(self, world):
        listing(world.ent, kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5))
        assert not holds(world.ent, date(2026, 3, 4))  # the day before: still counts
        assert holds(world.ent, date(2026, 3, 5))  # the day it turns three years
        credit = profile_get(enterprise=world.ent, as_of=date(2026, 3, 5)).quality_credit
        assert credit.reasons == [] and len(credit.information) == 1  # shown, with why it no longer counts
        assert credit.information[0].until == date(2026, 3, 4)

    def test_reason_says_when_it_stops(self, world):
        listing(world.ent, kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5))
        reason = profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).quality_credit.reasons[0]
        assert reason.until == date(2026, 3, 4) and "2026-03-05" in reason.remedy

    def test_leap_day_listing_turns_three_on_the_last_day_of_february(self, world):
        listing(world.ent, kind=ListingKind.SERIOUS, listed_on=date(2024, 2, 29))
        assert not holds(world.ent, date(2027, 2, 27))
        assert holds(world.ent, date(2027, 2, 28))

    def test_an_earlier_removal_still_wins(self, world):
        listing(world.ent, kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5), removed_on=date(2024, 1, 10))
        assert holds(world.ent, date(2024, 1, 10))

    def test_a_longer_stated_restriction_keeps_it_counting(self, world):
        _make(Listing, world.ent, kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5), reason="限制从业5年",
              authority="北京市市场监督管理局", restricted_until=date(2028, 3, 4))
        assert not holds(world.ent, date(2026, 3, 5))
        assert not holds(world.ent, date(2028, 3, 4))
        assert holds(world.ent, date(2028, 3, 5))

    def test_abnormal_list_has_no_three_year_end(self, world):
        listing(world.ent, kind=ListingKind.ABNORMAL, listed_on=date(2020, 1, 1))
        assert not holds(world.ent, date(2026, 1, 1))

    def test_serious_feed_reads_a_stated_restriction(self, world, tmp_path):
        from elements.sync import run_file

        from .conftest import HEADERS, write_csv

        path = write_csv(tmp_path / "serious.csv", "serious", [
            {"统一社会信用代码": world.ent.uscc, "列入日期": "2023-03-05", "列入原因": "x", "列入决定机关": "北京市市场监督管理局",
             "限制期限至": "2028-03-04"}], headers=[*HEADERS["serious"], "限制期限至"])
        batch = run_file(feed="serious", path=path)
        assert (batch.inserted, batch.rejected) == (1, 0)
        assert Listing.objects.get(enterprise=world.ent).restricted_until == date(2028, 3, 4)
        assert not holds(world.ent, date(2027, 1, 1))


class TestMarketRegulationPenalties:
    """近3年无市场监管领域违法案件: only a market-regulation body's penalty decides."""

    @pytest.mark.parametrize("authority,counts", [
        ("北京市海淀区市场监督管理局", True), ("国家市场监督管理总局", True), ("房山区燕山市场监管分局", True),
        ("北京市知识产权局", True), ("北京市药品监督管理局", True), ("北京经济技术开发区商务金融局", True),
        ("北京市工商行政管理局海淀分局", True),
        ("北京市生态环境局", False), ("国家税务总局北京市海淀区税务局", False), ("北京市城市管理综合行政执法局", False),
        ("北京市应急管理局", False),
    ])
    def test_only_market_regulation_counts(self, world, authority, counts):
        penalty(world.ent, date(2025, 1, 10), no="罚1", authority=authority)
        with translation.override("en"):
            credit = profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).quality_credit
        assert credit.holds is not counts
        if not counts:
            assert len(credit.information) == 1 and "not a market-regulation case" in credit.information[0].message

    def test_an_unnamed_authority_counts_unless_the_number_tells(self, world):
        p = penalty(world.ent, date(2025, 1, 10), no="京环罚〔2025〕1号", authority="")
        assert p.market_regulation is None and not holds(world.ent, date(2025, 6, 1))

    def test_decision_number_names_market_regulation(self):
        assert rules.market_regulation_of("", "京海市监罚〔2024〕12号") is True

    def test_penalty_feed_stores_the_flag(self, world, tmp_path):
        from elements.sync import run_file

        from .conftest import write_csv

        path = write_csv(tmp_path / "penalty.csv", "penalty", [
            {"统一社会信用代码": world.ent.uscc, "决定书文号": "京环罚〔2025〕9号", "决定机关": "北京市生态环境局",
             "处罚决定日期": "2025-01-10"},
            {"统一社会信用代码": world.ent.uscc, "决定书文号": "京海市监罚〔2025〕9号", "决定机关": "北京市海淀区市场监督管理局",
             "处罚决定日期": "2025-02-10"}])
        run_file(feed="penalty", path=path)
        flags = dict(Penalty.objects.values_list("decision_no", "market_regulation"))
        assert flags == {"京环罚〔2025〕9号": False, "京海市监罚〔2025〕9号": True}
        credit = profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).quality_credit
        assert [r.reference for r in credit.reasons] == ["京海市监罚〔2025〕9号"]
        assert [r.reference for r in credit.information] == ["京环罚〔2025〕9号"]
        api = client_for(world, "city", api=True)
        listed = api.get(reverse("api:penalty-list"), {"market_regulation": "false"}).json()["results"]
        assert [(p["decision_no"], p["market_regulation"]) for p in listed] == [("京环罚〔2025〕9号", False)]


class TestSpotCheckScopeAndWindow:
    """National, Beijing municipal and Beijing district checks decide; the window runs from the
    production date when the list gives one (近3年生产的产品)."""

    def test_provincial_failed_check_is_shown_but_does_not_decide(self, world):
        s = spotcheck(world.ent, date(2025, 3, 1), level="provincial", authority="河北省市场监督管理局")
        assert s.scope == "elsewhere"
        with translation.override("en"):
            credit = profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).quality_credit
        assert credit.holds and len(credit.information) == 1
        assert "another province" in credit.information[0].message

    def test_another_municipalitys_check_does_not_decide(self, world):
        s = spotcheck(world.ent, date(2025, 3, 1), level="municipal", authority="天津市市场监督管理局")
        assert s.scope == "elsewhere" and holds(world.ent, date(2025, 6, 1))

    @pytest.mark.parametrize("level,authority", [
        ("national", "国家市场监督管理总局"), ("national", "河北省市场监督管理局"), ("municipal", "北京市市场监督管理局"),
        ("district", "北京市朝阳区市场监督管理局"), ("district", "海淀区市场监督管理局"), ("municipal", ""),
    ])
    def test_national_and_beijing_checks_decide(self, world, level, authority):
        spotcheck(world.ent, date(2025, 3, 1), level=level, authority=authority)
        assert not holds(world.ent, date(2025, 6, 1))

    def test_window_runs_from_the_production_date(self, world):
        spotcheck(world.ent, date(2023, 6, 1), production_batch="20221015")
        assert not holds(world.ent, date(2025, 10, 15))  # produced 3 years ago today: still inside
        assert holds(world.ent, date(2025, 10, 16))  # though checked less than 3 years ago
        with translation.override("en"):
            reason = profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).quality_credit.reasons[0]
        assert reason.since == date(2022, 10, 15) and "production date" in reason.message

    def test_window_runs_from_the_check_date_without_a_production_date(self, world):
        spotcheck(world.ent, date(2023, 6, 1), production_batch="批号B2210")
        assert not holds(world.ent, date(2026, 6, 1))
        assert holds(world.ent, date(2026, 6, 2))
        with translation.override("en"):
            reason = profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).quality_credit.reasons[0]
        assert "check date" in reason.message

    @pytest.mark.parametrize("cell,produced", [
        ("20221015", date(2022, 10, 15)), ("2022-10-15", date(2022, 10, 15)), ("2022年10月15日", date(2022, 10, 15)),
        ("2022/10/15 批号A12", date(2022, 10, 15)), ("20221015/B3", date(2022, 10, 15)),
        ("B2210", None), ("", None), ("20240101", None),  # after the check date
        ("2022-10-15 2022-11-01", None),  # two dates: which one is not ours to guess
        ("202210151234", None),  # a longer batch number, not a date
    ])
    def test_production_date_from_the_cell(self, cell, produced):
        assert rules.produced_on_of(cell, date(2023, 6, 1)) == produced

    def test_spotcheck_feed_reads_level_scope_and_production_date(self, world, tmp_path):
        from elements.sync import run_file

        from .conftest import write_csv

        row = {"统一社会信用代码": world.ent.uscc, "产品名称": "电线电缆", "抽查日期": "2025-03-01", "抽查结果": "不合格"}
        path = write_csv(tmp_path / "spot.csv", "spotcheck", [
            {**row, "抽查级别": "省级", "组织机关": "河北省市场监督管理局", "规格型号": "A"},
            {**row, "抽查级别": "市级", "组织机关": "北京市市场监督管理局", "规格型号": "B", "生产日期/批号": "2024-12-01"},
        ])
        batch = run_file(feed="spotcheck", path=path)
        assert (batch.inserted, batch.rejected) == (2, 0)
        got = {s.model_spec: (s.level, s.scope, s.produced_on) for s in SpotCheck.objects.all()}
        assert got == {"A": ("provincial", "elsewhere", None), "B": ("municipal", "beijing", date(2024, 12, 1))}
        listed = client_for(world, "city", api=True).get(reverse("api:spot-check-list"), {"scope": "elsewhere"}).json()
        assert [x["model_spec"] for x in listed["results"]] == ["A"]


def rules_conditions():
    return ["credit.no_abnormal_operation", "credit.no_serious_violation", "credit.no_penalty_3y",
            "credit.no_failed_spotcheck_3y"]


class TestDistinctions:
    def test_held_through_the_expiry_date(self, world):
        distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2023, 1, 1), expires_on=date(2025, 12, 31),
                    certificate_no="00123Q45678R0M")
        held = lambda day: profile_get(enterprise=world.ent, as_of=day).held_codes()  # noqa: E731
        assert "infrastructure.iso_quality" in held(date(2025, 12, 31))
        assert "infrastructure.iso_quality" not in held(date(2026, 1, 1))
        assert "infrastructure.iso_quality" not in held(date(2022, 12, 31))

    def test_expiry_warning(self, world, settings):
        settings.ELEMENTS_EXPIRY_WARNING_DAYS = 30
        distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2023, 1, 1), expires_on=date(2025, 12, 31))
        element = lambda day: profile_get(enterprise=world.ent, as_of=day).categories[3].elements[0]  # noqa: E731
        assert element(date(2025, 12, 1)).expiring_soon
        assert not element(date(2025, 11, 30)).expiring_soon

    def test_revoked_distinction_not_held_from_revocation(self, world):
        d = distinction(world.ent, "brand.time_honored", granted_on=date(2010, 1, 1))
        Distinction.objects.filter(pk=d.pk).update(revoked_on=date(2025, 6, 1), status=DistinctionStatus.REVOKED)
        assert "brand.time_honored" in profile_get(enterprise=world.ent, as_of=date(2025, 5, 31)).held_codes()
        assert "brand.time_honored" not in profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).held_codes()

    def test_retired_type_not_in_profiles_after_retirement(self, world):
        distinction(world.ent, "brand.chain_leader", granted_on=date(2020, 1, 1), level="national")
        ElementType.objects.filter(code="brand.chain_leader").update(
            retired_at=timezone.make_aware(timezone.datetime(2025, 1, 1, 9)))
        assert "brand" in profile_get(enterprise=world.ent, as_of=date(2024, 12, 31)).held_categories()
        assert "brand" not in profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).held_categories()
        # the record stays readable
        assert Distinction.objects.filter(enterprise=world.ent, element_type__code="brand.chain_leader").exists()

    def test_international_level(self, world):
        distinction(world.ent, "infrastructure.standards_secretariat", granted_on=date(2021, 9, 1),
                    level="international")
        assert "infrastructure.standards_secretariat" in profile_get(
            enterprise=world.ent, as_of=date(2025, 1, 1)).held_codes()
        assert "international" in ElementType.objects.get(code="infrastructure.intl_standards_officer").levels

    def test_categories_and_versions(self, world):
        distinction(world.ent, "management.china_quality_award", granted_on=date(2021, 9, 1), level="national")
        p = profile_get(enterprise=world.ent, as_of=date(2025, 1, 1))
        assert [c.code for c in p.categories] == ["credit", "management", "brand", "infrastructure", "innovation"]
        assert p.rules_version == rules.RULES_VERSION
        assert p.held_categories() == {"management"}
        assert p.quality_credit.holds and len(p.categories[0].elements) == 4


def test_default_date_is_today_in_beijing(world, monkeypatch):
    import elements.selectors as sel

    monkeypatch.setattr(sel, "today", lambda: date(2030, 1, 2))
    assert profile_get(enterprise=world.ent).as_of == date(2030, 1, 2)


def test_constant_queries_whatever_the_enterprise_holds(world):
    def count():
        profiles_forget([world.ent.uscc])  # a build, not the kept profile (tests/elements/test_profile_kept.py)
        with CaptureQueriesContext(connection) as ctx:
            profile_get(enterprise=world.ent, as_of=date(2025, 6, 1))
        return len(ctx)

    assert count() == 6  # the first reads (and keeps) the catalog
    before = count()
    assert before == 4
    for i in range(5):
        listing(world.ent, listed_on=date(2024, 1, 1 + i))
        penalty(world.ent, date(2024, 2, 1 + i), no=f"罚{i}")
        spotcheck(world.ent, date(2024, 3, 1 + i))
        distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2024, 1, 1 + i), certificate_no=f"C{i}")
    assert count() == before


def test_credit_summary_for_the_public_check(world):
    assert credit_summary("91110000802100433B") is None
    assert credit_summary(world.ent.uscc)["holds"] is True
    listing(world.ent, listed_on=date(2020, 1, 1))
    summary = credit_summary(world.ent.uscc)
    assert summary["holds"] is False and len(summary["reasons"]) == 1 and summary["remedies"]
    assert summary["rules_version"] == rules.RULES_VERSION
    assert credit_summary(enterprise=world.ent) == summary


def test_public_check_reads_the_registry_record_once(world):
    """The self-check hook passes the enterprise enterprise_check has loaded to credit_summary."""
    from identity.services import enterprise_check

    with CaptureQueriesContext(connection) as ctx:
        result = enterprise_check(world.ent.uscc)
    assert result.quality_credit is not None and result.quality_credit["holds"] is True
    registry_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "identity_enterprise"' in q["sql"]]
    assert len(registry_reads) == 1, registry_reads


def test_expiry_job_marks_lapsed_with_an_event(world):
    from elements.services import distinctions_expire

    d = distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2022, 1, 1), expires_on=date(2024, 12, 31))
    assert distinctions_expire(today=date(2024, 12, 31)) == 0
    assert distinctions_expire(today=date(2025, 1, 1)) == 1
    assert distinctions_expire(today=date(2025, 1, 2)) == 0
    d.refresh_from_db()
    assert d.status == DistinctionStatus.EXPIRED
    event = ChangeEvent.objects.get(kind=EventKind.DISTINCTION_LAPSED)
    assert (event.enterprise_id, event.record_id, event.occurred_on) == (world.ent.uscc, d.pk, date(2025, 1, 1))


def test_window_floor_is_safe():
    assert rules.lookback_floor(date(2026, 3, 5)) < date(2023, 3, 5)
    assert rules.counts_on(date(2023, 3, 5), date(2026, 3, 5))
    assert not rules.counts_on(date(2023, 3, 5), date(2026, 3, 5) + timedelta(days=1))


def test_distinction_codes_leave_out_credit_conditions():
    from datetime import date

    from elements.profile import CategoryProfile, HeldElement, QualityCredit, QualityProfile

    profile = QualityProfile(
        uscc="91110000802100433B", as_of=date(2026, 1, 1), rules_version="x",
        quality_credit=QualityCredit(holds=True, conditions={"credit.no_penalty_3y": True}),
        categories=[CategoryProfile("credit", "质量信用"),
                    CategoryProfile("brand", "质量品牌", [HeldElement("brand.time_honored", "中华老字号", "brand")])])
    assert profile.distinction_codes() == ["brand.time_honored"]
    assert "credit.no_penalty_3y" in profile.held_codes()


def test_a_provincial_level_is_not_a_distinction_level(world, tmp_path):
    from elements.sync import run_file

    from .conftest import write_csv

    path = write_csv(tmp_path / "h.csv", "honor", [{"统一社会信用代码": world.ent.uscc, "要素名称": "质量管理体系认证（ISO 9001）",
                                                    "级别": "省级", "授予日期": "2024-01-01"}])
    batch = run_file(feed="honor", path=path)
    assert (batch.inserted, batch.rejected) == (0, 1)
    assert batch.rejects.get().column == "级别"


CATALOG_TABLES = ('FROM "elements_elementcategory"', 'FROM "elements_elementtype"')


def _catalog_reads(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx), sum(any(t in q["sql"] for t in CATALOG_TABLES) for q in ctx.captured_queries)


def test_the_catalog_is_read_once_then_kept(world):
    """The element catalog (categories and types) is kept in the cache: a profile reads it on the
    first request only; then four queries (listings, penalties, spot checks, distinctions), and
    none while the built profile is kept."""
    day = date(2025, 6, 1)
    _p, first, reads = _catalog_reads(lambda: profile_get(enterprise=world.ent, as_of=day))
    assert (first, reads) == (6, 2)
    _p, kept, reads = _catalog_reads(lambda: profile_get(enterprise=world.ent, as_of=day))
    assert (kept, reads) == (0, 0)
    profiles_forget([world.ent.uscc])
    _p, again, reads = _catalog_reads(lambda: profile_get(enterprise=world.ent, as_of=day))
    assert (again, reads) == (4, 0)
    _p, many, reads = _catalog_reads(lambda: profiles_get(enterprise_ids=[world.ent.uscc], as_of=day))
    assert (many, reads) == (4, 0)


def test_a_catalog_change_is_seen_by_the_next_profile(world):
    from elements.models import ElementCategory
    from elements.services import element_type_retire, element_type_save

    day = date(2025, 6, 1)
    distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2024, 1, 1), certificate_no="C1")

    def shown():
        with translation.override("zh-hans"):
            profile = profile_get(enterprise=world.ent, as_of=day)
        return {c.code: (c.name, [e.name for e in c.elements]) for c in profile.categories}["infrastructure"]

    before = shown()
    t = ElementType.objects.get(code="infrastructure.iso_quality")
    t.name = "质量管理体系认证（新名）"
    element_type_save(element_type=t, user=world.city, reason="更名")
    assert shown()[1] == ["质量管理体系认证（新名）"]
    category = ElementCategory.objects.get(code="infrastructure")
    category.name = "质量基础设施（新名）"
    category.save()  # e.g. in the admin
    assert shown()[0] == "质量基础设施（新名）" and before[0] != shown()[0]
    element_type_retire(element_type=t, user=world.city, reason="政策调整")
    assert ElementType.objects.get(pk=t.pk).is_retired
    assert _catalog_reads(lambda: profile_get(enterprise=world.ent, as_of=day))[2] == 2  # read again once


@pytest.mark.parametrize("api", [True, False])
def test_the_public_check_runs_a_pinned_number_of_queries(world, api):
    """The self-check (API and page): the registry record and the four kinds of records; the
    element catalog is kept from the first request, and the built profile until the library
    changes (then only the registry record)."""
    from rest_framework.test import APIClient

    url = reverse("api:enterprise-check") if api else reverse("identity:check")
    client = APIClient()
    client.get(url, {"uscc": world.ent.uscc})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"uscc": world.ent.uscc}).status_code == 200
    assert len(ctx) == 1, [q["sql"][:100] for q in ctx.captured_queries]
    profiles_forget([world.ent.uscc])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"uscc": world.ent.uscc}).status_code == 200
    assert len(ctx) == 5, [q["sql"][:100] for q in ctx.captured_queries]
