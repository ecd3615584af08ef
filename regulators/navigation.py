from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from identity.choices import BANK_ROLES, Role

from .reports.navigation import REPORT_NAV, bulletin_cards

NAV = {
    Role.ENTERPRISE: [(_("Recommendation and invitations"), "regulators:recommendation_mine"),
                      (_("Typical cases"), "regulators:case_list")],
    Role.BANK_OFFICER: [(_("Recommended enterprises"), "regulators:recommended_list")],
    Role.BANK_APPROVER: [(_("Recommended enterprises"), "regulators:recommended_list")],
    Role.BANK_ADMIN: [(_("Recommended enterprises"), "regulators:recommended_list")],
    Role.DISTRICT_REGULATOR: [(_("Verification requests"), "regulators:inbox"),
                              (_("Typical cases"), "regulators:case_list"),
                              (_("Recommended enterprises"), "regulators:recommended_list")],
    Role.CITY_REGULATOR: [(_("Verification requests"), "regulators:inbox"),
                          (_("Typical cases"), "regulators:case_list"),
                          (_("Recommended enterprises"), "regulators:recommended_list")],
    Role.PLATFORM_ADMIN: [(_("Verification requests"), "regulators:inbox")],
}

# The dashboards (views_dashboard): regulators, and each bank in its own workspace (its figures
# beside the city average) — the bank's menu gets the entries from here, banks never names them.
_DASHBOARD = [(_("Dashboard"), "regulators:dashboard"), (_("Bank evaluation"), "regulators:dashboard_banks"),
              (_("Policy effect"), "regulators:dashboard_policy")]
_BANK_DASHBOARD = [(_("Our figures"), "regulators:dashboard"), (_("Our evaluation"), "regulators:dashboard_banks")]
for _role in (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN):
    NAV[_role] = NAV[_role] + _DASHBOARD
for _role in (Role.BANK_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN):
    NAV[_role] = NAV.get(_role, []) + _BANK_DASHBOARD

# The periodic reports and the bulletins (regulators/reports/navigation.py).
for _role, _entries in REPORT_NAV.items():
    NAV[_role] = NAV.get(_role, []) + _entries


# Pages of this app that lower apps link to without naming its URLs (identity.navigation.link_to).
LINKS = {
    "verification_request": lambda pk: reverse("regulators:request_detail", args=[pk]),
}


def verification_cards(user) -> list[dict]:
    """A district regulator's verification requests waiting for an answer (one aggregate query)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from applications.choices import VerificationStatus
    from applications.selectors import verification_requests_visible_to

    if not user.is_authenticated or user.role != Role.DISTRICT_REGULATOR:
        return []
    requests = verification_requests_visible_to(user).filter(status=VerificationStatus.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate())))
    inbox = reverse("regulators:inbox")
    return [
        {"label": _("Verification requests awaiting your answer"), "value": requests["open"], "url": f"{inbox}?status=open",
         "tone": "warning" if requests["open"] else ""},
        {"label": _("Of which overdue"), "value": requests["overdue"], "url": f"{inbox}?overdue=true",
         "tone": "danger" if requests["overdue"] else ""},
    ]


def recommendation_cards(user) -> list[dict]:
    """The enterprise: invitations from banks it has not answered; bank staff: the shared list."""
    from .recommendations import selectors

    if not user.is_authenticated:
        return []
    if user.role == Role.ENTERPRISE:
        return [{"label": _("Invitations from banks"), "value": selectors.invitations_open_count(user),
                 "url": reverse("regulators:invitation_list")}]
    if user.role in BANK_ROLES:
        return [{"label": _("Recommended enterprises this month"), "value": selectors.recommended_count(user),
                 "url": reverse("regulators:recommended_list")}]
    return []


HOME_CARDS = [verification_cards, recommendation_cards, bulletin_cards]
