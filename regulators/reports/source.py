"""Where a report's figures come from: the dashboard's computations (regulators.metrics), for
one scope and period, from dated records. Nothing here computes a figure."""

import json

from django.core.serializers.json import DjangoJSONEncoder


def figures_compute(*, unit, period, progress=None) -> dict:
    """The figures of `unit` (None: the city) for `period`, as JSON-ready data (decimals as
    strings), so that what is stored on the report is exactly what the files show."""
    from regulators import metrics  # the dashboard's module (helper `dash`)

    raw = metrics.figures(unit=unit, start=period.start, end=period.end)
    if progress:
        progress(60)
    return json.loads(json.dumps(raw, cls=DjangoJSONEncoder))
