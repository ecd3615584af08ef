"""The one tenant rule every `*_visible_to` door shares (identity.scoping.tenant_q): which
rows each role sees through a model's tenant keys, and that a closed path shuts the role out."""

import pytest
from django.contrib.auth.models import AnonymousUser

from identity.models import Enterprise
from identity.scoping import CLOSED, scoped, tenant_q
from loans.models import Loan


def _visible(qs, user, **paths):
    return set(scoped(qs, user, **paths).values_list("pk", flat=True))


@pytest.mark.django_db
class TestTenantRule:
    def test_enterprises_by_role(self, world):
        both = {world.ent.pk, world.ent_2.pk}
        qs = Enterprise.objects.filter(pk__in=both)
        paths = dict(enterprise="uscc", bank=CLOSED, unit="regulator_unit")
        assert _visible(qs, world.enterprise, **paths) == {world.ent.pk}
        assert _visible(qs, world.enterprise_2, **paths) == {world.ent_2.pk}
        assert _visible(qs, world.district, **paths) == {world.ent.pk}
        assert _visible(qs, world.district_2, **paths) == {world.ent_2.pk}
        assert _visible(qs, world.city, **paths) == both
        assert _visible(qs, world.admin, **paths) == both
        for bank_user in (world.officer, world.approver, world.bank_admin, world.officer_2):
            assert _visible(qs, bank_user, **paths) == set()
        assert _visible(qs, AnonymousUser(), **paths) == set()

    def test_default_paths_are_enterprise_bank_and_the_enterprises_unit(self, world):
        q = tenant_q(world.officer)
        assert dict(q.children) == {"bank": world.bank.pk}
        assert dict(tenant_q(world.enterprise).children) == {"enterprise": world.ent.pk}
        assert dict(tenant_q(world.district).children) == {
            "enterprise__regulator_unit": world.district.regulator_unit_id}
        assert not tenant_q(world.city).children  # everything

    def test_closed_paths_and_see_all(self, world):
        assert tenant_q(world.enterprise, enterprise=CLOSED) is None
        assert tenant_q(world.officer, bank=CLOSED) is None
        assert tenant_q(world.district, unit=CLOSED) is None
        # With the enterprise path closed, the district still sees through an explicit unit path.
        assert dict(tenant_q(world.district, enterprise=CLOSED, unit="enterprise__regulator_unit").children) == {
            "enterprise__regulator_unit": world.district.regulator_unit_id}
        assert tenant_q(world.city, see_all=False) is None
        assert tenant_q(world.admin, see_all=False) is None
        assert tenant_q(AnonymousUser()) is None

    def test_scoped_of_nothing_is_empty_not_everything(self, world):
        assert scoped(Loan.objects.all(), AnonymousUser()).query.is_empty()
        assert scoped(Loan.objects.all(), world.enterprise, enterprise=CLOSED).query.is_empty()
