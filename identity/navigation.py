"""Role navigation: what each role's menu shows. Apps add their entries here as they grow."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role

# (label, url name) per role; names that do not resolve yet are skipped.
MENUS = {
    Role.ENTERPRISE: [(_("Home"), "identity:home"), (_("My enterprise"), "identity:my_enterprise")],
    Role.BANK_OFFICER: [(_("Home"), "identity:home")],
    Role.BANK_APPROVER: [(_("Home"), "identity:home")],
    Role.BANK_ADMIN: [(_("Home"), "identity:home"), (_("Staff"), "identity:user_list")],
    Role.DISTRICT_REGULATOR: [
        (_("Home"), "identity:home"),
        (_("Enterprises"), "identity:enterprise_list"),
        (_("Enterprise accounts"), "identity:user_list"),
    ],
    Role.CITY_REGULATOR: [
        (_("Home"), "identity:home"),
        (_("Enterprises"), "identity:enterprise_list"),
        (_("Enterprise accounts"), "identity:user_list"),
    ],
    Role.PLATFORM_ADMIN: [
        (_("Home"), "identity:home"),
        (_("Enterprises"), "identity:enterprise_list"),
        (_("Users"), "identity:user_list"),
        (_("Administration"), "admin:index"),
    ],
}


def menu_for(user):
    items = []
    for label, name in MENUS.get(getattr(user, "role", None), []):
        try:
            items.append({"label": label, "url": reverse(name), "name": name})
        except NoReverseMatch:
            continue
    return items
