from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhidai.audit import AppendOnlyModel

from .choices import (
    BANK_ROLES,
    REGULATOR_ROLES,
    LegalForm,
    RegistrationStatus,
    RegulatorKind,
    Role,
    SecurityEventKind,
)


class District(models.Model):
    """The 16 districts of Beijing (GB/T 2260)."""

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=20)
    name_en = models.CharField(_("English name"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class RegulatorUnit(models.Model):
    """A market-regulation unit named by the notice: the municipal bureau, a district bureau,
    or a special-area unit (ETDZ, Yanshan, Airport)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=RegulatorKind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("regulator unit")
        verbose_name_plural = _("regulator units")

    def __str__(self):
        return self.name

    @property
    def is_municipal(self):
        return self.kind == RegulatorKind.MUNICIPAL


class Enterprise(models.Model):
    """An enterprise of the registry, keyed by its unified social credit code. Registration
    fields follow the publicity system's 企业登记信息 list (DOMAIN.md §5)."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, primary_key=True)
    # No index on the name: people search it by substring (not served by a b-tree), and every
    # index costs the bulk sync of a million-row registration list.
    name = models.CharField(_("enterprise name"), max_length=200)
    enterprise_type = models.CharField(_("enterprise type"), max_length=100, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices, default=LegalForm.OTHER)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    registration_authority = models.CharField(_("registration authority"), max_length=100, blank=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    status = models.CharField(
        _("registration status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.EXISTING
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    # Both are served by the composite (x, uscc) indexes below, which also order the lists.
    # No database constraint on the two references to reference data (seeded by migration, never
    # deleted; PROTECT still guards deletes through the ORM): checking them costs the bulk sync of
    # the registration list more than all its other work (docs/decisions.md). Every writer takes
    # them from those tables (registry placement, enterprise_upsert).
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )
    regulator_unit = models.ForeignKey(
        RegulatorUnit,
        verbose_name=_("competent regulator unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["uscc"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["regulator_unit", "uscc"]), models.Index(fields=["district", "uscc"])]

    def __str__(self):
        return f"{self.name}（{self.uscc}）"


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        """Sign-in ignores the case of the username (usernames are unique case-insensitively,
        a database constraint), through the lower(username) index."""
        return self.alias(username_lower=Lower("username")).get(username_lower=(username or "").lower())

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.PLATFORM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Every user belongs to exactly one organization, and its role says which kind."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    bank = models.ForeignKey(
        "banks.Bank", verbose_name=_("bank"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    bank_branch = models.ForeignKey(
        "banks.Branch", verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    regulator_unit = models.ForeignKey(
        RegulatorUnit, verbose_name=_("regulator unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Self-service enterprise accounts stay inactive until the enterprise's regulator unit
    # confirms them: the code and registered name alone are public knowledge.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey("self", verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # Set when an administrator sets the password: the owner must choose a new one at the next
    # sign-in before anything else (no API token either), so the administrator cannot act as them.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # The language the person last chose in the portal (blank: the default); their e-mails are
    # written in it. Set by `services.user_language_set` (language menu, sign-up).
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci",
                                    violation_error_message=_("This username is taken.")),
            models.CheckConstraint(
                name="user_role_matches_organization",
                condition=(
                    Q(role=Role.ENTERPRISE, enterprise__isnull=False, bank__isnull=True, regulator_unit__isnull=True)
                    | Q(role__in=list(BANK_ROLES), bank__isnull=False, enterprise__isnull=True, regulator_unit__isnull=True)
                    | Q(
                        role__in=[Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR],
                        regulator_unit__isnull=False,
                        enterprise__isnull=True,
                        bank__isnull=True,
                    )
                    | Q(role=Role.PLATFORM_ADMIN, enterprise__isnull=True, bank__isnull=True, regulator_unit__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="user_branch_only_for_bank_staff", condition=Q(bank_branch__isnull=True) | Q(bank__isnull=False)
            ),
        ]

    # Role shortcuts used by the scoping functions and templates.
    @property
    def is_enterprise(self):
        return self.role == Role.ENTERPRISE

    @property
    def is_bank_staff(self):
        return self.role in BANK_ROLES

    @property
    def is_district_regulator(self):
        return self.role == Role.DISTRICT_REGULATOR

    @property
    def is_city_regulator(self):
        return self.role == Role.CITY_REGULATOR

    @property
    def is_regulator(self):
        return self.role in REGULATOR_ROLES

    @property
    def is_platform_admin(self):
        return self.role == Role.PLATFORM_ADMIN

    @property
    def awaiting_confirmation(self):
        return self.role == Role.ENTERPRISE and not self.is_active and self.confirmed_at is None

    @property
    def display_name(self):
        """How the user is named in histories and notices: full name, else username."""
        return self.get_full_name() or self.username

    @property
    def signature(self):
        """The person and the unit, as a confirmation or an entry is signed on pages: 王核实（海淀区市场监督管理局）."""
        from django.utils import translation

        if (translation.get_language() or "").startswith("en"):
            return f"{self.display_name} ({self.organization_name})"
        return f"{self.display_name}（{self.organization_name}）"

    @property
    def organization(self):
        return self.enterprise or self.bank or self.regulator_unit

    @property
    def organization_name(self):
        org = self.organization
        return str(org.name) if org else str(_("Platform"))


class RequestRecord(models.Model):
    """One state-changing request that must act once: an API request with an `Idempotency-Key`
    header, or an HTML form post with its one-time `form_token`. Kept 24 hours, then pruned.
    Owned by the project mechanism `jingzhidai.once` (the only code that reads or writes it); it
    lives here because a model needs an app and every request's user is identity's."""

    class Kind(models.TextChoices):
        API = "api", _("API request (Idempotency-Key)")
        FORM = "form", _("Form post (one-time token)")

    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    user = models.ForeignKey("identity.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=255)
    # sha256 of method, path, query and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    # None while the first request is still being handled.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("request record")
        verbose_name_plural = _("request records")
        constraints = [models.UniqueConstraint(fields=["kind", "user", "key"], name="request_record_once")]

    def __str__(self):
        return f"{self.kind} {self.user_id} {self.key}"
class SecurityEvent(AppendOnlyModel):
    """Who did what to an account's credentials, when and from which address."""

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=SecurityEventKind.choices)
    actor = models.ForeignKey(User, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self):
        return f"{self.user_id} {self.kind}"


class ApiToken(models.Model):
    """An API token. Only the SHA-256 of its key is stored (identity.services.api_token_hash);
    the key itself is shown once, when it is issued. `prefix` (its first characters) tells tokens
    apart without revealing them."""

    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}…"
