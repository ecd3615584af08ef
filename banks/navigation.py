from django.utils.translation import gettext_lazy as _

from identity.choices import Role

NAV = {
    Role.PLATFORM_ADMIN: [(_("Partner banks"), "banks:bank_list"), (_("Products"), "banks:product_list"),
                          (_("Bank staff"), "banks:staff_list")],
    Role.CITY_REGULATOR: [(_("Partner banks"), "banks:bank_list"), (_("Products"), "banks:product_list")],
    Role.DISTRICT_REGULATOR: [(_("Partner banks"), "banks:bank_list"), (_("Products"), "banks:product_list")],
    Role.BANK_ADMIN: [(_("My bank"), "banks:my_bank"), (_("Products"), "banks:my_products"),
                      (_("Bank staff"), "banks:staff_list")],
    Role.BANK_OFFICER: [(_("My bank"), "banks:my_bank"), (_("Products"), "banks:my_products")],
    Role.BANK_APPROVER: [(_("My bank"), "banks:my_bank"), (_("Products"), "banks:my_products")],
    Role.ENTERPRISE: [(_("Products I meet"), "banks:product_match"), (_("Partner banks"), "banks:bank_list")],
}
