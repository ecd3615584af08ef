from django import forms
from django.utils.translation import gettext_lazy as _

from banks.models import Bank
from elements.models import ElementType
from jingzhidai.forms import BootstrapMixin
from jingzhidai.limits import NOTE, SHORT, TEXT


class CaseForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label=_("Enterprise (unified social credit code)"), max_length=18)
    title = forms.CharField(label=_("Title"), max_length=SHORT)
    element_type = forms.ModelChoiceField(label=_("Quality element that made the difference"),
                                          queryset=ElementType.objects.filter(retired_at__isnull=True).select_related(
                                              "category").order_by("category__order", "order"))
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Bank.objects.order_by("name"), required=False,
                                  help_text=_("Taken from the loan when a loan is given."))
    loan = forms.IntegerField(label=_("Loan (number in the loan book)"), required=False, min_value=1,
                              max_value=2**63 - 1)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2, required=False,
                                min_value=0)
    annual_rate = forms.DecimalField(label=_("Annual rate (%)"), max_digits=6, decimal_places=3, required=False,
                                     min_value=0, max_value=100)
    term_months = forms.IntegerField(label=_("Term (months)"), required=False, min_value=1, max_value=360)
    summary = forms.CharField(label=_("Summary"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Text"), max_length=TEXT * 2, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["enterprise"]


class PhotoForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Photo (JPEG or PNG)"))
    caption = forms.CharField(label=_("Caption"), max_length=SHORT, required=False)
