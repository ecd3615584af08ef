"""The staged (set-based, PostgreSQL) path for the registration list gives exactly what the
row-by-row path gives: the same enterprises, counts, rejected rows and change events; files
PostgreSQL cannot take as they are fall back to the row-by-row path; a run killed between
slices keeps what it committed and a re-run converges."""

import pytest
from django.db import connection

from elements.choices import BatchStatus, EventKind
from elements.feedgen import write_feed
from elements.models import ChangeEvent, ImportBatch
from elements.sync import run_file, staged
from identity.models import Enterprise
from identity.uscc import make_code

from .conftest import write_csv
from .test_sync import CODE, registration_row

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the staged path exists on PostgreSQL only"),
]


@pytest.fixture
def staged_calls(monkeypatch):
    """Counts the runs that went through the staged path to the end."""
    calls = {"staged": 0}
    original = staged.run

    def spy(batch, path):
        original(batch, path)
        calls["staged"] += 1

    monkeypatch.setattr(staged, "run", spy)
    return calls


def tricky_rows():
    """Rows for every decision the staged path makes differently from a plain comparison."""
    c = lambda seq: make_code("9", "1", "110108", f"JKT{seq:05d}")  # noqa: E731
    etdz = make_code("9", "1", "110302", "JKTE0001")
    return [
        registration_row(c(1)),
        registration_row(f"  {c(2).lower()} "),  # normalised, then well formed
        registration_row(c(3), 企业名称=""),  # required
        registration_row(c(4), 企业名称="名" * 201),  # too long
        registration_row(c(5), 登记状态="不知道"),  # unknown status
        registration_row(c(6), 登记状态=""),  # empty status: existing
        registration_row(c(7), **{"注册资本(万元)": "1,000万元"}),
        registration_row(c(8), **{"注册资本(万元)": "很多"}),
        registration_row(c(9), 成立日期="2024年13月45日"),
        registration_row(c(10), 成立日期="20120508"),
        registration_row(etdz, 登记机关="北京经济技术开发区商务金融局", 住所="北京市大兴区科创街1号"),
        registration_row(c(11), 登记机关="北京市市场监督管理局", 住所="北京市朝阳区建国路1号"),  # address decides
        registration_row(c(12), 登记机关="北京市燕山地区市场监督管理局", 住所="北京市房山区燕山迎风街1号"),
        registration_row(c(13), 登记机关="首都机场市场监督管理局", 住所=""),
        registration_row(c(14), 企业类型="有限责任公司分公司", 法定代表人="王" * 101),
        registration_row(c(1), 企业名称="北京京测精密仪器有限公司（更名）"),  # later row for the same code wins
        registration_row(c(15)),
        registration_row(c(15)),  # identical repeat
        registration_row("91110108MA0000000X"),  # wrong check character
        registration_row("  "),  # missing code
        registration_row(c(16), 所属行业="它's 100% fine"),  # quotes and percent signs in SQL literals
    ]


def changed_rows():
    rows = tricky_rows()
    rows[15] = registration_row(make_code("9", "1", "110108", "JKT00001"), 企业名称="北京京测精密仪器有限公司（更名）",
                                登记状态="注销", **{"注册资本(万元)": "80"})
    rows[10] = registration_row(make_code("9", "1", "110302", "JKTE0001"), 登记机关="北京经济技术开发区商务金融局",
                                住所="北京市大兴区科创街2号")
    return rows


def snapshot(batches):
    codes = set()
    for b in batches:
        codes |= set(ChangeEvent.objects.filter(batch=b).values_list("enterprise_id", flat=True))
    fields = ["uscc", "name", "enterprise_type", "legal_form", "legal_representative", "registered_capital",
              "established_on", "registration_authority", "address", "status", "industry", "district_id",
              "regulator_unit_id"]
    return {
        "enterprises": list(Enterprise.objects.filter(uscc__contains="JKT").order_by("uscc").values_list(*fields)),
        "counts": [(b.status, b.read, b.inserted, b.updated, b.unchanged, b.rejected, b.progress) for b in batches],
        "rejects": [list(b.rejects.order_by("row_number").values_list("row_number", "column", "reason", "raw_value"))
                    for b in batches],
        "events": [list(ChangeEvent.objects.filter(batch=b).order_by("enterprise_id").values_list(
            "enterprise_id", "kind", "record_type", "row_number", "source", "data")) for b in batches],
    }


