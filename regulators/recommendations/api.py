"""API of the recommended list: `/api/v1/recommendation/consent/` (the enterprise's own consent),
`/api/v1/recommended/` (rows of the newest list through the same door as the page),
`/api/v1/recommended-lists/` (snapshots; the municipal bureau builds one on demand) and
`/api/v1/invitations/`."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from banks.models import Product
from identity.choices import BANK_ROLES
from jingzhidai.api import DeferredJoinPagination, ScopedQuerysetMixin, inline_choice
from jingzhidai.limits import NOTE
from jingzhidai.scoping import get_visible_or_404

from . import selectors, services
from .models import Invitation, InvitationStatus, RecommendedEntry, RecommendedList


class ConsentSerializer(serializers.Serializer):
    recommended = serializers.BooleanField()
    granted_at = serializers.DateTimeField(allow_null=True)
    granted_by = serializers.CharField(allow_null=True)


def _consent_data(user) -> dict:
    current = selectors.recommendation_consent_current(user.enterprise_id)
    return {"recommended": current is not None, "granted_at": current.granted_at if current else None,
            "granted_by": current.granted_by.display_name if current else None}


class RecommendationConsentView(APIView):
    """The enterprise's consent to be recommended to partner banks: GET shows it, POST gives it,
    DELETE revokes it (the enterprise leaves the current list at once). Enterprise users only."""

    def _check(self, request):
        from django.core.exceptions import PermissionDenied

        from identity.choices import Role

        if request.user.role != Role.ENTERPRISE:
            raise PermissionDenied

    @extend_schema(responses=ConsentSerializer)
    def get(self, request):
        self._check(request)
        return Response(ConsentSerializer(_consent_data(request.user)).data)

    @extend_schema(request=None, responses={201: ConsentSerializer})
    def post(self, request):
        services.recommendation_opt_in(user=request.user)
        return Response(ConsentSerializer(_consent_data(request.user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.recommendation_opt_out(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategorySummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    elements = serializers.ListField(child=serializers.CharField())


class EntrySerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise_id")
    summary = CategorySummarySerializer(many=True)
    list_month = serializers.DateField(source="snapshot.month")
    as_of = serializers.DateField(source="snapshot.as_of")

    class Meta:
        model = RecommendedEntry
        fields = ["id", "uscc", "enterprise_name", "district", "industry", "distinctions", "summary", "list_month",
                  "as_of"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("district", str, description="GB/T 2260 code of a district, e.g. 110108")]))
class RecommendedViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Enterprises on the newest recommended list that still consent: admitted partner banks,
    the municipal bureau and admins all, a district bureau its unit's. `?district=` narrows."""

    scope = staticmethod(selectors.recommended_entries_visible_to)
    serializer_class = EntrySerializer
    queryset = RecommendedEntry.objects.none()
    audit_reads = frozenset({"list", "retrieve"})  # reads of enterprises' summaries: regulators' and banks'
    audit_also_roles = BANK_ROLES

    pagination_class = DeferredJoinPagination  # deep pages and a bounded count (jingzhidai/paging.py)

    def scoped(self, queryset):
        district = self.request.query_params.get("district", "") if self.action == "list" else ""
        queryset = queryset.order_by(*selectors.LIST_ORDER)
        return queryset.filter(district_id=district[:6]) if district else queryset


class QueuedSerializer(serializers.Serializer):
    status = serializers.CharField()


class ListSerializer(serializers.ModelSerializer):
    built_by = serializers.CharField(source="built_by.display_name", default=None)

    class Meta:
        model = RecommendedList
        fields = ["id", "month", "as_of", "built_at", "built_by", "opted_in", "entries_count"]


class RecommendedListViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """The dated snapshots (regulators and admins); POST: the municipal bureau asks for one now
    (202: a worker builds it; it appears in this list when done)."""

    scope = staticmethod(selectors.recommended_lists_visible_to)
    serializer_class = ListSerializer
    queryset = RecommendedList.objects.none()

    @extend_schema(request=None, responses={202: QueuedSerializer})
    def create(self, request):
        services.recommended_list_request(user=request.user)
        return Response({"status": "queued"}, status=status.HTTP_202_ACCEPTED)


class InvitationSerializer(serializers.ModelSerializer):
    status = inline_choice(InvitationStatus.choices, read_only=True)
    enterprise = serializers.SerializerMethodField()
    bank = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "enterprise", "bank", "product", "message", "status", "invited_at", "answered_at"]

    def get_enterprise(self, obj) -> dict:
        return {"uscc": obj.enterprise_id, "name": obj.enterprise.name}

    def get_bank(self, obj) -> dict:
        return {"id": obj.bank_id, "name": obj.bank.name}

    def get_product(self, obj) -> dict | None:
        return {"id": obj.product_id, "name": obj.product.name} if obj.product_id else None


class InvitationCreateSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="id of a row of /api/v1/recommended/")
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    message = serializers.CharField(max_length=NOTE, required=False, allow_blank=True, default="")


class InvitationViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Invitations to apply: the enterprise its own, a bank its own, regulators by their scope."""

    scope = staticmethod(selectors.invitations_visible_to)
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def create(self, request):
        """Bank officer or administrator of an admitted partner bank: invite an enterprise of the list."""
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = get_visible_or_404(selectors.recommended_entries_visible_to(request.user),
                                   pk=data.validated_data["entry"])
        invitation = services.invitation_create(user=request.user, entry=entry,
                                                product=data.validated_data.get("product"),
                                                message=data.validated_data["message"])
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = services.invitation_decline(invitation=self.get_object(), user=request.user)
        return Response(InvitationSerializer(invitation).data)


def register(router):
    router.register("recommended", RecommendedViewSet, basename="recommended")
    router.register("recommended-lists", RecommendedListViewSet, basename="recommended-list")
    router.register("invitations", InvitationViewSet, basename="invitation")


extra_urlpatterns = [
    path("recommendation/consent/", RecommendationConsentView.as_view(), name="recommendation-consent"),
]
