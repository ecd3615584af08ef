from django import forms
from django.utils.translation import gettext_lazy as _

from banks.models import PRODUCT_OPEN_TO_APPLICATIONS, Product
from jingzhidai.forms import BootstrapMixin
from jingzhidai.limits import NOTE


class InvitationForm(BootstrapMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product (optional)"), queryset=Product.objects.none(), required=False)
    message = forms.CharField(label=_("Message (optional)"), max_length=NOTE, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, bank_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS,
                                                                 bank_id=bank_id).order_by("name")
