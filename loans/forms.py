from django import forms
from django.utils.translation import gettext_lazy as _

from applications.choices import Purpose
from jingzhidai.forms import AmountField, BootstrapMixin
from jingzhidai.limits import NOTE, TEXT

from .choices import AlertAction, Classification


class RepaymentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    principal = AmountField(label=_("Principal (yuan)"), min_value=0)
    interest = AmountField(label=_("Interest (yuan)"), min_value=0)
    reference = forms.CharField(label=_("Bank reference"), max_length=64)


class RepaymentFileForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("CSV file (contract_number, date, principal, interest, reference)"))


class FundUseForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    amount = AmountField(label=_("Amount (yuan)"), min_value=0)
    date = forms.DateField(label=_("Date spent"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Supporting file (optional; PDF, JPEG or PNG)"), required=False)


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    classified_on = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))


class AcknowledgeForm(forms.Form):
    action = forms.ChoiceField(label=_("What the bank does"), choices=AlertAction.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2}))