def both_paths(tmp_path, settings, staged_calls, files):
    """Run the files in order on each path, from the same starting registry; the snapshots."""
    results = {}
    for is_staged in (True, False):
        settings.ELEMENTS_SYNC_STAGED = is_staged
        ChangeEvent._base_manager.filter(enterprise__uscc__contains="JKT").delete()  # test reset (append-only)
        Enterprise.objects.filter(uscc__contains="JKT").delete()
        before = staged_calls["staged"]
        batches = [run_file(feed="registration", path=f) for f in files]
        assert staged_calls["staged"] - before == (len(files) if is_staged else 0)
        results[is_staged] = snapshot(batches)
    return results[True], results[False]


def test_staged_and_row_by_row_paths_agree(world, tmp_path, settings, staged_calls):
    first = write_csv(tmp_path / "a.csv", "registration", tricky_rows())
    second = write_csv(tmp_path / "b.csv", "registration", changed_rows())
    fast, slow = both_paths(tmp_path, settings, staged_calls, [first, second, second])
    assert fast == slow
    counts = fast["counts"]
    # read, inserted, updated, unchanged, rejected: 8 bad rows, 11 codes, two repeated codes
    assert counts[0][:6] == (BatchStatus.SUCCEEDED, 21, 11, 1, 1, 8)
    assert counts[1][:6] == (BatchStatus.SUCCEEDED, 21, 0, 1 + 2, 1 + 9, 8)
    assert counts[2][:6] == (BatchStatus.SUCCEEDED, 21, 0, 1, 1 + 11, 8)  # only the in-file correction
    assert {r[1] for r in fast["rejects"][0]} == {CODE, "企业名称", "登记状态", "注册资本(万元)", "成立日期", "法定代表人"}
    changed = {e[0]: e[5] for e in fast["events"][1]}
    assert changed[make_code("9", "1", "110108", "JKT00001")]["changed"] == ["registered_capital", "status"]
    assert changed[make_code("9", "1", "110302", "JKTE0001")]["after"] == {"address": "北京市大兴区科创街2号"}
    assert changed[make_code("9", "1", "110108", "JKT00001")]["before"]["registered_capital"] == "500.0000"
    assert all(e[1] == EventKind.REGISTRATION_CHANGED for e in fast["events"][1])


STATUS_SPELLINGS = ["存续（在营、开业、在册）", "在业", "吊销，未注销", "吊销（未注销）", "吊销，已注销", "注销", "撤销", "歇业",
                    "清算", "清算中", "停业", "迁出", "已迁出"]
TYPE_SPELLINGS = ["中外合资经营企业", "中外合作经营企业", "外商独资企业", "外商投资企业分支机构", "中外合作经营企业(非法人)",
                  "股份合作制", "集体所有制", "全民所有制", "全民所有制分支机构(非法人)", "外商投资合伙企业"]


