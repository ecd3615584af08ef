"""One domain error type for every refusal (HackSoft style). Services raise it; the DRF
exception handler and the HTML views turn it into the same message."""

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message, extra=None, *, code="invalid", status_code=None):
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}
        self.code = code
        if status_code is not None:
            self.status_code = status_code


class TransitionNotAllowed(ApplicationError):
    """A workflow step that is not allowed from the current state (HTTP 409)."""

    status_code = 409

    def __init__(self, message, extra=None, *, code="transition_not_allowed"):
        super().__init__(message, extra, code=code)


def full_clean_or_raise(obj, exclude=None, *, validate_constraints=True):
    """Model validation as a domain refusal, in the shape every app and the API use:
    extra = {"fields": {field: [messages]}}. A workflow step that set foreign keys from rows it
    has just read may exclude them (Django checks each one with a query), and may skip the
    constraint queries when the step has checked them itself (the database still enforces them)."""
    try:
        obj.full_clean(exclude=list(exclude) if exclude is not None else None,
                       validate_constraints=validate_constraints)
    except ValidationError as e:
        errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
        raise ApplicationError(" ".join(m for msgs in errors.values() for m in msgs), {"fields": errors},
                               code="invalid")


def errors_to_form(form, error: ApplicationError, field_map=None):
    """Show a service refusal on an HTML form: next to the fields it names (`extra["fields"]`,
    renamed through `field_map` where the form calls them differently), else on top."""
    field_map = field_map or {}
    placed = False
    for name, errs in (error.extra or {}).get("fields", {}).items():
        target = field_map.get(name, name)
        if target in form.fields:
            for err in errs if isinstance(errs, list) else [errs]:
                form.add_error(target, str(err))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def field_errors(error: ApplicationError) -> dict:
    """The per-field messages of a refusal: `extra["fields"]`, or the older shape where the
    extra itself maps field names to messages."""
    extra = error.extra or {}
    fields = extra.get("fields")
    if isinstance(fields, dict):
        return fields
    return {k: v for k, v in extra.items() if isinstance(v, list)}


def error_text(error: ApplicationError, labels=None) -> str:
    """A refusal shown away from its form (a flash message): each field message prefixed by the
    field's label in the user's language ("授信额度（元）：请输入数字。"), never by its code name;
    fields without a label in `labels` ({name: label}, e.g. from a form's fields) keep the
    service's own sentence."""
    from django.utils.translation import gettext as _

    labels = labels or {}
    fields = field_errors(error)
    if not fields or not any(name in labels for name in fields):
        return str(error.message)
    parts = []
    for name, messages in fields.items():
        for m in messages if isinstance(messages, list | tuple) else [messages]:
            label = labels.get(name)
            parts.append(_("%(field)s: %(error)s") % {"field": label, "error": m} if label else str(m))
    return " ".join(parts)


def form_labels(form_class) -> dict:
    """{field name: label} of a form class, for `error_text`."""
    return {name: field.label for name, field in form_class.base_fields.items() if field.label}
