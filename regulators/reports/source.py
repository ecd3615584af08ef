"""Where a report's figures come from: the dashboard's computations (regulators.metrics), for
one scope and period, from dated records. Nothing here computes a figure."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from regulators import metrics


def figures_compute(*, unit, period, progress=None) -> dict:
    """The figures of `unit` (None: the city) for `period`, as JSON-ready data (decimals as
    strings), so that what is stored on the report is exactly what the files show: the
    dashboard's figures, the policy effect, and for the city its units side by side.
    Computed afresh from the records (`refresh`), not taken from the dashboard's kept results:
    an archived report answers for its figures (and refreshes the kept ones on the way)."""
    scope = metrics.Scope(unit=unit.pk if unit else None)
    span = metrics.Period(period.start, period.end)
    figures = {"dashboard": metrics.dashboard(scope, span, refresh=True)}
    if progress:
        progress(40)
    figures["policy_effect"] = metrics.policy_effect(scope, span, refresh=True)
    if progress:
        progress(50)
    if unit is None:
        figures["by_unit"] = metrics.by_unit(span, refresh=True)
    if progress:
        progress(60)
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))
