from django.db.models import QuerySet

from identity.choices import BANK_ROLES, Role

from .choices import BankStatus
from .models import Bank


def banks_visible_to(user) -> QuerySet[Bank]:
    """Partner banks a user may see. The public (and enterprises) see admitted banks only;
    bank staff also see their own bank whatever its status; admins and regulators see all."""
    qs = Bank.objects.select_related("kind")
    if user.is_authenticated and user.role in (Role.PLATFORM_ADMIN, Role.CITY_REGULATOR, Role.DISTRICT_REGULATOR):
        return qs
    if user.is_authenticated and user.role in BANK_ROLES:
        return qs.filter(status=BankStatus.ADMITTED) | qs.filter(pk=user.bank_id)
    return qs.filter(status=BankStatus.ADMITTED)
