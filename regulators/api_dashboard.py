"""GET /api/v1/dashboard/?from=YYYY-MM-DD&to=YYYY-MM-DD[&district=<unit code>][&bank=<id>]: the
dashboard's figures (regulators.metrics.dashboard) for the caller's door; a district or bank
outside it answers 404, a malformed period 400 (jingzhidai.errors shape)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jingzhidai.errors import ApplicationError

from . import metrics
from .dashboard_access import scope_for
from .views_dashboard import PeriodError, period_from


class DashboardApiView(APIView):
    @extend_schema(
        operation_id="dashboard_retrieve",
        summary="Dashboard figures for a period",
        description=("Every figure of the regulators' dashboard for [from, to] (inclusive local dates), from dated "
                     "records. District regulators: their unit; the municipal bureau and platform admins: the city, "
                     "or one unit (`district`, a regulator unit code) and/or one bank; bank staff: their own bank. "
                     "Amounts in yuan (decimal strings), rates in percent, spreads in basis points over the "
                     "1-year LPR in force on the decision day, shares in percent (null when nothing to divide by), "
                     "days as decimals. Asking for a district or bank outside the caller's door answers 404."),
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("to", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("district", OpenApiTypes.STR, description="regulator unit code, e.g. 110108"),
                    OpenApiParameter("bank", OpenApiTypes.INT, description="bank id")],
        responses={200: inline_serializer("Dashboard", fields={
            "scope": serializers.DictField(), "period": serializers.DictField(),
            "enterprises": serializers.DictField(), "applications": serializers.DictField(),
            "amounts": serializers.DictField(), "approval_rate": serializers.DecimalField(7, 1, allow_null=True),
            "stage_days": serializers.DictField(), "verification": serializers.DictField(),
            "rates": serializers.DictField(), "credit_loans": serializers.DictField(),
            "loans": serializers.DictField(), "open_alerts": serializers.IntegerField(),
            "fund_use": serializers.DictField(),
            **{f"by_{d}": serializers.ListField(child=serializers.DictField())
               for d in ("bank", "product", "purpose", "category", "industry", "month")}})},
    )
    def get(self, request):
        params = request.query_params
        if not params.get("from") or not params.get("to"):
            raise ApplicationError("from and to are required (YYYY-MM-DD).", {"fields": {"from": ["required"],
                                                                                      "to": ["required"]}})
        scope = scope_for(request.user, unit=params.get("district") or None, bank=params.get("bank") or None)
        try:
            _kind, period = period_from({"period": "custom", "from": params["from"], "to": params["to"]})
        except PeriodError as e:
            raise ApplicationError(str(e), {"fields": {"from": [str(e)]}}) from None
        return Response(_jsonable(metrics.dashboard(scope, period)))


def _jsonable(value):
    """Decimals as strings (exact), dates ISO: what the rest of the API does."""
    from datetime import date
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
