"""Session rules on top of Django's sessions (after AuthenticationMiddleware):

- absolute age: a session ends SESSION_COOKIE_AGE after sign-in, however busy (Django's own
  server-side expiry moves forward whenever the session is saved, so it is not absolute);
- inactivity: a session ends after SESSION_IDLE_TIMEOUT seconds without a request;
- a password set by an administrator: its owner goes to the change-password page and can use
  nothing else until they have chosen their own (the API answers `password_change_required`)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "jzd_signed_in_at"
LAST_SEEN_AT = "jzd_last_seen_at"
# The last-seen stamp is written at most this often, so the session is not saved on every request.
LAST_SEEN_GRANULARITY = 60


def stamp_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver (identity.apps): the session's clocks start at sign-in, so the
    first page after it writes nothing more to the session."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def password_change_required_response(request):
    message = _("Your password was set by an administrator: choose a new one first.")
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "code": "password_change_required", "extra": {}}, status=403)
    messages.warning(request, message)
    return redirect("identity:password_change")


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if self._expired(request):
                logout(request)
                messages.info(request, _("Your session ended. Please sign in again."))
            elif user.must_change_password and not self._allowed_while_changing(request):
                return password_change_required_response(request)
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> bool:
        session, now = request.session, time.time()
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN_AT, now)
        if now - signed_in > settings.SESSION_COOKIE_AGE or now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return True
        if now - last_seen >= LAST_SEEN_GRANULARITY or LAST_SEEN_AT not in session:
            # Sessions from before this rule (no stamps) get them once; after that at most a
            # write a minute.
            session[LAST_SEEN_AT] = now
        return False

    @staticmethod
    def _allowed_while_changing(request) -> bool:
        allowed = (reverse("identity:password_change"), reverse("identity:logout"), reverse("set_language"))
        return request.path in allowed or request.path.startswith(settings.STATIC_URL)
