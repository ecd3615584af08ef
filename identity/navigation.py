"""Role navigation: what each role's menu shows. Apps add their entries here as they grow."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role

# (label, url name) per role; names that do not resolve yet are skipped.
MENUS = {
    Role.ENTERPRISE: [(_("Home"), "identity:home"), (_("My enterprise"), "identity:my_enterprise")],
    Role.BANK_OFFICER: [(_("Home"), "identity:home")],
    Role.BANK_APPROVER: [(_("Home"), "identity:home")],
    Role.BANK_ADMIN: [(_("Home"), "identity:home")],  # staff pages come from banks/navigation.py
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


def _navigation_modules():
    """The `<app>/navigation.py` modules of the apps above identity (identity never imports
    them by name). Imported once per process; the list is fixed once Django has started."""
    global _MODULES
    if _MODULES is None:
        import importlib

        from django.apps import apps

        modules = []
        for config in apps.get_app_configs():
            if config.name == "identity":
                continue
            try:
                modules.append(importlib.import_module(f"{config.name}.navigation"))
            except ModuleNotFoundError as e:
                if e.name != f"{config.name}.navigation":
                    raise
        _MODULES = modules
    return _MODULES


_MODULES = None


def home_cards_for(user) -> list[dict]:
    """Figures that apps above identity put on a role's home page: each app may define
    `HOME_CARDS = [callable(user) -> [{"label", "value", "url", "tone"}]]` in its navigation."""
    return [card for module in _navigation_modules() for producer in getattr(module, "HOME_CARDS", [])
            for card in producer(user)]


def link_to(name: str, *args) -> str:
    """The page where an app above shows an object that a lower app only refers to (a
    notification's link to a verification request): each app may define
    `LINKS = {name: callable(*args) -> url}` in its navigation, so the lower app never names
    the upper one's URLs. Empty when no app shows that object."""
    for module in _navigation_modules():
        make = getattr(module, "LINKS", {}).get(name)
        if make is not None:
            return make(*args)
    return ""


def _app_menus():
    """Apps above identity add their entries in `<app>/navigation.py` as
    `NAV = {role: [(label, url name), ...]}`."""
    merged = {}
    for module in _navigation_modules():
        for role, entries in getattr(module, "NAV", {}).items():
            merged.setdefault(role, []).extend(entries)
    return merged


# The menu of each role, built once per process (and per URL resolver and script prefix,
# which decide what the names reverse to): it depends on the role only, never on the user, and
# its labels stay lazy, so each request shows them in its own language (issue 10: the reversals
# were part of every page's cost).
_MENUS: dict = {}


def menu_for(user):
    from django.urls import get_resolver, get_script_prefix, get_urlconf

    role = getattr(user, "role", None)
    # The resolver itself (a new one whenever the URL configuration changes, tests included).
    key = (role, get_resolver(get_urlconf()), get_script_prefix())
    items = _MENUS.get(key)
    if items is None:
        items = []
        for label, name in MENUS.get(role, []) + _app_menus().get(role, []):
            try:
                items.append({"label": label, "url": reverse(name), "name": name})
            except NoReverseMatch:
                continue
        items = _MENUS[key] = tuple(items)
    return list(items)