def test_statuses_and_types_agree_and_unknown_status_is_rejected_by_both(world, tmp_path, settings, staged_calls):
    c = lambda seq: make_code("9", "1", "110108", f"JKR{seq:05d}")  # noqa: E731
    rows = [registration_row(c(i), 登记状态=text) for i, text in enumerate(STATUS_SPELLINGS)]
    rows += [registration_row(c(100 + i), 企业类型=text) for i, text in enumerate(TYPE_SPELLINGS)]
    rows += [registration_row(c(200), 登记状态="冻结"), registration_row(c(201), 登记状态="注销中")]
    path = write_csv(tmp_path / "s.csv", "registration", rows)
    results = {}
    for is_staged in (True, False):
        settings.ELEMENTS_SYNC_STAGED = is_staged
        Enterprise.objects.filter(uscc__contains="JKR").delete()
        batch = run_file(feed="registration", path=path)
        results[is_staged] = (
            dict(Enterprise.objects.filter(uscc__contains="JKR").values_list("uscc", "status")),
            dict(Enterprise.objects.filter(uscc__contains="JKR").values_list("uscc", "legal_form")),
            list(batch.rejects.order_by("row_number").values_list("row_number", "column", "reason", "raw_value")),
        )
    assert staged_calls["staged"] == 1
    assert results[True] == results[False]
    statuses, forms, rejects = results[True]
    assert [statuses[c(i)] for i in range(len(STATUS_SPELLINGS))] == [
        "existing", "operating", "revoked", "revoked", "deregistered", "deregistered", "cancelled", "suspended",
        "liquidating", "liquidating", "stopped", "moved_out", "moved_out"]
    assert [forms[c(100 + i)] for i in range(len(TYPE_SPELLINGS))] == [
        "legal_person", "legal_person", "legal_person", "branch", "non_legal_person", "legal_person", "legal_person",
        "legal_person", "branch", "partnership"]
    assert c(200) not in statuses and c(201) not in statuses  # never stored as 存续
    assert [(r[1], r[3]) for r in rejects] == [("登记状态", "冻结"), ("登记状态", "注销中")]


def test_generated_file_agrees(world, tmp_path, settings, staged_calls):
    path = tmp_path / "reg.csv"
    write_feed("registration", path, n_rows=2000, seed=5, malformed_share=0.05, duplicate_share=0.02)
    # Put the generated codes under the snapshot's filter: the generator's codes carry no marker.
    ents_before = set(Enterprise.objects.values_list("uscc", flat=True))
    settings.ELEMENTS_SYNC_STAGED = True
    fast_batch = run_file(feed="registration", path=path)
    fast = sorted(Enterprise.objects.exclude(uscc__in=ents_before).values_list(
        "uscc", "name", "legal_form", "registered_capital", "established_on", "status", "district_id",
        "regulator_unit_id"))
    fast_rejects = list(fast_batch.rejects.order_by("row_number").values_list("row_number", "column", "reason"))
    Enterprise.objects.exclude(uscc__in=ents_before).delete()
    settings.ELEMENTS_SYNC_STAGED = False
    slow_batch = run_file(feed="registration", path=path)
    slow = sorted(Enterprise.objects.exclude(uscc__in=ents_before).values_list(
        "uscc", "name", "legal_form", "registered_capital", "established_on", "status", "district_id",
        "regulator_unit_id"))
    assert staged_calls["staged"] == 1
    assert fast == slow and len(fast) > 1500
    assert fast_rejects == list(slow_batch.rejects.order_by("row_number").values_list("row_number", "column", "reason"))
    assert [(b.read, b.inserted, b.updated, b.unchanged, b.rejected) for b in (fast_batch, slow_batch)] == [
        (slow_batch.read, slow_batch.inserted, slow_batch.updated, slow_batch.unchanged, slow_batch.rejected)] * 2


