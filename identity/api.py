from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from jingzhidai.api import ScopedQuerysetMixin
from jingzhidai.errors import ApplicationError
from jingzhidai.limits import PASSWORD

from . import selectors, services
from .filters import EnterpriseFilter
from .models import District, Enterprise, RegulatorUnit, User
from .throttling import AddressRateThrottle


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "name_en"]


class RegulatorUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegulatorUnit
        fields = ["code", "name", "name_en", "kind", "district"]


class EnterpriseSerializer(serializers.ModelSerializer):
    district = DistrictSerializer(read_only=True)
    regulator_unit = RegulatorUnitSerializer(read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "uscc", "name", "enterprise_type", "legal_form", "legal_representative", "registered_capital",
            "established_on", "registration_authority", "address", "status", "industry", "district",
            "regulator_unit", "updated_at",
        ]


class MeSerializer(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "email", "role", "organization"]

    def get_organization(self, user) -> dict:
        if user.enterprise_id:
            return {"type": "enterprise", "id": user.enterprise_id, "name": user.enterprise.name}
        if user.bank_id:
            org = {"type": "bank", "id": user.bank_id, "name": user.bank.name}
            if user.bank_branch_id:
                org["branch"] = {"id": user.bank_branch_id, "name": user.bank_branch.name}
            return org
        if user.regulator_unit_id:
            u = user.regulator_unit
            return {"type": "regulator_unit", "id": u.code, "name": u.name, "kind": u.kind}
        return {"type": "platform", "id": None, "name": str(_("Platform"))}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=PASSWORD)


class TokenView(APIView):
    """POST: username and password give an API token (expires after API_TOKEN_TTL). Failed
    attempts count toward the same lockout as the web login. DELETE: revoke the caller's token."""

    throttle_classes = [AddressRateThrottle]

    def initialize_request(self, request, *args, **kwargs):
        # Only DELETE authenticates; a POST asks for credentials afresh (an old or expired token
        # in its header must not get in the way).
        self.authenticates = request.method == "DELETE"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        return super().get_authenticators() if getattr(self, "authenticates", False) else []

    def get_permissions(self):
        return [IsAuthenticated()] if getattr(self, "authenticates", False) else [AllowAny()]

    @extend_schema(request=TokenRequestSerializer,
                   responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}))
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise ApplicationError(_("Wrong username or password, or the account is locked."),
                                   code="authentication_failed", status_code=400)
        return Response({"token": services.api_token_issue(user=user)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.api_tokens_revoke(user=request.user)
        return Response(status=204)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.select_related("enterprise", "bank", "bank_branch", "regulator_unit").get(
            pk=request.user.pk)
        return Response(MeSerializer(user).data)


class CheckResultSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    valid = serializers.BooleanField()
    errors = serializers.ListField(child=serializers.CharField())
    beijing = serializers.BooleanField(
        help_text="Registered in Beijing: from the registry's registration authority and address; for a code "
                  "not in the registry, only what its division digits suggest.")
    district = DistrictSerializer(allow_null=True)
    regulator_unit = RegulatorUnitSerializer(allow_null=True)
    in_registry = serializers.BooleanField()
    eligible = serializers.BooleanField(
        help_text="Notice §二(一). Never true for a code the registry does not list (not confirmed).")
    reasons = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_blank=True)
    quality_credit = serializers.DictField(
        allow_null=True, help_text="Whether quality credit (notice §三.1) holds: {holds, reasons, remedies}; "
                                   "null when the code is not in the registry.")


class EnterpriseViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Enterprises of the registry that the caller may see (its own; its district's; all)."""

    scope = staticmethod(selectors.enterprises_visible_to)
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    lookup_field = "uscc"
    audit_reads = frozenset({"list", "retrieve"})

    @extend_schema(parameters=[OpenApiParameter("uscc", str, required=True)], responses=CheckResultSerializer)
    @action(detail=False, methods=["get"], permission_classes=[AllowAny], authentication_classes=[],
            throttle_classes=[AddressRateThrottle], filterset_class=None, pagination_class=None)
    def check(self, request):
        """Public self-check: code rules (GB 32100-2015) and eligibility (notice §二(一))."""
        result = services.enterprise_check(request.query_params.get("uscc", ""))
        return Response(CheckResultSerializer(result).data)


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = None


class DistrictViewSet(ReferenceViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer


class RegulatorUnitViewSet(ReferenceViewSet):
    queryset = RegulatorUnit.objects.all()
    serializer_class = RegulatorUnitSerializer
    lookup_field = "code"
