"""The partner list: admission, suspension, reinstatement, removal, with history."""

import pytest

from banks import selectors, services
from banks.choices import BankAction, BankStatus
from banks.models import Bank, BankStatusChange
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

pytestmark = pytest.mark.django_db


def admit(world, name="中国建设银行北京市分行", **fields):
    return services.bank_admit(actor=world.admin, name=name, kind="state_owned", note="2026年第一批合作机构",
                               credit_code="91110000802100433B", head_office="中国建设银行股份有限公司",
                               beijing_office="中国建设银行北京市分行", contact_name="刘经理",
                               contact_phone="010-66000000", **fields)


def test_admission_records_the_bank_and_its_first_history_row(world):
    bank = admit(world)
    assert bank.status == BankStatus.ADMITTED and bank.admitted_on is not None
    assert bank.kind_id == "state_owned" and bank.head_office == "中国建设银行股份有限公司"
    (row,) = bank.status_changes.all()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason) == (
        BankAction.ADMIT, "", BankStatus.ADMITTED, world.admin, "2026年第一批合作机构")


def test_the_municipal_bureau_may_admit_too(world):
    bank = services.bank_admit(actor=world.city, name="北京中关村银行", kind="private", note="批准")
    assert bank.status_changes.get().actor == world.city


@pytest.mark.parametrize("who", ["district", "bank_admin", "officer", "enterprise"])
def test_others_cannot_admit(world, who):
    with pytest.raises(ApplicationError) as e:
        services.bank_admit(actor=world.users[who], name="某银行", kind="private", note="x")
    assert e.value.status_code == 403
    assert not Bank.objects.filter(name="某银行").exists()


def test_admission_needs_a_note_and_a_known_kind_and_changes_nothing_when_refused(world):
    with pytest.raises(ApplicationError) as e:
        services.bank_admit(actor=world.admin, name="某银行", kind="private", note="  ")
    assert "reason" in e.value.extra["fields"]
    with pytest.raises(ApplicationError):
        services.bank_admit(actor=world.admin, name="某银行", kind="no-such-kind", note="批准")
    with pytest.raises(ApplicationError) as e:
        services.bank_admit(actor=world.admin, name=world.bank.name, kind="private", note="批准")
    assert "name" in e.value.extra["fields"]
    assert not Bank.objects.filter(name="某银行").exists()
    assert not BankStatusChange.objects.exists()


def test_full_lifecycle_keeps_every_step_in_history(world):
    bank = admit(world)
    bank = services.bank_transition(actor=world.admin, bank=bank, action=BankAction.SUSPEND, reason="资料过期")
    assert bank.status == BankStatus.SUSPENDED
    bank = services.bank_transition(actor=world.city, bank=bank, action=BankAction.REINSTATE, reason="资料已补")
    assert bank.status == BankStatus.ADMITTED
    bank = services.bank_transition(actor=world.admin, bank=bank, action=BankAction.REMOVE, reason="退出合作")
    assert bank.status == BankStatus.REMOVED
    bank = services.bank_transition(actor=world.admin, bank=bank, action=BankAction.ADMIT, reason="重新纳入")
    assert bank.status == BankStatus.ADMITTED
    history = list(selectors.bank_history(bank))
    assert [(h.action, h.from_status, h.to_status, h.reason) for h in reversed(history)] == [
        ("admit", "", "admitted", "2026年第一批合作机构"),
        ("suspend", "admitted", "suspended", "资料过期"),
        ("reinstate", "suspended", "admitted", "资料已补"),
        ("remove", "admitted", "removed", "退出合作"),
        ("admit", "removed", "admitted", "重新纳入"),
    ]
    assert history[2].actor == world.city and history[3].actor == world.admin


