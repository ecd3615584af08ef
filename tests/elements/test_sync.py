"""The sync: every format and encoding, header variants, malformed rows reported with row,
column and reason, idempotent re-runs, a run killed midway and re-run, and the events."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from elements.choices import BatchStatus, DistinctionStatus, EventKind, ListingKind
from elements.models import ChangeEvent, Distinction, ImportBatch, Listing, Penalty, SpotCheck
from elements.selectors import profile_get
from elements.sync import apply as apply_module
from elements.sync import run_file
from identity.models import Enterprise
from identity.uscc import make_code
from jingzhidai.errors import ApplicationError

from ..helpers import client_for
from .conftest import write_csv, write_jsonl, write_xlsx

pytestmark = pytest.mark.django_db
CODE = "统一社会信用代码"
HD = "北京市海淀区市场监督管理局"


def abnormal_rows(world):
    return [
        {CODE: world.ent.uscc, "企业名称": world.ent.name, "列入日期": "2024-03-05", "列入原因": "未按规定报送年度报告",
         "列入决定机关": HD},
        {CODE: world.ent_2.uscc, "企业名称": world.ent_2.name, "列入日期": "2023/1/9", "列入原因": "通过登记的住所无法联系",
         "列入决定机关": "北京市朝阳区市场监督管理局", "移出日期": "2024年2月1日", "移出原因": "已更正", "移出决定机关": "北京市朝阳区市场监督管理局"},
    ]


def registration_row(code, name="北京京测精密仪器有限公司", **extra):
    return {CODE: code, "企业名称": name, "企业类型": "有限责任公司(自然人投资或控股)", "法定代表人": "王伟",
            "注册资本(万元)": "500", "成立日期": "2012-05-08", "登记机关": HD, "住所": "北京市海淀区科技园路1号",
            "登记状态": "存续", "所属行业": "仪器仪表制造业", **extra}


class TestFormats:
    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "gbk"])
    def test_csv_encodings(self, world, tmp_path, encoding):
        path = write_csv(tmp_path / "abnormal.csv", "abnormal", abnormal_rows(world), encoding=encoding)
        batch = run_file(feed="abnormal", path=path)
        assert (batch.status, batch.read, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 2, 2, 0)
        listing = Listing.objects.get(enterprise=world.ent)
        assert listing.reason == "未按规定报送年度报告" and listing.authority == HD

    def test_xlsx(self, world, tmp_path):
        rows = abnormal_rows(world)
        rows[0]["列入日期"] = date(2024, 3, 5)  # a real Excel date cell
        path = write_xlsx(tmp_path / "abnormal.xlsx", "abnormal", rows)
        batch = run_file(feed="abnormal", path=path)
        assert (batch.status, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 2, 0)
        assert Listing.objects.get(enterprise=world.ent).listed_on == date(2024, 3, 5)
        assert Listing.objects.get(enterprise=world.ent_2).removed_on == date(2024, 2, 1)

    def test_json_lines(self, world, tmp_path):
        path = write_jsonl(tmp_path / "abnormal.jsonl", abnormal_rows(world) + [{"企业名称": "缺代码"}])
        batch = run_file(feed="abnormal", path=path)
        assert (batch.status, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 2, 1)
        reject = batch.rejects.get()
        assert (reject.row_number, reject.column) == (3, CODE)

    def test_header_variants_and_unknown_columns(self, world, tmp_path):
        headers = ["信用代码", "单位名称", "列入时间", "列入原因", "作出决定机关", "移出日期", "备注"]
        rows = [{"信用代码": world.ent.uscc, "单位名称": "x", "列入时间": "20240305", "列入原因": "r",
                 "作出决定机关": HD, "备注": "ignored"}]
        path = write_csv(tmp_path / "a.csv", "abnormal", rows, headers=headers, serial=False)
        batch = run_file(feed="abnormal", path=path)
        assert (batch.status, batch.inserted) == (BatchStatus.SUCCEEDED, 1)
        assert Listing.objects.get().listed_on == date(2024, 3, 5)

    def test_excel_serial_date(self, world, tmp_path):
        rows = [{CODE: world.ent.uscc, "列入日期": "45356", "列入决定机关": HD}]
        batch = run_file(feed="abnormal", path=write_csv(tmp_path / "a.csv", "abnormal", rows))
        assert batch.inserted == 1 and Listing.objects.get().listed_on == date(2024, 3, 5)


class TestPlausibleDates:
    """An event dated in year 9999 was stored, and the profile's 3-year look-back then left the
    calendar (a 500 on every page showing that enterprise's profile)."""

    def test_an_event_date_outside_1900_to_2999_is_a_rejected_row(self, world, tmp_path):
        rows = [{CODE: world.ent.uscc, "决定书文号": "京罚1", "处罚决定日期": "9999-06-01", "决定机关": HD},
                {CODE: world.ent.uscc, "决定书文号": "京罚2", "处罚决定日期": "1899-12-31", "决定机关": HD},
                {CODE: world.ent.uscc, "决定书文号": "京罚3", "处罚决定日期": "2024-06-01", "决定机关": HD}]
        batch = run_file(feed="penalty", path=write_csv(tmp_path / "p.csv", "penalty", rows))
        assert (batch.status, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 1, 2)
        assert {r.column for r in batch.rejects.all()} == {"处罚决定日期"}
        assert client_for(world, "city", api=True).get(
            reverse("api:enterprise-profile", args=[world.ent.uscc])).status_code == 200

    def test_an_expiry_of_9999_12_31_still_means_no_end(self, world, tmp_path):
        rows = [{CODE: world.ent.uscc, "要素名称": "中华老字号", "级别": "国家", "授予机关": "商务部",
                 "授予日期": "2006-12-01", "有效期至": "9999-12-31"}]
        batch = run_file(feed="honor", path=write_csv(tmp_path / "h.csv", "honor", rows))
        assert (batch.inserted, batch.rejected) == (1, 0)


class TestUnreadable:
    def test_missing_required_column_fails_the_whole_file(self, world, tmp_path):
        path = write_csv(tmp_path / "a.csv", "penalty", [{CODE: world.ent.uscc}], headers=[CODE, "企业名称"])
        batch = run_file(feed="penalty", path=path)
        assert batch.status == BatchStatus.FAILED and "决定书文号" in batch.error
        assert not Penalty.objects.exists()

    def test_binary_garbage(self, world, tmp_path):
        path = tmp_path / "a.csv"
        path.write_bytes(b"\xff\xfe\x00\x81\x00" * 100)
        assert run_file(feed="abnormal", path=path).status == BatchStatus.FAILED

    def test_not_an_xlsx(self, world, tmp_path):
        path = tmp_path / "a.xlsx"
        path.write_text("hello")
        batch = run_file(feed="abnormal", path=path)
        assert batch.status == BatchStatus.FAILED and batch.error

    def test_command_exits_non_zero(self, world, tmp_path):
        path = tmp_path / "a.txt"
        path.write_text("")
        with pytest.raises(CommandError):
            call_command("sync_elements", "abnormal", str(path), stdout=StringIO())

    def test_command_prints_the_summary(self, world, tmp_path):
        out = StringIO()
        path = write_csv(tmp_path / "a.csv", "abnormal", abnormal_rows(world) + [{CODE: "123", "列入日期": "2024-01-01"}])
        call_command("sync_elements", "abnormal", str(path), stdout=out)
        text = out.getvalue()
        assert "succeeded" in text and "inserted 2" in text and "rejected 1" in text and "row 4" in text


class TestMalformedRows:
    def test_each_bad_row_rejected_with_row_column_reason_and_raw_value(self, world, tmp_path):
        rows = [
            {CODE: world.ent.uscc, "抽查级别": "国家", "产品名称": "电线电缆", "抽查日期": "2025-04-01", "抽查结果": "不合格",
             "不合格项目": "导体电阻", "组织机关": "国家市场监督管理总局"},
            {CODE: "91110108T0000001X0", "抽查级别": "市", "产品名称": "玩具", "抽查日期": "2025-04-01", "抽查结果": "合格"},
            {CODE: world.ent.uscc, "抽查级别": "市", "产品名称": "玩具", "抽查日期": "2025-02-30", "抽查结果": "合格"},
            {CODE: world.ent.uscc, "抽查级别": "乡镇", "产品名称": "玩具", "抽查日期": "2025-02-03", "抽查结果": "合格"},
            {CODE: world.ent.uscc, "抽查级别": "区级", "产品名称": "玩具", "抽查日期": "2025-02-03", "抽查结果": "待定"},
            {CODE: make_code("9", "1", "110108", "QQQQQQQ1"), "抽查级别": "区", "产品名称": "玩具", "抽查日期": "2025-02-03",
             "抽查结果": "合格"},
        ]
        with translation.override("en"):
            batch = run_file(feed="spotcheck", path=write_csv(tmp_path / "s.csv", "spotcheck", rows))
        assert (batch.status, batch.read, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 6, 1, 5)
        rejects = {r.row_number: r for r in batch.rejects.all()}
        assert (rejects[3].column, rejects[3].raw_value) == (CODE, "91110108T0000001X0")
        assert (rejects[4].column, rejects[4].raw_value) == ("抽查日期", "2025-02-30")
        assert "Not a date" in rejects[4].reason
        assert (rejects[5].column, rejects[5].raw_value) == ("抽查级别", "乡镇")  # 省 is another province's level
        assert "Unknown level" in rejects[5].reason
        assert (rejects[6].column, rejects[6].raw_value) == ("抽查结果", "待定")
        assert "registry" in rejects[7].reason
        assert SpotCheck.objects.get().failed_items == "导体电阻"

    def test_undecodable_bytes_reject_only_their_row(self, world, tmp_path):
        path = write_csv(tmp_path / "a.csv", "abnormal", abnormal_rows(world), encoding="utf-8")
        with open(path, "ab") as f:
            f.write(f"3,{world.ent.uscc},x,2024-05-01,".encode() + b"\xff\xfe" + "原因,机关,,,\n".encode())
        batch = run_file(feed="abnormal", path=path)
        assert (batch.inserted, batch.rejected) == (2, 1)
        assert batch.rejects.get().column == "reason"


class TestIdempotence:
    def test_same_file_twice_changes_nothing(self, world, tmp_path):
        path = write_csv(tmp_path / "a.csv", "abnormal", abnormal_rows(world))
        run_file(feed="abnormal", path=path)
        events = ChangeEvent.objects.count()
        snapshot = list(Listing.objects.values())
        second = run_file(feed="abnormal", path=path)
        assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
        assert ChangeEvent.objects.count() == events
        assert list(Listing.objects.values()) == snapshot

    def test_duplicate_rows_in_a_file(self, world, tmp_path):
        rows = abnormal_rows(world)
        batch = run_file(feed="abnormal", path=write_csv(tmp_path / "a.csv", "abnormal", rows + rows[:1]))
        assert (batch.read, batch.inserted, batch.unchanged) == (3, 2, 1)

    def test_removal_in_a_later_file_is_an_event_and_restores_credit(self, world, tmp_path):
        rows = abnormal_rows(world)
        run_file(feed="abnormal", path=write_csv(tmp_path / "a.csv", "abnormal", rows))
        assert not profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).quality_credit.holds
        rows[0].update({"移出日期": "2025-05-20", "移出原因": "已补报年报", "移出决定机关": HD})
        batch = run_file(feed="abnormal", path=write_csv(tmp_path / "b.csv", "abnormal", rows))
        assert (batch.updated, batch.unchanged) == (1, 1)
        removal = ChangeEvent.objects.filter(kind=EventKind.REMOVED, enterprise=world.ent).get()
        assert removal.occurred_on == date(2025, 5, 20) and removal.batch_id == batch.pk and removal.row_number == 2
        assert profile_get(enterprise=world.ent, as_of=date(2025, 6, 1)).quality_credit.holds
        assert not profile_get(enterprise=world.ent, as_of=date(2025, 5, 19)).quality_credit.holds

    def test_correction_is_an_event_with_before_and_after(self, world, tmp_path):
        rows = abnormal_rows(world)
        run_file(feed="abnormal", path=write_csv(tmp_path / "a.csv", "abnormal", rows))
        rows[0]["列入原因"] = "公示信息隐瞒真实情况"
        run_file(feed="abnormal", path=write_csv(tmp_path / "b.csv", "abnormal", rows))
        event = ChangeEvent.objects.get(kind=EventKind.CORRECTED)
        assert event.data["before"]["reason"] == "未按规定报送年度报告"
        assert event.data["after"]["reason"] == "公示信息隐瞒真实情况"
        listing = Listing.objects.get(enterprise=world.ent)
        assert listing.batch_id != listing.updated_batch_id  # provenance keeps the origin

    def test_events_for_new_records(self, world, tmp_path):
        run_file(feed="abnormal", path=write_csv(tmp_path / "a.csv", "abnormal", abnormal_rows(world)))
        kinds = sorted(ChangeEvent.objects.values_list("enterprise_id", "kind"))
        assert kinds == sorted([(world.ent.uscc, EventKind.LISTED), (world.ent_2.uscc, EventKind.LISTED),
                                (world.ent_2.uscc, EventKind.REMOVED)])


