from django.utils.translation import gettext_lazy as _

from identity.choices import Role

NAV = {
    Role.DISTRICT_REGULATOR: [(_("Verification requests"), "regulators:inbox")],
    Role.CITY_REGULATOR: [(_("Verification requests"), "regulators:inbox")],
    Role.PLATFORM_ADMIN: [(_("Verification requests"), "regulators:inbox")],
}
