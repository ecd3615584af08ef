"""API of post-loan management: `/api/v1/loans/` (with repayments, status actions and
fund-use reports) and `/api/v1/risk-alerts/`. Objects come through the selectors' doors
(others are 404); every write goes through a service; refused steps answer 409."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.choices import Purpose, RepaymentMethod
from applications.files import file_response
from identity.choices import Role
from jingzhidai.api import (
    DeferredJoinPagination,
    RowListSerializer,
    RowSerializerMixin,
    ScopedQuerysetMixin,
    inline_choice,
)
from jingzhidai.limits import NOTE, TEXT
from jingzhidai.scoping import get_visible_or_404

from . import alerts, selectors, services
from .choices import (
    AlertAction,
    Audience,
    Classification,
    FundUseStatus,
    LoanAction,
    LoanStatus,
    RepaymentSource,
)
from .filters import LoanFilter, RiskAlertFilter
from .models import FundUseReport, Loan, Repayment, RiskAlert
from .workflow import BANK_ACTIONS, allowed_actions

MONEY = dict(max_digits=16, decimal_places=2)


class InstalmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_on = serializers.DateField()
    principal = serializers.DecimalField(**MONEY)
    interest = serializers.DecimalField(**MONEY)


class RepaymentSerializer(serializers.ModelSerializer):
    source = inline_choice(RepaymentSource.choices, read_only=True)

    class Meta:
        model = Repayment
        fields = ["id", "date", "principal", "interest", "reference", "source", "recorded_at"]


class LoanSerializer(RowSerializerMixin, serializers.ModelSerializer):
    # The loan book reads it as rows (`row_values()`, RowSerializerMixin): the same JSON without
    # model instances.
    number = serializers.CharField(read_only=True)
    status = inline_choice(LoanStatus.choices, read_only=True)
    repayment_method = inline_choice(RepaymentMethod.choices, read_only=True)
    classification = inline_choice(Classification.choices, read_only=True)
    enterprise = serializers.SerializerMethodField()
    bank = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()
    district = serializers.CharField(source="enterprise.district_id", read_only=True, allow_null=True)
    contract_amount = serializers.DecimalField(source="contract.amount", read_only=True, **MONEY)
    annual_rate = serializers.DecimalField(source="contract.annual_rate", read_only=True, max_digits=6,
                                           decimal_places=3)
    open_alerts = serializers.IntegerField(read_only=True, default=None)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = ["id", "number", "application", "status", "enterprise", "district", "bank", "product",
                  "repayment_method", "contract_amount", "annual_rate", "disbursed", "first_disbursed_on",
                  "repaid_principal", "repaid_interest", "outstanding", "maturity_on", "next_due_on",
                  "next_due_amount", "days_past_due", "overdue_since", "extended_on", "original_maturity_on",
                  "extension_reason", "settled_on", "closed_on", "closed_reason", "classification", "classified_on",
                  "fund_use_flagged_at", "open_alerts", "status_changed_at", "allowed_actions"]
        list_serializer_class = RowListSerializer

    row_extra = ("status", "enterprise_id", "enterprise__name", "bank_id", "bank__name", "product_id",
                 "product__name", "contract_id", "contract__number")

    def get_enterprise(self, obj) -> dict:
        return {"uscc": obj.enterprise_id, "name": obj.enterprise.name}

    def get_bank(self, obj) -> dict:
        return {"id": obj.bank_id, "name": obj.bank.name}

    def get_product(self, obj) -> dict:
        return {"id": obj.product_id, "name": obj.product.name}

    def get_allowed_actions(self, obj) -> list[str]:
        return self._allowed(obj.status)

    def _allowed(self, status_value) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        # Once a page per status (RowSerializerMixin.once_a_page); each row a list of its own.
        return list(self.once_a_page(("allowed", status_value),
                                     lambda: allowed_actions(status_value, request.user.role)))

    @property
    def _hidden(self) -> tuple:
        request = self.context.get("request")
        # The five-category classification and the alert count are the bank's and regulators' view.
        if request is None or request.user.role == Role.ENTERPRISE:
            return ("classification", "classified_on", "open_alerts")
        return ()

    def to_representation(self, obj):
        data = super().to_representation(obj)
        for key in self._hidden:
            data.pop(key, None)
        return data

    # The same fields from a loan book row (RowSerializerMixin).
    def row_plan(self):
        hidden = self._hidden
        return [(name, get) for name, get in super().row_plan() if name not in hidden]

    def row_number(self, row) -> str:
        return Loan.number_of(row["contract_id"], row["contract__number"])

    def row_enterprise(self, row) -> dict:
        return {"uscc": row["enterprise_id"], "name": row["enterprise__name"]}

    def row_bank(self, row) -> dict:
        return {"id": row["bank_id"], "name": row["bank__name"]}

    def row_product(self, row) -> dict:
        return {"id": row["product_id"], "name": row["product__name"]}

    def row_allowed_actions(self, row) -> list[str]:
        return self._allowed(row["status"])


class LoanDetailSerializer(LoanSerializer):
    schedule = serializers.SerializerMethodField()
    repayments = serializers.SerializerMethodField()

    class Meta(LoanSerializer.Meta):
        fields = [*LoanSerializer.Meta.fields, "schedule", "repayments"]

    @extend_schema_field(InstalmentSerializer(many=True))
    def get_schedule(self, obj) -> list[dict]:
        return InstalmentSerializer(selectors.schedule_of(obj), many=True).data

    @extend_schema_field(RepaymentSerializer(many=True))
    def get_repayments(self, obj) -> list[dict]:
        return RepaymentSerializer(selectors.repayments_of(obj), many=True).data


class RepaymentWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    principal = serializers.DecimalField(min_value=0, **MONEY)
    interest = serializers.DecimalField(min_value=0, **MONEY)
    reference = serializers.CharField(max_length=64, help_text=_("The bank's own reference: the same reference "
                                                                 "twice is one repayment."))


class RepaymentBatchRowSerializer(RepaymentWriteSerializer):
    loan = serializers.IntegerField(required=False)
    contract_number = serializers.CharField(required=False, max_length=60)
    date = serializers.CharField(max_length=10)
    principal = serializers.CharField(max_length=20)
    interest = serializers.CharField(max_length=20)


class RepaymentBatchSerializer(serializers.Serializer):
    repayments = RepaymentBatchRowSerializer(many=True, max_length=5000)


class RepaymentBatchResultSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    result = serializers.CharField(help_text="created, duplicate or refused")
    loan = serializers.IntegerField(required=False)
    repayment = serializers.IntegerField(required=False)
    code = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class StatusSerializer(serializers.Serializer):
    action = inline_choice([(a, LoanAction(a).label) for a in BANK_ACTIONS])
    maturity_on = serializers.DateField(required=False, help_text=_("extend: the new maturity date"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                   help_text=_("extend, default, write_off: required"))
    settled_on = serializers.DateField(required=False, help_text=_("settle: default the last repayment's date"))
    classification = inline_choice(Classification.choices, required=False, help_text=_("classify: required"))
    classified_on = serializers.DateField(required=False, help_text=_("classify: default today"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class FundUseSerializer(serializers.ModelSerializer):
    purpose = inline_choice(Purpose.choices, read_only=True)
    status = inline_choice(FundUseStatus.choices, read_only=True)

    class Meta:
        model = FundUseReport
        fields = ["id", "loan", "purpose", "amount", "date", "description", "file_name", "reported_at", "status",
                  "review_note", "reviewed_at", "answer", "answered_at"]


class FundUseWriteSerializer(serializers.Serializer):
    purpose = inline_choice(Purpose.choices)
    amount = serializers.DecimalField(**MONEY)
    date = serializers.DateField()
    description = serializers.CharField(max_length=TEXT)
    file = serializers.FileField(required=False)


class FundUseReviewSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


class FundUseAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=NOTE)


class RiskAlertSerializer(serializers.ModelSerializer):
    audience = inline_choice(Audience.choices, read_only=True)
    action = inline_choice([("", "—"), *AlertAction.choices], read_only=True)
    event_kind = serializers.CharField(source="event.kind", read_only=True)
    summary = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    enterprise = serializers.SerializerMethodField()
    acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = RiskAlert
        fields = ["id", "event", "event_kind", "summary", "source", "good_news", "audience", "enterprise",
                  "loan", "application", "bank", "regulator_unit", "created_at", "acknowledged", "acknowledged_at",
                  "action", "note", "escalated_at"]

    def get_summary(self, obj) -> str:
        return alerts.summary(obj.event)

    def get_source(self, obj) -> str:
        return alerts.source(obj.event)

    def get_enterprise(self, obj) -> dict:
        return {"uscc": obj.enterprise_id, "name": obj.enterprise.name}

    def get_acknowledged(self, obj) -> bool:
        return obj.acknowledged_at is not None


class AcknowledgeSerializer(serializers.Serializer):
    action = inline_choice(AlertAction.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


CONFLICT = OpenApiResponse(description="Not allowed from the loan's (report's, alert's) current state, or it "
                                       "would break a rule (more than outstanding, more than disbursed); nothing "
                                       "changed.")


class LoanViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Loans from their signed contracts on. Enterprises see their own, bank staff their bank's,
    district regulators their unit's enterprises' loans (the municipal bureau and admins all)."""

    scope = staticmethod(selectors.loan_list)
    filterset_class = LoanFilter
    pagination_class = DeferredJoinPagination
    queryset = Loan.objects.none()
    audit_reads = frozenset({"list", "retrieve"})

    def get_serializer_class(self):
        return LoanDetailSerializer if self.action == "retrieve" else LoanSerializer

    def _fresh(self, loan, code=status.HTTP_200_OK):
        obj = selectors.loan_list(self.request.user).get(pk=loan.pk)
        return Response(LoanDetailSerializer(obj, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=RepaymentWriteSerializer, responses={201: RepaymentSerializer, 200: RepaymentSerializer,
                                                                409: CONFLICT})
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def repayments(self, request, pk=None):
        """Bank officer or approver: report one repayment. 201 when recorded, 200 when this bank
        reference was already recorded with the same figures (idempotent)."""
        loan = self.get_object()
        data = RepaymentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        repayment, created = services.repayment_record(loan=loan, user=request.user, source=RepaymentSource.API,
                                                       **data.validated_data)
        return Response(RepaymentSerializer(repayment).data, status=201 if created else 200)

    @extend_schema(request=RepaymentBatchSerializer, responses={200: RepaymentBatchResultSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="repayments-batch", pagination_class=None,
            filterset_class=None)
    def repayments_batch(self, request):
        """Bank officer or approver: a batch from the core system, each row by `loan` id or
        `contract_number`; each row is recorded or refused on its own."""
        if request.user.role not in (Role.BANK_OFFICER, Role.BANK_APPROVER):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied()
        data = RepaymentBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = services.repayments_import(user=request.user, rows=data.validated_data["repayments"],
                                             source=RepaymentSource.API)
        return Response(results)

    @extend_schema(request=StatusSerializer, responses={200: LoanDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="status", url_name="status", pagination_class=None,
            filterset_class=None)
    def status_(self, request, pk=None):
        """Bank: `extend` (maturity_on, reason; at most once), `settle` (when nothing is
        outstanding), `default` and `write_off` (approver, reason), `classify` (classification,
        classified_on)."""
        loan = self.get_object()
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        loan = services.loan_act(loan=loan, user=request.user, action=d.pop("action"), data=d)
        return self._fresh(loan)

    @extend_schema(methods=["GET"], responses=FundUseSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": FundUseWriteSerializer,
                                              "application/json": FundUseWriteSerializer},
                   responses={201: FundUseSerializer, 409: CONFLICT})
    @action(detail=True, methods=["get", "post"], url_path="fund-use-reports", url_name="fund-use-reports",
            pagination_class=None, filterset_class=None)
    def fund_use_reports(self, request, pk=None):
        """GET: the loan's fund-use reports. POST (enterprise): report a use of disbursed money
        (the total never exceeds what was disbursed)."""
        loan = self.get_object()
        if request.method == "GET":
            qs = selectors.fund_use_reports_visible_to(request.user).filter(loan=loan).order_by("date", "id")
            return Response(FundUseSerializer(qs, many=True).data)
        data = FundUseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        report = services.fund_use_report_create(loan=loan, user=request.user, uploaded=d.pop("file", None), **d)
        return Response(FundUseSerializer(report).data, status=status.HTTP_201_CREATED)

    def _report(self, request, pk, rid, door=selectors.fund_use_reports_visible_to):
        loan = self.get_object()
        return get_visible_or_404(door(request.user), pk=rid, loan=loan)

    @extend_schema(request=FundUseReviewSerializer, responses={200: FundUseSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path=r"fund-use-reports/(?P<rid>[0-9]+)/review",
            url_name="fund-use-review", pagination_class=None, filterset_class=None)
    def fund_use_review(self, request, pk=None, rid=None):
        """Bank: accept the report, or question it with a note (the enterprise answers)."""
        report = self._report(request, pk, rid)
        data = FundUseReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.fund_use_report_review(report=report, user=request.user, **data.validated_data)
        return Response(FundUseSerializer(report).data)

    @extend_schema(request=FundUseAnswerSerializer, responses={200: FundUseSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path=r"fund-use-reports/(?P<rid>[0-9]+)/answer",
            url_name="fund-use-answer", pagination_class=None, filterset_class=None)
    def fund_use_answer(self, request, pk=None, rid=None):
        """Enterprise: answer the bank's question on a report."""
        report = self._report(request, pk, rid)
        data = FundUseAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.fund_use_report_answer(report=report, user=request.user, **data.validated_data)
        return Response(FundUseSerializer(report).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"fund-use-reports/(?P<rid>[0-9]+)/file",
            url_name="fund-use-file", pagination_class=None, filterset_class=None)
    def fund_use_file(self, request, pk=None, rid=None):
        """The supporting file (the enterprise and the bank only)."""
        report = self._report(request, pk, rid, door=selectors.fund_use_files_visible_to)
        if not report.file:
            from django.http import Http404

            raise Http404
        return file_response(report.file.open("rb"), name=report.file_name, content_type=report.file_content_type)


class RiskAlertViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Library changes about enterprises with an outstanding loan or an open application: for
    the bank holding it, and for the enterprise's district regulator."""

    scope = staticmethod(selectors.risk_alerts_visible_to)
    serializer_class = RiskAlertSerializer
    filterset_class = RiskAlertFilter
    pagination_class = DeferredJoinPagination
    queryset = RiskAlert.objects.none()
    audit_reads = frozenset({"list", "retrieve"})

    def scoped(self, queryset):
        return queryset.order_by("-created_at", "-id")

    @extend_schema(request=AcknowledgeSerializer, responses={200: RiskAlertSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Bank officer or approver: what the bank does about it (a note is required for early
        repayment and other)."""
        alert = self.get_object()
        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.risk_alert_acknowledge(alert=alert, user=request.user, **data.validated_data)
        return Response(RiskAlertSerializer(selectors.risk_alerts_visible_to(request.user).get(pk=alert.pk)).data)


def register(router):
    router.register("loans", LoanViewSet, basename="loan")
    router.register("risk-alerts", RiskAlertViewSet, basename="risk-alert")