class TestKilledMidway:
    def test_failed_chunk_leaves_a_failed_batch_and_a_rerun_converges(self, world, tmp_path, settings, monkeypatch):
        settings.ELEMENTS_SYNC_CHUNK = 2
        settings.ELEMENTS_SYNC_STAGED = False  # the row-by-row path; test_sync_staged kills the staged one
        codes = [make_code("9", "1", "110108", f"KM{i:05d}Q") for i in range(7)]
        rows = [registration_row(c, name=f"北京测试{i}有限公司") for i, c in enumerate(codes)]
        path = write_csv(tmp_path / "r.csv", "registration", rows)

        original = apply_module.RegistrationApplier.apply
        calls = {"n": 0}

        def dies_on_third_chunk(self, chunk):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("worker lost")
            return original(self, chunk)

        monkeypatch.setattr(apply_module.RegistrationApplier, "apply", dies_on_third_chunk)
        with pytest.raises(RuntimeError):
            run_file(feed="registration", path=path)
        batch = ImportBatch.objects.get()
        assert batch.status == BatchStatus.FAILED and "worker lost" not in batch.error  # details go to the log
        assert batch.error and "RuntimeError" not in batch.error
        assert (batch.read, batch.inserted) == (4, 4)  # exactly the two committed chunks
        assert Enterprise.objects.filter(uscc__in=codes).count() == 4
        assert batch.progress < 100

        monkeypatch.setattr(apply_module.RegistrationApplier, "apply", original)
        rerun = run_file(feed="registration", path=path)
        assert (rerun.status, rerun.inserted, rerun.unchanged) == (BatchStatus.SUCCEEDED, 3, 4)
        assert Enterprise.objects.filter(uscc__in=codes).count() == 7

    def test_stale_running_batch_is_marked_failed(self, world):
        from datetime import timedelta

        from django.utils import timezone

        from elements.sync import import_batches_fail_stale

        batch = ImportBatch.objects.create(feed="abnormal", source="cli", file_name="x.csv", status=BatchStatus.RUNNING,
                                           heartbeat_at=timezone.now() - timedelta(hours=2))
        assert import_batches_fail_stale() == 1
        batch.refresh_from_db()
        assert batch.status == BatchStatus.FAILED and batch.error


