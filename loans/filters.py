"""FilterSets shared by the HTML lists and the API lists."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.choices import Purpose
from applications.filters import CodeChoiceFilter
from applications.models import Contract
from banks.models import Product
from identity.models import District
from identity.selectors import enterprises_matching
from jingzhidai.filters import FilterSet as PortalFilterSet

from .choices import NON_PERFORMING, Audience, Classification, LoanStatus, OverdueFilter, PositionFilter
from .models import FundUseReport, Loan, RiskAlert
from .selectors import LATE, loans_held_at
from .workflow import OPEN

SEARCH_FEW = 200  # matching enterprises (and contracts) up to which the search reads loans by their ids


class LoanFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LoanStatus.choices)
    open = django_filters.BooleanFilter(label=_("Outstanding"), method="filter_open")
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=OverdueFilter.choices, method="filter_overdue")
    classification = django_filters.ChoiceFilter(label=_("Classification"), choices=Classification.choices)
    district = CodeChoiceFilter(label=_("District"), queryset=District.objects.all(), field_name="enterprise__district")
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.all(),
                                               field_name="product")
    alerts_open = django_filters.BooleanFilter(label=_("Alerts open"), method="filter_alerts_open")
    application = django_filters.NumberFilter(label=_("Application"), field_name="application_id")
    q = django_filters.CharFilter(label=_("Enterprise, code or contract"), method="filter_q")
    # The regulators' figures drill down to these: the loans held at the end of a day
    # (selectors.loans_held_at), all of them or the overdue or non-performing ones then.
    unit = django_filters.NumberFilter(label=_("Regulator unit"), field_name="enterprise__regulator_unit_id")
    bank = django_filters.NumberFilter(label=_("Bank"), field_name="bank_id")
    as_of = django_filters.DateFilter(label=_("Held at the end of"), method="filter_as_of")
    position = django_filters.ChoiceFilter(label=_("Position then"), choices=PositionFilter.choices,
                                           method="filter_noop")

    class Meta:
        model = Loan
        fields = ["status", "open", "overdue", "classification", "district", "product", "alerts_open", "application", "q",
                  "unit", "bank", "as_of", "position"]

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_as_of

    def filter_as_of(self, queryset, name, value):
        queryset = loans_held_at(queryset, value)
        position = self.form.cleaned_data.get("position")
        if position == PositionFilter.OVERDUE:
            queryset = queryset.filter(status_at__in=LATE)
        elif position == PositionFilter.NON_PERFORMING:
            queryset = queryset.filter(classification_at__in=NON_PERFORMING)
        return queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.bank_id:
            self.filters["product"].queryset = (Product.objects.filter(bank_id=user.bank_id).select_related("bank")
                                                .order_by("name"))  # the choices name the bank

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN) if value else queryset.exclude(status__in=OPEN)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(days_past_due__gt=0 if value == OverdueFilter.ANY else int(value))

    def filter_alerts_open(self, queryset, name, value):
        open_alerts = RiskAlert.objects.filter(audience=Audience.BANK, acknowledged_at__isnull=True)
        ids = open_alerts.values("loan_id")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids.filter(loan_id__isnull=False))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The matching enterprises (and contracts) are found first, never an OR across joins. A
        # few: their loans by their ids (the enterprise and contract indexes). Many: the book's
        # own index is walked, each loan tested against them (matches are then dense, so a page
        # fills quickly). Contract numbers are searched from three characters (a trigram index
        # finds them; fewer would test every contract).
        enterprises = enterprises_matching(value)
        few = list(enterprises.values_list("uscc", flat=True)[:SEARCH_FEW + 1])
        match = Q(enterprise_id__in=few) if len(few) <= SEARCH_FEW else Q(enterprise_id__in=enterprises)
        if len(value) >= 3:
            few = list(Contract.objects.filter(number__icontains=value).values_list("pk", flat=True)[:SEARCH_FEW + 1])
            match |= Q(contract_id__in=few) if len(few) <= SEARCH_FEW else Q(contract__number__icontains=value)
        return queryset.filter(match)


class RiskAlertFilter(PortalFilterSet):
    loan = django_filters.NumberFilter(label=_("Loan"), field_name="loan_id")
    acknowledged = django_filters.BooleanFilter(label=_("Acknowledged"), method="filter_acknowledged")
    good_news = django_filters.BooleanFilter(label=_("Good news"))
    audience = django_filters.ChoiceFilter(label=_("For"), choices=Audience.choices)

    unit = django_filters.NumberFilter(label=_("Regulator unit"), field_name="enterprise__regulator_unit_id")
    bank = django_filters.NumberFilter(label=_("Bank"), field_name="bank_id")
    open_on = django_filters.DateFilter(label=_("Open at the end of"), method="filter_open_on")

    class Meta:
        model = RiskAlert
        fields = ["loan", "acknowledged", "good_news", "audience", "unit", "bank", "open_on"]

    def filter_open_on(self, queryset, name, value):
        end = timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min))
        return queryset.filter(audience=Audience.BANK, created_at__lt=end).filter(
            Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=end))

    def filter_acknowledged(self, queryset, name, value):
        # District alerts are notices, nothing to acknowledge: "open" means a bank's alert.
        if value:
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset.filter(audience=Audience.BANK, acknowledged_at__isnull=True)


class FundUseReportFilter(PortalFilterSet):
    """The fund-use reports behind the regulators' figure (regulators.metrics: by the report's
    date, per purpose), under the same door as the loans."""

    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices)
    unit = django_filters.NumberFilter(label=_("Regulator unit"), field_name="loan__enterprise__regulator_unit_id")
    bank = django_filters.NumberFilter(label=_("Bank"), field_name="loan__bank_id")
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte")

    class Meta:
        model = FundUseReport
        fields = ["purpose", "unit", "bank", "date_from", "date_to"]
