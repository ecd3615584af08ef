"""Bank staff: a bank administrator manages its own officers and approvers, nothing else."""

import pytest

from banks import services
from banks.models import StaffEvent
from identity.choices import Role
from identity.models import ApiToken, User
from identity.services import api_token_issue
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

from ..factories import BranchFactory

pytestmark = pytest.mark.django_db
GOOD = "Quality-Loan-Officer-2026"


def test_bank_admin_opens_an_officer_account_for_its_bank(world):
    branch = BranchFactory(bank=world.bank)
    user = services.staff_create(actor=world.bank_admin, bank=world.bank, username="icbc-wang", password=GOOD,
                                 role=Role.BANK_OFFICER, first_name="王", branch=branch)
    assert (user.bank, user.bank_branch, user.role, user.is_active) == (world.bank, branch, "bank_officer", True)
    assert user.check_password(GOOD)
    event = StaffEvent.objects.get(user=user)
    assert (event.action, event.actor, event.bank) == ("create", world.bank_admin, world.bank)


@pytest.mark.parametrize("role", [Role.BANK_ADMIN, Role.ENTERPRISE, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN])
def test_bank_admin_cannot_open_other_roles(world, role):
    with pytest.raises(ApplicationError) as e:
        services.staff_create(actor=world.bank_admin, bank=world.bank, username="x-user", password=GOOD, role=role)
    assert e.value.code == "role_not_allowed"
    assert not User.objects.filter(username="x-user").exists()


def test_platform_admin_opens_the_first_bank_admin(world):
    user = services.staff_create(actor=world.admin, bank=world.bank_2, username="bob-admin", password=GOOD,
                                 role=Role.BANK_ADMIN)
    assert user.role == Role.BANK_ADMIN and user.bank == world.bank_2


@pytest.mark.parametrize("who", ["bank_admin_2", "officer", "approver", "city", "district", "enterprise"])
def test_nobody_else_opens_accounts_for_a_bank(world, who):
    with pytest.raises(ApplicationError) as e:
        services.staff_create(actor=world.users[who], bank=world.bank, username="x-user", password=GOOD,
                              role=Role.BANK_OFFICER)
    assert e.value.status_code == 403
    assert not User.objects.filter(username="x-user").exists()


def test_weak_password_taken_username_and_foreign_branch_are_refused(world):
    with pytest.raises(ApplicationError) as e:
        services.staff_create(actor=world.bank_admin, bank=world.bank, username="x-user", password="12345678",
                              role=Role.BANK_OFFICER)
    assert "password" in e.value.extra["fields"]
    with pytest.raises(ApplicationError) as e:
        services.staff_create(actor=world.bank_admin, bank=world.bank, username=world.officer.username.upper(),
                              password=GOOD, role=Role.BANK_OFFICER)
    assert e.value.code == "username_taken"
    with pytest.raises(ApplicationError) as e:
        services.staff_create(actor=world.bank_admin, bank=world.bank, username="x-user", password=GOOD,
                              role=Role.BANK_OFFICER, branch=BranchFactory(bank=world.bank_2))
    assert e.value.code == "invalid_branch"
    assert not User.objects.filter(username="x-user").exists()


def test_a_closed_branch_is_refused_by_the_service(world):
    closed = BranchFactory(bank=world.bank, is_active=False)
    with pytest.raises(ApplicationError) as e:
        services.staff_create(actor=world.bank_admin, bank=world.bank, username="x-user", password=GOOD,
                              role=Role.BANK_OFFICER, branch=closed)
    assert e.value.code == "invalid_branch" and "branch" in e.value.extra["fields"]
    assert not User.objects.filter(username="x-user").exists()


@pytest.mark.parametrize("who,roles", [
    ("bank_admin", [Role.BANK_OFFICER, Role.BANK_APPROVER]),
    ("admin", [Role.BANK_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN]),
    ("officer", []), ("city", []), ("enterprise", []),
])
def test_form_and_service_offer_the_same_roles(world, who, roles):
    from banks import selectors
    from banks.forms import StaffForm

    actor = world.users[who]
    assert list(selectors.staff_roles_assignable_by(actor)) == roles
    if roles:
        form = StaffForm(actor=actor, banks=selectors.banks_with_products_manageable_by(actor))
        assert [value for value, _label in form.fields["role"].choices] == roles
        assert all(b.is_active for b in form.fields["bank_branch"].queryset)


def test_deactivate_revokes_tokens_and_reactivate(world):
    api_token_issue(user=world.officer)
    services.staff_set_active(actor=world.bank_admin, account=world.officer, active=False)
    world.officer.refresh_from_db()
    assert not world.officer.is_active and not ApiToken.objects.filter(user=world.officer).exists()
    with pytest.raises(TransitionNotAllowed):
        services.staff_set_active(actor=world.bank_admin, account=world.officer, active=False)
    services.staff_set_active(actor=world.bank_admin, account=world.officer, active=True)
    world.officer.refresh_from_db()
    assert world.officer.is_active
    assert list(StaffEvent.objects.filter(user=world.officer).values_list("action", flat=True)) == [
        "reactivate", "deactivate"]


def test_reset_password(world):
    services.staff_reset_password(actor=world.bank_admin, account=world.approver, password=GOOD)
    world.approver.refresh_from_db()
    assert world.approver.check_password(GOOD)
    with pytest.raises(ApplicationError) as e:
        services.staff_reset_password(actor=world.bank_admin, account=world.approver, password="password")
    assert "password" in e.value.extra["fields"]
    world.approver.refresh_from_db()
    assert world.approver.check_password(GOOD)


@pytest.mark.parametrize("who,target", [
    ("bank_admin_2", "officer"),  # another bank
    ("bank_admin", "officer_2"),
    ("bank_admin", "bank_admin"),  # itself
    ("officer", "approver"),  # an officer cannot manage staff
    ("approver", "officer"),
    ("city", "officer"),
    ("enterprise", "officer"),
])
def test_staff_management_is_scoped(world, who, target):
    account = world.users[target]
    with pytest.raises(ApplicationError) as e:
        services.staff_set_active(actor=world.users[who], account=account, active=False)
    assert e.value.status_code == 403
    with pytest.raises(ApplicationError):
        services.staff_reset_password(actor=world.users[who], account=account, password=GOOD)
    account.refresh_from_db()
    assert account.is_active and not account.check_password(GOOD)


def test_a_bank_admin_cannot_deactivate_another_bank_admin_of_its_bank(world):
    other_admin = services.staff_create(actor=world.admin, bank=world.bank, username="icbc-admin-2",
                                        password=GOOD, role=Role.BANK_ADMIN)
    with pytest.raises(ApplicationError):
        services.staff_set_active(actor=world.bank_admin, account=other_admin, active=False)
    services.staff_set_active(actor=world.admin, account=other_admin, active=False)
