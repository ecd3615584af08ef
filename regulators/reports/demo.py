"""Demo world, reports part: the city-wide monthly report of the last closed month, archived,
and published to the partner banks as 情况通报 (idempotent; a few seconds on the demo world)."""

from django.utils import timezone

from identity.models import User

from . import services
from .choices import ReportStatus
from .models import Report
from .periods import last_closed_month


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def seed(stdout=None) -> dict:
    city = User.objects.filter(username="demo-city").first()
    if city is None:
        _say(stdout, "reports: demo-city missing, skipped")
        return {}
    period = last_closed_month(timezone.localdate())
    report = Report.objects.filter(kind=period.kind, period=period.code, unit__isnull=True,
                                   status=ReportStatus.SUCCEEDED).order_by("id").first()
    if report is None:
        report = services.report_request(user=city, kind=period.kind, period=period.code)
        # Produced here rather than after commit: seed_demo runs each app in one transaction.
        report = services.report_produce(report_id=report.pk)
    if report.status == ReportStatus.SUCCEEDED and not Report.objects.filter(
            unit__isnull=True, published_at__isnull=False).exists():
        services.report_publish(report=report, user=city)
    _say(stdout, f"reports: city-wide monthly report {period.code} archived and published (#{report.pk})")
    return {"report": report.pk}
