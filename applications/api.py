"""API of the application workflow: `/api/v1/applications/` (with its actions) and
`/api/v1/verification-requests/`. Objects come through the selectors' doors (others are 404);
every write goes through a service; refused transitions answer 409."""

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from banks import selectors as bank_selectors
from banks.choices import GuaranteeType
from banks.models import Branch, Product
from identity.choices import BANK_ROLES
from jingzhidai.api import (
    DeferredJoinPagination,
    RowListSerializer,
    RowSerializerMixin,
    ScopedQuerysetMixin,
    inline_choice,
    row_converter,
)
from jingzhidai.limits import CODE, LONG_TEXT, NOTE, REASON, SHORT, TEXT
from jingzhidai.scoping import get_visible_or_404

from . import selectors, services
from .choices import (
    HISTORY_ACTIONS,
    DocumentKind,
    EvidenceReview,
    Purpose,
    RepaymentMethod,
    Status,
    VerificationStatus,
)
from .files import file_response
from .filters import ApplicationFilter, VerificationRequestFilter
from .models import TERM_MAX_MONTHS, Application, Claim, Document, Evidence, HistoryEntry, VerificationRequest
from .workflow import allowed_actions

# Serializers -------------------------------------------------------------------------------

class ClaimSerializer(serializers.ModelSerializer):
    element = serializers.CharField(source="element_type.code")
    name = serializers.CharField(source="element_type.name")

    class Meta:
        model = Claim
        fields = ["element", "name", "origin"]


class ContractSerializer(serializers.Serializer):
    number = serializers.CharField()
    signed_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    annual_rate = serializers.DecimalField(max_digits=6, decimal_places=3)
    term_months = serializers.IntegerField()
    maturity_on = serializers.DateField()
    repayment_method = inline_choice(RepaymentMethod.choices)


class ApplicationSerializer(RowSerializerMixin, serializers.ModelSerializer):
    # The list reads it as rows (`row_values()`, RowSerializerMixin): the same JSON without
    # model instances. (A comment, not a docstring: the schema would show it.)
    number = serializers.CharField(read_only=True)
    status = inline_choice(Status.choices, read_only=True)
    purpose = inline_choice(Purpose.choices, read_only=True)
    guarantee_type = inline_choice(GuaranteeType.choices, read_only=True)
    enterprise = serializers.SerializerMethodField()
    bank = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()
    district = serializers.CharField(source="enterprise.district_id", read_only=True, allow_null=True)
    authorised_at = serializers.SerializerMethodField()
    contract = ContractSerializer(read_only=True, allow_null=True)
    disbursed_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, default=None)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "number", "status", "enterprise", "district", "bank", "product", "branch", "amount", "term_months",
            "purpose", "purpose_description", "need_statement", "authorised_at", "created_at", "status_changed_at",
            "submitted_at", "accepted_at", "returned_at", "proposed_at", "decided_at", "contracted_at",
            "disbursed_at", "withdrawn_at", "return_note", "credit_line", "annual_rate", "decided_term_months",
            "guarantee_type", "proposal_notes", "decision_reason", "contract", "disbursed_total", "allowed_actions",
        ]
        list_serializer_class = RowListSerializer

    # What the row methods read, besides the plain fields' columns.
    row_extra = ("id", "created_at", "status", "enterprise_id", "enterprise__name", "bank_id", "bank__name",
                 "product_id", "product__name", "authorised_at", "contract__id",
                 *(f"contract__{name}" for name in ContractSerializer._declared_fields))

    def get_enterprise(self, obj) -> dict:
        return {"uscc": obj.enterprise_id, "name": obj.enterprise.name}

    def get_bank(self, obj) -> dict:
        return {"id": obj.bank_id, "name": obj.bank.name}

    def get_product(self, obj) -> dict:
        return {"id": obj.product_id, "name": obj.product.name}

    def get_authorised_at(self, obj) -> str | None:
        # Annotated by selectors.application_list: the active authorisation of the application's bank.
        at = getattr(obj, "authorised_at", None)
        if at is None and not hasattr(obj, "authorised_at"):
            auth = selectors.authorisation_current(obj)
            at = auth.granted_at if auth else None
        return at.isoformat() if at else None

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
        # The officer's proposal notes are the bank's internal reasoning: bank staff only.
        return ("proposal_notes",) if request is None or request.user.role not in BANK_ROLES else ()

    def to_representation(self, obj):
        data = super().to_representation(obj)
        for name in self._hidden:
            data.pop(name, None)
        return data

    # The same fields from a list row (RowSerializerMixin).
    def row_plan(self):
        hidden = self._hidden
        return [(name, get) for name, get in super().row_plan() if name not in hidden]

    def row_number(self, row) -> str:
        return Application.number_of(row["id"], row["created_at"])

    def row_enterprise(self, row) -> dict:
        return {"uscc": row["enterprise_id"], "name": row["enterprise__name"]}

    def row_bank(self, row) -> dict:
        return {"id": row["bank_id"], "name": row["bank__name"]}

    def row_product(self, row) -> dict:
        return {"id": row["product_id"], "name": row["product__name"]}

    def row_authorised_at(self, row) -> str | None:
        at = row["authorised_at"]
        return at.isoformat() if at else None

    @cached_property
    def _contract_fields(self) -> list:
        # The nested serializer's fields as row_fields has them (built once per class).
        tz = timezone.get_current_timezone()
        return [(name, row_converter(field, tz))
                for name, field in dict(self.row_fields())["contract"].fields.items()]

    def row_contract(self, row) -> dict | None:
        if row["contract__id"] is None:
            return None
        return {name: convert(row[f"contract__{name}"]) for name, convert in self._contract_fields}

    def row_allowed_actions(self, row) -> list[str]:
        return self._allowed(row["status"])


