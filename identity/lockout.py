"""What a locked-out user gets (django-axes AXES_LOCKOUT_CALLABLE): the JSON error shape on
the API, the lockout page on the web."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    message = _("Too many failed sign-in attempts: the account is locked for 30 minutes.")
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "code": "locked_out", "extra": {}}, status=429)
    return render(request, "identity/locked_out.html", {"message": message}, status=429)


def lockout_username(request, credentials=None) -> str:
    """The lockout key (AXES_USERNAME_CALLABLE): the username in lower case, because sign-in
    ignores case; otherwise every case variant would get its own five attempts."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username") if request is not None else None
    return (username or "")[:150].lower()