class TestFallback:
    def test_a_row_with_too_many_fields_sends_the_file_row_by_row(self, world, tmp_path, staged_calls):
        code = make_code("9", "1", "110108", "JKTF0001")
        path = write_csv(tmp_path / "a.csv", "registration", [registration_row(code)])
        with open(path, "a", encoding="utf-8", newline="") as f:
            f.write("2,91110108MA01234567,多一列,a,b,c,d,e,f,g,h,i,j\r\n")
        batch = run_file(feed="registration", path=path)
        assert staged_calls["staged"] == 0
        assert (batch.status, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 1, 1)
        assert batch.rejects.get().row_number == 3

    def test_a_record_spanning_lines_keeps_its_row_numbers(self, world, tmp_path, staged_calls):
        a, b = make_code("9", "1", "110108", "JKTF0002"), make_code("9", "1", "110108", "JKTF0003")
        path = write_csv(tmp_path / "a.csv", "registration", [
            registration_row(a, 住所="北京市海淀区\n第二行"), registration_row(b, 登记状态="不知道")])
        batch = run_file(feed="registration", path=path)
        assert staged_calls["staged"] == 0
        assert batch.rejects.get().row_number == 4  # the physical line, as the row-by-row path counts
        assert Enterprise.objects.get(uscc=a).address == "北京市海淀区\n第二行"

    def test_bytes_invalid_in_the_encoding_reject_only_their_row(self, world, tmp_path, staged_calls):
        code = make_code("9", "1", "110108", "JKTF0004")
        path = write_csv(tmp_path / "a.csv", "registration", [registration_row(code)], encoding="utf-8")
        with open(path, "ab") as f:
            f.write(b"2,91110108MA01234567," + b"\xff\xfe" + b",,,,,,,,\r\n")
        batch = run_file(feed="registration", path=path)
        assert staged_calls["staged"] == 0
        assert (batch.inserted, batch.rejected) == (1, 1)

    @pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
    def test_encodings_stay_staged(self, world, tmp_path, staged_calls, encoding):
        code = make_code("9", "1", "110108", "JKTF0005")
        path = write_csv(tmp_path / "a.csv", "registration", [registration_row(code, 法定代表人="䶮龘")],
                         encoding=encoding)
        batch = run_file(feed="registration", path=path)
        assert staged_calls["staged"] == 1 and batch.inserted == 1
        assert Enterprise.objects.get(uscc=code).legal_representative == "䶮龘"

    def test_another_lists_file_is_refused_whole(self, world, tmp_path, staged_calls):
        path = write_csv(tmp_path / "a.csv", "abnormal", [{CODE: world.ent.uscc, "列入日期": "2024-03-05"}])
        batch = run_file(feed="registration", path=path)
        assert batch.status == BatchStatus.FAILED and batch.error and staged_calls["staged"] == 0


def test_killed_between_slices_keeps_what_it_committed_and_a_rerun_converges(world, tmp_path, settings, monkeypatch):
    settings.ELEMENTS_STAGED_SLICE = 2
    codes = [make_code("9", "1", "110108", f"JKTK{i:04d}") for i in range(7)]
    path = write_csv(tmp_path / "r.csv", "registration", [registration_row(c, 企业名称=f"北京{i}有限公司")
                                                          for i, c in enumerate(codes)])
    original = staged.StagedRegistration._save
    slices = {"n": 0}

    def dies_in_second_slice(self, **fields):
        if "inserted" in fields:
            slices["n"] += 1
            if slices["n"] == 2:
                raise RuntimeError("worker lost")
        return original(self, **fields)

    monkeypatch.setattr(staged.StagedRegistration, "_save", dies_in_second_slice)
    with pytest.raises(RuntimeError):
        run_file(feed="registration", path=path)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED and batch.progress < 100
    assert (batch.read, batch.inserted) == (7, 2)
    assert Enterprise.objects.filter(uscc__in=codes).count() == 2
    with connection.cursor() as cursor:  # nothing left behind on the connection
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'jzd\\_%%' AND relpersistence = 't'")
        assert cursor.fetchone()[0] == 0

    monkeypatch.setattr(staged.StagedRegistration, "_save", original)
    rerun = run_file(feed="registration", path=path)
    assert (rerun.status, rerun.inserted, rerun.unchanged, rerun.progress) == (BatchStatus.SUCCEEDED, 5, 2, 100)
    assert Enterprise.objects.filter(uscc__in=codes).count() == 7


def test_the_sql_code_check_agrees_with_python():
    import random

    from identity.uscc import ALPHABET, is_well_formed

    rng = random.Random(11)
    codes = [make_code("9", "1", "110108", f"JKT{i:05d}") for i in range(300)]
    codes += [c[:17] + rng.choice(ALPHABET) for c in codes[:300]]  # about 1 in 31 still right
    codes += ["", "9111010", "91110108MA0000000I", "91110108MA00000001X", "９１１１０１０８MA0000000X", "9111010８MA000000"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT u, {staged._wellformed_sql('u', 'b')} FROM (SELECT u, convert_to(u, 'UTF8') AS b "
                       "FROM unnest(%s::text[]) AS u) s", [codes])
        answers = dict(cursor.fetchall())
    assert answers == {c: is_well_formed(c) for c in codes}
    assert sum(answers.values()) >= 300 and not all(answers.values())