class ApplicationDetailSerializer(ApplicationSerializer):
    claims = ClaimSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "claims"]


class ApplicationWriteSerializer(serializers.Serializer):
    # Scoped in __init__ to what the HTML form offers: an id outside it answers like a missing one.
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.none())
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=1)
    term_months = serializers.IntegerField(min_value=1, max_value=TERM_MAX_MONTHS)
    purpose = inline_choice(Purpose.choices)
    purpose_description = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT)
    need_statement = serializers.CharField(max_length=LONG_TEXT)
    claims = serializers.ListField(child=serializers.CharField(max_length=CODE), required=False, max_length=100,
                                   help_text=_("Element type codes claimed; default: the distinctions the profile "
                                               "holds."))
    authorise = serializers.BooleanField(required=False, default=False, help_text=_(
        "Authorise the bank to see the enterprise's quality profile and evidence (required before submitting)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.enterprise_id:
            offered = bank_selectors.products_open_to(user.enterprise)
            application = self.context.get("application")
            if application is not None:  # a returned application may restate the product it has
                offered = offered | Product.objects.filter(pk=application.product_id)
            self.fields["product"].queryset = offered


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


class SubmitSerializer(NoteSerializer):
    authorise = serializers.BooleanField(required=False, default=False, help_text=_(
        "Authorise the application's bank with the submission (needed when it has no authorisation, e.g. after "
        "the draft moved to another bank's product)."))


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE)


class ProposeSerializer(serializers.Serializer):
    credit_line = serializers.DecimalField(max_digits=16, decimal_places=2)
    annual_rate = serializers.DecimalField(max_digits=6, decimal_places=3)
    term_months = serializers.IntegerField(min_value=1, max_value=TERM_MAX_MONTHS)
    guarantee_type = inline_choice(GuaranteeType.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)


class ContractWriteSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    signed_on = serializers.DateField(required=False, help_text=_(
        "Default today; not before the approval, not in the future (CONTRACT_SIGNED_ON_MAX_DAYS_AHEAD)."))
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, help_text=_(
        "Default and maximum: the approved credit line."))
    annual_rate = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, help_text=_(
        "The approved rate (the default)."))
    term_months = serializers.IntegerField(min_value=1, max_value=TERM_MAX_MONTHS, required=False, help_text=_(
        "Default and maximum: the approved term."))
    maturity_on = serializers.DateField(required=False, help_text=_(
        "Computed: the signing date plus the term. If sent, it must be that date."))
    repayment_method = inline_choice(RepaymentMethod.choices, required=False,
                                     help_text=_("Default: monthly interest, principal at maturity."))


class DisburseSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    date = serializers.DateField(required=False)


class HistorySerializer(serializers.ModelSerializer):
    action = inline_choice(HISTORY_ACTIONS)
    # Plain strings: one enum under two field names makes the schema generator warn.
    from_status = serializers.CharField(help_text="One of: " + ", ".join(Status.values))
    to_status = serializers.CharField(help_text="One of: " + ", ".join(Status.values))

    class Meta:
        model = HistoryEntry
        fields = ["at", "action", "from_status", "to_status", "actor_name", "note"]


