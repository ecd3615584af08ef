from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhidai.forms import BootstrapMixin

from .choices import DISTINCTION_LEVELS, SYNC_FEEDS, Level
from .models import ElementType
from .selectors import claimable_types

LEVEL_CHOICES = [(v, label) for v, label in Level.choices if v in DISTINCTION_LEVELS]


class ElementTypeForm(BootstrapMixin, forms.ModelForm):
    levels = forms.MultipleChoiceField(label=_("Applicable levels"), choices=LEVEL_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    class Meta:
        model = ElementType
        fields = ["code", "category", "name", "name_en", "levels", "default_validity_months", "notes", "evidence",
                  "feed", "order"]
        labels = {"order": _("Display order")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Codes are what banks and the API refer to: they never change.
            self.fields["code"].disabled = True


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class UploadForm(BootstrapMixin, forms.Form):
    feed = forms.ChoiceField(label=_("Published list"), choices=[("", _("Choose the list…")), *[(f.value, f.label) for f in SYNC_FEEDS]])  # no default: the list is a choice, never a guess
    file = forms.FileField(label=_("File (CSV, Excel .xlsx or JSON lines)"))


class DistinctionForm(BootstrapMixin, forms.Form):
    element_type = forms.ModelChoiceField(label=_("Element"), queryset=ElementType.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *LEVEL_CHOICES], required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    granted_on = forms.DateField(label=_("Granted"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Valid until"), required=False,
                                 help_text=_("Leave empty to apply the type's default validity."),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    claim = forms.BooleanField(label=_("Confirms the enterprise's own claim (with evidence)"), required=False)
    reason = forms.CharField(label=_("Reason / evidence checked"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element_type"].queryset = claimable_types()


class ListingRemovalForm(BootstrapMixin, forms.Form):
    removed_on = forms.DateField(label=_("Removed on"), widget=forms.DateInput(attrs={"type": "date"}))
    authority = forms.CharField(label=_("Removal authority"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason for removal"), max_length=300)


class RevokeForm(BootstrapMixin, forms.Form):
    revoked_on = forms.DateField(label=_("Revoked on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)
