"""The doors to reports. Regulators read the reports of their unit (the municipal bureau and
platform admins: all); partner banks read only the published city-wide bulletins; enterprises
nothing. Files follow the same doors, and banks only ever get the bulletin variant."""

from django.db.models import Q, QuerySet

from identity.choices import BANK_ROLES, SEE_ALL_ROLES, RegulatorKind, Role
from identity.models import RegulatorUnit

from .choices import FileVariant, ReportStatus
from .models import Report, ReportFile


def reports_visible_to(user) -> QuerySet[Report]:
    """The regulators' door (pages of the archive): banks and enterprises see none here."""
    qs = Report.objects.select_related("unit", "requested_by", "published_by")
    if not user.is_authenticated:
        return qs.none()
    if user.role in SEE_ALL_ROLES:
        return qs
    if user.role == Role.DISTRICT_REGULATOR:
        return qs.filter(unit_id=user.regulator_unit_id)
    return qs.none()


def reports_readable_by(user) -> QuerySet[Report]:
    """The API's door: a regulator's reports, or for a partner bank the published bulletins."""
    if user.is_authenticated and user.role in BANK_ROLES:
        return bulletins_visible_to(user)
    return reports_visible_to(user)


def bulletins_visible_to(user) -> QuerySet[Report]:
    """Published city-wide reports (情况通报): what partner banks see; regulators too."""
    qs = Report.objects.select_related("unit", "published_by")
    if not user.is_authenticated or user.role == Role.ENTERPRISE:
        return qs.none()
    return qs.filter(unit__isnull=True, published_at__isnull=False, status=ReportStatus.SUCCEEDED)


def report_files_visible_to(user) -> QuerySet[ReportFile]:
    qs = ReportFile.objects.select_related("report")
    if not user.is_authenticated:
        return qs.none()
    bulletins = Q(report__in=bulletins_visible_to(user), variant=FileVariant.BULLETIN)
    if user.role in BANK_ROLES:
        return qs.filter(bulletins)
    return qs.filter(bulletins | Q(report__in=reports_visible_to(user), report__status=ReportStatus.SUCCEEDED))


def report_units_for(user) -> QuerySet[RegulatorUnit]:
    """The units whose reports the user may request (the city-wide scope is separate:
    `may_request_citywide`)."""
    qs = RegulatorUnit.objects.exclude(kind=RegulatorKind.MUNICIPAL).order_by("code")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.CITY_REGULATOR:
        return qs
    if user.role == Role.DISTRICT_REGULATOR:
        return qs.filter(pk=user.regulator_unit_id)
    return qs.none()


def may_request_reports(user) -> bool:
    return user.is_authenticated and user.role in (Role.CITY_REGULATOR, Role.DISTRICT_REGULATOR)


def may_request_citywide(user) -> bool:
    return user.is_authenticated and user.role == Role.CITY_REGULATOR


def may_publish(user, report) -> bool:
    return (user.is_authenticated and user.role == Role.CITY_REGULATOR and report.is_citywide
            and report.status == ReportStatus.SUCCEEDED and report.published_at is None)
