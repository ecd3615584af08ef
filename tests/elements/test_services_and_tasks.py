"""Regulators' writes (with reasons and events), the inbox scan and HTTPS pulls."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from elements import services, tasks
from elements.choices import BatchSource, BatchStatus, DistinctionStatus, EventKind, ListingKind, Source
from elements.models import ChangeEvent, ElementType, ImportBatch, Listing, Penalty, SpotCheck
from elements.selectors import profile_get
from jingzhidai.errors import ApplicationError

from .conftest import write_csv
from .test_profile_rules import _make

pytestmark = pytest.mark.django_db


class TestRegulatorWrites:
    def test_regulator_enters_a_distinction_with_a_reason(self, world):
        t = ElementType.objects.get(code="infrastructure.iso_environment")
        d = services.distinction_record(enterprise=world.ent, element_type=t, user=world.district,
                                        reason="核验认证证书原件", granted_on=date(2024, 5, 1), certificate_no="E-1")
        assert (d.source, d.entered_by, d.entry_reason) == (Source.REGULATOR, world.district, "核验认证证书原件")
        assert d.expires_on == date(2027, 4, 30)
        event = ChangeEvent.objects.get()
        assert (event.kind, event.user, event.reason) == (EventKind.DISTINCTION_GRANTED, world.district, "核验认证证书原件")

    def test_confirmed_claim_records_who_confirmed(self, world):
        t = ElementType.objects.get(code="management.chief_quality_officer")
        d = services.distinction_record(enterprise=world.ent, element_type=t, user=world.district, reason="",
                                        granted_on=date(2024, 5, 1), claim=True)
        assert (d.source, d.confirmed_by, d.entered_by) == (Source.CLAIM, world.district, None)

    def test_reason_required_and_refusals_change_nothing(self, world):
        t = ElementType.objects.get(code="infrastructure.iso_environment")
        with pytest.raises(ApplicationError):
            services.distinction_record(enterprise=world.ent, element_type=t, user=world.district, reason=" ")
        with pytest.raises(ApplicationError):
            services.distinction_record(enterprise=world.ent, element_type=t, user=world.officer, reason="x")
        with pytest.raises(ApplicationError):
            services.distinction_record(enterprise=world.ent, element_type=ElementType.objects.get(
                code="credit.no_penalty_3y"), user=world.district, reason="x")
        assert not ChangeEvent.objects.exists()

    def test_removal_by_a_regulator(self, world):
        listing = services.listing_record(enterprise=world.ent, kind=ListingKind.ABNORMAL, listed_on=date(2024, 1, 1),
                                          user=world.district, entry_reason="补录", reason="无法联系")
        assert not profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).quality_credit.holds
        services.listing_remove(listing=listing, removed_on=date(2024, 12, 1), user=world.district, reason="已恢复联系")
        assert profile_get(enterprise=world.ent, as_of=date(2025, 1, 1)).quality_credit.holds
        assert list(ChangeEvent.objects.values_list("kind", flat=True)) == [EventKind.LISTED, EventKind.REMOVED]
        with pytest.raises(ApplicationError):
            services.listing_remove(listing=listing, removed_on=date(2024, 12, 2), user=world.district, reason="x")
        assert Listing.objects.get().removed_on == date(2024, 12, 1)

    def test_revoke(self, world):
        t = ElementType.objects.get(code="brand.time_honored")
        d = services.distinction_record(enterprise=world.ent, element_type=t, user=world.city, reason="r",
                                        granted_on=date(2010, 1, 1), level="national")
        services.distinction_revoke(distinction=d, user=world.city, reason="撤销认定", revoked_on=date(2025, 3, 1))
        d.refresh_from_db()
        assert d.status == DistinctionStatus.REVOKED
        assert ChangeEvent.objects.filter(kind=EventKind.DISTINCTION_REVOKED, occurred_on=date(2025, 3, 1)).exists()
        assert "brand.time_honored" not in profile_get(enterprise=world.ent, as_of=date(2025, 3, 1)).held_codes()

    def test_feed_does_not_resurrect_a_revoked_distinction(self, world, tmp_path):
        from elements.sync import run_file

        rows = [{"统一社会信用代码": world.ent.uscc, "要素名称": "中华老字号", "级别": "国家", "授予日期": "2010-01-01"}]
        path = write_csv(tmp_path / "h.csv", "honor", rows)
        run_file(feed="honor", path=path)
        from elements.models import Distinction

        d = Distinction.objects.get()
        services.distinction_revoke(distinction=d, user=world.city, reason="撤销", revoked_on=date(2025, 3, 1))
        rows[0]["授予机关"] = "商务部"
        run_file(feed="honor", path=write_csv(tmp_path / "h2.csv", "honor", rows))
        d.refresh_from_db()
        assert d.status == DistinctionStatus.REVOKED and d.issuer == "商务部"


class TestServicesKeepToTheRegulatorsUnit:
    """The services refuse an enterprise outside the regulator's unit exactly like a missing
    one (404), whoever calls them (pages, API, other apps), and change nothing."""

    @pytest.fixture
    def records(self, world):
        d = services.distinction_record(enterprise=world.ent, element_type=ElementType.objects.get(
            code="brand.time_honored"), user=world.district, reason="r", granted_on=date(2010, 1, 1), level="national")
        listing = services.listing_record(enterprise=world.ent, kind=ListingKind.ABNORMAL, listed_on=date(2024, 1, 1),
                                          user=world.district, entry_reason="补录")
        penalty = _make(Penalty, world.ent, decision_no="P-1", decided_on=date(2024, 1, 1))
        spotcheck = _make(SpotCheck, world.ent, level="municipal", product="电线电缆", checked_on=date(2024, 1, 1),
                          result="failed")
        return SimpleNamespace(distinction=d, listing=listing, penalty=penalty, spotcheck=spotcheck)

    def calls(self, world, records):
        other = world.district_2  # Chaoyang; world.ent is in Haidian
        return {
            "distinction_record": lambda: services.distinction_record(
                enterprise=world.ent, element_type=ElementType.objects.get(code="infrastructure.iso_environment"),
                user=other, reason="x", granted_on=date(2024, 5, 1), certificate_no="E-9"),
            "distinction_claim": lambda: services.distinction_record(
                enterprise=world.ent, element_type=ElementType.objects.get(code="infrastructure.iso_environment"),
                user=other, reason="", granted_on=date(2024, 5, 1), certificate_no="E-8", claim=True),
            "listing_record": lambda: services.listing_record(
                enterprise=world.ent, kind=ListingKind.SERIOUS, listed_on=date(2024, 2, 1), user=other,
                entry_reason="x"),
            "listing_remove": lambda: services.listing_remove(
                listing=records.listing, removed_on=date(2024, 12, 1), user=other, reason="x"),
            "distinction_revoke": lambda: services.distinction_revoke(
                distinction=records.distinction, user=other, reason="x"),
            "penalty_annul": lambda: services.record_annul(record=records.penalty, user=other, reason="x"),
            "spotcheck_annul": lambda: services.record_annul(record=records.spotcheck, user=other, reason="x"),
        }

    @pytest.mark.parametrize("call", ["distinction_record", "distinction_claim", "listing_record", "listing_remove",
                                      "distinction_revoke", "penalty_annul", "spotcheck_annul"])
    def test_district_regulator_of_another_unit_is_refused(self, world, records, call):
        events = ChangeEvent.objects.count()
        with pytest.raises(ApplicationError) as refused:
            self.calls(world, records)[call]()
        assert (refused.value.code, refused.value.status_code) == ("not_found", 404)
        assert ChangeEvent.objects.count() == events
        records.listing.refresh_from_db()
        records.distinction.refresh_from_db()
        records.penalty.refresh_from_db()
        assert records.listing.removed_on is None
        assert records.distinction.status != DistinctionStatus.REVOKED
        assert records.penalty.annulled_on is None

    def test_the_municipal_bureau_acts_anywhere(self, world, records):
        services.record_annul(record=records.penalty, user=world.city, reason="复议撤销")
        services.listing_remove(listing=records.listing, removed_on=date(2024, 12, 1), user=world.city, reason="x")


class TestInbox:
    def test_scan_runs_new_files_once(self, world, tmp_path, settings):
        settings.ELEMENTS_INBOX_PREFIX = "inbox-test/"
        rows = [{"统一社会信用代码": world.ent.uscc, "列入日期": "2024-03-05", "列入决定机关": "海淀"}]
        data = write_csv(tmp_path / "a.csv", "abnormal", rows).read_bytes()
        default_storage.save("inbox-test/abnormal/2026-11.csv", ContentFile(data))
        default_storage.save("inbox-test/serious-2026-11.csv", ContentFile(write_csv(
            tmp_path / "s.csv", "serious", rows).read_bytes()))
        default_storage.save("inbox-test/readme.txt", ContentFile(b"not a feed"))
        done = tasks.inbox_scan()
        assert len(done) == 2
        assert set(ImportBatch.objects.values_list("feed", "source", "status")) == {
            ("abnormal", BatchSource.INBOX, BatchStatus.SUCCEEDED), ("serious", BatchSource.INBOX, BatchStatus.SUCCEEDED)}
        assert tasks.inbox_scan() == []
        assert ImportBatch.objects.count() == 2


class TestPull:
    def test_http_is_refused(self, world, settings):
        assert tasks.feed_pull("abnormal", "http://example.com/a.csv") is None
        assert not ImportBatch.objects.exists()

    def test_https_pull(self, world, tmp_path, monkeypatch, settings):
        rows = [{"统一社会信用代码": world.ent.uscc, "列入日期": "2024-03-05", "列入决定机关": "海淀"}]
        path = write_csv(tmp_path / "a.csv", "abnormal", rows)
        monkeypatch.setattr(tasks.urllib.request, "urlopen", lambda url, timeout: open(path, "rb"))
        settings.ELEMENTS_FEED_URLS = {"abnormal": "https://data.example.gov.cn/abnormal.csv"}
        assert tasks.feeds_pull() == 1
        batch = ImportBatch.objects.get()
        assert (batch.source, batch.status, batch.inserted) == (BatchSource.URL, BatchStatus.SUCCEEDED, 1)


def test_periodic_tasks_declared(db):
    from django_celery_beat.models import PeriodicTask

    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"elements.tasks.inbox_scan", "elements.tasks.feeds_pull", "elements.tasks.distinctions_expire"} <= names
