"""Menu entries and home cards of the reports, merged into regulators/navigation.py: banks
reach the bulletins through these hooks, so no lower app names a regulators URL."""

from django.utils.translation import gettext_lazy as _

from identity.choices import BANK_ROLES, Role

_BULLETINS = (_("Situation bulletins"), "regulators:bulletin_list")
_REPORTS = (_("Reports"), "regulators:report_list")

REPORT_NAV = {
    Role.DISTRICT_REGULATOR: [_REPORTS],
    Role.CITY_REGULATOR: [_REPORTS, _BULLETINS],
    Role.PLATFORM_ADMIN: [_REPORTS],
    **{role: [_BULLETINS] for role in BANK_ROLES},
}


def bulletin_cards(user) -> list[dict]:
    """A bank's home: the latest published bulletin (one query)."""
    from django.urls import reverse

    from .periods import period_parse
    from .selectors import bulletins_visible_to

    if not user.is_authenticated or user.role not in BANK_ROLES:
        return []
    latest = bulletins_visible_to(user).order_by("-published_at", "-id").first()
    if latest is None:
        return []
    label = period_parse(latest.kind, latest.period, today=latest.period_end).label
    return [{"label": _("Latest situation bulletin"), "value": label,
             "url": reverse("regulators:bulletin_detail", args=[latest.pk])}]
