"""Writes on reports: request (on demand or by beat), produce (figures → Excel + PDF, stored
with their SHA-256), publish (city-wide → 情况通报 to partner banks). Reports are archived:
nothing here changes the figures or files of a finished report."""

import hashlib
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from identity.models import RegulatorUnit
from jingzhidai.errors import ApplicationError

from . import selectors, source
from .choices import FileFormat, FileVariant, ReportSource, ReportStatus
from .content import report_content
from .models import Report, ReportFile
from .periods import last_closed_month, last_closed_quarter, period_parse
from .render_pdf import render_pdf
from .render_xlsx import render_xlsx

log = logging.getLogger(__name__)


def _progress(report_id, value):
    # Outside any transaction of the producer: the page polling the report sees it at once.
    Report.objects.filter(pk=report_id).update(progress=value)


def report_request(*, user, kind: str, period: str, unit_code: str | None = None,
                   source_kind: str = ReportSource.ON_DEMAND, today=None) -> Report:
    """Start a report for `unit_code` (a regulator unit; None or "" for the city). A regulator
    asking for a scope outside its door gets 404, exactly like a missing unit."""
    if user is not None:
        if not selectors.may_request_reports(user):
            raise ApplicationError(_("Only regulators produce reports."), code="forbidden", status_code=403)
        if not unit_code and not selectors.may_request_citywide(user):
            unit_code = user.regulator_unit.code if user.regulator_unit_id else None
            if unit_code is None:
                raise Http404
    parsed = period_parse(kind, period, today=today)
    unit = None
    if unit_code:
        units = selectors.report_units_for(user) if user is not None else RegulatorUnit.objects.all()
        unit = units.filter(code=str(unit_code)).first()
        if unit is None:
            raise Http404
    report = Report.objects.create(kind=kind, period=parsed.code, period_start=parsed.start, period_end=parsed.end,
                                   unit=unit, source=source_kind, requested_by=user,
                                   period_closed=parsed.is_closed(today))
    from . import tasks

    transaction.on_commit(lambda: tasks.report_produce.delay(report.pk))
    return report


def _store(report, *, fmt, variant, data: bytes) -> ReportFile:
    suffix = "-bulletin" if variant == FileVariant.BULLETIN else ""
    file_name = f"{report.reference}{suffix}.{fmt}"
    stored = default_storage.save(f"reports/{report.period[:4]}/{report.pk}/{file_name}", ContentFile(data))
    return ReportFile.objects.create(report=report, format=fmt, variant=variant, storage_name=stored,
                                     file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def _render(report, figures, *, variant, step=None):
    period = period_parse(report.kind, report.period, today=report.period_end)
    content = report_content(report, figures, period=period, variant=variant)
    xlsx = render_xlsx(content)
    if step:
        step(80)
    pdf = render_pdf(content)
    if step:
        step(95)
    return [(FileFormat.XLSX, xlsx), (FileFormat.PDF, pdf)]


def report_produce(*, report_id: int) -> Report:
    """Compute, render and store one report (the Celery task calls this). A report that is
    already done is left alone: a retry never overwrites an archived file."""
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), progress=5)
    report = Report.objects.select_related("unit", "requested_by").get(pk=report_id)
    if not claimed:
        return report
    try:
        with translation.override("zh-hans"):
            period = period_parse(report.kind, report.period, today=report.period_end)
            figures = source.figures_compute(unit=report.unit, period=period,
                                             progress=lambda p: _progress(report.pk, p))
            _progress(report.pk, 65)
            files = _render(report, figures, variant=FileVariant.FULL, step=lambda p: _progress(report.pk, p))
        with transaction.atomic():
            for fmt, data in files:
                _store(report, fmt=fmt, variant=FileVariant.FULL, data=data)
            Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUCCEEDED, progress=100, figures=figures,
                                                       finished_at=timezone.now())
    except Exception as e:  # recorded on the report for the people waiting on it, then logged
        log.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=str(e)[:4000],
                                                   finished_at=timezone.now())
    report.refresh_from_db()
    return report


def report_publish(*, report: Report, user) -> Report:
    """The municipal bureau publishes a finished city-wide report to partner banks as 情况通报:
    the bulletin files (the same figures, without the per-bank tables) are made from the
    figures stored on the report, and every active staff member of an admitted bank is told."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("unit", "requested_by").get(pk=report.pk)
        if not selectors.may_publish(user, report):
            if report.published_at is not None:
                raise ApplicationError(_("This report is already published."), code="already_published",
                                       status_code=409)
            if not report.is_citywide or report.status != ReportStatus.SUCCEEDED:
                raise ApplicationError(_("Only a finished city-wide report can be published."),
                                       code="not_publishable", status_code=409)
            raise ApplicationError(_("Only the municipal bureau publishes bulletins."), code="forbidden",
                                   status_code=403)
        with translation.override("zh-hans"):
            files = _render(report, report.figures, variant=FileVariant.BULLETIN)
        for fmt, data in files:
            _store(report, fmt=fmt, variant=FileVariant.BULLETIN, data=data)
        report.published_at, report.published_by = timezone.now(), user
        report.save(update_fields=["published_at", "published_by"])
        _notify_published(report, actor=user)
    return report


def _notify_published(report, *, actor):
    from applications.notifications import localised, notify_partner_banks

    period = period_parse(report.kind, report.period, today=report.period_end)
    notify_partner_banks(actor=actor, kind="bulletin_published", message="bulletin_published",
                         params={"period": localised(lambda: period.label)},
                         url=reverse("regulators:bulletin_detail", args=[report.pk]))


STALE_AFTER = timedelta(hours=2)


def reports_fail_stale(*, now=None) -> int:
    """A report still running long after it started lost its worker (a restart: the task is
    not run twice on an archived report): mark it failed, so that the schedule makes it again
    and the people waiting see why."""
    now = now or timezone.now()
    return Report.objects.filter(status__in=[ReportStatus.RUNNING, ReportStatus.PENDING],
                                 requested_at__lt=now - STALE_AFTER).update(
        status=ReportStatus.FAILED, error=_("Interrupted: the worker stopped before the report was finished."),
        finished_at=now)


def reports_schedule(*, today=None) -> list[int]:
    """Beat, daily: once a month (quarter) has closed, its report for each regulator unit and
    for the city, unless a scheduled one is already there (or under way). Running daily rather
    than on the 1st only means a day the workers were down is caught up the next day."""
    today = today or timezone.localdate()
    reports_fail_stale()
    units = [None, *RegulatorUnit.objects.exclude(kind="municipal").order_by("code")]
    made = []
    for period in (last_closed_month(today), last_closed_quarter(today)):
        existing = set(Report.objects.filter(kind=period.kind, period=period.code, source=ReportSource.SCHEDULED)
                       .exclude(status=ReportStatus.FAILED).values_list("unit_id", flat=True))
        for unit in units:
            unit_id = unit.pk if unit else None
            if unit_id in existing:
                continue
            with transaction.atomic():
                report = report_request(user=None, kind=period.kind, period=period.code,
                                        unit_code=unit.code if unit else None, source_kind=ReportSource.SCHEDULED,
                                        today=today)
            made.append(report.pk)
    return made


def report_file_open(*, report_file: ReportFile):
    return default_storage.open(report_file.storage_name, "rb")
