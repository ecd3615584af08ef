from types import SimpleNamespace

import pytest
from django.core.cache import cache

from identity.choices import Role
from identity.models import RegulatorUnit

from .factories import BankFactory, EnterpriseFactory, UserFactory


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    """For modules of transactional tests (row-lock races on PostgreSQL): with
    `serialized_rollback=True` the migrations' reference data (districts, units, the element
    catalog, institution kinds…) is reloaded before each test, but the flush after the last
    one would leave the database empty for whatever runs next on this worker. Reload it once
    more at the end of the module."""
    from django.db import connection

    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _clean_state(settings):
    cache.clear()
    settings.LANGUAGE_CODE = "zh-hans"
    yield


@pytest.fixture
def world(db):
    """Two enterprises in different districts, two banks, their staff, two district
    regulators (one per enterprise), the municipal bureau and a platform admin."""
    haidian, chaoyang, city = (RegulatorUnit.objects.get(code=c) for c in ("110108", "110105", "110000"))
    ent = EnterpriseFactory(district_id="110108", division="110108")
    ent2 = EnterpriseFactory(district_id="110105", division="110105")
    bank, bank2 = BankFactory(), BankFactory()
    users = dict(
        enterprise=UserFactory(role=Role.ENTERPRISE, enterprise=ent),
        enterprise_2=UserFactory(role=Role.ENTERPRISE, enterprise=ent2),
        officer=UserFactory(role=Role.BANK_OFFICER, bank=bank),
        approver=UserFactory(role=Role.BANK_APPROVER, bank=bank),
        bank_admin=UserFactory(role=Role.BANK_ADMIN, bank=bank),
        officer_2=UserFactory(role=Role.BANK_OFFICER, bank=bank2),
        bank_admin_2=UserFactory(role=Role.BANK_ADMIN, bank=bank2),
        district=UserFactory(role=Role.DISTRICT_REGULATOR, regulator_unit=haidian),
        district_2=UserFactory(role=Role.DISTRICT_REGULATOR, regulator_unit=chaoyang),
        city=UserFactory(role=Role.CITY_REGULATOR, regulator_unit=city),
        admin=UserFactory(role=Role.PLATFORM_ADMIN),
    )
    return SimpleNamespace(ent=ent, ent_2=ent2, bank=bank, bank_2=bank2, users=users,
                           **users)
