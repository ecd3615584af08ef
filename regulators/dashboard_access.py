"""Who may read which dashboard figures: the same doors as the lists behind them.

- a district regulator: its own unit (the enterprises whose competent unit it is, as
  `applications_visible_to` and `loans_visible_to` scope it), optionally one bank within it;
- the municipal bureau and platform admins: the city, any unit, any bank;
- bank staff (officer, approver, bank admin): their own bank only (any unit within it), and the
  city average — never another bank's figures;
- anyone else, or an ask outside the door: 404, exactly like a unit or bank that does not exist.
"""

from django.http import Http404

from banks.models import Bank
from identity.choices import BANK_ROLES, SEE_ALL_ROLES, Role
from identity.models import RegulatorUnit
from identity.selectors import role_of

from .metrics import Scope

DASHBOARD_ROLES = (Role.DISTRICT_REGULATOR, *SEE_ALL_ROLES, *BANK_ROLES)


def _unit_id(value) -> int | None:
    """A regulator unit by its code (e.g. 110108) — what the pages and the API take."""
    if value in (None, ""):
        return None
    unit = RegulatorUnit.objects.filter(code=str(value)).exclude(kind="municipal").values_list("pk", flat=True).first()
    if unit is None:
        raise Http404
    return unit


def _bank_id(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not Bank.objects.filter(pk=pk).exists():
        raise Http404
    return pk


def can_see_dashboard(user) -> bool:
    return role_of(user) in DASHBOARD_ROLES


def is_bank_user(user) -> bool:
    return role_of(user) in BANK_ROLES


def is_city_user(user) -> bool:
    return role_of(user) in SEE_ALL_ROLES


def scope_for(user, *, unit=None, bank=None) -> Scope:
    """The scope a user asked for (`unit`: a regulator unit code, `bank`: a bank id), or Http404
    when it lies outside the user's door (or does not exist). Without arguments: the user's
    own default scope (its unit, its bank, or the city)."""
    role = role_of(user)
    if role not in DASHBOARD_ROLES:
        raise Http404
    unit_id, bank_id = _unit_id(unit), _bank_id(bank)
    if role == Role.DISTRICT_REGULATOR:
        if not user.regulator_unit_id or (unit_id is not None and unit_id != user.regulator_unit_id):
            raise Http404
        return Scope(unit=user.regulator_unit_id, bank=bank_id)
    if role in BANK_ROLES:
        if not user.bank_id or (bank_id is not None and bank_id != user.bank_id):
            raise Http404
        return Scope(unit=unit_id, bank=user.bank_id)
    return Scope(unit=unit_id, bank=bank_id)
