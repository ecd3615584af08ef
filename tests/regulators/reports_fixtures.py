"""Activity in a closed month for the report tests: the flow runs with the clock set to
15 October 2026 (every stamp the services write comes from django.utils.timezone.now), so that
October 2026 is a closed period with dated records in it."""

from datetime import datetime
from unittest import mock

import pytest
from django.utils import timezone

from applications.choices import Status

OCTOBER = timezone.make_aware(datetime(2026, 10, 15, 10, 0))


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def october(flow):
    """Haidian (bank 1): one loan disbursed (requested 100万, approved 100万, disbursed 40万) and
    one rejected; Chaoyang (bank 2): one submitted."""
    with at(OCTOBER):
        disbursed = flow.to(Status.DISBURSED)
        rejected = flow.to(Status.REJECTED)
        submitted = flow.to(Status.SUBMITTED, other=True)
    return {"disbursed": disbursed, "rejected": rejected, "submitted": submitted}
