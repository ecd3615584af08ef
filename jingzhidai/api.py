"""API plumbing shared by every app: pagination, the error shape, the JSON parser, scoped
viewsets."""


from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from audit.models import AuditAction
from audit.services import audit_read, audit_refused
from jingzhidai.errors import ApplicationError
from jingzhidai.paging import DeferredJoinPaginator
from jingzhidai.parsers import RequestTooLarge


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DeferredJoinPagination(Pagination):
    """For long lists of wide rows (jingzhidai/paging.py): `count` is exact up to a bound and
    the planner's estimate above it, which `count_estimated` says."""

    def paginate_queryset(self, queryset, request, view=None):
        # A list serializer that reads rows (RowSerializerMixin) gets the page as values.
        serializer_class = view.get_serializer_class() if view is not None else None
        self.values = (serializer_class.row_values() if isinstance(serializer_class, type)
                       and issubclass(serializer_class, RowSerializerMixin) else None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        return DeferredJoinPaginator(queryset, page_size, values=self.values)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_estimated"] = self.page.paginator.count_estimated
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_estimated"] = {"type": "boolean"}
        return schema


def _validation_extra(error: DjangoValidationError):
    if hasattr(error, "message_dict"):
        return {"fields": error.message_dict}
    return {"fields": {"non_field_errors": error.messages}}


def exception_handler(exc, context):
    """Every refusal answers {"message": str, "code": str, "extra": {...}}."""
    if isinstance(exc, ApplicationError):
        return Response(
            {"message": str(exc.message), "code": exc.code, "extra": exc.extra}, status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_extra(exc)["fields"])
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        exc = RequestTooLarge()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = {"message": _("The request is invalid."), "code": "invalid", "extra": {"fields": fields}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {
            "message": str(detail),
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
            "extra": {},
        }
    return response


def inline_choice(choices, **kwargs):
    """A choice field documented as an inline enum. Several choice sets share field names
    (status, action, role…) across apps; named enum components would collide in the OpenAPI
    schema, and the allOf wrapper keeps the enum inline."""
    from drf_spectacular.utils import extend_schema_field
    from rest_framework import serializers

    schema = {"allOf": [{"type": "string", "enum": [value for value, _label in choices]}]}
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class ScopedQuerysetMixin:
    """A viewset's queryset is always a door from the app's selectors: `scope(user)`, or for
    the actions named in `action_scopes` a narrower one (e.g. what the user may manage), shared
    with the HTML views. Objects outside it are 404, exactly like missing ones. `scoped(qs)` is
    the place for ordering and prefetching. List filters narrow lists only: an object is found
    by its id whatever the query string says."""

    scope = None  # a function user -> QuerySet
    action_scopes: dict = {}  # action -> a function user -> QuerySet
    # Enterprise data: successful GETs of these actions (list, retrieve; any other is an export
    # or download) by the roles in AUDIT_READ_ROLES are recorded in the audit trail (one insert
    # per request).
    audit_reads: frozenset = frozenset()
    audit_also_roles: tuple = ()  # roles recorded besides AUDIT_READ_ROLES (audit.services.audit_read)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) and self.queryset is not None:  # schema generation
            return self.queryset.none()
        door = self.action_scopes.get(self.action) or type(self).scope
        return self.scoped(door(self.request.user))

    def scoped(self, queryset):
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        """A 404 for an object that exists outside the caller's door is recorded as refused."""
        try:
            return super().get_object()
        except Http404:
            field = self.lookup_url_kwarg or self.lookup_field
            if field in self.kwargs:
                audit_refused(self.get_queryset().model, {self.lookup_field: self.kwargs[field]},
                              request=self.request)
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action in self.audit_reads and request.method == "GET" and 200 <= response.status_code < 300:
            action = {"list": AuditAction.LIST, "retrieve": AuditAction.READ}.get(self.action, AuditAction.EXPORT)
            queryset = self.get_queryset()
            field = self.lookup_url_kwarg or self.lookup_field
            audit_read(request, object_type=queryset.model, object_id=self.kwargs.get(field, ""), action=action,
                       also_roles=self.audit_also_roles)
        return response


class RowListSerializer(serializers.ListSerializer):
    """`many=True` of a `RowSerializerMixin` serializer: rows as dicts (a `.values()` queryset
    or page) are turned into the same JSON by the child's row plan; model instances go the
    usual DRF way."""

    def to_representation(self, data):
        rows = list(data) if isinstance(data, QuerySet) else data
        if rows and isinstance(rows[0], dict):
            plan = self.child.row_plan()
            return [{name: get(row) for name, get in plan} for row in rows]
        return super().to_representation(rows)


def _same(value):
    return value


class RowSerializerMixin:
    """The lean form of a list serializer (issue 10): a list page reads `.values(*row_values())`
    (no model instances, only the columns it shows) and each field is converted by the very
    field that converts it for an instance, so the JSON is the same. For each readable field:
    a method `row_<name>(row)` if the serializer has one (method fields and nested objects need
    one), else the row's value at the field's source (dots as `__`), None staying None.
    `row_extra` names more columns the row methods read. The serializer's Meta sets
    `list_serializer_class = RowListSerializer`."""

    row_extra: tuple = ()

    @classmethod
    def row_values(cls) -> list[str]:
        if "_row_values" not in cls.__dict__:
            cls._row_values = cls._row_values_of_fields()
        return cls._row_values

    @classmethod
    def _row_values_of_fields(cls) -> list[str]:
        keys = [*cls.row_extra]
        for field in cls()._readable_fields:
            if not hasattr(cls, f"row_{field.field_name}"):
                keys.append(cls._row_key(field))
        return list(dict.fromkeys(keys))

    @staticmethod
    def _row_key(field) -> str:
        if isinstance(field, serializers.ManyRelatedField | serializers.BaseSerializer | serializers.SerializerMethodField):
            raise TypeError(f"{field.field_name}: a nested or method field needs a row_{field.field_name} method")
        key = field.source.replace(".", "__")
        if isinstance(field, serializers.RelatedField):
            key += "_id"  # the primary key of the related object, as PrimaryKeyRelatedField gives it
        return key

    def row_plan(self) -> list:
        plan = []
        for field in self._readable_fields:
            method = getattr(self, f"row_{field.field_name}", None)
            if method is None:
                key, convert = self._row_key(field), field.to_representation
                if isinstance(field, serializers.PrimaryKeyRelatedField):
                    convert = field.pk_field.to_representation if field.pk_field else _same

                def method(row, key=key, convert=convert):
                    value = row[key]
                    return None if value is None else convert(value)
            plan.append((field.field_name, method))
        return plan


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference looked up through a selector door for the request's user (the serializer
    needs `request` in its context): an object outside the door is refused exactly like one
    that does not exist. `queryset` only tells the schema which model the key belongs to."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scope(request.user) if request is not None else self.queryset.none()
