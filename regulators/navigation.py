from django.utils.translation import gettext_lazy as _

from identity.choices import Role

from .reports.navigation import REPORT_NAV, bulletin_cards

NAV = {
    Role.DISTRICT_REGULATOR: [(_("Verification requests"), "regulators:inbox")],
    Role.CITY_REGULATOR: [(_("Verification requests"), "regulators:inbox")],
    Role.PLATFORM_ADMIN: [(_("Verification requests"), "regulators:inbox")],
}
for _role, _entries in REPORT_NAV.items():
    NAV.setdefault(_role, []).extend(_entries)

HOME_CARDS = [bulletin_cards]
