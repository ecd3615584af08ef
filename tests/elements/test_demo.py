import pytest

from elements.models import Distinction, ImportBatch
from elements.selectors import profile_get
from identity.demo import DEMO_ENTERPRISE, DEMO_ENTERPRISE_2, demo_enterprise_code
from identity.models import Enterprise

pytestmark = pytest.mark.django_db


def test_demo_library(db):
    from banks import demo as banks_demo
    from elements import demo
    from identity import demo as identity_demo

    identity_demo.seed()
    banks_demo.seed()
    demo.seed()
    batches = ImportBatch.objects.count()
    assert batches == 6 and not ImportBatch.objects.exclude(status="succeeded").exists()
    assert ImportBatch.objects.filter(rejected__gt=0).exists()
    one = profile_get(enterprise=Enterprise.objects.get(uscc=demo_enterprise_code(DEMO_ENTERPRISE)))
    assert one.quality_credit.holds and {"management", "brand"} <= one.held_categories()
    assert any(e.expiring_soon for c in one.categories for e in c.elements)
    two = profile_get(enterprise=Enterprise.objects.get(uscc=demo_enterprise_code(DEMO_ENTERPRISE_2)))
    assert not two.quality_credit.holds and two.held_categories()
    failing, shown = set(), set()
    for ent in Enterprise.objects.all():
        credit = profile_get(enterprise=ent).quality_credit
        failing |= {r.condition for r in credit.reasons}
        shown |= {r.condition for r in credit.information}
    assert len(failing) == 4
    # another department's penalty and another province's failed check: shown, not deciding
    assert {"credit.no_penalty_3y", "credit.no_failed_spotcheck_3y"} <= shown
    assert Distinction.objects.values("enterprise").distinct().count() > 50
    demo.seed()  # idempotent
    assert ImportBatch.objects.count() == batches
