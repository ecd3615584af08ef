"""One domain error type for every refusal (HackSoft style). Services raise it; the DRF
exception handler and the HTML views turn it into the same message."""


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