class TestRegistration:
    def test_placement_legal_form_status(self, world, tmp_path):
        etdz = make_code("9", "1", "110302", "ETDX0001")
        branch = make_code("9", "1", "110105", "BRAN0001")
        rows = [registration_row(etdz, 登记机关="北京经济技术开发区商务金融局", 住所="北京市大兴区经济技术开发区科创街1号"),
                registration_row(branch, 企业类型="有限责任公司分公司(自然人投资或控股)", 登记机关="北京市朝阳区市场监督管理局",
                                 住所="北京市朝阳区建国路1号", 登记状态="吊销，未注销", **{"注册资本(万元)": "1,000万元"})]
        batch = run_file(feed="registration", path=write_csv(tmp_path / "r.csv", "registration", rows))
        assert (batch.inserted, batch.rejected) == (2, 0)
        e1, e2 = Enterprise.objects.get(uscc=etdz), Enterprise.objects.get(uscc=branch)
        assert (e1.regulator_unit.code, e1.legal_form) == ("110302", "legal_person")
        assert (e2.district_id, e2.regulator_unit.code, e2.legal_form, e2.status) == (
            "110105", "110105", "branch", "revoked")
        assert str(e2.registered_capital) == "1000.0000"

    def test_status_change_is_an_event(self, world, tmp_path):
        code = make_code("9", "1", "110108", "TAT00001")
        run_file(feed="registration", path=write_csv(tmp_path / "a.csv", "registration", [registration_row(code)]))
        batch = run_file(feed="registration", path=write_csv(tmp_path / "b.csv", "registration",
                                                             [registration_row(code, 登记状态="注销")]))
        assert batch.updated == 1
        event = ChangeEvent.objects.get(kind=EventKind.REGISTRATION_CHANGED)
        assert event.data["after"]["status"] == "deregistered"

    def test_bad_status_and_capital_rejected(self, world, tmp_path):
        code = make_code("9", "1", "110108", "TAT00002")
        rows = [registration_row(code, 登记状态="不知道"), registration_row(code, **{"注册资本(万元)": "很多"})]
        batch = run_file(feed="registration", path=write_csv(tmp_path / "a.csv", "registration", rows))
        assert batch.rejected == 2
        assert sorted(batch.rejects.values_list("column", flat=True)) == ["注册资本(万元)", "登记状态"]


