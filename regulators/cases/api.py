"""API of typical cases: `/api/v1/cases/`. Lists and details answer anyone through the same door
as the pages (the public sees published cases only); drafting, consent and publishing go
through the services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from banks.api import PublicReadMixin
from banks.models import Bank
from elements.models import ElementType
from identity.selectors import enterprises_visible_to
from jingzhidai.api import ScopedQuerysetMixin, inline_choice
from jingzhidai.limits import CODE, NOTE, SHORT, TEXT
from jingzhidai.scoping import get_visible_or_404
from loans.selectors import loans_visible_to

from . import selectors, services
from .models import CaseAction, CaseEvent, CasePhoto, CaseStatus, TypicalCase


class CasePhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CasePhoto
        fields = ["id", "caption", "content_type", "size", "sha256", "url"]

    def get_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("regulators:case_photo", args=[obj.case_id, obj.pk])


class CaseSerializer(serializers.ModelSerializer):
    status = inline_choice(CaseStatus.choices, read_only=True)
    enterprise = serializers.SerializerMethodField()
    bank = serializers.SerializerMethodField()
    element = serializers.CharField(source="element_type.code", read_only=True)
    element_name = serializers.CharField(source="element_type.name", read_only=True)
    consent_in_force = serializers.BooleanField(read_only=True)
    photos = CasePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = TypicalCase
        fields = ["id", "title", "status", "enterprise", "bank", "loan", "element", "element_name", "amount",
                  "annual_rate", "term_months", "summary", "body", "consent_in_force", "photos", "published_at",
                  "created_at", "updated_at"]

    def get_enterprise(self, obj) -> dict:
        return {"uscc": obj.enterprise_id, "name": obj.enterprise.name, "district": obj.enterprise.district_id}

    def get_bank(self, obj) -> dict:
        return {"id": obj.bank_id, "name": obj.bank.name}


class CaseWriteSerializer(serializers.Serializer):
    enterprise = serializers.CharField(max_length=18)
    title = serializers.CharField(max_length=SHORT)
    element = serializers.CharField(max_length=CODE, source="element_type", help_text="element type code")
    bank = serializers.PrimaryKeyRelatedField(queryset=Bank.objects.all(), required=False, allow_null=True)
    loan = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0)
    annual_rate = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True,
                                           min_value=0, max_value=100)
    term_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=360)
    summary = serializers.CharField(max_length=NOTE)
    body = serializers.CharField(max_length=TEXT * 2)

    def validate_element(self, value):
        element_type = ElementType.objects.filter(retired_at__isnull=True, code=value).first()
        if element_type is None:
            raise serializers.ValidationError("No such element in the catalog.")
        return element_type

    def validate_loan(self, value):
        if value is None:
            return None
        loan = loans_visible_to(self.context["request"].user).filter(pk=value).first()
        if loan is None:
            raise serializers.ValidationError("No such loan.")
        return loan


class CaseEventSerializer(serializers.ModelSerializer):
    action = inline_choice(CaseAction.choices)

    class Meta:
        model = CaseEvent
        fields = ["action", "from_status", "to_status", "actor_name", "at", "note"]


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    caption = serializers.CharField(max_length=SHORT, required=False, default="", allow_blank=True)


class CaseViewSet(PublicReadMixin, ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """Typical cases (典型案例). A district bureau sees and drafts its unit's enterprises' cases; the
    municipal bureau all, and publishes; the enterprise sees its own and gives or revokes its
    consent; anyone else (banks, the public) sees published cases only."""

    scope = staticmethod(selectors.cases_visible_to)
    action_scopes = {**dict.fromkeys(["partial_update", "photos"], staticmethod(selectors.cases_manageable_by)),
                     "history": staticmethod(selectors.cases_with_history_visible_to)}
    serializer_class = CaseSerializer
    queryset = TypicalCase.objects.none()
    filterset_class = None

    def scoped(self, queryset):
        return queryset.prefetch_related("photos").order_by("-updated_at", "-id")

    def _fresh(self, case, code=status.HTTP_200_OK):
        obj = self.scoped(selectors.cases_visible_to(self.request.user)).get(pk=case.pk)
        return Response(CaseSerializer(obj).data, status=code)

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseSerializer})
    def create(self, request):
        """District or municipal bureau: draft a case (the enterprise is then asked for consent)."""
        data = CaseWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        enterprise = get_visible_or_404(enterprises_visible_to(request.user), uscc=d.pop("enterprise").upper())
        case = services.case_create(user=request.user, enterprise=enterprise, **d)
        return self._fresh(case, status.HTTP_201_CREATED)

    @extend_schema(request=CaseWriteSerializer(partial=True), responses={200: CaseSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft or unpublished case; the enterprise's consent in force ends."""
        case = self.get_object()
        data = CaseWriteSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        d.pop("enterprise", None)
        return self._fresh(services.case_update(case=case, user=request.user, **d))

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: CasePhotoSerializer})
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        """Add a photo (JPEG or PNG, judged by content, re-encoded)."""
        case = self.get_object()
        data = PhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.case_photo_add(case=case, user=request.user, uploaded=data.validated_data["file"],
                                        caption=data.validated_data["caption"])
        return Response(CasePhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    def _step(self, call):
        case = self.get_object()
        return self._fresh(call(case))

    @extend_schema(request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def consent(self, request, pk=None):
        """The enterprise consents to publication of the case as it stands."""
        return self._step(lambda case: services.case_consent_give(case=case, user=request.user) and case)

    @extend_schema(request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="consent/revoke", url_name="consent-revoke")
    def consent_revoke(self, request, pk=None):
        """The enterprise revokes its consent; a published case is unpublished."""
        return self._step(lambda case: services.case_consent_revoke(case=case, user=request.user))

    @extend_schema(request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Municipal bureau: publish (409 `consent_required` without the enterprise's consent in force)."""
        return self._step(lambda case: services.case_publish(case=case, user=request.user))

    @extend_schema(request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        """Municipal bureau: take a published case down."""
        return self._step(lambda case: services.case_unpublish(case=case, user=request.user))

    @extend_schema(responses={200: CaseEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Every change of the case (append-only); the public sees none."""
        return Response(CaseEventSerializer(selectors.case_history(self.get_object()), many=True).data)
