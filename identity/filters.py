import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhidai.filters import FilterSet as PortalFilterSet
from jingzhidai.limits import SEARCH

from .choices import LegalForm, RegistrationStatus, Role
from .models import District, Enterprise, RegulatorUnit, User
from .selectors import enterprise_search


class EnterpriseFilter(PortalFilterSet):
    """Shared by the HTML enterprise list and `GET /api/v1/enterprises/`."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_q", max_length=SEARCH)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=District.objects.all())
    regulator_unit = django_filters.ModelChoiceFilter(label=_("Regulator unit"), queryset=RegulatorUnit.objects.all())
    legal_form = django_filters.ChoiceFilter(label=_("Legal form"), choices=LegalForm.choices)
    status = django_filters.ChoiceFilter(label=_("Registration status"), choices=RegistrationStatus.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "district", "regulator_unit", "legal_form", "status"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(enterprise_search(value))


class UserFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Username, name or enterprise"), method="filter_q", max_length=SEARCH)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)

    class Meta:
        model = User
        fields = ["q", "role"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(first_name__icontains=value) | Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc__startswith=value.upper())
        )
