"""The demo world: banks with history, products of different conditions, bank staff; idempotent."""

import pytest
from django.urls import reverse
from django.utils import translation

from banks import demo as bank_demo
from banks import selectors
from banks.models import Bank, BankStatusChange, Product, ProductStatusChange
from identity import demo as identity_demo
from identity.models import User

from .conftest import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(db):
    identity_demo.seed()
    bank_demo.seed()
    return {u.username: u for u in User.objects.filter(username__startswith="demo-")}


def test_demo_banks_products_and_staff(demo_world):
    officer, bank_admin = demo_world["demo-officer"], demo_world["demo-bank-admin"]
    assert bank_admin.bank_id == officer.bank_id and bank_admin.role == "bank_admin"
    assert demo_world["demo-bank-admin-2"].bank_id == demo_world["demo-officer-2"].bank_id != officer.bank_id
    assert Bank.objects.filter(status="suspended").count() == 1
    assert {s.action for s in BankStatusChange.objects.all()} == {"admit", "suspend"}
    open_products = list(selectors.products_open_to(None))
    assert len(open_products) >= 6
    assert len({str(p.conditions) for p in open_products}) == len(open_products)  # all different
    assert Product.objects.filter(status="withdrawn").exists()
    # Different profiles meet different products.
    with translation.override("en"):
        credit_only = [p for p in open_products if selectors.product_match(p, make_profile())[0]]
        strong = [p for p in open_products
                  if selectors.product_match(p, make_profile("management.chief_quality_officer",
                                                            "brand.time_honored"))[0]]
    assert 0 < len(credit_only) < len(strong) < len(open_products)


def test_demo_is_idempotent(demo_world):
    counts = (Bank.objects.count(), Product.objects.count(), BankStatusChange.objects.count(),
              ProductStatusChange.objects.count(), Bank.history.count(), Product.history.count())
    identity_demo.seed()
    bank_demo.seed()
    assert counts == (Bank.objects.count(), Product.objects.count(), BankStatusChange.objects.count(),
                      ProductStatusChange.objects.count(), Bank.history.count(), Product.history.count())


def test_every_menu_page_opens_for_demo_users(client, demo_world):
    from identity.navigation import menu_for

    for username in ["demo-admin", "demo-city", "demo-district", "demo-bank-admin", "demo-officer",
                     "demo-enterprise", None]:
        client.logout()
        if username:
            client.force_login(demo_world[username])
            urls = [item["url"] for item in menu_for(demo_world[username]) if item["name"].startswith("banks:")]
            assert urls, username
        else:
            urls = [reverse("banks:bank_list"), reverse("banks:product_list")]
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (username, url)
    client.force_login(demo_world["demo-bank-admin"])
    assert client.get(reverse("banks:staff_create")).status_code == 200
    client.force_login(demo_world["demo-admin"])
    assert client.get(reverse("banks:bank_admit")).status_code == 200
    assert client.get(reverse("banks:staff_create")).status_code == 200
