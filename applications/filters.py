"""FilterSets shared by the HTML lists and the API lists."""

from datetime import timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banks.models import Product
from identity.models import District
from jingzhidai.filters import FilterSet as PortalFilterSet
from jingzhidai.limits import SEARCH

from .choices import PHASE_STATUSES, AgeFilter, PhaseFilter, Status, VerificationStatus
from .models import Application, VerificationRequest
from .workflow import WAITING


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A reference by code (district GB/T 2260 code)."""


class ApplicationFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=PhaseFilter.choices, method="filter_phase")
    age = django_filters.ChoiceFilter(label=_("Waiting"), choices=AgeFilter.choices, method="filter_age")
    district = CodeChoiceFilter(label=_("District"), queryset=District.objects.all(), field_name="enterprise__district")
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.all())
    q = django_filters.CharFilter(label=_("Enterprise name or code"), method="filter_q", max_length=SEARCH)

    class Meta:
        model = Application
        fields = ["status", "phase", "age", "district", "product", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.bank_id:
            self.filters["product"].queryset = Product.objects.filter(bank_id=user.bank_id).order_by("name")

    def filter_phase(self, queryset, name, value):
        return queryset.filter(status__in=PHASE_STATUSES[value])

    def filter_age(self, queryset, name, value):
        return queryset.filter(status__in=WAITING,
                               status_changed_at__lte=timezone.now() - timedelta(days=int(value)))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(enterprise__name__icontains=value) | queryset.filter(
            enterprise__uscc__istartswith=value)


class VerificationRequestFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VerificationStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = VerificationRequest
        fields = ["status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is True:
            return queryset.filter(status=VerificationStatus.OPEN, due_on__lt=today)
        if value is False:
            return queryset.exclude(status=VerificationStatus.OPEN, due_on__lt=today)
        return queryset
