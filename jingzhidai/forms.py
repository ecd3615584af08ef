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


class _TypedDecimalField(forms.DecimalField):
    """A decimal typed as people type it: a text box (separators and units are allowed, which
    a number box refuses) with the decimal keyboard; `parse(text)` gives the Decimal or None."""

    widget = forms.TextInput

    def parse(self, text):
        raise NotImplementedError

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = self.parse(str(value).strip())
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(parsed)


class AmountField(_TypedDecimalField):
    """An amount in yuan: "2,000,000", "2，000，000", "200 万元". The label says the unit; the
    help text says what is understood."""

    default_error_messages = {"invalid": _("Enter an amount in yuan, such as 2,000,000 or 200 万元.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("help_text", _("In yuan; thousands separators and 万元 are understood "
                                         "(2,000,000 or 200 万元)."))
        super().__init__(**kwargs)

    def parse(self, text):
        return money.parse_yuan(text)


class WanAmountField(AmountField):
    """An amount in 万元 (product ranges): "1,000", "1,000 万元" or "1000万"."""

    default_error_messages = {"invalid": _("Enter an amount in 10k yuan, such as 1,000.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("help_text", _("In 10k yuan (万元); thousands separators are understood."))
        super().__init__(**kwargs)

    def parse(self, text):
        return None if text.endswith("元") and not text.endswith("万元") else money.parse_amount(text)


class RateField(_TypedDecimalField):
    """An annual rate in percent: "3.45", "3.45%" or "3.45 ％"."""

    default_error_messages = {"invalid": _("Enter the annual rate in percent, such as 3.45.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)

    def parse(self, text):
        return None if text.endswith(("元", "万")) else money.parse_amount(text)


def labelled_errors(form) -> list[str]:
    """A form's errors as sentences naming each field by its (translated) label, never by its
    name: "金额（元）：请输入金额……" for a message shown away from the field."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for e in errors:
            out.append(_("%(field)s: %(error)s") % {"field": label, "error": e} if label else str(e))
    return out
