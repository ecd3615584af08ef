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


def full_clean_or_raise(obj, exclude=None):
    """Model validation as a domain refusal, in the shape every app and the API use:
    extra = {"fields": {field: [messages]}}."""
    try:
        obj.full_clean(exclude=list(exclude) if exclude is not None else None)
    except ValidationError as e:
        errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
        raise ApplicationError(" ".join(m for msgs in errors.values() for m in msgs), {"fields": errors},
                               code="invalid")
