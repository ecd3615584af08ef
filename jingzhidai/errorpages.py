"""The project's error pages (handler400/403/404/500): the JSON error shape
{"message", "code", "extra"} under /api/, the HTML templates elsewhere. Used by the URLconf
for errors Django handles itself (an uncaught exception, a request body over the size limit)
and by middleware that refuses a request before any view."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_json(status, message, code, extra=None) -> JsonResponse:
    return JsonResponse({"message": str(message), "code": code, "extra": extra or {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def error_response(request, status, message, code):
    """A refusal before any view: JSON under /api/, a plain page elsewhere."""
    if is_api(request):
        return error_json(status, message, code)
    return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


def too_large_message():
    return _("The request is too large.")


def bad_request(request, exception=None, template_name="400.html"):
    """Django answers a SuspiciousOperation here. A body over DATA_UPLOAD_MAX_MEMORY_SIZE (or
    with too many fields or files) is 413, not 400."""
    too_large = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    if is_api(request):
        if too_large:
            return error_json(413, too_large_message(), "request_too_large")
        return error_json(400, _("The request is invalid."), "bad_request")
    response = defaults.bad_request(request, exception)
    if too_large:
        response.status_code = 413
    return response


def permission_denied(request, exception=None):
    if is_api(request):
        return error_json(403, _("You do not have permission to perform this action."), "permission_denied")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return error_json(404, _("Not found."), "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    """An unexpected error: logged by Django (with the traceback); the caller only learns that it
    happened."""
    if is_api(request):
        return error_json(500, _("Something went wrong on our side. The error has been logged."), "server_error")
    return HttpResponse(loader.get_template("500.html").render(), status=500)