class TestHonors:
    def test_honor_rows(self, world, tmp_path):
        rows = [
            {CODE: world.ent.uscc, "要素名称": "中国质量奖", "级别": "国家级", "授予机关": "国务院", "授予日期": "2021-09-16"},
            {CODE: world.ent.uscc, "要素名称": "ISO 9001", "授予机关": "中国质量认证中心", "证书编号": "00123Q1",
             "授予日期": "2024-01-10"},
            {CODE: world.ent.uscc, "要素名称": "企业标准\"领跑者\"", "级别": "国家", "授予日期": "2025"},
            {CODE: world.ent.uscc, "要素名称": "世界第一奖", "级别": "国家", "授予日期": "2024-01-01"},
            {CODE: world.ent.uscc, "要素名称": "中国质量奖", "级别": "区", "授予日期": "2024-01-01"},
            {CODE: world.ent.uscc, "要素名称": "未列入经营异常名录", "授予日期": "2024-01-01"},
        ]
        batch = run_file(feed="honor", path=write_csv(tmp_path / "h.csv", "honor", rows))
        assert (batch.inserted, batch.rejected) == (3, 3)
        iso = Distinction.objects.get(element_type__code="infrastructure.iso_quality")
        assert iso.expires_on == date(2027, 1, 9)  # default validity: 36 months
        award = Distinction.objects.get(element_type__code="management.china_quality_award")
        assert (award.level, award.expires_on, award.status) == ("national", None, DistinctionStatus.VALID)
        assert Distinction.objects.get(element_type__code="brand.standard_forerunner").granted_on == date(2025, 1, 1)
        assert ChangeEvent.objects.filter(kind=EventKind.DISTINCTION_GRANTED).count() == 3
        columns = sorted(batch.rejects.values_list("column", flat=True))
        assert columns == ["级别", "要素名称", "要素名称"]

    def test_expired_on_arrival_is_recorded_as_lapsed(self, world, tmp_path):
        rows = [{CODE: world.ent.uscc, "要素名称": "北京市诚信品牌企业", "级别": "市", "授予日期": "2018-01-01",
                 "有效期至": "2020-12-31"}]
        run_file(feed="honor", path=write_csv(tmp_path / "h.csv", "honor", rows))
        assert Distinction.objects.get().status == DistinctionStatus.EXPIRED
        assert ChangeEvent.objects.filter(kind=EventKind.DISTINCTION_LAPSED, occurred_on=date(2021, 1, 1)).exists()


