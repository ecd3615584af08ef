"""FilterSets shared by the HTML lists and the API lists."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banks.choices import GuaranteeType
from banks.models import Product
from identity.models import District
from identity.selectors import enterprises_matching
from jingzhidai.filters import FilterSet as PortalFilterSet
from jingzhidai.limits import SEARCH

from .choices import (
    PHASE_STATUSES,
    Action,
    AgeFilter,
    PhaseFilter,
    Purpose,
    StageFilter,
    Status,
    VerificationStatus,
)
from .models import Application, Claim, Disbursement, HistoryEntry, VerificationRequest
from .workflow import WAITING


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A reference by code (district GB/T 2260 code)."""


# The stage filter's steps that are a time stamp of the application.
STAMPS = {StageFilter.SUBMITTED: "submitted_at", StageFilter.ACCEPTED: "accepted_at",
          StageFilter.DECIDED: "decided_at", StageFilter.APPROVED: "decided_at", StageFilter.REJECTED: "decided_at",
          StageFilter.FIRST_DISBURSED: "disbursed_at", StageFilter.WITHDRAWN: "withdrawn_at"}


class ApplicationFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=PhaseFilter.choices, method="filter_phase")
    age = django_filters.ChoiceFilter(label=_("Waiting"), choices=AgeFilter.choices, method="filter_age")
    district = CodeChoiceFilter(label=_("District"), queryset=District.objects.all(), field_name="enterprise__district")
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.all())
    q = django_filters.CharFilter(label=_("Enterprise name or code"), method="filter_q", max_length=SEARCH)
    # The regulators' figures drill down to these (regulators.metrics defines each figure).
    unit = django_filters.NumberFilter(label=_("Regulator unit"), field_name="enterprise__regulator_unit_id")
    bank = django_filters.NumberFilter(label=_("Bank"), field_name="bank_id")
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices)
    industry = django_filters.CharFilter(label=_("Industry"), field_name="enterprise__industry", max_length=SEARCH)
    category = django_filters.CharFilter(label=_("Element category claimed"), method="filter_category",
                                         max_length=20)
    element = django_filters.NumberFilter(label=_("Element claimed"), method="filter_element")
    guarantee = django_filters.ChoiceFilter(label=_("Guarantee type"), choices=GuaranteeType.choices,
                                            field_name="guarantee_type")
    stage = django_filters.ChoiceFilter(label=_("Step taken in the period"), choices=StageFilter.choices,
                                        method="filter_stage")
    date_from = django_filters.DateFilter(label=_("From"), method="filter_noop")
    date_to = django_filters.DateFilter(label=_("To"), method="filter_noop")
    status_at_end = django_filters.ChoiceFilter(label=_("Status at the end of the period"), choices=Status.choices,
                                                method="filter_status_at_end")

    class Meta:
        model = Application
        fields = ["status", "phase", "age", "district", "product", "q", "unit", "bank", "purpose", "industry", "category",
                  "element", "guarantee", "stage", "date_from", "date_to", "status_at_end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.bank_id:
            self.filters["product"].queryset = (Product.objects.filter(bank_id=user.bank_id).select_related("bank")
                                                .order_by("name"))  # the choices name the bank

    def filter_phase(self, queryset, name, value):
        return queryset.filter(status__in=PHASE_STATUSES[value])

    def filter_age(self, queryset, name, value):
        return queryset.filter(status__in=WAITING,
                               status_changed_at__lte=timezone.now() - timedelta(days=int(value)))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(enterprise_id__in=enterprises_matching(value))

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_stage and filter_status_at_end

    def filter_category(self, queryset, name, value):
        return queryset.filter(Exists(Claim.objects.filter(application_id=OuterRef("pk"),
                                                           element_type__category_id=value)))

    def filter_element(self, queryset, name, value):
        return queryset.filter(Exists(Claim.objects.filter(application_id=OuterRef("pk"), element_type_id=value)))

    def _bounds(self):
        """The period [date_from, date_to] as instants (local days), open ends allowed."""
        data = self.form.cleaned_data
        first, last = data.get("date_from"), data.get("date_to")
        start = timezone.make_aware(datetime.combine(first, time.min)) if first else None
        end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)) if last else None
        return first, last, start, end

    def filter_stage(self, queryset, name, value):
        first, last, start, end = self._bounds()

        def within(field, is_date=False):
            q = Q()
            if first:
                q &= Q(**{f"{field}__gte": first if is_date else start})
            if last:
                q &= Q(**{f"{field}__lte" if is_date else f"{field}__lt": last if is_date else end})
            return q & Q(**{f"{field}__isnull": False})

        if value in STAMPS:
            queryset = queryset.filter(within(STAMPS[value]))
            if value == StageFilter.APPROVED:
                queryset = queryset.exclude(status=Status.REJECTED)
            elif value == StageFilter.REJECTED:
                queryset = queryset.filter(status=Status.REJECTED)
            return queryset
        if value == StageFilter.CONTRACTED:
            return queryset.filter(within("contract__signed_on", is_date=True))
        if value == StageFilter.DISBURSEMENT:
            return queryset.filter(Exists(Disbursement.objects.filter(within("date", is_date=True),
                                                                      application_id=OuterRef("pk"))))
        if value in (StageFilter.RETURNED, StageFilter.COMPLAINT):
            actions = [Action.RETURN] if value == StageFilter.RETURNED else [Action.RETURN, Action.REJECT]
            return queryset.filter(Exists(HistoryEntry.objects.filter(within("at"), action__in=actions,
                                                                      application_id=OuterRef("pk"))))
        return queryset

    def filter_status_at_end(self, queryset, name, value):
        from .selectors import status_at

        _first, _last, _start, end = self._bounds()
        return queryset.annotate(status_then=status_at(end or timezone.now())).filter(status_then=value)


class VerificationRequestFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VerificationStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    unit = django_filters.NumberFilter(label=_("Regulator unit"), field_name="application__enterprise__regulator_unit_id")
    bank = django_filters.NumberFilter(label=_("Bank"), field_name="application__bank_id")
    asked_from = django_filters.DateFilter(label=_("Asked from"), method="filter_asked")
    asked_to = django_filters.DateFilter(label=_("Asked until"), method="filter_asked")
    late_at_end = django_filters.BooleanFilter(label=_("Answered late or overdue at the end"), method="filter_late")
    answered_at_end = django_filters.BooleanFilter(label=_("Answered by the end"), method="filter_answered")

    class Meta:
        model = VerificationRequest
        fields = ["status", "overdue", "unit", "bank", "asked_from", "asked_to", "late_at_end", "answered_at_end"]

    def _end(self):
        last = self.form.cleaned_data.get("asked_to") or timezone.localdate()
        return last, timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))

    def filter_answered(self, queryset, name, value):
        """As regulators.metrics counts them: answered before the end of the period (asked_to;
        today without it)."""
        _last, end = self._end()
        answered = Q(answered_at__isnull=False, answered_at__lt=end)
        return queryset.filter(answered) if value else queryset.exclude(answered)

    def filter_asked(self, queryset, name, value):
        if name == "asked_from":
            return queryset.filter(asked_at__gte=timezone.make_aware(datetime.combine(value, time.min)))
        return queryset.filter(asked_at__lt=timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min)))

    def filter_late(self, queryset, name, value):
        """As regulators.metrics counts them: answered after the due day, or still unanswered at
        the end of the period (asked_to; today without it) with the due day before then."""
        last, end = self._end()
        late = (Q(answered_at__isnull=False, answered_at__date__gt=F("due_on"))
                | ((Q(answered_at__isnull=True) | Q(answered_at__gte=end)) & Q(due_on__lt=last)))
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is True:
            return queryset.filter(status=VerificationStatus.OPEN, due_on__lt=today)
        if value is False:
            return queryset.exclude(status=VerificationStatus.OPEN, due_on__lt=today)
        return queryset
