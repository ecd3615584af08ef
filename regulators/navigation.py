from django.utils.translation import gettext_lazy as _

from identity.choices import Role

from .reports.navigation import REPORT_NAV, bulletin_cards

NAV = {
    Role.DISTRICT_REGULATOR: [(_("Verification requests"), "regulators:inbox")],
    Role.CITY_REGULATOR: [(_("Verification requests"), "regulators:inbox")],
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

HOME_CARDS = [bulletin_cards]