def test_penalty_feed(world, tmp_path):
    rows = [{CODE: world.ent.uscc, "决定书文号": "京海市监罚〔2024〕88号", "违法行为类型": "虚假宣传", "处罚内容": "罚款5万元",
             "决定机关": HD, "处罚决定日期": "2024年6月3日"}]
    batch = run_file(feed="penalty", path=write_csv(tmp_path / "p.csv", "penalty", rows))
    assert batch.inserted == 1
    assert not profile_get(enterprise=world.ent, as_of=date(2027, 6, 3)).quality_credit.holds
    assert profile_get(enterprise=world.ent, as_of=date(2027, 6, 4)).quality_credit.holds
    assert ChangeEvent.objects.get().kind == EventKind.PENALTY


def test_serious_feed(world, tmp_path):
    rows = [{CODE: world.ent.uscc, "列入日期": "2022-01-01", "列入原因": "提交虚假材料", "列入决定机关": "北京市市场监督管理局"}]
    run_file(feed="serious", path=write_csv(tmp_path / "s.csv", "serious", rows))
    assert Listing.objects.get().kind == ListingKind.SERIOUS


def test_generated_file_with_malformed_and_duplicate_rows(world, tmp_path):
    from elements.feedgen import write_feed

    path = tmp_path / "reg.csv"
    n = write_feed("registration", path, n_rows=300, seed=3, malformed_share=0.1, duplicate_share=0.05)
    batch = run_file(feed="registration", path=path)
    assert batch.status == BatchStatus.SUCCEEDED
    assert batch.read == n == batch.inserted + batch.updated + batch.unchanged + batch.rejected
    assert batch.rejected > 0 and batch.unchanged > 0
    again = run_file(feed="registration", path=path)
    assert (again.inserted, again.updated) == (0, 0)


