"""Request checks that hold for every page and API endpoint."""

from urllib.parse import unquote_to_bytes

from django.utils.translation import gettext as _

from .errorpages import error_response


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
