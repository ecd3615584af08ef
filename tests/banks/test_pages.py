"""Pages: public list and detail in Chinese and English, the tenant matrix for every page and
API object, management flows through forms, constant query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from banks import services
from banks.choices import BankAction, BankStatus, ProductAction, ProductStatus
from banks.models import Bank, Product
from identity.choices import Role
from identity.models import User

from ..factories import BankFactory, BranchFactory, UserFactory
from ..helpers import WORLD_USERS, TenantMatrix, assert_constant_queries, client_for
from .conftest import product_fields

pytestmark = pytest.mark.django_db
BANK_STAFF_1 = {"officer", "approver", "bank_admin"}
READERS = {"district", "district_2", "city", "admin"}


class PublicAwareMatrix(TenantMatrix):
    """For objects behind public pages: when the public may not see the object, anonymous
    gets the same 404 as everyone else outside the door (public pages never ask to log in)."""

    public_urls = True

    @pytest.mark.parametrize("who", WORLD_USERS)
    def test_detail(self, world, who):
        obj = self.make(world)
        for url, api in self.detail_urls(obj):
            response = client_for(world, who, api=api).get(url)
            if who in self.allowed:
                assert response.status_code == 200, (who, url, response.status_code)
            elif who == "anonymous" and api:
                # Public endpoints answer 404; endpoints that need a login (history) answer 401.
                assert response.status_code in (401, 404), (who, url, response.status_code)
            else:
                assert response.status_code == 404, (who, url, response.status_code)


class TestSuspendedBankAccess(PublicAwareMatrix):
    """A suspended bank: its own staff and the regulators/admins see it; nobody else."""

    allowed = BANK_STAFF_1 | READERS

    def make(self, world):
        return services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND,
                                        reason="整改")

    def detail_urls(self, obj):
        return [(reverse("banks:bank_detail", args=[obj.pk]), False), (reverse("api:bank-detail", args=[obj.pk]), True),
                (reverse("api:bank-history", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("banks:bank_list"), False), (reverse("api:bank-list"), True)]

    def key(self, obj):
        return obj.name


class TestWithdrawnProductAccess(PublicAwareMatrix):
    allowed = BANK_STAFF_1 | READERS

    def make(self, world):
        product = services.product_create(actor=world.bank_admin, bank=world.bank,
                                          **product_fields(name="撤回的质量贷产品"))
        return services.product_transition(actor=world.bank_admin, product=product, action=ProductAction.WITHDRAW,
                                           reason="停办")

    def detail_urls(self, obj):
        return [(reverse("banks:product_detail", args=[obj.pk]), False),
                (reverse("api:product-detail", args=[obj.pk]), True),
                (reverse("api:product-history", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("banks:product_list"), False), (reverse("api:product-list"), True)]

    def key(self, obj):
        return obj.name


class TestBankStaffAccountAccess(TenantMatrix):
    """An officer account is seen by its bank's administrator and platform admins only."""

    allowed = {"bank_admin", "admin"}

    def make(self, world):
        return UserFactory(username="officer-under-test", role=Role.BANK_OFFICER, bank=world.bank)

    def detail_urls(self, obj):
        return [(reverse("banks:staff_detail", args=[obj.pk]), False),
                (reverse("api:bank-staff-detail", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("banks:staff_list"), False), (reverse("api:bank-staff-list"), True)]

    def key(self, obj):
        return obj.username


class TestProductEditAccess(TenantMatrix):
    """A bank administrator edits its own bank's products; nobody of another bank can."""

    allowed = {"bank_admin", "admin"}

    def make(self, world):
        return services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields())

    def detail_urls(self, obj):
        return [(reverse("banks:product_edit", args=[obj.pk]), False)]


class TestBankEditAccess(TenantMatrix):
    allowed = {"city", "admin"}

    def make(self, world):
        return world.bank

    def detail_urls(self, obj):
        return [(reverse("banks:bank_edit", args=[obj.pk]), False)]


class TestBranchCreateAccess(TenantMatrix):
    allowed = {"city", "admin", "bank_admin"}

    def make(self, world):
        return world.bank

    def detail_urls(self, obj):
        return [(reverse("banks:branch_create", args=[obj.pk]), False)]


class TestProductCreateAccess(TenantMatrix):
    allowed = {"admin", "bank_admin"}

    def make(self, world):
        return world.bank

    def detail_urls(self, obj):
        return [(reverse("banks:product_create", args=[obj.pk]), False)]


