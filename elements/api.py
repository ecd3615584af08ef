"""API of the element library: the quality profile, the catalog, records, change events and
import batches. Every queryset comes from the selectors' `*_visible_to` doors."""

import csv
import dataclasses

from django.http import StreamingHttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_read
from jingzhidai.api import ScopedQuerysetMixin
from jingzhidai.scoping import get_visible_or_404

from . import selectors, services
from .choices import Feed
from .filters import (
    ChangeEventFilter,
    DistinctionFilter,
    ImportBatchFilter,
    ListingFilter,
    PenaltyFilter,
    SpotCheckFilter,
)
from .models import ChangeEvent, Distinction, ElementType, ImportBatch, Listing, Penalty, SpotCheck


def profile_data(value):
    """`dataclasses.asdict` of a profile, without its deep copy of every date and string (they are
    immutable; the copy was most of the API's time once the profile is kept)."""
    if dataclasses.is_dataclass(value):
        return {f.name: profile_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [profile_data(v) for v in value]
    if isinstance(value, dict):
        return {k: profile_data(v) for k, v in value.items()}
    return value


class ProfileView(APIView):
    """The quality profile of an enterprise on a date (notice §三)."""

    @extend_schema(parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD, default today")],
                   responses={200: dict})
    def get(self, request, uscc):
        as_of = selectors.parse_as_of(request.query_params.get("as_of"))
        enterprise = get_visible_or_404(selectors.enterprises_with_profile_visible_to(request.user), uscc=uscc)
        audit_read(request, object_type="elements.profile", object_id=uscc)
        return Response(profile_data(selectors.profile_get(enterprise=enterprise, as_of=as_of)))


class ElementTypeSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    retired = serializers.BooleanField(source="is_retired", read_only=True)

    class Meta:
        model = ElementType
        fields = ["id", "code", "name", "name_en", "category", "category_name", "nature", "levels",
                  "default_validity_months", "notes", "aliases", "evidence", "feed", "retired", "retired_at",
                  "retired_reason"]


class ProvenanceMixin(serializers.Serializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    provenance = serializers.SerializerMethodField()

    def get_provenance(self, obj) -> dict:
        return {"source": obj.source, "batch": obj.batch_id, "row": obj.row_number,
                "updated_batch": obj.updated_batch_id,
                "entered_by": obj.entered_by.username if obj.entered_by_id else None,
                "reason": obj.entry_reason,
                "confirmed_by": obj.confirmed_by.username if getattr(obj, "confirmed_by_id", None) else None}


RECORD_FIELDS = ["id", "enterprise", "enterprise_name", "provenance", "created_at", "updated_at"]


class DistinctionSerializer(ProvenanceMixin, serializers.ModelSerializer):
    element_type = serializers.CharField(source="element_type.code", read_only=True)
    element_name = serializers.CharField(source="element_type.name", read_only=True)
    category = serializers.CharField(source="element_type.category_id", read_only=True)

    class Meta:
        model = Distinction
        fields = [*RECORD_FIELDS, "element_type", "element_name", "category", "level", "issuer", "certificate_no",
                  "granted_on", "expires_on", "status", "revoked_on", "revoked_reason"]


class ListingSerializer(ProvenanceMixin, serializers.ModelSerializer):
    class Meta:
        model = Listing
        fields = [*RECORD_FIELDS, "kind", "listed_on", "reason", "authority", "removed_on", "removal_reason",
                  "removal_authority", "restricted_until"]


class PenaltySerializer(ProvenanceMixin, serializers.ModelSerializer):
    class Meta:
        model = Penalty
        fields = [*RECORD_FIELDS, "decision_no", "violation_type", "content", "authority", "decided_on",
                  "market_regulation", "annulled_on", "annulled_reason"]


class SpotCheckSerializer(ProvenanceMixin, serializers.ModelSerializer):
    class Meta:
        model = SpotCheck
        fields = [*RECORD_FIELDS, "level", "product", "model_spec", "production_batch", "checked_on", "result",
                  "failed_items", "authority", "scope", "produced_on", "annulled_on", "annulled_reason"]


class ChangeEventSerializer(serializers.ModelSerializer):
    element_type = serializers.CharField(source="element_type.code", read_only=True, default=None)

    class Meta:
        model = ChangeEvent
        fields = ["id", "enterprise", "kind", "record_type", "record_id", "element_type", "occurred_on",
                  "recorded_at", "source", "batch", "row_number", "reason", "data"]


class ImportBatchSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, default=None)

    class Meta:
        model = ImportBatch
        fields = ["id", "feed", "source", "file_name", "sha256", "size", "status", "progress", "read", "inserted",
                  "updated", "unchanged", "rejected", "error", "uploaded_by", "created_at", "started_at",
                  "finished_at"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    # The full Feed choices (one enum in the schema); the service refuses the non-sync ones.
    feed = serializers.ChoiceField(choices=Feed.choices)
    file = serializers.FileField()


class ReadOnlyScoped(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class ElementTypeViewSet(ReadOnlyScoped):
    """The element catalog (notice §三), retired types included and marked."""

    scope = staticmethod(selectors.element_types_visible_to)
    serializer_class = ElementTypeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z_.0-9]+"


class EnterpriseRecords(ReadOnlyScoped):
    """Records of enterprises: regulators' reads are audited."""

    audit_reads = frozenset({"list", "retrieve"})


class DistinctionViewSet(EnterpriseRecords):
    scope = staticmethod(selectors.distinctions_visible_to)
    serializer_class = DistinctionSerializer
    filterset_class = DistinctionFilter


class ListingViewSet(EnterpriseRecords):
    """Abnormal-operation and serious illegal and dishonest listings, with removals."""

    scope = staticmethod(selectors.listings_visible_to)
    serializer_class = ListingSerializer
    filterset_class = ListingFilter


class PenaltyViewSet(EnterpriseRecords):
    scope = staticmethod(selectors.penalties_visible_to)
    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter


class SpotCheckViewSet(EnterpriseRecords):
    scope = staticmethod(selectors.spotchecks_visible_to)
    serializer_class = SpotCheckSerializer
    filterset_class = SpotCheckFilter


class ChangeEventViewSet(EnterpriseRecords):
    """Append-only change events, oldest first; pass `after=<last id you handled>` to read on."""

    scope = staticmethod(selectors.change_events_visible_to)
    serializer_class = ChangeEventSerializer
    filterset_class = ChangeEventFilter

    def scoped(self, queryset):
        return queryset.order_by("id")


def _csv_safe(value):
    """Raw values come from uploaded files and the CSV is opened in Excel: neutralise cells that
    Excel would run as formulas (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def rejects_csv_response(batch) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def rows():
        yield "\ufeff"  # so that Excel opens the Chinese text as UTF-8
        yield writer.writerow(["row", "column", "reason", "raw_value"])
        for r in selectors.rejected_rows_of(batch).values_list("row_number", "column", "reason", "raw_value").iterator(
                chunk_size=2000):
            yield writer.writerow([_csv_safe(v) for v in r])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-rejects.csv"'
    return response


class ImportBatchViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Import batches with live `progress` (percent). City regulators and admins see all;
    a district regulator the batches they uploaded. POST (multipart: feed, file) uploads."""

    scope = staticmethod(selectors.import_batches_visible_to)
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilter
    parser_classes = [MultiPartParser, FormParser]
    audit_reads = frozenset({"rejects_csv"})  # the rejected rows carry enterprises' raw data

    @extend_schema(request=UploadSerializer, responses={201: ImportBatchSerializer})
    def create(self, request, *args, **kwargs):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.import_batch_upload(feed=data.validated_data["feed"],
                                             uploaded_file=data.validated_data["file"], user=request.user)
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch).data, status=201)

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=True, methods=["get"], url_path="rejects.csv", filterset_class=None, pagination_class=None)
    def rejects_csv(self, request, pk=None):
        return rejects_csv_response(self.get_object())


def register(router):
    router.register("element-types", ElementTypeViewSet, basename="element-type")
    router.register("distinctions", DistinctionViewSet, basename="distinction")
    router.register("listings", ListingViewSet, basename="listing")
    router.register("penalties", PenaltyViewSet, basename="penalty")
    router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
    router.register("change-events", ChangeEventViewSet, basename="change-event")
    router.register("import-batches", ImportBatchViewSet, basename="import-batch")


extra_urlpatterns = [
    path("enterprises/<str:uscc>/profile/", ProfileView.as_view(), name="enterprise-profile"),
]
