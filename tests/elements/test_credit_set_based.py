"""One rule, two forms: `quality_credit_holds` / `distinction_held` (set-based, for counts over
many enterprises: the dashboards) answer exactly what `profile_get` answers, on fixtures that
exercise every quality-credit rule of DOMAIN.md §4 and notice §三.1 at its boundaries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from elements import rules
from elements.choices import DistinctionStatus, ListingKind, SpotCheckResult
from elements.models import Distinction, ElementType, Listing, Penalty, SpotCheck
from elements.selectors import distinction_held, profiles_get, quality_credit_holds
from identity.models import Enterprise

from ..factories import EnterpriseFactory
from .test_profile_rules import _make, distinction, listing, penalty, spotcheck

pytestmark = pytest.mark.django_db


def _cases():
    """One enterprise per rule (and one clean), with the days around each boundary."""
    e = {name: EnterpriseFactory() for name in (
        "clean", "penalty", "penalty_leap", "penalty_annulled", "penalty_other_body", "penalty_unnamed",
        "spot", "spot_passed", "spot_provincial", "spot_other_city", "spot_national_elsewhere", "spot_produced",
        "spot_batch_only", "spot_annulled", "abnormal_removed", "abnormal_old", "serious", "serious_leap",
        "serious_removed", "serious_restricted", "serious_short_restriction", "distinctions", "retired")}
    penalty(e["penalty"], date(2023, 3, 5))
    penalty(e["penalty_leap"], date(2024, 2, 29))
    p = penalty(e["penalty_annulled"], date(2025, 1, 10))
    Penalty.objects.filter(pk=p.pk).update(annulled_on=date(2025, 5, 1))
    penalty(e["penalty_other_body"], date(2025, 1, 10), authority="北京市生态环境局", no="京环罚〔2025〕3号")
    penalty(e["penalty_unnamed"], date(2025, 1, 10), authority="", no="〔2025〕第7号")
    spotcheck(e["spot"], date(2022, 6, 30))
    spotcheck(e["spot_passed"], date(2025, 6, 30), result=SpotCheckResult.PASSED)
    spotcheck(e["spot_provincial"], date(2025, 3, 1), level="provincial", authority="河北省市场监督管理局")
    spotcheck(e["spot_other_city"], date(2025, 3, 1), level="municipal", authority="天津市市场监督管理局")
    spotcheck(e["spot_national_elsewhere"], date(2025, 3, 1), level="national", authority="河北省市场监督管理局")
    spotcheck(e["spot_produced"], date(2023, 6, 1), production_batch="20221015")
    spotcheck(e["spot_batch_only"], date(2023, 6, 1), production_batch="批号B2210")
    s = spotcheck(e["spot_annulled"], date(2025, 1, 10))
    SpotCheck.objects.filter(pk=s.pk).update(annulled_on=date(2025, 4, 1))
    listing(e["abnormal_removed"], listed_on=date(2024, 3, 5), removed_on=date(2025, 1, 10))
    listing(e["abnormal_old"], listed_on=date(2020, 1, 1))
    listing(e["serious"], kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5))
    listing(e["serious_leap"], kind=ListingKind.SERIOUS, listed_on=date(2024, 2, 29))
    listing(e["serious_removed"], kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5), removed_on=date(2024, 1, 10))
    _make(Listing, e["serious_restricted"], kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5), reason="限制从业5年",
          authority="北京市市场监督管理局", restricted_until=date(2028, 3, 4))
    _make(Listing, e["serious_short_restriction"], kind=ListingKind.SERIOUS, listed_on=date(2023, 3, 5),
          reason="限制1年", authority="北京市市场监督管理局", restricted_until=date(2024, 3, 4))
    # distinctions: expiring, revoked, not yet granted, of a retired type; the last also holds credit
    distinction(e["distinctions"], "infrastructure.iso_quality", granted_on=date(2023, 1, 1),
                expires_on=date(2025, 12, 31))
    d = distinction(e["distinctions"], "brand.time_honored", granted_on=date(2010, 1, 1))
    Distinction.objects.filter(pk=d.pk).update(revoked_on=date(2025, 6, 1), status=DistinctionStatus.REVOKED)
    distinction(e["distinctions"], "management.china_quality_award", granted_on=date(2026, 9, 1))
    distinction(e["retired"], "brand.chain_leader", granted_on=date(2020, 1, 1), level="national")
    ElementType.objects.filter(code="brand.chain_leader").update(
        retired_at=timezone.make_aware(timezone.datetime(2025, 1, 1, 9)))
    distinction(e["penalty"], "innovation.ip_pilot", granted_on=date(2022, 1, 1))
    distinction(e["serious"], "innovation.ip_pilot", granted_on=date(2022, 1, 1))
    anchors = [date(2022, 6, 30), date(2022, 10, 15), date(2023, 1, 1), date(2023, 3, 5), date(2023, 6, 1),
               date(2024, 1, 10), date(2024, 2, 29), date(2024, 3, 4), date(2024, 3, 5), date(2025, 1, 1),
               date(2025, 1, 10), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1),
               date(2025, 6, 30), date(2025, 10, 15), date(2025, 12, 31), date(2026, 3, 5), date(2026, 6, 1),
               date(2026, 9, 1), date(2027, 2, 28), date(2028, 1, 10), date(2028, 3, 4)]
    days = sorted({a + timedelta(days=k) for a in anchors for k in (-1, 0, 1)})
    return e, days


def test_both_forms_agree_on_every_rule_and_boundary():
    ents, days = _cases()
    ids = [x.uscc for x in ents.values()]
    seen = {name: set() for name in ents}
    for day in days:
        profiles = profiles_get(enterprise_ids=ids, as_of=day)
        by_profile = {u for u, p in profiles.items() if p.quality_credit.holds}
        set_based = set(Enterprise.objects.filter(uscc__in=ids).filter(quality_credit_holds(day))
                        .values_list("uscc", flat=True))
        assert set_based == by_profile, day
        held_profile = {u for u, p in profiles.items() if p.distinction_codes()}
        held_set = set(Enterprise.objects.filter(uscc__in=ids).filter(distinction_held(day))
                       .values_list("uscc", flat=True))
        assert held_set == held_profile, day
        for name, ent in ents.items():
            seen[name].add(ent.uscc in by_profile)
    # the fixtures do exercise each rule: every dated record both fails and lets credit hold
    # on some day, and the records that never decide never make it fail
    never_fail = {"clean", "penalty_other_body", "spot_passed", "spot_provincial", "spot_other_city",
                  "distinctions", "retired"}
    always_fail = {"abnormal_old"}  # the abnormal list has no three-year end
    for name, outcomes in seen.items():
        expected = {True} if name in never_fail else {False} if name in always_fail else {True, False}
        assert outcomes == expected, name


def test_the_set_based_form_reads_through_a_relation():
    """As the dashboards use it: on rows that lead to the enterprise (here its own records)."""
    ent = EnterpriseFactory()
    penalty(ent, date(2025, 1, 10))
    from django.db.models import OuterRef

    ok = Enterprise.objects.filter(uscc=ent.uscc).filter(quality_credit_holds(date(2025, 2, 1),
                                                                             enterprise=OuterRef("uscc")))
    assert not ok.exists()
    assert Enterprise.objects.filter(uscc=ent.uscc).filter(quality_credit_holds(date(2028, 2, 1))).exists()


def test_earliest_counted_is_the_exact_bound_of_counts_on():
    for as_of in [date(2027, 2, 28), date(2027, 3, 1), date(2028, 2, 29), date(2028, 3, 1), date(2026, 12, 31),
                  date(2026, 1, 1)]:
        first = rules.earliest_counted(as_of)
        for k in range(-10, 10):
            d = first + timedelta(days=k)
            assert rules.counts_on(d, as_of) == (k >= 0), (as_of, d)
