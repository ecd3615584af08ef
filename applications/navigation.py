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
