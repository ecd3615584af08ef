"""Two people deciding on the same bank at once: the row lock lets exactly one win."""

import threading

import pytest
from django.db import connection, connections

from banks import services
from banks.choices import BankAction, BankStatus
from banks.models import BankStatusChange
from jingzhidai.errors import TransitionNotAllowed

from ..factories import BankFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data_restored"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)"),
]


def test_concurrent_suspensions_record_one_decision():
    from identity.choices import Role

    bank = BankFactory()
    admins = [UserFactory(role=Role.PLATFORM_ADMIN) for _ in range(4)]
    barrier = threading.Barrier(len(admins))
    outcomes = []

    def decide(admin):
        try:
            barrier.wait()
            services.bank_transition(actor=admin, bank=bank, action=BankAction.SUSPEND, reason="并发")
            outcomes.append("ok")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(a,)) for a in admins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    bank.refresh_from_db()
    assert bank.status == BankStatus.SUSPENDED
    assert BankStatusChange.objects.filter(bank=bank, action=BankAction.SUSPEND).count() == 1
