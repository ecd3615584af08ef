"""Maximum lengths of free text, one place for models, forms, serializers and filters alike
(issue 9: every free-text field has a maximum in model, form and API)."""

from django.core.validators import MaxLengthValidator
from django.db import models

SEARCH = 100  # search boxes (?q=), codes typed in filters
CODE = 100  # element-type codes and other identifiers sent by clients
SHORT = 200  # a level, an issuer, a certificate number
REASON = 1000  # reasons and notes that go with a decision
NOTE = 2000  # notes, questions and answers, what the bank asks for
TEXT = 4000  # statements and descriptions
LONG_TEXT = 8000  # the loan-need statement
EMAIL = 254  # RFC 5321, as Django's EmailField
# Passwords: long passphrases allowed (ASVS V6 asks for at least 64 characters), but bounded so
# that hashing a megabyte-long "password" cannot be used to load the server.
PASSWORD = 4096


class LimitedTextField(models.TextField):
    """A TextField whose max_length is enforced by model validation (full_clean) too: Django's
    TextField only hands max_length to form fields. ModelForms and DRF ModelSerializers derive
    the same maximum from it."""

    def __init__(self, *args, max_length, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


def text_clean_or_raise(*objs):
    """Refuse over-long text on model instances (the max_length of their text fields) as a
    domain refusal, without the queries of a whole full_clean (unique checks, constraints):
    for services that save without full_clean, e.g. the workflow transition and its history."""
    from jingzhidai.errors import full_clean_or_raise

    for obj in objs:
        others = [f.name for f in obj._meta.concrete_fields if not isinstance(f, (models.CharField, models.TextField))]
        full_clean_or_raise(_FieldsOnly(obj), exclude=others)


class _FieldsOnly:
    """full_clean_or_raise on an instance, limited to clean_fields (no uniqueness queries)."""

    def __init__(self, obj):
        self.obj = obj

    def full_clean(self, exclude=None, validate_constraints=False):
        self.obj.clean_fields(exclude=exclude)
