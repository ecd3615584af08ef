from django.utils.translation import gettext_lazy as _

from identity.choices import Role

NAV = {
    Role.ENTERPRISE: [(_("My applications"), "applications:list"), (_("Apply"), "applications:create"),
                      (_("Who saw our data"), "applications:access_log"),
                      (_("Notifications"), "applications:notifications")],
    Role.BANK_OFFICER: [(_("Application queue"), "applications:list"),
                        (_("Notifications"), "applications:notifications")],
    Role.BANK_APPROVER: [(_("Application queue"), "applications:list"),
                         (_("Notifications"), "applications:notifications")],
    Role.BANK_ADMIN: [(_("Application queue"), "applications:list"),
                      (_("Notifications"), "applications:notifications")],
    Role.DISTRICT_REGULATOR: [(_("Applications"), "applications:list"),
                              (_("Notifications"), "applications:notifications")],
    Role.CITY_REGULATOR: [(_("Applications"), "applications:list"),
                          (_("Notifications"), "applications:notifications")],
    Role.PLATFORM_ADMIN: [(_("Applications"), "applications:list"), (_("Access log"), "applications:access_log")],
}


def home_cards(user) -> list[dict]:
    """Figures for the role's home page (identity renders them): what is waiting for this user.
    Two aggregate queries whatever the data size."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from .choices import Status
    from .selectors import applications_visible_to, notifications_visible_to

    if not user.is_authenticated:
        return []
    apps = applications_visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        reviewing=Count("pk", filter=Q(status=Status.UNDER_REVIEW)),
        proposed=Count("pk", filter=Q(status=Status.PROPOSED)),
        returned=Count("pk", filter=Q(status=Status.RETURNED)),
        lending=Count("pk", filter=Q(status__in=[Status.CONTRACTED, Status.DISBURSED])),
        total=Count("pk"),
    )
    queue = reverse("applications:list")
    cards = []
    if user.role == Role.ENTERPRISE:
        cards += [
            {"label": _("Applications in progress"), "value": apps["submitted"] + apps["reviewing"] + apps["proposed"],
             "url": f"{queue}?phase=in_progress"},
            {"label": _("Returned for more material"), "value": apps["returned"], "url": f"{queue}?status=returned",
             "tone": "warning" if apps["returned"] else ""},
            {"label": _("Unread notifications"),
             "value": notifications_visible_to(user).filter(read_at__isnull=True).count(),
             "url": reverse("applications:notifications")},
        ]
    elif user.is_bank_staff:
        cards += [
            {"label": _("Waiting for acceptance"), "value": apps["submitted"], "url": f"{queue}?status=submitted",
             "tone": "warning" if apps["submitted"] else ""},
            {"label": _("Under verification"), "value": apps["reviewing"], "url": f"{queue}?status=under_review"},
            {"label": _("Proposals waiting for approval"), "value": apps["proposed"],
             "url": f"{queue}?status=proposed", "tone": "warning" if apps["proposed"] else ""},
            {"label": _("Loans contracted or disbursed"), "value": apps["lending"], "url": f"{queue}?phase=lending"},
        ]
    elif user.is_regulator:
        # The verification-request cards come from regulators/navigation.py.
        cards += [
            {"label": _("Applications under way"), "value": apps["submitted"] + apps["reviewing"] + apps["proposed"],
             "url": f"{queue}?phase=in_progress"},
            {"label": _("Loans contracted or disbursed"), "value": apps["lending"], "url": f"{queue}?phase=lending"},
        ]
    return cards


HOME_CARDS = [home_cards]
