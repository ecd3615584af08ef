from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    BANK_OFFICER = "bank_officer", _("Bank officer")
    BANK_APPROVER = "bank_approver", _("Bank approver")
    BANK_ADMIN = "bank_admin", _("Bank administrator")
    DISTRICT_REGULATOR = "district_regulator", _("District regulator")
    CITY_REGULATOR = "city_regulator", _("Municipal regulator")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


BANK_ROLES = (Role.BANK_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN)
REGULATOR_ROLES = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR)
# Roles whose scope is the whole city: every enterprise, application and record.
SEE_ALL_ROLES = (Role.PLATFORM_ADMIN, Role.CITY_REGULATOR)


class RegulatorKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal bureau")
    DISTRICT = "district", _("District bureau")
    SPECIAL = "special", _("Special-area unit")


class LegalForm(models.TextChoices):
    """What the registration's enterprise type says about legal personality (notice §二(一))."""

    LEGAL_PERSON = "legal_person", _("Enterprise legal person")
    BRANCH = "branch", _("Branch (not a legal person)")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship (not a legal person)")
    PARTNERSHIP = "partnership", _("Partnership (not a legal person)")
    NON_LEGAL_PERSON = "non_legal_person", _("Not a legal person (非法人)")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    COOPERATIVE = "cooperative", _("Farmers' cooperative")
    OTHER = "other", _("Other")


class RegistrationStatus(models.TextChoices):
    EXISTING = "existing", _("Existing (存续)")
    OPERATING = "operating", _("Operating (在业)")
    REVOKED = "revoked", _("Licence revoked (吊销)")
    DEREGISTERED = "deregistered", _("Deregistered (注销)")
    MOVED_OUT = "moved_out", _("Moved out (迁出)")
    CANCELLED = "cancelled", _("Registration cancelled (撤销)")
    SUSPENDED = "suspended", _("Business suspended (歇业)")
    LIQUIDATING = "liquidating", _("In liquidation (清算)")
    STOPPED = "stopped", _("Business stopped (停业)")


class SecurityEventKind(models.TextChoices):
    PASSWORD_SET_BY_ADMIN = "password_set_by_admin", _("Password set by an administrator")
    PASSWORD_CHANGED = "password_changed", _("Password changed by its owner")
