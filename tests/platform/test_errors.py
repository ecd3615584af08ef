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
