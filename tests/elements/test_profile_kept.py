"""The kept quality profile (issue 10): once built, an enterprise's profile is kept in the cache
and used until the library changes. After every kind of write the kept answer must equal a
profile built from the database (`_profile_fresh`), and must have changed where the write
changes the profile (so the test shows the kept one was not simply reused)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from elements import selectors as sel
from elements import services
from elements.choices import ListingKind
from elements.models import ElementCategory, ElementType, Listing, Penalty, SpotCheck
from elements.sync import run_file

from ..helpers import client_for
from .conftest import write_csv
from .test_profile_rules import distinction, listing, penalty, spotcheck

pytestmark = pytest.mark.django_db

CODE = "统一社会信用代码"
HD = "北京市海淀区市场监督管理局"


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, len(ctx)


def kept(ent, as_of=None):
    """The profile as the pages get it, checked against a fresh build; and its query count."""
    profile, n = queries(lambda: sel.profile_get(enterprise=ent, as_of=as_of))
    assert profile == sel._profile_fresh(ent.uscc, as_of or sel.today())
    return profile, n


def warm(ent, as_of=None):
    """Build and keep the profile, then show that the next read is the kept one (no query)."""
    sel.element_catalog()
    first, _n = kept(ent, as_of)
    again, n = kept(ent, as_of)
    assert (again, n) == (first, 0)
    return first


def test_kept_after_the_first_read_and_free_of_queries(world):
    sel.element_catalog()
    _p, first = kept(world.ent)
    assert first == 4
    _p, again = kept(world.ent)
    assert again == 0


class TestEveryWritePathForgets:
    """One test per way the library is written: the next read is a fresh build."""

    def test_a_regulator_enters_a_distinction(self, world):
        before = warm(world.ent)
        services.distinction_record(enterprise=world.ent, element_type=ElementType.objects.get(code="brand.time_honored"),
                                    user=world.city, reason="r", granted_on=date(2010, 1, 1), level="national")
        after, n = kept(world.ent)
        assert n == 4 and after != before and "brand.time_honored" in after.held_codes()

    def test_a_regulator_confirms_a_claim(self, world):
        before = warm(world.ent)
        services.distinction_record(enterprise=world.ent, element_type=ElementType.objects.get(code="brand.time_honored"),
                                    user=world.district, reason="", granted_on=date(2010, 1, 1), level="national",
                                    claim=True)
        after, _n = kept(world.ent)
        assert after != before

    def test_a_regulator_revokes_a_distinction(self, world):
        d = services.distinction_record(enterprise=world.ent, user=world.city, reason="r",
                                        element_type=ElementType.objects.get(code="brand.time_honored"),
                                        granted_on=date(2010, 1, 1), level="national")
        before = warm(world.ent)
        services.distinction_revoke(distinction=d, user=world.city, reason="撤销认定")
        after, _n = kept(world.ent)
        assert "brand.time_honored" in before.held_codes() and "brand.time_honored" not in after.held_codes()

    def test_a_regulator_lists_and_removes(self, world):
        before = warm(world.ent)
        entry = services.listing_record(enterprise=world.ent, kind=ListingKind.ABNORMAL, listed_on=date(2024, 3, 5),
                                        user=world.district, entry_reason="据通报录入", authority=HD)
        listed, _n = kept(world.ent)
        assert before.quality_credit.holds and not listed.quality_credit.holds
        warm(world.ent)
        services.listing_remove(listing=entry, removed_on=sel.today(), user=world.district, reason="已更正")
        removed, _n = kept(world.ent)
        assert removed.quality_credit.holds

    @pytest.mark.parametrize("model", [Penalty, SpotCheck])
    def test_a_regulator_annuls_a_penalty_or_a_spot_check(self, world, model):
        today = sel.today()
        record = (penalty(world.ent, today - timedelta(days=30)) if model is Penalty
                  else spotcheck(world.ent, today - timedelta(days=30)))
        before = warm(world.ent)
        services.record_annul(record=record, user=world.district, reason="复议撤销", annulled_on=today)
        after, _n = kept(world.ent)
        assert not before.quality_credit.holds and after.quality_credit.holds

    def test_the_daily_expiry(self, world):
        distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2020, 1, 1),
                    expires_on=sel.today() - timedelta(days=1), certificate_no="C1")
        warm(world.ent)
        assert services.distinctions_expire() == 1
        _p, n = kept(world.ent)
        assert n == 4  # an update sends no signal: the expiry forgets the kept profiles itself

    @pytest.mark.parametrize("feed", ["abnormal", "serious", "penalty", "spotcheck", "honor"])
    def test_an_import_batch_of_each_feed(self, world, tmp_path, feed):
        today = sel.today().isoformat()
        row = {
            "abnormal": {"列入日期": today, "列入原因": "未按规定报送年度报告", "列入决定机关": HD},
            "serious": {"列入日期": today, "列入原因": "严重违法", "列入决定机关": HD},
            "penalty": {"决定书文号": "京海市监罚〔2026〕9号", "处罚决定日期": today, "决定机关": HD},
            "spotcheck": {"受检单位": world.ent.name, "抽查级别": "市级", "产品名称": "电线电缆", "抽查日期": today,
                          "抽查结果": "不合格", "组织机关": "北京市市场监督管理局"},
            "honor": {"要素名称": "中华老字号", "级别": "国家", "授予机关": "商务部", "授予日期": "2010-01-01"},
        }[feed]
        before = warm(world.ent)
        batch = run_file(feed=feed, path=write_csv(tmp_path / f"{feed}.csv", feed,
                                                   [{CODE: world.ent.uscc, "企业名称": world.ent.name, **row}]))
        assert batch.inserted == 1, list(batch.rejects.values_list("reason", flat=True))
        after, n = kept(world.ent)
        assert n == 4 and after != before
        # A second run of the same file changes nothing and forgets nothing.
        run_file(feed=feed, path=tmp_path / f"{feed}.csv")
        assert kept(world.ent)[1] == 0

    def test_a_registration_batch_staged_or_row_by_row(self, world, tmp_path, settings):
        row = {CODE: world.ent.uscc, "企业名称": world.ent.name + "（更名）", "企业类型": "有限责任公司(自然人投资或控股)",
               "法定代表人": "王伟", "注册资本(万元)": "500", "成立日期": "2012-05-08", "登记机关": HD,
               "住所": "北京市海淀区科技园路1号", "登记状态": "存续", "所属行业": "仪器仪表制造业"}
        for staged in (True, False):
            settings.ELEMENTS_SYNC_STAGED = staged
            warm(world.ent)
            row["企业名称"] += "新"
            batch = run_file(feed="registration", path=write_csv(tmp_path / f"r{staged}.csv", "registration", [row]))
            assert batch.updated == 1
            assert kept(world.ent)[1] == 4

    def test_saved_or_deleted_anywhere_else(self, world):
        """The admin, a shell, a data fix: a record saved or deleted one by one (signals)."""
        before = warm(world.ent)
        entry = listing(world.ent, listed_on=sel.today() - timedelta(days=3))
        listed, _n = kept(world.ent)
        assert before.quality_credit.holds and not listed.quality_credit.holds
        entry.authority = "北京市市场监督管理局"
        entry.save()
        edited, _n = kept(world.ent)
        assert edited != listed
        Listing.objects.filter(pk=entry.pk).delete()
        assert kept(world.ent)[0] == before
        d = distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2024, 1, 1), certificate_no="C9")
        assert "infrastructure.iso_quality" in kept(world.ent)[0].held_codes()
        d.delete()
        assert kept(world.ent)[0] == before

    def test_another_enterprise_keeps_its_profile(self, world):
        warm(world.ent_2)
        listing(world.ent, listed_on=sel.today() - timedelta(days=3))
        assert kept(world.ent_2)[1] == 0

    def test_the_catalog_changes(self, world):
        distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2024, 1, 1), certificate_no="C1")
        t = ElementType.objects.get(code="infrastructure.iso_quality")
        with translation.override("zh-hans"):
            warm(world.ent)
            t.name = "质量管理体系认证（新名）"
            services.element_type_save(element_type=t, user=world.city, reason="更名")
            renamed, _n = kept(world.ent)
            assert ["质量管理体系认证（新名）"] == [e.name for c in renamed.categories for e in c.elements
                                           if e.code == t.code]
            warm(world.ent)
            category = ElementCategory.objects.get(code="infrastructure")
            category.name = "质量基础设施（新名）"
            category.save()
            assert "质量基础设施（新名）" in [c.name for c in kept(world.ent)[0].categories]
            warm(world.ent)
            services.element_type_retire(element_type=t, user=world.city, reason="政策调整")
            assert t.code not in kept(world.ent)[0].held_codes()


def test_across_midnight(world, monkeypatch):
    """The date is part of the key: at midnight (Beijing) the next read is built for the new day."""
    real_now = timezone.now
    beijing = timezone.get_default_timezone()
    day = timezone.localdate()
    distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2020, 1, 1), expires_on=day,
                certificate_no="C1")
    monkeypatch.setattr(timezone, "now", lambda: datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=beijing))
    evening = warm(world.ent)
    assert evening.as_of == day and "infrastructure.iso_quality" in evening.held_codes()
    tomorrow = day + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: datetime(tomorrow.year, tomorrow.month, tomorrow.day, 0, 0, 1,
                                                          tzinfo=beijing))
    morning, n = kept(world.ent)
    assert n == 4 and morning.as_of == tomorrow and "infrastructure.iso_quality" not in morning.held_codes()
    monkeypatch.setattr(timezone, "now", real_now)


def test_each_language_keeps_its_own(world):
    distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2024, 1, 1), certificate_no="C1")
    with translation.override("zh-hans"):
        zh = warm(world.ent)
    with translation.override("en"):
        en, _n = kept(world.ent)
    assert [c.name for c in zh.categories] != [c.name for c in en.categories]


def test_inside_a_transaction_nothing_is_kept_or_used(world):
    """A workflow step reads the library as it stands, its own uncommitted writes included; a
    rolled-back write leaves no profile behind."""
    before = warm(world.ent)
    with pytest.raises(RuntimeError), transaction.atomic():
        listing(world.ent, listed_on=sel.today() - timedelta(days=3))
        inside, n = queries(lambda: sel.profile_get(enterprise=world.ent))
        assert n == 4 and not inside.quality_credit.holds
        raise RuntimeError("rolled back")
    assert kept(world.ent)[0] == before


def test_forgotten_again_when_the_writer_commits(world, django_capture_on_commit_callbacks):
    """A profile built by another request while the writing transaction was still open (from the
    library as it was) is forgotten when the writer commits."""
    warm(world.ent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        listing(world.ent, listed_on=sel.today() - timedelta(days=3))
    token_key = sel._enterprise_token_key(world.ent.uscc)
    cache.set(token_key, "built-meanwhile")  # what a concurrent reader would have created
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.get(token_key) is None


def test_an_evicted_token_never_makes_an_old_profile_current(world):
    warm(world.ent)
    cache.delete(sel._enterprise_token_key(world.ent.uscc))
    assert kept(world.ent)[1] == 4
    cache.delete(sel._generation_key())
    assert kept(world.ent)[1] == 4


def test_off_without_a_shared_cache(world, settings):
    settings.ELEMENTS_PROFILE_CACHE = False
    sel.element_catalog()
    kept(world.ent)
    assert kept(world.ent)[1] == 4


def test_the_self_check_and_the_profile_answer_from_the_kept_profile(world):
    """The public self-check (API and page) and the profile API: same answers, the profile's
    queries only on the first request; the audit of a regulator's read is still written."""
    from rest_framework.test import APIClient

    from audit.models import AuditEvent

    listing(world.ent, listed_on=sel.today() - timedelta(days=3))
    check_api, check_page = reverse("api:enterprise-check"), reverse("identity:check")
    client = APIClient()
    first = client.get(check_api, {"uscc": world.ent.uscc}).json()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(check_api, {"uscc": world.ent.uscc}).json()
    assert again == first and again["quality_credit"]["holds"] is False and len(ctx) == 1  # the registry record
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(check_page, {"uscc": world.ent.uscc})
    assert page.status_code == 200 and len(ctx) == 1
    url = reverse("api:enterprise-profile", args=[world.ent.uscc])
    regulator = client_for(world, "district", api=True)
    body = regulator.get(url).json()
    audited = AuditEvent.objects.filter(object_id=world.ent.uscc).count()
    assert regulator.get(url).json() == body
    assert AuditEvent.objects.filter(object_id=world.ent.uscc).count() == audited + 1
    assert client_for(world, "enterprise_2", api=True).get(url).status_code == 404


def test_the_api_shape_is_asdict(world):
    """elements.api.profile_data is dataclasses.asdict without the copies."""
    import dataclasses

    from elements.api import profile_data

    listing(world.ent, listed_on=sel.today() - timedelta(days=3))
    penalty(world.ent, sel.today() - timedelta(days=10), authority="北京市税务局")  # shown for information
    distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2024, 1, 1), certificate_no="C1")
    profile = sel.profile_get(enterprise=world.ent)
    assert profile.quality_credit.reasons and profile.quality_credit.information
    assert profile_data(profile) == dataclasses.asdict(profile)
