"""Reads of the partner list. `<entities>_visible_to(user)` is the only door to each entity
for HTML and API views alike; `*_manageable_by(user)` is the door for writes. Objects outside
a door answer 404, like missing ones.

Applications (issue 5) call `bank_accepts_applications`, `product_accepts_applications`,
`products_open_to` and `branch_for_routing`: a suspended or removed bank takes no new
application, while applications it already holds carry on (nothing here looks at them)."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from identity.choices import BANK_ROLES, Role
from identity.models import User
from identity.selectors import role_of, users_visible_to
from jingzhidai.errors import ApplicationError

from . import conditions as cond
from .choices import BankStatus, RateKind
from .models import (
    BANK_OPEN_TO_APPLICATIONS,
    PRODUCT_OPEN_TO_APPLICATIONS,
    Bank,
    BankStatusChange,
    Branch,
    LoanPrimeRate,
    Product,
    ProductStatusChange,
    StaffEvent,
)

LIST_MANAGERS = (Role.PLATFORM_ADMIN, Role.CITY_REGULATOR)
LIST_READERS = (Role.PLATFORM_ADMIN, Role.CITY_REGULATOR, Role.DISTRICT_REGULATOR)
STAFF_ROLES_A_BANK_ADMIN_MANAGES = (Role.BANK_OFFICER, Role.BANK_APPROVER)



# Banks -------------------------------------------------------------------------------------


def banks_visible_to(user) -> QuerySet[Bank]:
    """Partner banks a user may see. The public (and enterprises) see admitted banks only;
    bank staff also see their own bank whatever its status; admins and regulators see all."""
    qs = Bank.objects.select_related("kind")
    role = role_of(user)
    if role in LIST_READERS:
        return qs
    if role in BANK_ROLES:
        return qs.filter(Q(status=BankStatus.ADMITTED) | Q(pk=user.bank_id))
    return qs.filter(status=BankStatus.ADMITTED)


def banks_manageable_by(user) -> QuerySet[Bank]:
    """Banks whose place on the list (admission, status, details, branches) the user decides."""
    qs = Bank.objects.select_related("kind")
    return qs if role_of(user) in LIST_MANAGERS else qs.none()


def banks_with_products_manageable_by(user) -> QuerySet[Bank]:
    """Banks whose products (and branches) the user maintains: any for platform admins, their
    own for a bank administrator."""
    qs = Bank.objects.select_related("kind")
    role = role_of(user)
    if role == Role.PLATFORM_ADMIN:
        return qs
    if role == Role.BANK_ADMIN:
        return qs.filter(pk=user.bank_id)
    return qs.none()


def banks_with_branches_manageable_by(user) -> QuerySet[Bank]:
    qs = Bank.objects.select_related("kind")
    role = role_of(user)
    if role in LIST_MANAGERS:
        return qs
    if role == Role.BANK_ADMIN:
        return qs.filter(pk=user.bank_id)
    return qs.none()


def bank_list(user) -> QuerySet[Bank]:
    """Banks for list pages, with how many products the user can see."""
    visible = products_visible_to(user)
    return banks_visible_to(user).annotate(
        product_count=Count("products", filter=Q(products__in=visible.values("pk")), distinct=True)
    ).prefetch_related("branches__district")


def bank_accepts_applications(bank) -> bool:
    """Whether a bank takes new applications now (read fresh: the list may just have changed)."""
    return Bank.objects.filter(BANK_OPEN_TO_APPLICATIONS, pk=bank.pk).exists()


def banks_with_history_visible_to(user) -> QuerySet[Bank]:
    """Whose status history (reasons, actors) a user may read: regulators and admins all; bank
    staff their own bank; nobody else."""
    role = role_of(user)
    if role in LIST_READERS:
        return banks_visible_to(user)
    if role in BANK_ROLES:
        return banks_visible_to(user).filter(pk=user.bank_id)
    return Bank.objects.none()


def products_with_history_visible_to(user) -> QuerySet[Product]:
    """Products whose decision history a user may read: the same rule as for banks."""
    return products_visible_to(user).filter(bank__in=banks_with_history_visible_to(user).values("pk"))


def bank_history(bank) -> QuerySet[BankStatusChange]:
    return bank.status_changes.select_related("actor").order_by("-at", "-id")


def branch_for_routing(*, bank, branch_id) -> Branch | None:
    """The branch an application is routed to: an open branch of that bank, or none."""
    if branch_id in (None, ""):
        return None
    branch = branches_open().filter(bank=bank, pk=branch_id).select_related("district").first()
    if branch is None:
        raise ApplicationError(_("This branch is not an open branch of the chosen bank."), code="invalid_branch")
    return branch


def branches_of(bank) -> QuerySet[Branch]:
    return bank.branches.select_related("district").order_by("district_id", "name")


def branches_open() -> QuerySet[Branch]:
    """Branches that are open now: the only ones an application or a new account is routed to."""
    return Branch.objects.filter(is_active=True)


def branches_manageable_by(user) -> QuerySet[Branch]:
    """Branches a user may edit: those of the banks whose branches it manages."""
    return Branch.objects.select_related("bank", "district").filter(
        bank__in=banks_with_branches_manageable_by(user).values("pk"))


# Products ----------------------------------------------------------------------------------


def _open_products() -> QuerySet[Product]:
    return Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS)


def products_visible_to(user) -> QuerySet[Product]:
    """The public sees active products of admitted banks; bank staff also see every product of
    their own bank; admins and regulators see all."""
    qs = Product.objects.select_related("bank", "bank__kind")
    role = role_of(user)
    if role in LIST_READERS:
        return qs
    if role in BANK_ROLES:
        return qs.filter(PRODUCT_OPEN_TO_APPLICATIONS | Q(bank_id=user.bank_id))
    return qs.filter(PRODUCT_OPEN_TO_APPLICATIONS)


def products_manageable_by(user) -> QuerySet[Product]:
    qs = Product.objects.select_related("bank", "bank__kind")
    role = role_of(user)
    if role == Role.PLATFORM_ADMIN:
        return qs
    if role == Role.BANK_ADMIN:
        return qs.filter(bank_id=user.bank_id)
    return qs.none()


def products_open_to(enterprise=None) -> QuerySet[Product]:
    """Products an enterprise may apply for now: active products of admitted banks. The
    enterprise argument is there for the applications app; which of these its profile meets
    is `product_match`."""
    return _open_products().select_related("bank", "bank__kind").order_by("bank__name", "name")


def product_accepts_applications(product) -> bool:
    return _open_products().filter(pk=product.pk).exists()


def product_history(product) -> QuerySet[ProductStatusChange]:
    return product.status_changes.select_related("actor").order_by("-at", "-id")


def product_field_history(product):
    return product.history.select_related("history_user").order_by("-history_date", "-history_id")


def product_match(product, profile, *, catalog=None) -> tuple[bool, list[str]]:
    """(meets, missing messages) for one product against a QualityProfile."""
    return cond.conditions_match(product.conditions, profile,
                                 catalog=cond.catalog_load() if catalog is None else catalog)


def product_matches(products, profile, *, catalog=None) -> list[dict]:
    """One row per product: meets, what is missing, and the conditions as a sentence (the
    applications form shows it). Pass the catalog when the caller has loaded it already."""
    catalog = cond.catalog_load() if catalog is None else catalog
    rows = []
    for product in products:
        meets, missing = cond.conditions_match(product.conditions, profile, catalog=catalog)
        rows.append({"product": product, "meets": meets, "missing": missing,
                     "conditions_text": cond.conditions_describe(product.conditions, catalog=catalog)})
    return rows


# Rates -------------------------------------------------------------------------------------


def lpr_current(as_of: date | None = None) -> LoanPrimeRate | None:
    as_of = as_of or timezone.localdate()
    return LoanPrimeRate.objects.filter(effective_on__lte=as_of).order_by("-effective_on").first()


def product_rate_range(product, lpr: LoanPrimeRate | None) -> tuple[Decimal, Decimal] | None:
    """Effective annual rate range in %: the fixed range, or LPR plus the spread range."""
    if product.rate_kind == RateKind.FIXED:
        return product.rate_min, product.rate_max
    if lpr is None or product.spread_min_bp is None:
        return None
    step = Decimal("0.01")
    return ((lpr.one_year + Decimal(product.spread_min_bp) / 100).quantize(step),
            (lpr.one_year + Decimal(product.spread_max_bp) / 100).quantize(step))


# Staff -------------------------------------------------------------------------------------


def staff_roles_assignable_by(user) -> tuple[str, ...]:
    """Roles of the bank accounts a user may open: a bank administrator opens officers and
    approvers of its bank; a platform admin also opens bank administrators; nobody else any."""
    role = role_of(user)
    if role == Role.BANK_ADMIN:
        return STAFF_ROLES_A_BANK_ADMIN_MANAGES
    if role == Role.PLATFORM_ADMIN:
        return (*STAFF_ROLES_A_BANK_ADMIN_MANAGES, Role.BANK_ADMIN)
    return ()


def staff_branches_for(user, *, open_only=False) -> QuerySet[Branch]:
    """Branches of the banks whose staff the user manages, for a new account. The API takes
    any of them (the service refuses a closed one, saying why); forms offer the open ones."""
    qs = branches_open() if open_only else Branch.objects.all()
    return qs.select_related("bank", "district").filter(bank__in=banks_with_products_manageable_by(user).values("pk"))


def staff_visible_to(user) -> QuerySet[User]:
    """Bank staff accounts a user may see on the staff pages."""
    # Built on identity's door for accounts (platform admins: all; a bank admin: its own bank).
    if role_of(user) not in (Role.PLATFORM_ADMIN, Role.BANK_ADMIN):
        return User.objects.none()
    return users_visible_to(user).filter(role__in=BANK_ROLES)


def staff_manageable_by(user) -> QuerySet[User]:
    """Accounts a user may deactivate, reactivate or reset: a bank administrator manages the
    officers and approvers of its own bank; a platform admin manages every bank account."""
    qs = staff_visible_to(user)
    if role_of(user) == Role.BANK_ADMIN:
        return qs.filter(role__in=STAFF_ROLES_A_BANK_ADMIN_MANAGES)
    return qs


def staff_events(user_account) -> QuerySet[StaffEvent]:
    return StaffEvent.objects.filter(user=user_account).select_related("actor").order_by("-at", "-id")
