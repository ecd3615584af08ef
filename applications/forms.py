from django import forms
from django.utils.translation import gettext_lazy as _

from banks.choices import GuaranteeType
from banks.models import Branch
from jingzhidai.forms import AmountField, BootstrapMixin, RateField
from jingzhidai.limits import LONG_TEXT, NOTE, TEXT

from .choices import DocumentKind, Purpose, RepaymentMethod
from .models import TERM_MAX_MONTHS


class ApplicationForm(forms.Form):
    """The guided application: product (only those the enterprise meets are selectable),
    amount, term, purpose, loan-need statement, claimed elements, authorisation."""

    product = forms.TypedChoiceField(label=_("Partner bank and product"), coerce=int, widget=forms.RadioSelect)
    branch = forms.ModelChoiceField(label=_("Branch (optional)"), queryset=Branch.objects.none(), required=False)
    amount = AmountField(label=_("Amount (yuan)"), min_value=1)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=TERM_MAX_MONTHS)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    purpose_description = forms.CharField(label=_("Description of the purpose"), widget=forms.Textarea(
        attrs={"rows": 3}), required=False, max_length=TEXT)
    need_statement = forms.CharField(label=_("Loan-need statement (贷款需求说明)"), widget=forms.Textarea(
        attrs={"rows": 5}), max_length=LONG_TEXT)
    claims = forms.MultipleChoiceField(label=_("Elements you claim"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    authorise = forms.BooleanField(label=_("I authorise the chosen bank to see our quality profile and the "
                                           "evidence files of this application."), required=False)

    def __init__(self, *args, product_options=(), claim_types=(), held=(), fixed_product=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product_options = list(product_options)
        met = [(row["product"].pk, str(row["product"])) for row in self.product_options if row["meets"]]
        if fixed_product is not None and fixed_product.pk not in dict(met):
            met.append((fixed_product.pk, str(fixed_product)))
        self.fields["product"].choices = met
        self.fields["branch"].queryset = Branch.objects.filter(is_active=True).select_related("bank", "district")
        self.fields["claims"].choices = [(t.code, f"{t.category.name} · {t.name}") for t in claim_types]
        self.held = set(held)


class DocumentForm(BootstrapMixin, forms.Form):
    """A general document of the application: its kind, a note (required for other material)
    and the file."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", _("Choose…")), *DocumentKind.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           help_text=_("What the document is (period, counterparty); required for other material."))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,"
                                                                            "image/jpeg,image/png"}))


class ProposeForm(forms.Form):
    credit_line = AmountField(label=_("Credit line (yuan)"))
    annual_rate = RateField(label=_("Annual rate (%)"))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=TERM_MAX_MONTHS)
    guarantee_type = forms.ChoiceField(label=_("Guarantee type"), choices=GuaranteeType.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE)


class ContractForm(BootstrapMixin, forms.Form):
    """The contract on the approved terms: the rate is the approved one and the maturity
    follows from the signing date and the term, so neither is typed here (the API still
    accepts them and checks them)."""

    number = forms.CharField(label=_("Contract number"), max_length=60)
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"},
                                                                             format="%Y-%m-%d"))
    amount = AmountField(label=_("Amount (yuan)"), required=False)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=TERM_MAX_MONTHS,
                                     required=False)
    repayment_method = forms.ChoiceField(label=_("Repayment method"), choices=RepaymentMethod.choices,
                                         required=False)


class DisburseForm(BootstrapMixin, forms.Form):
    amount = AmountField(label=_("Amount (yuan)"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