class EvidenceSerializer(serializers.ModelSerializer):
    element = serializers.CharField(source="claim.element_type.code")
    review = inline_choice(EvidenceReview.choices, read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "element", "original_name", "content_type", "size", "sha256", "uploaded_at", "review",
                  "review_reason"]


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    element = serializers.CharField(max_length=CODE,
                                    help_text=_("Element type code, e.g. management.china_quality_award"))


class DocumentSerializer(serializers.ModelSerializer):
    kind = inline_choice(DocumentKind.choices, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "note", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = inline_choice(DocumentKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                 help_text=_("What the document is; required for other material."))


class ReviewSerializer(serializers.Serializer):
    review = inline_choice([(EvidenceReview.VERIFIED, EvidenceReview.VERIFIED.label),
                            (EvidenceReview.REJECTED, EvidenceReview.REJECTED.label)])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON)


class VerificationRequestSerializer(RowSerializerMixin, serializers.ModelSerializer):
    # The list reads it as rows (RowSerializerMixin): the same JSON without model instances.
    element = serializers.CharField(source="element_type.code")
    element_name = serializers.CharField(source="element_type.name")
    enterprise = serializers.SerializerMethodField()
    bank = serializers.CharField(source="application.bank.name")
    regulator_unit = serializers.CharField(source="regulator_unit.code")
    status = inline_choice(VerificationStatus.choices, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = VerificationRequest
        fields = ["id", "application", "element", "element_name", "enterprise", "bank", "regulator_unit",
                  "question", "asked_at", "due_on", "overdue", "status", "answer_note", "answered_at",
                  "distinction"]
        list_serializer_class = RowListSerializer

    row_extra = ("enterprise_id", "enterprise__name", "status", "due_on")

    def get_enterprise(self, obj) -> dict:
        return {"uscc": obj.enterprise_id, "name": obj.enterprise.name}

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def row_enterprise(self, row) -> dict:
        return {"uscc": row["enterprise_id"], "name": row["enterprise__name"]}

    @cached_property
    def _today(self):
        return timezone.localdate()  # once a page

    def row_overdue(self, row) -> bool:
        # VerificationRequest.is_overdue, from the row.
        return row["status"] == VerificationStatus.OPEN and row["due_on"] < self._today


class VerificationRequestCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    element = serializers.CharField(max_length=CODE)
    question = serializers.CharField(max_length=NOTE)


class AnswerSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE)
    file = serializers.FileField(required=False)
    level = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHORT)
    issuer = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHORT)
    certificate_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHORT)
    granted_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


CONFLICT = OpenApiResponse(description="The step is not allowed from the application's current status "
                                       "(or would break a workflow rule); nothing changed.")


# Viewsets ----------------------------------------------------------------------------------

class ApplicationViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """京质贷 applications. Enterprises see their own (drafts included); a bank sees those
    submitted to it; regulators see their district's (the municipal bureau all)."""

    scope = staticmethod(selectors.application_list)
    filterset_class = ApplicationFilter
    pagination_class = DeferredJoinPagination
    # A step finds the application by the plain door without its joins; the service locks and
    # reads it, and the answer reads it once with the list's figures (`_fresh`).
    action_scopes = dict.fromkeys(["partial_update", "submit", "withdraw", "accept", "return_", "propose", "approve",
                                   "reject", "contract", "disburse", "evidence", "evidence_review", "documents",
                                   "document_file", "document_delete"],
                                  staticmethod(selectors.application_for_step))
    queryset = Application.objects.none()
    audit_reads = frozenset({"list", "retrieve", "evidence_file", "document_file", "profile", "history"})

    def scoped(self, queryset):
        if self.action == "retrieve":
            # Only the relations the answer shows: each join more is planning time on every read.
            return (queryset.select_related(None).select_related("enterprise", "bank", "product", "contract")
                    .prefetch_related(selectors.claims_with_types()))
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ApplicationDetailSerializer
        return ApplicationSerializer

    def _fresh(self, app, code=status.HTTP_200_OK):
        obj = selectors.application_answer(self.request.user).prefetch_related(selectors.claims_with_types()).get(
            pk=app.pk)
        return Response(ApplicationDetailSerializer(obj, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ApplicationWriteSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request):
        """An enterprise user creates a draft."""
        data = ApplicationWriteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        app = services.application_create(user=request.user, **data.validated_data)
        return self._fresh(app, status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationWriteSerializer(partial=True), responses={200: ApplicationDetailSerializer,
                                                                                409: CONFLICT})
    def partial_update(self, request, pk=None):
        """Change a draft (or a returned application, except its product)."""
        app = self.get_object()
        data = ApplicationWriteSerializer(data=request.data, partial=True,
                                          context={**self.get_serializer_context(), "application": app})
        data.is_valid(raise_exception=True)
        app = services.application_update(application=app, user=request.user, **data.validated_data)
        return self._fresh(app)

    def _act(self, request, serializer_class, call):
        app = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        app = call(app, data.validated_data)
        return self._fresh(app)

    @extend_schema(request=SubmitSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Enterprise: submit a draft, or send a returned application back with more material. Refused
        (`authorisation_required`) unless the application's bank is authorised; `authorise: true` does it."""
        return self._act(request, SubmitSerializer, lambda app, d: services.application_submit(
            application=app, user=request.user, note=d["note"], authorise=d["authorise"]))

    @extend_schema(request=NoteSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Enterprise: withdraw, until a decision is taken. The bank's authorisation ends."""
        return self._act(request, NoteSerializer, lambda app, d: services.application_withdraw(
            application=app, user=request.user, note=d["note"]))

    @extend_schema(request=NoteSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Bank officer: accept a submitted application for verification."""
        return self._act(request, NoteSerializer, lambda app, d: services.application_accept(
            application=app, user=request.user, note=d["note"]))

    @extend_schema(request=ReturnSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Bank officer: return the application to the enterprise for more material (`note` says what)."""
        return self._act(request, ReturnSerializer, lambda app, d: services.application_return(
            application=app, user=request.user, note=d["note"]))

    @extend_schema(request=ProposeSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Bank officer: propose the decision (credit line, annual rate, term, guarantee type)."""
        return self._act(request, ProposeSerializer, lambda app, d: services.application_propose(
            application=app, user=request.user, **d))

    @extend_schema(request=NoteSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Bank approver (not the proposer): approve the proposal."""
        return self._act(request, NoteSerializer, lambda app, d: services.application_approve(
            application=app, user=request.user, note=d["note"]))

    @extend_schema(request=RejectSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Bank approver (not the proposer): reject; the reason goes to the enterprise."""
        return self._act(request, RejectSerializer, lambda app, d: services.application_reject(
            application=app, user=request.user, reason=d["reason"]))

    @extend_schema(request=ContractWriteSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def contract(self, request, pk=None):
        """Bank: record the signed contract (defaults: the approved terms, signed today)."""
        return self._act(request, ContractWriteSerializer, lambda app, d: services.application_contract(
            application=app, user=request.user, **d))

    @extend_schema(request=DisburseSerializer, responses={200: ApplicationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        """Bank: record a disbursement; the total never exceeds the contract amount."""
        return self._act(request, DisburseSerializer, lambda app, d: services.application_disburse(
            application=app, user=request.user, **d))

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Every step: who, when, from which status to which, with the note."""
        app = self.get_object()
        return Response(HistorySerializer(selectors.history_of(app), many=True).data)

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer, 400: OpenApiResponse(description="Refused file"),
                              409: CONFLICT})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def evidence(self, request, pk=None):
        """GET: the evidence files the caller may see. POST (enterprise, multipart `file`,
        `element`): attach a PDF, JPEG or PNG file to a claimed element."""
        app = self.get_object()
        if request.method == "GET":
            qs = selectors.evidence_visible_to(request.user).filter(application=app).order_by("uploaded_at", "id")
            return Response(EvidenceSerializer(qs, many=True).data)
        data = EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ev = services.evidence_add(application=app, user=request.user, element_code=data.validated_data["element"],
                                   uploaded=data.validated_data["file"])
        return Response(EvidenceSerializer(ev).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)/file",
            url_name="evidence-file", pagination_class=None, filterset_class=None)
    def evidence_file(self, request, pk=None, evidence_id=None):
        """Download one evidence file (bank access is logged for the enterprise to see)."""
        app = self.get_object()
        ev = get_visible_or_404(selectors.evidence_visible_to(request.user), pk=evidence_id, application=app)
        return file_response(services.evidence_open(evidence=ev, user=request.user), name=ev.original_name,
                             content_type=ev.content_type)

    @extend_schema(methods=["GET"], responses=DocumentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer, 400: OpenApiResponse(description="Refused file"),
                              409: CONFLICT})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def documents(self, request, pk=None):
        """GET: the general documents the caller may see (financial statements, contracts, other
        material). POST (enterprise, multipart `file`, `kind`, `note`): attach a PDF, JPEG or PNG
        file while the application is a draft, submitted or returned."""
        app = self.get_object()
        if request.method == "GET":
            qs = selectors.documents_visible_to(request.user).filter(application=app).order_by("uploaded_at", "id")
            return Response(DocumentSerializer(qs, many=True).data)
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        doc = services.document_add(application=app, user=request.user, kind=d["kind"], note=d["note"],
                                    uploaded=d["file"])
        return Response(DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[0-9]+)/file",
            url_name="document-file", pagination_class=None, filterset_class=None)
    def document_file(self, request, pk=None, document_id=None):
        """Download one document (bank and regulator access is logged for the enterprise to see)."""
        app = self.get_object()
        doc = get_visible_or_404(selectors.documents_visible_to(request.user), pk=document_id, application=app)
        return file_response(services.document_open(document=doc, user=request.user), name=doc.original_name,
                             content_type=doc.content_type)

    @extend_schema(request=None, responses={204: None, 409: CONFLICT})
    @action(detail=True, methods=["delete"], url_path=r"documents/(?P<document_id>[0-9]+)",
            url_name="document-detail", pagination_class=None, filterset_class=None)
    def document_delete(self, request, pk=None, document_id=None):
        """Enterprise: remove a document while the application is a draft or returned."""
        app = self.get_object()
        doc = get_visible_or_404(selectors.documents_visible_to(request.user), pk=document_id, application=app)
        services.document_remove(document=doc, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReviewSerializer, responses={200: EvidenceSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path=r"evidence/(?P<evidence_id>[0-9]+)/review",
            url_name="evidence-review", pagination_class=None, filterset_class=None)
    def evidence_review(self, request, pk=None, evidence_id=None):
        """Bank officer: mark one evidence item verified, or rejected with a reason."""
        app = self.get_object()
        ev = get_visible_or_404(selectors.evidence_visible_to(request.user), pk=evidence_id, application=app)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ev = services.evidence_review(evidence=ev, user=request.user,
                                      verified=data.validated_data["review"] == EvidenceReview.VERIFIED,
                                      reason=data.validated_data["reason"])
        return Response(EvidenceSerializer(ev).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: OpenApiResponse(description="Not authorised")})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def profile(self, request, pk=None):
        """The enterprise's quality profile, under its authorisation for the bank (logged)."""
        app = self.get_object()
        profile = services.profile_open(application=app, user=request.user)
        return Response(selectors.profile_as_data(profile))


class VerificationRequestViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                 viewsets.GenericViewSet):
    """Banks ask the enterprise's district regulator to confirm claims the library lacks."""

    scope = staticmethod(selectors.verification_requests_visible_to)
    serializer_class = VerificationRequestSerializer
    filterset_class = VerificationRequestFilter
    pagination_class = DeferredJoinPagination
    queryset = VerificationRequest.objects.none()
    audit_reads = frozenset({"list", "retrieve"})

    def scoped(self, queryset):
        return queryset.order_by("-asked_at", "-id")

    def _fresh(self, req, code=status.HTTP_200_OK):
        obj = selectors.verification_requests_visible_to(self.request.user).get(pk=req.pk)
        return Response(VerificationRequestSerializer(obj).data, status=code)

    @extend_schema(request=VerificationRequestCreateSerializer, responses={201: VerificationRequestSerializer,
                                                                          409: CONFLICT})
    def create(self, request):
        """Bank officer: ask about a claimed element of an application under verification."""
        data = VerificationRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app = get_visible_or_404(selectors.applications_visible_to(request.user),
                                 pk=data.validated_data["application"])
        req = services.verification_request_create(application=app, user=request.user,
                                                   element_code=data.validated_data["element"],
                                                   question=data.validated_data["question"])
        return self._fresh(req, status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": AnswerSerializer, "multipart/form-data": AnswerSerializer},
                   responses={200: VerificationRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """District regulator: confirmed or not confirmed, with a note and an optional file. A
        confirmed claim becomes a library record."""
        req = self.get_object()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        req = services.verification_request_answer(request=req, user=request.user, confirmed=d.pop("confirmed"),
                                                    note=d.pop("note"), uploaded=d.pop("file", None), **d)
        return self._fresh(req)


def register(router):
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("verification-requests", VerificationRequestViewSet, basename="verification-request")
