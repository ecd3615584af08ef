"""Every free-text field has a maximum length in model, form and API (issue 9)."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

OUR_APPS = ["audit", "identity", "elements", "banks", "applications", "regulators"]


def _text_fields():
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, (models.CharField, models.TextField)) and field.concrete:
                    yield pytest.param(field, id=f"{model._meta.label}.{field.name}")


@pytest.mark.parametrize("field", list(_text_fields()))
def test_every_model_text_field_has_a_maximum_that_model_validation_enforces(field):
    assert field.max_length, f"{field} has no max_length"
    assert any(isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length for v in field.validators), \
        f"{field}: full_clean would not enforce max_length"


def _modules(name):
    for app in OUR_APPS:
        try:
            yield importlib.import_module(f"{app}.{name}")
        except ModuleNotFoundError:
            continue


def _classes(name, base):
    for module in _modules(name):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__:
                yield pytest.param(cls, id=f"{cls.__module__}.{cls.__name__}")


def _is_password(field):
    # Passwords are not free text kept anywhere; their limits belong to the password rules.
    return isinstance(getattr(field, "widget", None), forms.PasswordInput) or \
        getattr(field, "style", {}).get("input_type") == "password"


def _request_strings(schema, components, path=(), seen=()):
    """Every string property a request body may carry, as (path, schema), through $ref, allOf,
    arrays and nested objects."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _request_strings(components[name], components, path, (*seen, name))
        return
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        yield from _request_strings(part, components, path, seen)
    if schema.get("type") == "string":
        yield path, schema
    if schema.get("type") == "array" and "items" in schema:
        yield from _request_strings(schema["items"], components, (*path, "[]"), seen)
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("readOnly"):
            yield from _request_strings(prop, components, (*path, name), seen)


def test_every_text_field_a_client_can_send_to_the_api_has_a_maximum():
    """Walks the OpenAPI schema (what the API accepts): every free-text string in a request body
    has maxLength. Not free text: enums, dates, numbers as strings, files, passwords."""
    from drf_spectacular.generators import SchemaGenerator

    # Keys of reference rows sent as strings (a code that must name an existing row, not text
    # that is stored): bank `kind` (institution kind), branch `district` (one of the 16 codes).
    reference_keys = {"kind", "district"}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    missing = []
    for url, operations in schema["paths"].items():
        for method, operation in operations.items():
            for media, body in operation.get("requestBody", {}).get("content", {}).items():
                for path, prop in _request_strings(body["schema"], components):
                    if "enum" in prop or prop.get("format") in ("date", "date-time", "decimal", "binary", "uri",
                                                                 "password", "uuid"):
                        continue
                    if prop.get("maxLength") is None and path[-1] not in reference_keys:
                        missing.append(f"{method.upper()} {url} {media} {'.'.join(path)}")
    assert not missing, "\n".join(sorted(set(missing)))


@pytest.mark.parametrize("cls", list(_classes("forms", forms.BaseForm)))
def test_every_text_field_of_the_forms_has_a_maximum(cls):
    # base_fields: the declared and model-derived fields, without instantiating the form
    missing = [name for name, f in cls.base_fields.items()
               if isinstance(f, forms.CharField) and not _is_password(f) and f.max_length is None]
    assert not missing, f"{cls.__name__}: {missing} without max_length"


@pytest.mark.parametrize("cls", list(_classes("filters", __import__("django_filters").FilterSet)))
def test_every_text_filter_has_a_maximum(cls):
    import django_filters

    missing = [name for name, f in cls.base_filters.items()
               if isinstance(f, django_filters.CharFilter) and f.extra.get("max_length") is None]
    assert not missing, f"{cls.__name__}: {missing} without max_length"
