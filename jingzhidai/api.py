"""API plumbing shared by every app: pagination, the error shape, the JSON parser, scoped
viewsets."""

import copy
import datetime
import decimal

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import ISO_8601, exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from audit.models import AuditAction
from audit.services import audit_read, audit_refused
from jingzhidai.errors import ApplicationError
from jingzhidai.paging import DeferredJoinPaginator
from jingzhidai.parsers import RequestTooLarge


class Pagination(PageNumberPagination):
    """`?page=`, 20 rows a page unless `?page_size=` asks for up to 200 (docs/decisions.md)."""

    page_size = 20
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

    # Query parameters that are not filters (pagination, DRF's format suffix).
    not_filters = frozenset({"page", "page_size", "format"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) and self.queryset is not None:  # schema generation
            return self.queryset.none()
        door = self.action_scopes.get(self.action) or type(self).scope
        queryset = self.scoped(door(self.request.user))
        self._door_model = queryset.model
        return queryset

    def scoped(self, queryset):
        return queryset

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        if self._unfiltered():
            return queryset
        return super().filter_queryset(queryset)

    def _unfiltered(self) -> bool:
        """A list asked for without any filter parameter is the door's queryset as it is: the
        FilterSet (its form built and validated, ~11 % of a list request's CPU) would change
        nothing. Only where it would change nothing: the one filter backend of the settings and
        a FilterSet that filters only through its filters (each of which lets an empty value
        through), not one that narrows in filter_queryset whatever the query string says."""
        filterset_class = getattr(self, "filterset_class", None)
        if list(self.filter_backends) != [DjangoFilterBackend] or filterset_class is None:
            return False
        if not (filterset_class.filter_queryset is django_filters.FilterSet.filter_queryset
                and filterset_class.qs is django_filters.FilterSet.qs):
            return False
        return self.request.query_params.keys() <= self.not_filters

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
            # The door's model as get_queryset found it (not a second door built to learn it).
            model = getattr(self, "_door_model", None) or self.get_queryset().model
            field = self.lookup_url_kwarg or self.lookup_field
            audit_read(request, object_type=model, object_id=self.kwargs.get(field, ""), action=action,
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


def row_converter(field, tz):
    """What `field.to_representation` gives for a value that is not None, as a function that
    does the per-value work of DRF's fields once per page (issue 10): a date-time field's time
    zone is read once (`tz`, the current time zone, which DRF reads through asgiref's Local for
    every value), a decimal field's exponent and context are built once. Any value these fast
    forms do not cover (a naive or non-datetime value, a non-Decimal number, an overflow) goes
    the field's own way, so the output is DRF's, byte for byte
    (tests/platform/test_api_rows.py)."""
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return field.pk_field.to_representation if field.pk_field else _same
    method = type(field).to_representation
    if method is serializers.DateTimeField.to_representation:
        fmt = getattr(field, "format", api_settings.DATETIME_FORMAT)
        zone = field.timezone if hasattr(field, "timezone") else tz
        if fmt is not None and fmt.lower() == ISO_8601 and zone is not None:
            slow = field.to_representation

            def convert_datetime(value):
                if type(value) is not datetime.datetime or value.utcoffset() is None:
                    return slow(value)
                try:
                    text = value.astimezone(zone).isoformat()
                except OverflowError:
                    return slow(value)
                return text[:-6] + "Z" if text.endswith("+00:00") else text
            return convert_datetime
    if method is serializers.DecimalField.to_representation:
        coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        if coerce and not field.localize and not field.normalize_output and field.decimal_places is not None:
            slow, rounding = field.to_representation, field.rounding
            exponent = decimal.Decimal(".1") ** field.decimal_places
            context = decimal.getcontext().copy()
            if field.max_digits is not None:
                context.prec = field.max_digits

            def convert_decimal(value):
                if type(value) is not decimal.Decimal:
                    return slow(value)
                return f"{value.quantize(exponent, rounding=rounding, context=context):f}"
            return convert_decimal
    return field.to_representation


def _unbound_copy(field):
    """A copy of an unbound field for one serializer instance: the field's own attributes (its
    arguments, choices, validators) shared, read only; a nested serializer's fields and a list
    serializer's child are its own."""
    new = copy.copy(field)
    if isinstance(new, serializers.ListSerializer):
        new.child = _unbound_copy(field.child)
        new.child.parent = new  # as ListSerializer.__init__ bound it (field name and source "")
    elif isinstance(new, serializers.BaseSerializer):
        new.__dict__.pop("fields", None)  # built again for the copy (cached_property)
    return new


class RowSerializerMixin:
    """The lean form of a list serializer (issue 10): a list page reads `.values(*row_values())`
    (no model instances, only the columns it shows) and each field is converted by the very
    field that converts it for an instance (`row_converter`), so the JSON is the same. For each
    readable field: a method `row_<name>(row)` if the serializer has one (method fields and
    nested objects need one), else the row's value at the field's source (dots as `__`), None
    staying None. `row_extra` names more columns the row methods read. The serializer's Meta
    sets `list_serializer_class = RowListSerializer`.

    The fields are built once per class (`row_fields`, from an instance without context: a
    plain field's conversion does not read the request), not per request: building a
    ModelSerializer's fields (get_fields, a deep copy of the declared ones) was a fifth of a
    list request's CPU. A serializer whose fields depend on the request hides them in
    `row_plan` instead (ApplicationSerializer, LoanSerializer)."""

    row_extra: tuple = ()

    def get_fields(self):
        """The serializer's fields, built once per class and shallow-copied for each instance
        (then bound to it as DRF binds them): building them (ModelSerializer.get_fields, a deep
        copy of the declared fields) was a fifth of a list request's CPU and as much of a
        detail's. Only for output serializers whose fields do not depend on the request (the
        context may hide some in to_representation); nested serializers are copied with fresh
        fields of their own, so nothing bound to one request is seen by another."""
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return {name: _unbound_copy(field) for name, field in cls._built_fields.items()}

    @classmethod
    def row_values(cls) -> list[str]:
        if "_row_values" not in cls.__dict__:
            cls._row_values = cls._row_values_of_fields()
        return cls._row_values

    @classmethod
    def _row_values_of_fields(cls) -> list[str]:
        keys = [*cls.row_extra]
        for name, field in cls.row_fields():
            if not hasattr(cls, f"row_{name}"):
                keys.append(cls._row_key(field))
        return list(dict.fromkeys(keys))

    @classmethod
    def row_fields(cls) -> list:
        """(name, field) of the readable fields, built once per class."""
        if "_row_fields" not in cls.__dict__:
            cls._row_fields = [(field.field_name, field) for field in cls()._readable_fields]
        return cls._row_fields

    def once_a_page(self, key, compute):
        """`compute()` once per serializer (a list serializer's child serves a whole page): what
        a page's rows share, e.g. the actions a role may take per status."""
        known = self.__dict__.setdefault("_once_a_page", {})
        if key not in known:
            known[key] = compute()
        return known[key]

    @staticmethod
    def _row_key(field) -> str:
        if isinstance(field, serializers.ManyRelatedField | serializers.BaseSerializer | serializers.SerializerMethodField):
            raise TypeError(f"{field.field_name}: a nested or method field needs a row_{field.field_name} method")
        key = field.source.replace(".", "__")
        if isinstance(field, serializers.RelatedField):
            key += "_id"  # the primary key of the related object, as PrimaryKeyRelatedField gives it
        return key

    def row_plan(self) -> list:
        tz = timezone.get_current_timezone() if settings.USE_TZ else None  # once per page
        plan = []
        for name, field in self.row_fields():
            method = getattr(self, f"row_{name}", None)
            if method is None:
                key, convert = self._row_key(field), row_converter(field, tz)

                def method(row, key=key, convert=convert):
                    value = row[key]
                    return None if value is None else convert(value)
            plan.append((name, method))
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
