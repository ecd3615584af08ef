"""`/api/v1/reports/`: the archived reports the caller may read, a POST that starts one (202
with its id), its status and progress, and its files. Same doors as the pages: outside them 404."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from applications.files import file_response
from audit.models import AuditAction
from audit.services import audit_event_record
from jingzhidai.api import ScopedQuerysetMixin, inline_choice

from . import selectors, services
from .choices import FileFormat, FileVariant, ReportKind, ReportSource, ReportStatus
from .models import Report, ReportFile


class ReportFileSerializer(serializers.ModelSerializer):
    format = inline_choice(FileFormat.choices, read_only=True)
    variant = inline_choice(FileVariant.choices, read_only=True)

    class Meta:
        model = ReportFile
        fields = ["format", "variant", "file_name", "sha256", "size", "created_at"]


class ReportSerializer(serializers.ModelSerializer):
    kind = inline_choice(ReportKind.choices, read_only=True)
    status = inline_choice(ReportStatus.choices, read_only=True)
    source = inline_choice(ReportSource.choices, read_only=True)
    district = serializers.CharField(source="unit.code", read_only=True, allow_null=True, default=None,
                                     help_text=_("Regulator unit code; null for the city-wide report."))
    scope = serializers.CharField(source="scope_name", read_only=True)
    reference = serializers.CharField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default=None)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "reference", "kind", "period", "period_start", "period_end", "district", "scope", "source", "status",
                  "progress", "error", "period_closed", "requested_by", "requested_at", "started_at", "finished_at",
                  "published_at", "files"]

    @extend_schema_field(ReportFileSerializer(many=True))
    def get_files(self, obj):
        user = self.context["request"].user
        wanted = FileVariant.BULLETIN if user.is_bank_staff else FileVariant.FULL
        return ReportFileSerializer([f for f in obj.files.all() if f.variant == wanted], many=True).data


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period = serializers.CharField(max_length=7, help_text=_("2026-11 (monthly) or 2026-Q3 (quarterly)."))
    district = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True,
                                     help_text=_("Regulator unit code (110108 for Haidian); absent for the city."))


class ReportAccepted(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()


class FileNegotiation(DefaultContentNegotiation):
    """`?format=xlsx|pdf` names the file, not one of DRF's renderers (its URL format override)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Periodic reports. District regulators: their unit's; the municipal bureau and platform
    admins: all; partner banks: the published city-wide bulletins; enterprises: none."""

    scope = staticmethod(selectors.reports_readable_by)
    serializer_class = ReportSerializer
    queryset = Report.objects.all()

    def scoped(self, queryset):
        return queryset.prefetch_related("files")

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportAccepted})
    def create(self, request, *args, **kwargs):
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        report = services.report_request(user=request.user, kind=d["kind"], period=d["period"],
                                         unit_code=d.get("district") or None)
        report.refresh_from_db()
        return Response({"id": report.pk, "status": report.status, "progress": report.progress}, status=202)

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["xlsx", "pdf"], required=True)],
                   responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                              404: OpenApiResponse(description=_("Not found"))})
    @action(detail=True, methods=["get"], url_path="file", pagination_class=None,
            content_negotiation_class=FileNegotiation)
    def file(self, request, pk=None):
        report = self.get_object()
        fmt = request.query_params.get("format", "")
        variant = FileVariant.BULLETIN if request.user.is_bank_staff else FileVariant.FULL
        report_file = selectors.report_files_visible_to(request.user).filter(report=report, format=fmt,
                                                                            variant=variant).first()
        if report_file is None:
            raise Http404
        audit_event_record(action=AuditAction.EXPORT, object_type="regulators.report", object_id=report.pk,
                           request=request)
        return file_response(services.report_file_open(report_file=report_file), name=report_file.file_name,
                             content_type=report_file.content_type)


def register(router):
    router.register("reports", ReportViewSet, basename="report")
