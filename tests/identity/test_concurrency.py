"""Two accounts with the same name at once: the case-insensitive unique constraint lets one in,
the other gets the normal answer instead of a server error."""

import threading

import pytest
from django.db import connection, connections

from banks import services as bank_services
from identity import services
from identity.choices import Role
from identity.models import User
from jingzhidai.errors import ApplicationError

from ..factories import BankFactory, EnterpriseFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data_restored"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


def _race(target, args_list):
    barrier = threading.Barrier(len(args_list))
    outcomes = []

    def run(args):
        try:
            barrier.wait()
            outcomes.append(("ok", target(*args)))
        except ApplicationError as e:
            outcomes.append((e.code, e.status_code))
        except Exception as e:  # anything else would be a 500
            outcomes.append(("error", repr(e)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_sign_ups_with_the_same_name_at_once():
    ent = EnterpriseFactory(district_id="110108", division="110108")

    def signup(name, email):
        return services.enterprise_user_signup(uscc_code=ent.uscc, enterprise_name=ent.name, username=name,
                                               password="Lantern-river-4417", email=email)

    outcomes = _race(signup, [("same-name", "a@example.com"), ("Same-Name", "b@example.com"),
                              ("SAME-NAME", "c@example.com")])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert sum(result is not None for _, result in outcomes) == 1
    assert User.objects.filter(username__iexact="same-name").count() == 1


def test_two_staff_accounts_with_the_same_name_at_once():
    bank = BankFactory()
    admin = UserFactory(role=Role.BANK_ADMIN, bank=bank)

    def create(name):
        return bank_services.staff_create(actor=admin, bank=bank, username=name, password="Lantern-river-4417",
                                          role=Role.BANK_OFFICER)

    outcomes = _race(create, [("clerk-1",), ("Clerk-1",), ("CLERK-1",)])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "username_taken", "username_taken"], outcomes
    assert all(status == 400 for kind, status in outcomes if kind != "ok")
    assert User.objects.filter(username__iexact="clerk-1").count() == 1
