"""Form plumbing shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jingzhidai import money


class BootstrapMixin:
    """Bootstrap classes on every widget, so `templates/form.html` can render `{{ field }}`;
    a field with an error (from validation or a service refusal) is marked `is-invalid`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue  # Django copies the class onto the list's wrapper too: its own markup reads well
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, forms.CheckboxSelectMultiple
                                                      | forms.RadioSelect):
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class AmountField(forms.DecimalField):
    """An amount in yuan typed as people type it: "2,000,000", "2，000，000", "200 万元". The
    label says the unit; the help text says what is understood."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter an amount in yuan, such as 2,000,000 or 200 万元.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("help_text", _("In yuan; thousands separators and 万元 are understood "
                                         "(2,000,000 or 200 万元)."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = money.parse_yuan(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(parsed)


class WanAmountField(AmountField):
    """An amount in 万元 (product ranges): "1,000", "1,000 万元" or "1000万"."""

    default_error_messages = {"invalid": _("Enter an amount in 10k yuan, such as 1,000.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("help_text", _("In 10k yuan (万元); thousands separators are understood."))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        parsed = money.parse_amount(text)
        if parsed is None or (text.endswith("元") and not text.endswith("万元")):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return forms.DecimalField.to_python(self, parsed)


class RateField(forms.DecimalField):
    """An annual rate in percent: "3.45", "3.45%" or "3.45 ％"."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter the annual rate in percent, such as 3.45.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = money.parse_amount(value)
        if parsed is None or str(value).strip().endswith(("元", "万")):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(parsed)


def labelled_errors(form) -> list[str]:
    """A form's errors as sentences naming each field by its (translated) label, never by its
    name: "金额（元）：请输入金额……" for a message shown away from the field."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for e in errors:
            out.append(_("%(field)s: %(error)s") % {"field": label, "error": e} if label else str(e))
    return out