def test_special_characters_round_trip(world, tmp_path):
    reason = "含\t制表符\\反斜杠\n换行"
    rows = [{CODE: world.ent.uscc, "列入日期": "2024-03-05", "列入原因": reason, "列入决定机关": HD}]
    batch = run_file(feed="abnormal", path=write_csv(tmp_path / "a.csv", "abnormal", rows))
    assert batch.inserted == 1
    assert Listing.objects.get().reason == reason
    assert ChangeEvent.objects.get().data["reason"] == reason


class TestUploadRules:
    """Review findings: district uploads stay inside the unit, the registry is the bureau's,
    stored names are generated, the rejects CSV is safe to open in Excel."""

    @pytest.fixture(autouse=True)
    def _run_after_commit(self, django_capture_on_commit_callbacks):
        self.on_commit = django_capture_on_commit_callbacks

    def _upload(self, user, feed, name, content: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from elements.services import import_batch_upload

        with self.on_commit(execute=True):
            return import_batch_upload(feed=feed, uploaded_file=SimpleUploadedFile(name, content), user=user)

    def test_a_district_regulator_cannot_load_the_registry(self, world):
        with pytest.raises(ApplicationError) as e:
            self._upload(world.district, "registration", "reg.csv", "统一社会信用代码,企业名称\n".encode())
        assert e.value.status_code == 403

    def test_a_district_upload_touches_only_its_units_enterprises(self, world):
        from elements.models import Listing

        content = ("统一社会信用代码,企业名称,列入日期,列入原因,列入决定机关\n"
                   f"{world.ent.uscc},甲,2025-01-02,无法联系,海淀局\n"
                   f"{world.ent_2.uscc},乙,2025-01-02,无法联系,朝阳局\n").encode()
        batch = self._upload(world.district, "abnormal", "../../etc/ab=1.csv", content)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.SUCCEEDED and batch.inserted == 1 and batch.rejected == 1
        assert Listing.objects.filter(enterprise=world.ent).exists()
        assert not Listing.objects.filter(enterprise=world.ent_2).exists()
        assert ".." not in batch.storage_name and "ab=1" not in batch.storage_name
        assert len(batch.sha256) == 64
        rejected = batch.rejects.get()
        assert rejected.raw_value == world.ent_2.uscc and rejected.row_number == 3  # line 1 is the header

    def test_the_city_upload_reaches_every_district(self, world):
        content = ("统一社会信用代码,企业名称,列入日期\n"
                   f"{world.ent.uscc},甲,2025-01-02\n{world.ent_2.uscc},乙,2025-01-02\n").encode()
        batch = self._upload(world.city, "abnormal", "ab.csv", content)
        batch.refresh_from_db()
        assert batch.inserted == 2 and batch.rejected == 0

    def test_rejects_csv_neutralises_formulas(self, world):
        content = ("统一社会信用代码,企业名称,列入日期\n=HYPERLINK(\"http://x\"),甲,2025-01-02\n").encode()
        batch = self._upload(world.city, "abnormal", "ab.csv", content)
        response = client_for(world, "city").get(reverse("elements:batch_rejects", args=[batch.pk]))
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body


def test_a_file_of_another_list_is_refused_whole(world, tmp_path):
    """An abnormal-operation list uploaded as the registration list must not blank the registry."""
    path = write_csv(tmp_path / "ab.csv", "abnormal", [{"统一社会信用代码": world.ent.uscc, "企业名称": "甲",
                                                       "列入日期": "2025-01-02", "列入原因": "无法联系"}])
    before = Enterprise.objects.filter(pk=world.ent.pk).values().get()
    with translation.override("en"):
        batch = run_file(feed="registration", path=path)
    assert batch.status == BatchStatus.FAILED and "looks like" in batch.error
    assert Enterprise.objects.filter(pk=world.ent.pk).values().get() == before
