from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhidai.forms import BootstrapMixin

from . import selectors
from .choices import ReportKind

CITY = ""


class ReportRequestForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    period = forms.CharField(label=_("Period"), max_length=7,
                             help_text=_("A month as 2026-11, a quarter as 2026-Q3."))
    unit = forms.ChoiceField(label=_("Scope"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(u.code, u.name) for u in selectors.report_units_for(user)]
        if selectors.may_request_citywide(user):
            choices = [(CITY, _("Beijing (city-wide)")), *choices]
        self.fields["unit"].choices = choices