@pytest.mark.parametrize("start,action", [
    ("admitted", "admit"), ("admitted", "reinstate"), ("suspended", "suspend"), ("suspended", "admit"),
    ("removed", "suspend"), ("removed", "reinstate"), ("removed", "remove"),
])
def test_refused_transitions_raise_and_change_nothing(world, start, action):
    Bank.objects.filter(pk=world.bank.pk).update(status=start)
    with pytest.raises(TransitionNotAllowed) as e:
        services.bank_transition(actor=world.admin, bank=world.bank, action=action, reason="试试")
    assert e.value.status_code == 409
    world.bank.refresh_from_db()
    assert world.bank.status == start
    assert not world.bank.status_changes.exists()


def test_transition_needs_a_reason(world):
    with pytest.raises(ApplicationError) as e:
        services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="")
    assert e.value.code == "reason_required"
    world.bank.refresh_from_db()
    assert world.bank.status == BankStatus.ADMITTED


@pytest.mark.parametrize("who", ["district", "bank_admin", "officer", "approver", "enterprise"])
def test_only_list_managers_change_a_status(world, who):
    with pytest.raises(ApplicationError) as e:
        services.bank_transition(actor=world.users[who], bank=world.bank, action=BankAction.SUSPEND, reason="x")
    assert e.value.status_code == 403
    world.bank.refresh_from_db()
    assert world.bank.status == BankStatus.ADMITTED


def test_bank_update_keeps_field_history_and_never_touches_status(world):
    services.bank_update(actor=world.admin, bank=world.bank, contact_phone="010-12345678")
    with pytest.raises(ApplicationError):
        services.bank_update(actor=world.admin, bank=world.bank, status=BankStatus.REMOVED)
    world.bank.refresh_from_db()
    assert world.bank.contact_phone == "010-12345678" and world.bank.status == BankStatus.ADMITTED
    latest = world.bank.history.first()
    assert latest.contact_phone == "010-12345678" and latest.history_user == world.admin


def test_suspended_bank_takes_no_new_applications_but_its_staff_still_see_it(world, product):
    assert selectors.bank_accepts_applications(world.bank)
    assert product in selectors.products_open_to(world.ent)
    services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="整改")
    assert not selectors.bank_accepts_applications(world.bank)
    assert not selectors.product_accepts_applications(product)
    assert product not in selectors.products_open_to(world.ent)
    assert product not in selectors.products_open_to(None)
    assert world.bank not in selectors.banks_visible_to(world.enterprise)
    # In-flight work carries on: the bank's staff still see their bank and its products.
    for who in ("officer", "approver", "bank_admin"):
        assert world.bank in selectors.banks_visible_to(world.users[who])
        assert product in selectors.products_visible_to(world.users[who])
    # Regulators and admins still see it, with its status.
    assert selectors.banks_visible_to(world.city).get(pk=world.bank.pk).status == BankStatus.SUSPENDED


def test_removed_bank_cannot_publish_products(world):
    from .conftest import product_fields

    services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.REMOVE, reason="退出")
    with pytest.raises(TransitionNotAllowed):
        services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields())


def test_branch_routing(world):
    branch = services.branch_create(actor=world.bank_admin, bank=world.bank, name="海淀支行", district="110108")
    other = services.branch_create(actor=world.admin, bank=world.bank_2, name="朝阳支行", district="110105")
    assert selectors.branch_for_routing(bank=world.bank, branch_id=branch.pk) == branch
    assert selectors.branch_for_routing(bank=world.bank, branch_id=None) is None
    with pytest.raises(ApplicationError):
        selectors.branch_for_routing(bank=world.bank, branch_id=other.pk)
    services.branch_update(actor=world.bank_admin, branch=branch, is_active=False)
    with pytest.raises(ApplicationError):
        selectors.branch_for_routing(bank=world.bank, branch_id=branch.pk)


def test_bank_admin_cannot_add_branches_to_another_bank(world):
    with pytest.raises(ApplicationError) as e:
        services.branch_create(actor=world.bank_admin, bank=world.bank_2, name="x", district="110108")
    assert e.value.status_code == 403
    with pytest.raises(ApplicationError):
        services.branch_create(actor=world.officer, bank=world.bank, name="x", district="110108")
    assert not world.bank_2.branches.exists() and not world.bank.branches.exists()
