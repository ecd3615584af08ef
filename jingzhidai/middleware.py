"""Project-wide middleware: the request id (one per request, in every log line and audit row),
the Permissions-Policy header, and request checks that hold for every page and API endpoint.
The Content-Security-Policy comes from django-csp."""

import contextvars
import re
import uuid
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.utils.translation import gettext as _

from .errorpages import error_response

# The request being served, for code far from the view (audit rows, log records).
current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is honoured (a proxy or a client correlating its calls) only if it is short and
# plain, so that it cannot forge log lines or fill them.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id_of(request) -> str:
    return getattr(request, "request_id", "")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _WELL_FORMED.match(incoming) else uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class PermissionsPolicyMiddleware:
    """Turns off the browser features the portal never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=({' '.join(allow)})"
                                for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response



class RejectNulMiddleware:
    """A NUL byte (or a lone percent-encoded one) in the path or the query string is refused
    with 400 before any view runs: PostgreSQL cannot store or compare a string with NUL, so
    such a value would otherwise fail deep inside a query (500). No legitimate URL has one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or b"\x00" in unquote_to_bytes(query):
            return error_response(request, 400, _("The address contains a character that is not allowed."),
                                  "invalid_url")
        return self.get_response(request)
