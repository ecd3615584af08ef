"""FilterSets shared by the HTML lists and the API lists."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from identity.models import Enterprise
from jingzhidai.filters import FilterSet as PortalFilterSet
from jingzhidai.filters import IdFilter
from jingzhidai.limits import CODE, SEARCH

from .choices import (
    BatchStatus,
    DistinctionStatus,
    EventKind,
    Feed,
    Level,
    ListingKind,
    Source,
    SpotCheckResult,
    SpotCheckScope,
)
from .models import ChangeEvent, Distinction, ElementCategory, ImportBatch, Listing, Penalty, SpotCheck


class RecordFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Enterprise name or code"), method="filter_q", max_length=SEARCH)
    enterprise = django_filters.CharFilter(label=_("Enterprise code"), field_name="enterprise_id", max_length=CODE)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    batch = IdFilter(label=_("Import batch"), method="filter_batch")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # `enterprise__uscc`, not `enterprise_id`: a foreign-key column takes no text lookups
        # (the code is the enterprise's key, so no join is added for it).
        return queryset.filter(Q(enterprise__uscc__istartswith=value) | Q(enterprise__name__icontains=value))

    def filter_batch(self, queryset, name, value):
        return queryset.filter(Q(batch_id=value) | Q(updated_batch_id=value))


class DistinctionFilter(RecordFilter):
    category = django_filters.ModelChoiceFilter(label=_("Category"), field_name="element_type__category",
                                                queryset=ElementCategory.objects.exclude(code="credit"))
    element_type = django_filters.CharFilter(label=_("Element type code"), field_name="element_type__code", max_length=CODE)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DistinctionStatus.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)

    class Meta:
        model = Distinction
        fields = ["q", "enterprise", "category", "element_type", "status", "level", "source", "batch"]


class ListingFilter(RecordFilter):
    kind = django_filters.ChoiceFilter(label=_("List"), choices=ListingKind.choices)
    current = django_filters.BooleanFilter(label=_("Still listed"), field_name="removed_on", lookup_expr="isnull")

    class Meta:
        model = Listing
        fields = ["q", "enterprise", "kind", "current", "source", "batch"]


class PenaltyFilter(RecordFilter):
    decided_after = django_filters.DateFilter(label=_("Decided on or after"), field_name="decided_on",
                                              lookup_expr="gte")
    decided_before = django_filters.DateFilter(label=_("Decided on or before"), field_name="decided_on",
                                               lookup_expr="lte")
    market_regulation = django_filters.BooleanFilter(label=_("market-regulation case"))

    class Meta:
        model = Penalty
        fields = ["q", "enterprise", "decided_after", "decided_before", "market_regulation", "source", "batch"]


class SpotCheckFilter(RecordFilter):
    result = django_filters.ChoiceFilter(label=_("Result"), choices=SpotCheckResult.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    scope = django_filters.ChoiceFilter(label=_("whose check"), choices=SpotCheckScope.choices)

    class Meta:
        model = SpotCheck
        fields = ["q", "enterprise", "result", "level", "scope", "source", "batch"]


class ChangeEventFilter(PortalFilterSet):
    after = IdFilter(label=_("After event id (cursor)"), field_name="id", lookup_expr="gt")
    enterprise = django_filters.CharFilter(label=_("Enterprise code"), field_name="enterprise_id", max_length=CODE)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=EventKind.choices)

    class Meta:
        model = ChangeEvent
        fields = ["after", "enterprise", "kind"]


class ImportBatchFilter(PortalFilterSet):
    feed = django_filters.ChoiceFilter(label=_("Feed"), choices=Feed.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BatchStatus.choices)

    class Meta:
        model = ImportBatch
        fields = ["feed", "status"]


class EnterpriseProfileFilter(PortalFilterSet):
    """Enterprises whose profile shows a distinction on `as_of` (today without it), and of those
    whose quality credit holds then (`credit`): the list behind the regulators' figures, by the
    profile rules' set-based form (selectors.distinction_held, quality_credit_holds)."""

    as_of = django_filters.DateFilter(label=_("On"), method="filter_noop")
    credit = django_filters.BooleanFilter(label=_("Quality credit holds"), method="filter_noop")
    unit = django_filters.NumberFilter(label=_("Regulator unit"), field_name="regulator_unit_id")
    q = django_filters.CharFilter(label=_("Enterprise name or code"), method="filter_q", max_length=SEARCH)

    class Meta:
        model = Enterprise
        fields = ["as_of", "credit", "unit", "q"]

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(uscc=value.strip().upper()))

    def filter_queryset(self, queryset):
        from .selectors import distinction_held, quality_credit_holds, today

        queryset = super().filter_queryset(queryset)
        as_of = self.form.cleaned_data.get("as_of") or today()
        queryset = queryset.filter(distinction_held(as_of))
        credit = self.form.cleaned_data.get("credit")
        if credit is True:
            queryset = queryset.filter(quality_credit_holds(as_of))
        elif credit is False:
            queryset = queryset.exclude(quality_credit_holds(as_of))
        return queryset
