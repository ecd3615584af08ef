"""Excel files that are hostile rather than merely broken: an undefined or declared XML entity
(the import reports the file unreadable; it never ends in a 500), and decompression bombs
(refused from the zip's directory before anything is parsed, at upload and in the runner)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from elements.choices import BatchStatus
from elements.models import ImportBatch, Listing
from elements.sync.readers import UnreadableFile, check_archive
from elements.sync.runner import run_file

from ..helpers import client_for
from .conftest import write_xlsx
from .test_sync import abnormal_rows

pytestmark = pytest.mark.django_db


def _rewrite(src, dst, change):
    """Copy an .xlsx, passing the first worksheet's XML through `change`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = change(data)
            zout.writestr(info, data)
    return dst


def _with_entity(tmp_path, world, name, change):
    good = write_xlsx(tmp_path / "good.xlsx", "abnormal", abnormal_rows(world))
    return _rewrite(good, tmp_path / name, change)


def _undefined_entity(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="99"><c r="A99" t="inlineStr"><is><t>&undefined;</t></is></c>'
                                        b"</row></sheetData>")


def _declared_entity(xml: bytes) -> bytes:
    head, sep, rest = xml.partition(b"?>")
    return head + sep + b'<!DOCTYPE worksheet [<!ENTITY x "boom">]>' + rest.replace(
        b"</sheetData>", b'<row r="99"><c r="A99" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData>')


@pytest.mark.parametrize("change", [_undefined_entity, _declared_entity], ids=["undefined", "declared"])
def test_an_xml_entity_makes_the_file_unreadable_in_the_runner(world, tmp_path, change):
    path = _with_entity(tmp_path, world, "entity.xlsx", change)
    batch = run_file(feed="abnormal", path=path)
    assert batch.status == BatchStatus.FAILED and "Excel" in batch.error
    assert not Listing.objects.exists()


def test_an_uploaded_xlsx_with_an_undefined_entity_is_a_failed_batch_not_a_500(
        world, tmp_path, django_capture_on_commit_callbacks):
    path = _with_entity(tmp_path, world, "entity.xlsx", _undefined_entity)
    client = client_for(world, "city", api=True)
    client.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:import-batch-list"),
                               {"feed": "abnormal", "file": SimpleUploadedFile("a.xlsx", path.read_bytes())},
                               format="multipart")
    assert response.status_code == 201
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED and "Excel" in batch.error


def _bomb(size=5 * 1024 * 1024) -> bytes:
    """A valid-looking .xlsx whose one part inflates from a few kilobytes to `size` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * size)
    return buffer.getvalue()


def _many_parts(n) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            z.writestr(f"part{i}.xml", "<x/>")
    return buffer.getvalue()


def test_a_decompression_bomb_is_refused_at_upload_with_a_field_message(world):
    data = _bomb()
    assert len(data) < 50_000
    client = client_for(world, "city", api=True)
    response = client.post(reverse("api:import-batch-list"),
                           {"feed": "abnormal", "file": SimpleUploadedFile("bomb.xlsx", data)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and "file" in body["extra"]["fields"]
    assert not ImportBatch.objects.exists()
    page = client_for(world, "city").post(reverse("elements:batch_upload"), {
        "feed": "abnormal", "file": SimpleUploadedFile("bomb.xlsx", data)})
    assert page.status_code == 200 and "is-invalid" in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_runner_refuses_a_bomb_before_parsing(world, tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb())

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a refused archive")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    batch = run_file(feed="abnormal", path=path)
    assert batch.status == BatchStatus.FAILED and "100" in batch.error  # the expansion bound it broke


def test_bounds_on_total_size_and_member_count(settings, world, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", "abnormal", abnormal_rows(world))
    check_archive(str(good))  # an ordinary workbook passes
    settings.ELEMENTS_XLSX_MAX_UNCOMPRESSED_BYTES = 1000
    with pytest.raises(UnreadableFile):
        check_archive(str(good))
    settings.ELEMENTS_XLSX_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
    settings.ELEMENTS_XLSX_MAX_MEMBERS = 20
    with pytest.raises(UnreadableFile):
        check_archive(io.BytesIO(_many_parts(21)))
    check_archive(io.BytesIO(_many_parts(20)))


def test_a_file_object_is_left_where_it_was():
    data = io.BytesIO(_many_parts(3))
    data.seek(5)
    check_archive(data)
    assert data.tell() == 5


def test_a_json_line_nested_too_deeply_is_a_rejected_row(world, tmp_path):
    import json

    path = tmp_path / "a.jsonl"
    rows = abnormal_rows(world)
    path.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n",
                    encoding="utf-8")
    batch = run_file(feed="abnormal", path=path)
    assert (batch.status, batch.inserted, batch.rejected) == (BatchStatus.SUCCEEDED, 1, 1)
