"""Project-wide middleware: the request id (one per request, in every log line and audit row),
the Permissions-Policy header, and request checks that hold for every page and API endpoint.
The Content-Security-Policy comes from django-csp."""

import contextvars
import http.client
import os
import re
from urllib.parse import unquote_to_bytes

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
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
        # From META rather than request.headers, which would parse every header of every request.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _WELL_FORMED.match(incoming) else os.urandom(16).hex()
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


# What a view's decorators (csp_update, csp_replace, csp_exempt…) leave on a response for django-csp.
_CSP_PARTS = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware (settings.CONTENT_SECURITY_POLICY), except that the policy of a
    response no decorator and no nonce changes (every API answer, pages without inline script) is
    built once per settings instead of once per response (building it took most of this
    middleware's time). The header is the same string django-csp builds; a page that used
    `request.csp_nonce` or a decorated view goes through django-csp as before."""

    _plain = (None, None, "", "")  # (settings policy, report-only policy, header, report-only header)

    def _plain_policies(self) -> tuple[str, str]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        kept = self._plain
        if kept[0] is not policy or kept[1] is not report_only:  # first use, or settings replaced (tests)
            kept = self._plain = (policy, report_only, build_policy(), build_policy(report_only=True))
        return kept[2], kept[3]

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
                getattr(response, part, None) is not None for part in _CSP_PARTS):
            return super().process_response(request, response)
        if response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND) and settings.DEBUG:
            return response
        csp, csp_ro = self._plain_policies()
        for header, value, exempt, setting in (
                (CSP_HEADER, csp, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
                (CSP_HEADER_REPORT_ONLY, csp_ro, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY")):
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = value
        # As django-csp: a nonce asked for after the header was written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

