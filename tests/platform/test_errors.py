"""The shared pieces of jingzhidai.errors: model validation as a refusal, and a refusal on a form."""

import pytest
from django import forms

from banks.models import Bank
from jingzhidai.errors import ApplicationError, errors_to_form, full_clean_or_raise


class _Form(forms.Form):
    name = forms.CharField(required=False)
    password1 = forms.CharField(required=False)


def test_a_refusal_goes_next_to_the_fields_it_names_renamed_where_the_form_differs():
    form = _Form(data={})
    form.is_valid()
    errors_to_form(form, ApplicationError("top", {"fields": {"name": ["bad name"], "password": ["weak"]}}),
                   {"password": "password1"})
    assert form.errors["name"] == ["bad name"] and form.errors["password1"] == ["weak"]
    assert not form.non_field_errors()


def test_a_refusal_naming_no_field_of_the_form_goes_on_top():
    form = _Form(data={})
    form.is_valid()
    errors_to_form(form, ApplicationError("not now", {"fields": {"elsewhere": ["x"]}}))
    assert form.non_field_errors() == ["not now"]


@pytest.mark.django_db
def test_model_validation_becomes_a_refusal_with_fields():
    with pytest.raises(ApplicationError) as e:
        full_clean_or_raise(Bank(name=""))
    assert e.value.code == "invalid" and "name" in e.value.extra["fields"]


def test_the_form_partial_marks_fields_in_error_and_links_their_messages():
    from django.template.loader import render_to_string

    from jingzhidai.forms import BootstrapMixin

    class Styled(BootstrapMixin, forms.Form):
        name = forms.CharField()
        levels = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
        agree = forms.BooleanField(required=False)

    form = Styled(data={})
    assert not form.is_valid()
    errors_to_form(form, ApplicationError("x", {"fields": {"agree": ["must agree"]}}))
    html = render_to_string("form.html", {"form": form})
    assert 'class="form-control is-invalid"' in html and 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_error"' in html  # Django points at the id the partial prints
    # a checkbox list keeps Django's markup: no input class on its wrapper (it would shrink it to a box)
    assert "<legend" in html and '<div id="id_levels">' in html and "must agree" in html
    assert 'class="form-check-input is-invalid"' in html and "must agree" in html
    assert Styled().fields["name"].widget.attrs["class"] == "form-control"  # no leak into a fresh form
