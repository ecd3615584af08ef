"""FilterSets shared by the HTML lists and the API lists."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from identity.choices import BANK_ROLES, Role
from identity.models import District, User
from jingzhidai.filters import FilterSet as PortalFilterSet
from jingzhidai.limits import SEARCH

from . import selectors
from .choices import BankStatus, GuaranteeType, ProductStatus
from .models import Bank, Branch, InstitutionKind, Product


@extend_schema_field(OpenApiTypes.STR)
class DistrictFilter(django_filters.ModelChoiceFilter):
    """A district code (GB/T 2260); matches banks with an open branch there."""


def _has_branch_in(district_field):
    def method(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Branch.objects.filter(bank_id=OuterRef(district_field), district=value,
                                                            is_active=True)))
    return method


class BankFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_q", max_length=SEARCH)
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=InstitutionKind.objects.all())
    district = DistrictFilter(label=_("District (branches)"), queryset=District.objects.all(),
                                                method=_has_branch_in("pk"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BankStatus.choices)

    class Meta:
        model = Bank
        fields = ["q", "kind", "district", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


def _banks_visible(request):
    # Through the door: a bank the user may not see is refused like an unknown one.
    return selectors.banks_visible_to(request.user) if request is not None else Bank.objects.none()


class ProductFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Product or bank"), method="filter_q", max_length=SEARCH)
    bank = django_filters.ModelChoiceFilter(label=_("Bank"), queryset=_banks_visible)
    kind = django_filters.ModelChoiceFilter(label=_("Bank kind"), field_name="bank__kind",
                                            queryset=InstitutionKind.objects.all())
    district = DistrictFilter(label=_("District (branches)"), queryset=District.objects.all(),
                                                method=_has_branch_in("bank_id"))
    guarantee = django_filters.ChoiceFilter(label=_("Guarantee type"), choices=GuaranteeType.choices,
                                            method="filter_guarantee")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProductStatus.choices)

    class Meta:
        model = Product
        fields = ["q", "bank", "kind", "district", "guarantee", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value)
                               | Q(bank__name__icontains=value) | Q(bank__name_en__icontains=value))

    def filter_guarantee(self, queryset, name, value):
        # Codes are distinct words, so a quoted text match on the JSON list works on SQLite and PostgreSQL.
        return queryset.filter(guarantee_types__icontains=f'"{value}"') if value else queryset


class StaffFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Username or name"), method="filter_q", max_length=SEARCH)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=[(r, Role(r).label) for r in BANK_ROLES])
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value))
