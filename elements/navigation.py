from django.utils.translation import gettext_lazy as _

from identity.choices import Role

_REGULATOR = [(_("Element records"), "elements:distinction_list"), (_("Element catalog"), "elements:catalog"),
              (_("Imports"), "elements:batch_list")]

NAV = {
    Role.ENTERPRISE: [(_("Quality profile"), "elements:my_profile")],
    Role.DISTRICT_REGULATOR: _REGULATOR,
    Role.CITY_REGULATOR: _REGULATOR,
    Role.PLATFORM_ADMIN: _REGULATOR,
}
