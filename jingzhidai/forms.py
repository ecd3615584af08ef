"""Form plumbing shared by every app's pages."""

from django import forms


class BootstrapMixin:
    """Bootstrap classes on every widget, so `templates/form.html` can render `{{ field }}`.
    Choice lists of checkboxes or radios keep Django's own markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
