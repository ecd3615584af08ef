"""FilterSets shared by the HTML lists and the API lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from applications.filters import CodeChoiceFilter
from banks.models import Product
from identity.models import District
from jingzhidai.filters import FilterSet as PortalFilterSet

from .choices import Audience, Classification, LoanStatus, OverdueFilter
from .models import Loan, RiskAlert
from .workflow import OPEN


class LoanFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LoanStatus.choices)
    open = django_filters.BooleanFilter(label=_("Outstanding"), method="filter_open")
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=OverdueFilter.choices, method="filter_overdue")
    classification = django_filters.ChoiceFilter(label=_("Classification"), choices=Classification.choices)
    district = CodeChoiceFilter(label=_("District"), queryset=District.objects.all(), field_name="enterprise__district")
    product = django_filters.ModelChoiceFilter(label=_("Product"), queryset=Product.objects.all(),
                                               field_name="application__product")
    alerts_open = django_filters.BooleanFilter(label=_("Alerts open"), method="filter_alerts_open")
    application = django_filters.NumberFilter(label=_("Application"), field_name="application_id")
    q = django_filters.CharFilter(label=_("Enterprise, code or contract"), method="filter_q")

    class Meta:
        model = Loan
        fields = ["status", "open", "overdue", "classification", "district", "product", "alerts_open", "application", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.bank_id:
            self.filters["product"].queryset = Product.objects.filter(bank_id=user.bank_id).order_by("name")

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
        return (queryset.filter(enterprise__name__icontains=value) | queryset.filter(enterprise__uscc__istartswith=value)
                | queryset.filter(contract__number__icontains=value))


class RiskAlertFilter(PortalFilterSet):
    loan = django_filters.NumberFilter(label=_("Loan"), field_name="loan_id")
    acknowledged = django_filters.BooleanFilter(label=_("Acknowledged"), method="filter_acknowledged")
    good_news = django_filters.BooleanFilter(label=_("Good news"))
    audience = django_filters.ChoiceFilter(label=_("For"), choices=Audience.choices)

    class Meta:
        model = RiskAlert
        fields = ["loan", "acknowledged", "good_news", "audience"]

    def filter_acknowledged(self, queryset, name, value):
        # District alerts are notices, nothing to acknowledge: "open" means a bank's alert.
        if value:
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset.filter(audience=Audience.BANK, acknowledged_at__isnull=True)
