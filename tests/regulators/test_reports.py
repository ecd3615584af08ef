"""Periodic reports: production, figures (equal to regulators.metrics), files, access,
publishing, API, schedule."""

import hashlib
import io
import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Notification
from audit.models import AuditAction, AuditEvent
from regulators import metrics
from regulators.reports import services
from regulators.reports.choices import FileVariant, ReportStatus
from regulators.reports.models import Report

from ..helpers import TenantMatrix, client_for


def produce(user, kind="monthly", period="2026-10", unit=None):
    report = services.report_request(user=user, kind=kind, period=period, unit_code=unit)
    services.report_produce(report_id=report.pk)  # eager on_commit does not run inside the test transaction
    report.refresh_from_db()
    return report


def pdf_text(data: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) must be installed"
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def stored(report, fmt, variant=FileVariant.FULL) -> bytes:
    f = report.files.get(format=fmt, variant=variant)
    with default_storage.open(f.storage_name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == f.sha256 and len(data) == f.size
    return data


def test_district_report_is_produced_archived_and_hashed(world, october):
    report = produce(world.district)
    assert report.status == ReportStatus.SUCCEEDED and report.progress == 100
    assert report.unit.code == "110108" and report.requested_by == world.district and report.period_closed
    assert {(f.format, f.variant) for f in report.files.all()} == {("xlsx", "full"), ("pdf", "full")}
    assert report.figures["dashboard"]["applications"]["submitted"] == 2


def wan(value):
    return float(Decimal(str(value)) / 10000)


def test_report_figures_equal_the_metrics_of_its_scope(world, october):
    report = produce(world.district)
    scope, period = metrics.Scope(unit=world.district.regulator_unit_id), metrics.Period.month(2026, 10)
    expected = json.loads(json.dumps(metrics.dashboard(scope, period), cls=DjangoJSONEncoder))
    assert report.figures["dashboard"] == expected
    assert expected["applications"]["submitted"] == 2 and expected["amounts"]["disbursed"] == "400000.00"
    city = produce(world.city)
    assert city.figures["dashboard"]["applications"]["submitted"] == 3
    assert [u["code"] for u in city.figures["by_unit"]][:1] and "by_unit" not in report.figures


def test_excel_opens_with_sheets_headers_and_totals_equal_to_the_dashboard(world, october):
    report = produce(world.city)
    d = metrics.dashboard(metrics.Scope(), metrics.Period.month(2026, 10))
    wb = load_workbook(io.BytesIO(stored(report, "xlsx")))
    assert wb.sheetnames[0] == "概览" and len(wb.sheetnames) >= 8
    summary = {row[0]: row[1] for row in wb["概览"].iter_rows(min_row=5, values_only=True)}
    assert summary["提交申请数"] == d["applications"]["submitted"] == 3
    assert summary["审批金额"] == pytest.approx(wan(d["amounts"]["approved"])) == pytest.approx(100)
    assert summary["放款金额"] == pytest.approx(40)
    sheet = wb["按银行"]
    assert sheet["A3"].font.bold and sheet["A3"].fill.fgColor.rgb.endswith("1F4E79")
    header = [c.value for c in sheet[3]]
    assert header[0] == "银行" and "审批金额（万元）" in header and sheet.column_dimensions["A"].width > 8
    approved_col, submitted_col = header.index("审批金额（万元）"), header.index("提交申请数")
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    total = rows[-1]
    assert sheet.cell(row=4, column=approved_col + 1).number_format == "#,##0.00"
    assert total[0] == "合计" and total[submitted_col] == sum(r[submitted_col] for r in rows[:-1]) == 3
    assert total[approved_col] == pytest.approx(sum(r[approved_col] for r in rows[:-1]))
    assert total[approved_col] == pytest.approx(wan(d["amounts"]["approved"]))
    units = {r[0]: r for r in wb["按监管单位"].iter_rows(min_row=4, values_only=True)}
    assert units["海淀区市场监督管理局"][submitted_col] == 2 and units["朝阳区市场监督管理局"][submitted_col] == 1


def test_pdf_has_chinese_scope_name_and_figures_in_an_embedded_font(world, october):
    report = produce(world.district)
    data = stored(report, "pdf")
    text = pdf_text(data)
    assert "海淀区" in text
    assert "2026年10月" in text and "50.00%" in text and world.bank.name in text
    assert "200 万元" in text and "40 万元" in text  # requested 2,000,000 and disbursed 400,000 yuan
    assert b"/FontFile2" in data  # the TrueType font is embedded, not referenced


def test_regenerating_a_closed_period_makes_a_new_archive_with_the_same_figures(world, flow, october):
    from applications import services as app_services
    from applications.choices import Status

    first = produce(world.city)
    # Today's activity changes today's state of October's applications, not October's figures.
    flow.to(Status.DISBURSED)
    app_services.application_withdraw(application=flow.to(Status.SUBMITTED, other=True), user=world.enterprise_2,
                                      note="撤回")
    second = produce(world.city)
    assert first.period_closed and second.period_closed
    assert first.pk != second.pk and first.figures == second.figures
    assert set(first.files.values_list("storage_name", flat=True)).isdisjoint(
        second.files.values_list("storage_name", flat=True))
    assert first.files.count() == 2  # the first archive is untouched


def test_a_district_regulator_cannot_request_another_district_or_the_city(world):
    from django.http import Http404

    with pytest.raises(Http404):
        services.report_request(user=world.district, kind="monthly", period="2026-10", unit_code="110105")
    report = services.report_request(user=world.district, kind="monthly", period="2026-10", unit_code=None)
    assert report.unit.code == "110108"  # no scope given: its own


class LightFiles:
    """The access matrices check doors, not contents: tiny stand-ins for the rendered files."""

    @pytest.fixture(autouse=True)
    def _light_files(self, monkeypatch):
        monkeypatch.setattr(services, "render_pdf", lambda content: b"%PDF-1.4 access test")
        monkeypatch.setattr(services, "render_xlsx", lambda content: b"PK access test")


class TestDistrictReportAccess(LightFiles, TenantMatrix):
    allowed = {"district", "city", "admin"}

    def make(self, world):
        return produce(world.district)

    def detail_urls(self, obj):
        return [(reverse("regulators:report_detail", args=[obj.pk]), False),
                (reverse("regulators:report_file", args=[obj.pk, "pdf"]), False),
                (reverse("regulators:report_file", args=[obj.pk, "xlsx"]), False),
                (reverse("api:report-detail", args=[obj.pk]), True),
                (reverse("api:report-file", args=[obj.pk]) + "?format=pdf", True)]

    def list_urls(self):
        return [(reverse("regulators:report_list"), False, {"enterprise", "enterprise_2", "officer", "approver",
                                                             "bank_admin", "officer_2", "bank_admin_2"}),
                (reverse("api:report-list"), True)]

    def key(self, obj):
        return f"jzd-monthly-2026-10-110108-{obj.pk}"


class TestUnpublishedCityReportAccess(TestDistrictReportAccess):
    allowed = {"city", "admin"}

    def make(self, world):
        return produce(world.city)

    def key(self, obj):
        return f"jzd-monthly-2026-10-city-{obj.pk}"


class TestPublishedBulletinAccess(LightFiles, TenantMatrix):
    allowed = {"officer", "approver", "bank_admin", "officer_2", "bank_admin_2", "district", "district_2", "city",
               "admin"}

    def make(self, world):
        return services.report_publish(report=produce(world.city), user=world.city)

    def detail_urls(self, obj):
        return [(reverse("regulators:bulletin_detail", args=[obj.pk]), False),
                (reverse("regulators:bulletin_file", args=[obj.pk, "pdf"]), False)]

    def list_urls(self):
        return [(reverse("regulators:bulletin_list"), False, {"enterprise", "enterprise_2"})]

    def key(self, obj):
        return reverse("regulators:bulletin_detail", args=[obj.pk])


def test_banks_get_the_bulletin_never_the_full_report(world, october):
    report = services.report_publish(report=produce(world.city), user=world.city)
    bank = client_for(world, "officer")
    assert bank.get(reverse("regulators:report_detail", args=[report.pk])).status_code == 404
    assert bank.get(reverse("regulators:report_file", args=[report.pk, "pdf"])).status_code == 404
    api = client_for(world, "officer", api=True)
    body = api.get(reverse("api:report-detail", args=[report.pk])).json()
    assert {f["variant"] for f in body["files"]} == {"bulletin"}
    response = api.get(reverse("api:report-file", args=[report.pk]) + "?format=pdf")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "情况通报" in text and "300 万元" in text
    assert world.bank.name not in text and world.bank_2.name not in text  # no bank sees another's figures


def test_publishing_notifies_partner_bank_staff_and_shows_on_their_home(world):
    report = services.report_publish(report=produce(world.city), user=world.city)
    recipients = set(Notification.objects.filter(kind="bulletin_published").values_list("recipient__username",
                                                                                          flat=True))
    assert world.officer.username in recipients and world.officer_2.username in recipients
    assert world.enterprise.username not in recipients and world.district.username not in recipients
    home = client_for(world, "officer").get(reverse("identity:home"), follow=True).content.decode()
    assert reverse("regulators:bulletin_detail", args=[report.pk]) in home
    assert "2026年10月" in home
    # Issue 14: the notice is a message key rendered in the reader's language, the period too.
    n = Notification.objects.get(kind="bulletin_published", recipient=world.officer)
    assert n.message == "bulletin_published" and "2026年10月" in n.rendered(language="zh-hans")[0]
    english = n.rendered(language="en")[0]
    assert "published" in english and "2026年" not in english


def test_only_a_finished_city_report_is_published_by_the_city(world):
    from jingzhidai.errors import ApplicationError

    district_report = produce(world.district)
    with pytest.raises(ApplicationError):
        services.report_publish(report=district_report, user=world.city)
    city_report = produce(world.city)
    with pytest.raises(ApplicationError):
        services.report_publish(report=city_report, user=world.district)
    services.report_publish(report=city_report, user=world.city)
    with pytest.raises(ApplicationError) as e:
        services.report_publish(report=city_report, user=world.city)
    assert e.value.code == "already_published"


def test_downloads_are_audited_as_exports(world):
    report = produce(world.district)
    assert client_for(world, "district").get(reverse("regulators:report_file", args=[report.pk, "xlsx"])
                                              ).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="regulators.report",
                                     object_id=str(report.pk), username=world.district.username).exists()