@pytest.mark.parametrize("who", WORLD_USERS)
def test_admitted_bank_and_its_active_product_are_public(world, who):
    product = services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields())
    client = client_for(world, who)
    for url in (reverse("banks:bank_detail", args=[world.bank.pk]), reverse("banks:product_detail", args=[product.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert product.name in response.content.decode()


def test_public_list_in_chinese_and_english(world):
    BranchFactory(bank=world.bank, name="海淀支行", district_id="110108")
    Bank.objects.filter(pk=world.bank.pk).update(name_en="Test Bank One")
    services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields(name_en="Quality Loan"))
    client = APIClient()
    zh = client.get(reverse("banks:bank_list")).content.decode()
    assert '<html lang="zh-hans">' in zh  # Chinese first; UI strings come from the catalog the lead regenerates
    assert world.bank.name in zh and "海淀区" in zh and "城市商业银行" in zh
    en = client.get(reverse("banks:bank_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Partner banks" in en and "Test Bank One" in en and "Haidian" in en and "City commercial bank" in en
    products_en = client.get(reverse("banks:product_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Quality Loan" in products_en and "Requires: quality credit holds" in products_en
    assert "50–1,000" in products_en  # 万元
    products_zh = client.get(reverse("banks:product_list")).content.decode()
    assert "质量贷" in products_zh and "质量管理" in products_zh


def test_public_list_search_by_kind_and_district(world):
    BranchFactory(bank=world.bank, district_id="110105")
    Bank.objects.filter(pk=world.bank_2.pk).update(kind_id="state_owned")
    client = APIClient()
    body = client.get(reverse("banks:bank_list"), {"district": "110105"}).content.decode()
    assert f'data-bank="{world.bank.pk}"' in body and f'data-bank="{world.bank_2.pk}"' not in body
    body = client.get(reverse("banks:bank_list"), {"kind": "state_owned"}).content.decode()
    assert f'data-bank="{world.bank.pk}"' not in body and f'data-bank="{world.bank_2.pk}"' in body


def test_suspended_bank_disappears_from_public_pages_and_products(world):
    product = services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields(name="消失的产品"))
    services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="整改")
    for who in ("anonymous", "enterprise", "officer_2"):
        client = client_for(world, who)
        assert world.bank.name not in client.get(reverse("banks:bank_list")).content.decode()
        assert "消失的产品" not in client.get(reverse("banks:product_list")).content.decode()
        assert client.get(reverse("banks:product_detail", args=[product.pk])).status_code == 404
    # Its staff still sign in and see their bank, with a notice.
    client = APIClient()
    login = client.post(reverse("identity:login"), {"username": world.officer.username,
                                                    "password": "Correct-Horse-Battery-9"})
    assert login.status_code == 302
    response = client.get(reverse("banks:my_bank"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Applications it already holds carry on" in response.content.decode()


def test_admit_and_suspend_through_the_pages(world):
    client = client_for(world, "city")
    response = client.post(reverse("banks:bank_admit"), {"name": "北京中关村银行", "kind": "private",
                                                         "note": "2026年批准", "credit_code": "X1"})
    bank = Bank.objects.get(name="北京中关村银行")
    assert response.status_code == 302 and response["Location"] == reverse("banks:bank_detail", args=[bank.pk])
    response = client.post(reverse("banks:bank_transition", args=[bank.pk]), {"action": "suspend", "reason": "整改"})
    bank.refresh_from_db()
    assert bank.status == BankStatus.SUSPENDED
    response = client.post(reverse("banks:bank_transition", args=[bank.pk]), {"action": "suspend", "reason": "再"},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be" in response.content.decode()
    page = client.get(reverse("banks:bank_detail", args=[bank.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "History on the partner list" in page and "整改" in page and "2026年批准" in page


def test_admit_form_shows_errors_and_saves_nothing(world):
    client = client_for(world, "admin")
    response = client.post(reverse("banks:bank_admit"), {"name": world.bank.name, "kind": "private", "note": ""})
    assert response.status_code == 400
    assert Bank.objects.count() == 2


@pytest.mark.parametrize("who", ["officer", "enterprise", "district", "bank_admin"])
def test_admit_page_is_for_list_managers(world, who):
    client = client_for(world, who)
    assert client.get(reverse("banks:bank_admit")).status_code == 403
    client.post(reverse("banks:bank_admit"), {"name": "某银行", "kind": "private", "note": "x"})
    assert not Bank.objects.filter(name="某银行").exists()


def test_transition_post_by_others_is_404(world):
    for who in ("bank_admin", "officer", "district", "enterprise"):
        response = client_for(world, who).post(reverse("banks:bank_transition", args=[world.bank.pk]),
                                               {"action": "suspend", "reason": "x"})
        assert response.status_code == 404, who
    world.bank.refresh_from_db()
    assert world.bank.status == BankStatus.ADMITTED


def test_bank_admin_publishes_a_product_through_the_form(world):
    client = client_for(world, "bank_admin")
    data = {"name": "京质贷·信用", "amount_min_wan": "50", "amount_max_wan": "1000", "term_min_months": "6",
            "term_max_months": "36", "rate_kind": "lpr_spread", "spread_min_bp": "-10", "spread_max_bp": "60",
            "guarantee_types": ["credit"], "credit_must_hold": "on", "any_categories": ["management", "brand"],
            "all_elements": ["infrastructure.iso_quality"]}
    response = client.post(reverse("banks:product_create", args=[world.bank.pk]), data)
    product = Product.objects.get(name="京质贷·信用")
    assert response.status_code == 302
    assert product.amount_min == 500000 and product.amount_max == 10000000
    assert product.conditions == {"credit_must_hold": True, "all_of": [{"element": "infrastructure.iso_quality"}],
                                  "any_of": [{"category": "management"}, {"category": "brand"}]}
    page = client.get(reverse("banks:product_detail", args=[product.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2.90%–3.60%" in page and "ISO 9001" in page
    # edit page round-trips the values
    edit = client.get(reverse("banks:product_edit", args=[product.pk])).content.decode()
    assert 'value="infrastructure.iso_quality" selected' in edit
    data.update(amount_max_wan="10", reason="下调")
    response = client.post(reverse("banks:product_edit", args=[product.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "must not be below" in response.content.decode()
    product.refresh_from_db()
    assert product.amount_max == 10000000
    response = client.post(reverse("banks:product_transition", args=[product.pk]),
                           {"action": "withdraw", "reason": "额度用完"})
    product.refresh_from_db()
    assert product.status == ProductStatus.WITHDRAWN


def test_bank_admin_cannot_publish_for_another_bank_through_the_form(world):
    client = client_for(world, "bank_admin_2")
    response = client.post(reverse("banks:product_create", args=[world.bank.pk]), {"name": "x"})
    assert response.status_code == 404
    assert not Product.objects.exists()


def test_bank_admin_manages_staff_through_the_pages(world):
    client = client_for(world, "bank_admin")
    response = client.post(reverse("banks:staff_create"), {"username": "icbc-zhao", "first_name": "赵",
                                                           "role": "bank_approver",
                                                           "password": "Approver-Strong-2026"})
    account = User.objects.get(username="icbc-zhao")
    assert response.status_code == 302 and account.bank == world.bank and account.role == Role.BANK_APPROVER
    client.post(reverse("banks:staff_active", args=[account.pk]), {"active": "0"})
    account.refresh_from_db()
    assert not account.is_active
    client.post(reverse("banks:staff_password", args=[world.officer.pk]), {"password": "Officer-New-Pass-2026"})
    world.officer.refresh_from_db()
    assert world.officer.check_password("Officer-New-Pass-2026")
    # A bank administrator cannot open another administrator, nor touch another bank's officer.
    response = client.post(reverse("banks:staff_create"), {"username": "icbc-boss", "role": "bank_admin",
                                                           "password": "Approver-Strong-2026"})
    assert response.status_code == 400 and not User.objects.filter(username="icbc-boss").exists()
    assert client.post(reverse("banks:staff_active", args=[world.officer_2.pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("banks:staff_password", args=[world.officer_2.pk]),
                       {"password": "Officer-New-Pass-2026"}).status_code == 404
    world.officer_2.refresh_from_db()
    assert world.officer_2.is_active


@pytest.mark.parametrize("who", ["officer", "approver"])
def test_officers_cannot_manage_staff_through_the_pages(world, who):
    client = client_for(world, who)
    assert client.get(reverse("banks:staff_list")).status_code == 403
    assert client.get(reverse("banks:staff_create")).status_code == 403
    client.post(reverse("banks:staff_create"), {"username": "x-user", "role": "bank_officer",
                                                "password": "Approver-Strong-2026"})
    other = world.approver if who == "officer" else world.officer
    assert client.post(reverse("banks:staff_active", args=[other.pk]), {"active": "0"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active and not User.objects.filter(username="x-user").exists()


def test_navigation_entries(world):
    expected = {"admin": ["banks:bank_list", "banks:staff_list"], "city": ["banks:bank_list"],
                "district": ["banks:product_list"], "bank_admin": ["banks:my_bank", "banks:staff_list"],
                "officer": ["banks:my_bank", "banks:my_products"], "enterprise": ["banks:product_match"]}
    from identity.navigation import menu_for

    for who, names in expected.items():
        assert set(names) <= {item["name"] for item in menu_for(world.users[who])}, who
    assert "banks:staff_list" not in {i["name"] for i in menu_for(world.officer)}


@pytest.mark.parametrize("who,url_name", [("anonymous", "banks:bank_list"), ("city", "banks:bank_list"),
                                          ("anonymous", "banks:product_list"), ("bank_admin", "banks:staff_list"),
                                          ("admin", "banks:product_list")])
def test_html_lists_run_constant_queries(world, who, url_name):
    BranchFactory(bank=world.bank)
    services.product_create(actor=world.admin, bank=world.bank, **product_fields(name="起始产品"))

    def grow():
        for _ in range(8):
            bank = BankFactory()
            BranchFactory(bank=bank, district_id="110105")
            BranchFactory(bank=bank, district_id="110108")
            services.product_create(actor=world.admin, bank=bank, **product_fields(name=bank.name))
            UserFactory(role=Role.BANK_OFFICER, bank=world.bank)

    assert_constant_queries(client_for(world, who), reverse(url_name), grow)


def test_bank_detail_runs_constant_queries(world):
    def grow():
        for i in range(8):
            BranchFactory(bank=world.bank)
            services.product_create(actor=world.admin, bank=world.bank, **product_fields(name=f"产品{i}"))

    assert_constant_queries(client_for(world, "anonymous"), reverse("banks:bank_detail", args=[world.bank.pk]), grow)


def test_products_i_meet_uses_the_enterprise_profile(world):
    from elements import services as element_services
    from elements.models import ElementType

    strict = services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields(name="严格产品"))
    open_ = services.product_create(actor=world.bank_admin_2, bank=world.bank_2,
                                    **product_fields(name="宽松产品", conditions={}))
    client = client_for(world, "enterprise")
    page = client.get(reverse("banks:product_match"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-product="{open_.pk}" data-meets="1"' in page
    assert f'data-product="{strict.pk}" data-meets="0"' in page
    assert "Needs at least one of: a distinction in Quality management, a distinction in Quality brand." in page

    element_services.distinction_record(
        enterprise=world.ent, element_type=ElementType.objects.get(code="brand.time_honored"), user=world.district,
        reason="商务部公布名单", level="national", granted_on=date.today() - timedelta(days=30))
    page = client.get(reverse("banks:product_match"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-product="{strict.pk}" data-meets="1"' in page

    # A suspended bank's products are not offered at all.
    services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="整改")
    page = client.get(reverse("banks:product_match")).content.decode()
    assert f'data-product="{strict.pk}"' not in page


@pytest.mark.parametrize("who", ["anonymous", "officer", "city"])
def test_products_i_meet_is_for_enterprises(world, who):
    response = client_for(world, who).get(reverse("banks:product_match"))
    assert response.status_code in (302, 403)


def test_django_admin_pages_open_and_cannot_add_banks(world, product):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = client_for(world, "admin")
    for url in (reverse("admin:banks_bank_changelist"), reverse("admin:banks_bank_change", args=[world.bank.pk]),
                reverse("admin:banks_product_change", args=[product.pk]),
                reverse("admin:banks_loanprimerate_changelist")):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:banks_bank_add")).status_code == 403


def test_branch_managers_edit_a_branch_through_the_page(world):
    branch = BranchFactory(bank=world.bank, name="旧名支行")
    url = reverse("banks:branch_edit", args=[branch.pk])
    data = {"name": "新名支行", "district": "110105", "address": "朝阳区建国路1号", "phone": "010-1", "is_active": ""}
    for who in ("bank_admin_2", "officer", "district"):
        assert client_for(world, who).post(url, data).status_code == 404, who
    branch.refresh_from_db()
    assert branch.name == "旧名支行"
    response = client_for(world, "bank_admin").post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("banks:bank_detail", args=[world.bank.pk])
    branch.refresh_from_db()
    assert (branch.name, branch.district_id, branch.is_active) == ("新名支行", "110105", False)
    response = client_for(world, "city").post(url, {**data, "name": ""})
    assert response.status_code == 400


def test_the_decision_select_offers_only_what_the_status_allows(world):
    """Issue 14: an admitted bank can be suspended or removed, not admitted or reinstated."""
    import re

    from banks import services as bank_services
    from banks.choices import BankAction

    client = client_for(world, "admin")

    def offered():
        page = client.get(reverse("banks:bank_detail", args=[world.bank.pk])).content.decode()
        select = re.search(r'<select name="action".*?</select>', page, re.S).group(0)
        return set(re.findall(r'<option value="(\w+)"', select))

    assert offered() == {BankAction.SUSPEND, BankAction.REMOVE}
    bank_services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="资料过期")
    assert offered() == {BankAction.REINSTATE, BankAction.REMOVE}
    bank_services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.REMOVE, reason="退出")
    assert offered() == {BankAction.ADMIT}
