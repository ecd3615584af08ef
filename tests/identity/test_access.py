"""Tenant matrix for identity resources, and constant query counts for their lists."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from identity.choices import Role

from ..factories import EnterpriseFactory, UserFactory
from ..helpers import TenantMatrix, assert_constant_queries, client_for

pytestmark = pytest.mark.django_db


class TestEnterpriseAccess(TenantMatrix):
    """An enterprise is seen by itself, its district regulator, the municipal bureau and admins."""

    allowed = {"enterprise", "district", "city", "admin"}

    def make(self, world):
        return world.ent

    def detail_urls(self, obj):
        return [(reverse("identity:enterprise_detail", args=[obj.uscc]), False),
                (reverse("api:enterprise-detail", args=[obj.uscc]), True)]

    def list_urls(self):
        # The registry page is a regulators' and admins' page; the API list shows an
        # enterprise its own record.
        return [(reverse("identity:enterprise_list"), False, {"enterprise"}), (reverse("api:enterprise-list"), True)]

    def key(self, obj):
        return obj.uscc


class TestEnterpriseAccountAccess(TenantMatrix):
    """Sign-up bindings: an enterprise account is listed for its district regulator (not the
    other district), the municipal bureau and admins."""

    allowed = {"district", "city", "admin"}

    def make(self, world):
        return UserFactory(username="binding-under-test", role=Role.ENTERPRISE, enterprise=world.ent)

    def detail_urls(self, obj):
        return []

    def list_urls(self):
        return [(reverse("identity:user_list"), False)]

    def key(self, obj):
        return obj.username


def test_missing_and_forbidden_look_the_same(world):
    client = client_for(world, "district_2", api=True)
    forbidden = client.get(reverse("api:enterprise-detail", args=[world.ent.uscc]))
    missing = client.get(reverse("api:enterprise-detail", args=["91110000802100433B"]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


@pytest.mark.parametrize("who", ["district", "city", "admin"])
def test_enterprise_lists_run_constant_queries(world, who):
    def grow():
        for _ in range(30):
            ent = EnterpriseFactory(district_id="110108")
            UserFactory(role=Role.ENTERPRISE, enterprise=ent)

    for api in (False, True):
        url = reverse("api:enterprise-list" if api else "identity:enterprise_list")
        assert_constant_queries(client_for(world, who, api=api), url, grow)


@pytest.mark.parametrize("who", ["district", "admin"])
def test_account_list_runs_constant_queries(world, who):
    def grow():
        for _ in range(30):
            UserFactory(role=Role.ENTERPRISE, enterprise=EnterpriseFactory(district_id="110108"))

    assert_constant_queries(client_for(world, who), reverse("identity:user_list"), grow)


def test_enterprise_list_filters(world):
    client = client_for(world, "city", api=True)
    data = client.get(reverse("api:enterprise-list"), {"district": "110105"}).json()
    assert [e["uscc"] for e in data["results"]] == [world.ent_2.uscc]
    data = client.get(reverse("api:enterprise-list"), {"q": world.ent.uscc[:12]}).json()
    assert world.ent.uscc in [e["uscc"] for e in data["results"]]


def test_reference_data_is_public():
    client = APIClient()
    districts = client.get(reverse("api:district-list")).json()
    assert len(districts) == 16 and districts[0] == {"code": "110101", "name": "东城区", "name_en": "Dongcheng District"}
    units = client.get(reverse("api:regulator-unit-list")).json()
    names = {u["name"] for u in units}
    assert len(units) == 20
    assert {"北京市市场监督管理局", "北京经济技术开发区商务金融局", "房山区燕山市场监管分局", "市市场监管局机场分局"} <= names
