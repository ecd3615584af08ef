"""The partner-list API: public reads, scoped writes, the error shape, constant queries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from banks import services
from banks.choices import BankAction, BankStatus
from banks.models import Bank, Product
from identity.choices import Role
from identity.models import User

from ..factories import BankFactory, BranchFactory
from ..helpers import assert_constant_queries, client_for
from .conftest import product_fields

pytestmark = pytest.mark.django_db


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_public_bank_list_shows_admitted_banks_only(world, product):
    suspended = BankFactory(status=BankStatus.SUSPENDED)
    response = APIClient().get(reverse("api:bank-list"))
    assert response.status_code == 200
    ids = _ids(response)
    assert world.bank.pk in ids and world.bank_2.pk in ids and suspended.pk not in ids
    assert APIClient().get(reverse("api:bank-detail", args=[suspended.pk])).status_code == 404
    body = APIClient().get(reverse("api:bank-detail", args=[world.bank.pk])).json()
    assert body["name"] == world.bank.name and body["kind"]["code"] == "city_commercial"


def test_bank_list_filters_by_kind_and_district(world):
    BranchFactory(bank=world.bank, district_id="110105")
    BranchFactory(bank=world.bank, district_id="110105")
    BranchFactory(bank=world.bank_2, district_id="110108")
    Bank.objects.filter(pk=world.bank_2.pk).update(kind_id="state_owned")
    client = APIClient()
    assert _ids(client.get(reverse("api:bank-list"), {"district": "110105"})) == [world.bank.pk]
    assert _ids(client.get(reverse("api:bank-list"), {"kind": "state_owned"})) == [world.bank_2.pk]
    assert _ids(client.get(reverse("api:bank-list"), {"kind": "state_owned", "district": "110105"})) == []
    response = client.get(reverse("api:bank-list"), {"district": "999999"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_bank_products_are_public_for_admitted_banks(world, product):
    withdrawn = services.product_create(actor=world.bank_admin, bank=world.bank, **product_fields(name="旧产品"))
    services.product_transition(actor=world.bank_admin, product=withdrawn, action="withdraw", reason="停办")
    url = reverse("api:bank-products", args=[world.bank.pk])
    body = APIClient().get(url).json()
    assert [p["id"] for p in body["results"]] == [product.pk]
    row = body["results"][0]
    assert row["effective_rate"] == {"min": "2.80", "max": "3.80", "lpr": "3.00", "lpr_effective_on": "2025-05-20"}
    assert row["conditions"]["credit_must_hold"] is True and row["conditions_text"]
    # The bank's own staff also see the withdrawn one.
    staff = [p["id"] for p in client_for(world, "officer", api=True).get(url).json()["results"]]
    assert sorted(staff) == sorted([product.pk, withdrawn.pk])
    services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="整改")
    assert APIClient().get(url).status_code == 404
    assert APIClient().get(reverse("api:product-detail", args=[product.pk])).status_code == 404
    assert client_for(world, "officer", api=True).get(url).status_code == 200


def test_admit_suspend_and_refused_transition_over_the_api(world):
    client = client_for(world, "city", api=True)
    response = client.post(reverse("api:bank-list"), {"name": "北京中关村银行", "kind": "private", "note": "批准纳入"},
                           format="json")
    assert response.status_code == 201, response.json()
    bank_id = response.json()["id"]
    url = reverse("api:bank-transition", args=[bank_id])
    response = client.post(url, {"action": "suspend", "reason": "材料不全"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    response = client.post(url, {"action": "suspend", "reason": "再次"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed" and "cannot be" in response.json()["message"]
    history = client.get(reverse("api:bank-history", args=[bank_id])).json()
    assert [(h["action"], h["to_status"]) for h in history] == [("suspend", "suspended"), ("admit", "admitted")]
    response = client.post(url, {"action": "reinstate", "reason": ""}, format="json")
    assert response.status_code == 400
    assert Bank.objects.get(pk=bank_id).status == BankStatus.SUSPENDED


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("enterprise", 403), ("officer", 403),
                                        ("bank_admin", 403), ("district", 403)])
def test_only_list_managers_admit(world, who, status):
    response = client_for(world, who, api=True).post(reverse("api:bank-list"),
                                                     {"name": "某银行", "kind": "private", "note": "x"}, format="json")
    assert response.status_code == status
    assert not Bank.objects.filter(name="某银行").exists()


@pytest.mark.parametrize("who", ["enterprise", "officer", "bank_admin", "district", "bank_admin_2"])
def test_status_changes_by_others_are_404(world, who):
    client = client_for(world, who, api=True)
    response = client.post(reverse("api:bank-transition", args=[world.bank.pk]),
                           {"action": "suspend", "reason": "x"}, format="json")
    assert response.status_code == 404
    response = client.patch(reverse("api:bank-detail", args=[world.bank.pk]), {"note": "x"}, format="json")
    assert response.status_code == 404
    world.bank.refresh_from_db()
    assert world.bank.status == BankStatus.ADMITTED and world.bank.note == ""


def test_bank_history_is_for_admins_regulators_and_own_staff(world):
    services.bank_transition(actor=world.admin, bank=world.bank, action=BankAction.SUSPEND, reason="整改")
    url = reverse("api:bank-history", args=[world.bank.pk])
    for who in ("admin", "city", "district", "officer", "bank_admin"):
        assert client_for(world, who, api=True).get(url).status_code == 200, who
    for who in ("enterprise", "officer_2", "bank_admin_2"):
        assert client_for(world, who, api=True).get(url).status_code == 404, who


def test_bank_admin_publishes_edits_and_withdraws_its_product(world):
    client = client_for(world, "bank_admin", api=True)
    data = product_fields()
    data.update(amount_min="500000", amount_max="10000000")
    response = client.post(reverse("api:product-list"), data, format="json")
    assert response.status_code == 201, response.json()
    product_id = response.json()["id"]
    assert response.json()["bank"]["id"] == world.bank.pk
    response = client.patch(reverse("api:product-detail", args=[product_id]),
                            {"term_max_months": 60, "reason": "延长期限"}, format="json")
    assert response.status_code == 200 and response.json()["term_max_months"] == 60
    response = client.post(reverse("api:product-transition", args=[product_id]),
                           {"action": "withdraw", "reason": "停办"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = client.post(reverse("api:product-transition", args=[product_id]),
                           {"action": "withdraw", "reason": "停办"}, format="json")
    assert response.status_code == 409
    history = client.get(reverse("api:product-history", args=[product_id])).json()
    assert [h["action"] for h in history] == ["withdraw", "publish"]


def test_bad_product_gets_field_errors_and_nothing_is_saved(world):
    client = client_for(world, "bank_admin", api=True)
    data = product_fields(conditions={"any_of": [{"category": "finance"}]})
    data.update(amount_min="500000", amount_max="10000000")
    response = client.post(reverse("api:product-list"), data, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_conditions" and "finance" in body["message"]
    assert "conditions" in body["extra"]["fields"]
    data = product_fields(amount_min="1000", amount_max="10")
    response = client.post(reverse("api:product-list"), data, format="json")
    # Model-rule refusals answer in the same shape as serializer refusals: extra.fields.
    assert response.status_code == 400 and "amount_max" in response.json()["extra"]["fields"]
    response = client.post(reverse("api:product-list"), product_fields(term_min_months="x"), format="json")
    assert response.status_code == 400 and "term_min_months" in response.json()["extra"]["fields"]
    assert not Product.objects.exists()


@pytest.mark.parametrize("who,create_status", [("bank_admin_2", 400), ("officer", 403), ("approver", 403),
                                               ("city", 403), ("enterprise", 403)])
def test_others_cannot_touch_a_banks_product(world, product, who, create_status):
    client = client_for(world, who, api=True)
    response = client.patch(reverse("api:product-detail", args=[product.pk]), {"name": "改"}, format="json")
    assert response.status_code == 404
    response = client.post(reverse("api:product-transition", args=[product.pk]),
                           {"action": "withdraw", "reason": "x"}, format="json")
    assert response.status_code == 404
    data = product_fields(name="越权产品")
    data.update(amount_min="500000", amount_max="10000000", bank=world.bank.pk)
    response = client.post(reverse("api:product-list"), data, format="json")
    # A bank administrator naming another bank is told what it is told for a bank that does
    # not exist; roles that publish no products at all are refused outright.
    assert response.status_code == create_status
    if create_status == 400:
        assert "bank" in response.json()["extra"]["fields"]
        unknown_pk = Bank.objects.order_by("-pk").first().pk + 100
        unknown = client.post(reverse("api:product-list"), {**data, "bank": unknown_pk}, format="json").json()
        assert unknown == {**response.json(), "extra": {"fields": {"bank": [
            m.replace(str(world.bank.pk), str(unknown_pk)) for m in response.json()["extra"]["fields"]["bank"]]}}}
    product.refresh_from_db()
    assert product.name == "质量贷" and product.status == "active"
    assert not Product.objects.filter(name="越权产品").exists()


def test_staff_api_is_scoped_to_the_bank_admins_bank(world):
    client = client_for(world, "bank_admin", api=True)
    listed = {row["username"] for row in client.get(reverse("api:bank-staff-list")).json()["results"]}
    assert listed == {world.officer.username, world.approver.username, world.bank_admin.username}
    response = client.post(reverse("api:bank-staff-list"), {"username": "icbc-li", "password": "Quality-Loan-2026-ok",
                                                            "role": "bank_approver"}, format="json")
    assert response.status_code == 201 and response.json()["bank"]["id"] == world.bank.pk
    assert client.post(reverse("api:bank-staff-deactivate", args=[world.officer.pk])).status_code == 200
    assert client.post(reverse("api:bank-staff-deactivate", args=[world.officer_2.pk])).status_code == 404
    assert client.post(reverse("api:bank-staff-reset-password", args=[world.officer_2.pk]),
                       {"password": "Quality-Loan-2026-ok"}, format="json").status_code == 404
    response = client.post(reverse("api:bank-staff-list"), {"username": "icbc-boss", "password": "Quality-Loan-2026-ok",
                                                            "role": "bank_admin"}, format="json")
    assert response.status_code == 403
    assert not User.objects.filter(username="icbc-boss").exists()
    world.officer_2.refresh_from_db()
    assert world.officer_2.is_active


@pytest.mark.parametrize("who", ["officer", "approver", "enterprise", "city"])
def test_officers_and_others_cannot_manage_staff_over_the_api(world, who):
    client = client_for(world, who, api=True)
    assert client.get(reverse("api:bank-staff-list")).json()["results"] == []
    response = client.post(reverse("api:bank-staff-list"), {"username": "x-user", "password": "Quality-Loan-2026-ok",
                                                            "role": "bank_officer", "bank": world.bank.pk},
                           format="json")
    assert response.status_code == 403
    assert client.post(reverse("api:bank-staff-deactivate", args=[world.officer.pk if who != "officer"
                                                                   else world.approver.pk])).status_code == 404
    assert not User.objects.filter(username="x-user").exists()


def test_api_lists_run_constant_queries(world, product):
    BranchFactory(bank=world.bank, district_id="110108")

    def grow():
        for _ in range(10):
            bank = BankFactory()
            BranchFactory(bank=bank, district_id="110105")
            services.product_create(actor=world.admin, bank=bank, **product_fields(name=bank.name))
            services.product_create(actor=world.admin, bank=world.bank, **product_fields(name=f"{bank.name}产品"))
            User.objects.create(username=f"staff-{bank.pk}", role=Role.BANK_OFFICER, bank=world.bank)

    for who, url in [("anonymous", reverse("api:bank-list")), ("anonymous", reverse("api:product-list")),
                     ("city", reverse("api:bank-list")), ("bank_admin", reverse("api:bank-staff-list")),
                     ("anonymous", reverse("api:bank-products", args=[world.bank.pk]))]:
        assert_constant_queries(client_for(world, who, api=True), url, grow)


def test_product_list_filters(world, product, product_2):
    BranchFactory(bank=world.bank_2, district_id="110112")
    client = APIClient()
    assert _ids(client.get(reverse("api:product-list"), {"district": "110112"})) == [product_2.pk]
    assert _ids(client.get(reverse("api:product-list"), {"bank": world.bank.pk})) == [product.pk]
    assert len(_ids(client.get(reverse("api:product-list"), {"guarantee": "surety"}))) == 2
    assert _ids(client.get(reverse("api:product-list"), {"guarantee": "pledge"})) == []
    assert _ids(client.get(reverse("api:product-list"), {"q": "北京银行"})) == [product_2.pk]


def test_schema_lists_the_bank_endpoints(client):
    text = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/banks/", "/api/v1/banks/{id}/", "/api/v1/banks/{id}/products/",
                 "/api/v1/banks/{id}/transition/", "/api/v1/products/{id}/transition/", "/api/v1/bank-staff/"):
        assert path in text


def test_matching_api_for_enterprises(world, product):
    open_ = services.product_create(actor=world.bank_admin_2, bank=world.bank_2,
                                    **product_fields(name="宽松产品", conditions={}))
    response = client_for(world, "enterprise", api=True).get(reverse("api:product-matching"),
                                                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = {row["product"]["id"]: row for row in response.json()}
    assert rows[open_.pk]["meets"] is True and rows[open_.pk]["missing"] == []
    assert rows[product.pk]["meets"] is False
    assert rows[product.pk]["missing"] == [
        "Needs at least one of: a distinction in Quality management, a distinction in Quality brand."]
    assert client_for(world, "officer", api=True).get(reverse("api:product-matching")).status_code == 403
    assert APIClient().get(reverse("api:product-matching")).status_code == 401


@pytest.mark.parametrize("who,code", [("anonymous", 401), ("enterprise", 404), ("officer_2", 404),
                                      ("bank_admin_2", 404), ("officer", 200), ("district", 200), ("city", 200),
                                      ("admin", 200)])
def test_product_history_is_for_the_bank_and_regulators(world, who, code):
    product = services.product_create(actor=world.admin, bank=world.bank, **product_fields(name="历史测试贷"))
    r = client_for(world, who, api=True).get(reverse("api:product-history", args=[product.pk]))
    assert r.status_code in ((401, 403) if code == 401 else (code,)), (who, r.status_code)


def test_list_managers_edit_a_bank_over_the_api(world):
    url = reverse("api:bank-detail", args=[world.bank.pk])
    response = client_for(world, "city", api=True).patch(url, {"contact_phone": "010-66668888", "note": "补充材料"},
                                                         format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["contact_phone"] == "010-66668888"
    world.bank.refresh_from_db()
    assert (world.bank.contact_phone, world.bank.note) == ("010-66668888", "补充材料")
    response = client_for(world, "admin", api=True).patch(url, {"kind": "nope"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["extra"]["fields"]


@pytest.mark.parametrize("who", ["bank_admin", "city", "admin"])
def test_branch_managers_add_a_branch_over_the_api(world, who):
    response = client_for(world, who, api=True).post(
        reverse("api:bank-branches", args=[world.bank.pk]),
        {"name": "中关村支行", "district": "110108", "address": "海淀区中关村大街1号"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["district_name"] and world.bank.branches.filter(name="中关村支行").exists()


@pytest.mark.parametrize("who,code", [("bank_admin_2", 404), ("officer", 404), ("district", 404),
                                      ("enterprise", 404), ("anonymous", 401)])
def test_others_cannot_add_a_branch_over_the_api(world, who, code):
    response = client_for(world, who, api=True).post(reverse("api:bank-branches", args=[world.bank.pk]),
                                                     {"name": "越权支行", "district": "110108"}, format="json")
    assert response.status_code in ((401, 403) if code == 401 else (code,))
    assert not world.bank.branches.filter(name="越权支行").exists()


def test_product_filter_by_a_hidden_bank_answers_like_an_unknown_bank(world, product):
    suspended = BankFactory(status=BankStatus.SUSPENDED)
    client = APIClient()
    hidden = client.get(reverse("api:product-list"), {"bank": suspended.pk})
    unknown = client.get(reverse("api:product-list"), {"bank": suspended.pk + 100})
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["extra"]["fields"].keys() == unknown.json()["extra"]["fields"].keys() == {"bank"}
    # Readers who see the suspended bank may filter by it.
    assert client_for(world, "city", api=True).get(reverse("api:product-list"),
                                                   {"bank": suspended.pk}).status_code == 200


def test_staff_cannot_be_attached_to_a_closed_branch_over_the_api(world):
    closed = BranchFactory(bank=world.bank, is_active=False)
    client = client_for(world, "bank_admin", api=True)
    data = {"username": "icbc-closed", "password": "Quality-Loan-2026-ok", "role": "bank_officer",
            "bank_branch": closed.pk}
    response = client.post(reverse("api:bank-staff-list"), data, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid_branch" and "branch" in response.json()["extra"]["fields"]
    assert not User.objects.filter(username="icbc-closed").exists()
    # Another bank's branch answers like a branch that does not exist.
    foreign = client.post(reverse("api:bank-staff-list"),
                          {**data, "bank_branch": BranchFactory(bank=world.bank_2).pk}, format="json")
    unknown = client.post(reverse("api:bank-staff-list"), {**data, "bank_branch": closed.pk + 100}, format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json()["extra"]["fields"].keys() == unknown.json()["extra"]["fields"].keys() == {"bank_branch"}
    # Another bank answers like an unknown bank too.
    foreign = client.post(reverse("api:bank-staff-list"), {**data, "bank_branch": None, "bank": world.bank_2.pk},
                          format="json")
    assert foreign.status_code == 400 and "bank" in foreign.json()["extra"]["fields"]
    open_ = BranchFactory(bank=world.bank)
    response = client.post(reverse("api:bank-staff-list"), {**data, "bank_branch": open_.pk}, format="json")
    assert response.status_code == 201 and response.json()["bank_branch"] == open_.pk


@pytest.mark.parametrize("url_name", ["api:product-matching", "banks:product_match"])
def test_matching_loads_the_catalog_once(world, product, monkeypatch, url_name):
    from banks import conditions

    calls = []
    real = conditions.catalog_load
    monkeypatch.setattr(conditions, "catalog_load", lambda: calls.append(1) or real())
    client = client_for(world, "enterprise", api=url_name.startswith("api:"))
    assert client.get(reverse(url_name)).status_code == 200
    assert len(calls) == 1
