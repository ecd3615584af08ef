from django import forms
from django.utils.translation import gettext_lazy as _

from elements.choices import Level
from jingzhidai.limits import NOTE


class AnswerForm(forms.Form):
    """A district regulator's answer to a bank's verification request."""

    confirmed = forms.TypedChoiceField(label=_("Answer"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                       choices=[("yes", _("Confirmed")), ("no", _("Not confirmed"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE)
    file = forms.FileField(label=_("File (optional; PDF, JPEG or PNG)"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", "—"), *Level.choices])
    issuer = forms.CharField(label=_("Issuer"), required=False, max_length=200)
    certificate_no = forms.CharField(label=_("Certificate number"), required=False, max_length=100)
    granted_on = forms.DateField(label=_("Granted on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Valid until"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