def test_page_request_redirects_to_the_progress_page(world):
    client = client_for(world, "city")
    response = client.post(reverse("regulators:report_create"), {"kind": "quarterly", "period": "2026-Q3",
                                                                  "unit": "110105"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.unit.code == "110105" and report.kind == "quarterly"
    page = client.get(response["Location"])
    assert b'data-testid="report-progress"' in page.content
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert partial.content.decode().startswith("<div id=\"report-progress\"") or b"report-progress" in partial.content
    bad = client.post(reverse("regulators:report_create"), {"kind": "monthly", "period": "2026-13", "unit": ""})
    assert bad.status_code == 400 and "01" in bad.content.decode()


# --- API ------------------------------------------------------------------------------------

def test_api_post_answers_202_then_status_progress_and_files(world, django_capture_on_commit_callbacks):
    api = client_for(world, "district", api=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api:report-list"), {"kind": "monthly", "period": "2026-10"}, format="json")
    assert response.status_code == 202, response.content
    rid = response.json()["id"]
    body = api.get(reverse("api:report-detail", args=[rid])).json()
    assert body["status"] == "succeeded" and body["progress"] == 100 and body["district"] == "110108"
    assert {f["format"] for f in body["files"]} == {"xlsx", "pdf"}
    xlsx = api.get(reverse("api:report-file", args=[rid]) + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(xlsx.streaming_content)
    assert hashlib.sha256(data).hexdigest() == next(f["sha256"] for f in body["files"] if f["format"] == "xlsx")
    assert api.get(reverse("api:report-file", args=[rid]) + "?format=doc").status_code == 404


def test_api_refusals_have_the_error_shape(world):
    api = client_for(world, "district", api=True)
    other = api.post(reverse("api:report-list"), {"kind": "monthly", "period": "2026-10", "district": "110105"},
                     format="json")
    assert other.status_code == 404 and set(other.json()) == {"message", "code", "extra"}
    bad = api.post(reverse("api:report-list"), {"kind": "monthly", "period": "2026-Q3"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_period"
    bank = client_for(world, "officer", api=True).post(reverse("api:report-list"),
                                                      {"kind": "monthly", "period": "2026-10"}, format="json")
    assert bank.status_code == 403 and bank.json()["code"] == "forbidden"
    assert client_for(world, "enterprise", api=True).get(reverse("api:report-list")).json()["count"] == 0


def test_api_is_in_the_schema(world):
    schema = client_for(world, "city").get(reverse("schema")).content.decode()
    assert "/api/v1/reports/{id}/file/" in schema and "/api/v1/reports/" in schema


# --- beat -----------------------------------------------------------------------------------

def test_schedule_makes_each_closed_period_once_per_scope(world, django_capture_on_commit_callbacks):
    from identity.models import RegulatorUnit

    with django_capture_on_commit_callbacks(execute=True):
        made = services.reports_schedule(today=date(2026, 12, 1))
    scopes = RegulatorUnit.objects.exclude(kind="municipal").count() + 1
    assert len(made) == 2 * scopes
    assert Report.objects.filter(kind="monthly", period="2026-11", unit__isnull=True, source="scheduled").exists()
    assert Report.objects.filter(kind="quarterly", period="2026-Q3", unit__code="110108").exists()
    assert Report.objects.filter(status=ReportStatus.SUCCEEDED).count() == 2 * scopes
    assert services.reports_schedule(today=date(2026, 12, 2)) == []


def test_the_schedule_is_declared_for_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="regulators.reports_schedule")
    assert task.enabled and task.crontab.hour == "3"


def test_api_report_waits_then_runs_and_a_retried_post_starts_nothing_new(world):
    from rest_framework.test import APIClient

    from identity.services import api_token_issue

    api = APIClient()  # a real token: the idempotency middleware knows the caller before DRF does
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=world.city)}")
    headers = {"Idempotency-Key": "report-2026-10-city"}
    first = api.post(reverse("api:report-list"), {"kind": "monthly", "period": "2026-10"}, format="json",
                     headers=headers)
    assert first.status_code == 202 and first.json()["status"] == "pending" and first.json()["progress"] == 0
    again = api.post(reverse("api:report-list"), {"kind": "monthly", "period": "2026-10"}, format="json",
                     headers=headers)
    assert again.json()["id"] == first.json()["id"] and Report.objects.count() == 1
    assert again["Idempotent-Replayed"] == "true"
    rid = first.json()["id"]
    assert api.get(reverse("api:report-detail", args=[rid])).json()["files"] == []
    assert api.get(reverse("api:report-file", args=[rid]) + "?format=pdf").status_code == 404  # not ready yet
    services.report_produce(report_id=rid)
    assert api.get(reverse("api:report-detail", args=[rid])).json()["progress"] == 100


def test_a_failed_production_is_recorded_on_the_report(world, monkeypatch):
    from regulators.reports import source

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(source, "figures_compute", broken)
    report = produce(world.district)
    assert report.status == ReportStatus.FAILED and "database went away" in report.error
    assert not report.files.exists()
    page = client_for(world, "district").get(reverse("regulators:report_detail", args=[report.pk]))
    assert "database went away" in page.content.decode()


def test_a_report_left_running_by_a_lost_worker_is_failed_and_made_again(world):
    from datetime import timedelta

    from django.utils import timezone

    report = services.report_request(user=None, kind="monthly", period="2026-11", source_kind="scheduled",
                                     today=date(2026, 12, 1))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING,
                                               requested_at=timezone.now() - timedelta(hours=3))
    assert services.reports_fail_stale() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error
