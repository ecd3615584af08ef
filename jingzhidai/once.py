"""Requests that change something act once, however often they arrive.

- API: every unsafe request under /api/ that carries an `Idempotency-Key` header is recorded
  under (user, key) with a fingerprint of its method, path, query and body. The same key and
  the same request within 24 hours gets the first response replayed (header
  `Idempotent-Replayed: true`) and changes nothing; the same key with another request is
  refused (422 `idempotency_key_reused`); a second request while the first is still running
  is refused (409 `idempotency_in_progress`, `Retry-After`), so two at once make one effect.
- HTML: every form rendered with `{% csrf_token %}` also carries a one-time `form_token`
  (`jingzhidai.form_tags`). A second post of the same token does not act again: it waits for
  the first to finish and then goes where the first went ("already sent"), which is what a
  double click needs (the browser shows the second response).

Both are middleware, so no view can forget them, and share one store (`identity.RequestRecord`,
unique on kind + user + key: of two concurrent identical requests exactly one inserts).
Responses that mean "nothing happened" (401, 403, 429, 5xx, an exception) and streamed ones are
not kept, so a retry acts. Anonymous requests are not recorded (nothing to scope them to)."""

import hashlib
import re
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED = "Idempotent-Replayed"
FORM_FIELD = "form_token"
API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Location")
NOT_KEPT = frozenset({401, 403, 429})  # refused before acting: a retry must be able to act
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft's examples
FORM_TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


# --- the store ----------------------------------------------------------------------------------

def record_claim(*, kind, user, key, fingerprint, method, path):
    """(record, True) when this request is the first with the key (now marked in progress);
    (the earlier record, False) otherwise. An expired record is replaced."""
    from identity.models import RequestRecord

    for _attempt in range(3):
        try:
            with transaction.atomic():
                record = RequestRecord.objects.create(kind=kind, user=user, key=key, fingerprint=fingerprint,
                                                      method=method, path=path[:500])
            return record, True
        except IntegrityError:
            earlier = RequestRecord.objects.filter(kind=kind, user=user, key=key).first()
            if earlier is None:
                continue  # pruned in between
            if earlier.created_at >= timezone.now() - ttl():
                return earlier, False
            RequestRecord.objects.filter(pk=earlier.pk).delete()
    raise RuntimeError("could not record the request")  # pragma: no cover - three races in a row


def record_finish(record, response) -> None:
    """Keep the answer to replay it, unless it says nothing happened (then forget the key)."""
    from identity.models import RequestRecord

    if response.streaming or response.status_code in NOT_KEPT or response.status_code >= 500:
        record_release(record)
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    RequestRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, headers=headers,
                                                      body=response.content, completed_at=timezone.now())


def record_release(record) -> None:
    from identity.models import RequestRecord

    RequestRecord.objects.filter(pk=record.pk).delete()


def record_wait(record, seconds):
    """The record once the first request has answered, or None if it has not within `seconds`
    (or was released: then the caller may act)."""
    from identity.models import RequestRecord

    deadline = time.monotonic() + seconds
    while True:
        current = RequestRecord.objects.filter(pk=record.pk).first()
        if current is None or current.status_code is not None or time.monotonic() >= deadline:
            return current
        time.sleep(0.1)


def records_prune(*, now=None) -> int:
    """Forget records older than the time to live (beat task `jingzhidai.request_records_prune`)."""
    from identity.models import RequestRecord

    return RequestRecord.objects.filter(created_at__lt=(now or timezone.now()) - ttl()).delete()[0]


def act(get_response, request, record):
    """Handle the first request with a key, then keep its answer (or forget the key)."""
    try:
        response = get_response(request)
    except BaseException:
        record_release(record)
        raise
    record_finish(record, response)
    return response


def replay(record):
    response = HttpResponse(bytes(record.body), status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


def fingerprint(request) -> str | None:
    """sha256 over method, path with query, content type and body (multipart: the fields and
    each file's name, size and content). None when the body is too large to read here (the view
    refuses it anyway)."""
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), request.content_type or ""):
        digest.update(part.encode() + b"\0")
    try:
        if request.content_type == "multipart/form-data":
            for name in sorted(request.POST):
                for value in request.POST.getlist(name):
                    digest.update(f"{name}={value}".encode() + b"\0")
            for name in sorted(request.FILES):
                for upload in request.FILES.getlist(name):
                    digest.update(f"{name}:{upload.name}:{upload.size}".encode() + b"\0")
                    for chunk in upload.chunks():
                        digest.update(chunk)
                    upload.seek(0)
        else:
            digest.update(request.body)
    except RequestDataTooBig:
        return None
    return digest.hexdigest()


# --- API: Idempotency-Key -------------------------------------------------------------------------

def _error(status, message, code, **headers):
    response = JsonResponse({"message": str(message), "code": code, "extra": {}}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


def _api_user(request):
    """The caller as DRF will authenticate it: the session's user, else the API's other
    authentication classes (token). None when anonymous or the credentials are refused (the
    view then answers 401/403 itself)."""
    if request.user.is_authenticated:
        return request.user
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    drf_request = Request(request)
    for auth_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(auth_class, SessionAuthentication):
            continue
        try:
            result = auth_class().authenticate(drf_request)
        except APIException:
            return None
        if result is not None:
            return result[0]
    return None


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Safe methods first, and the header from META: request.headers would parse every header
        # of every GET only to find this one absent or ignored.
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        key = request.META.get(META_KEY)
        if key is None or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _error(400, _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
                          "idempotency_key_invalid")
        user = _api_user(request)
        digest = fingerprint(request) if user is not None else None
        if digest is None:
            return self.get_response(request)
        record, first = record_claim(kind="api", user=user, key=key, fingerprint=digest, method=request.method,
                                     path=request.path)
        if not first:
            if record.fingerprint != digest:
                return _error(422, _("This Idempotency-Key was already used for another request; use a new key "
                                     "for a new request."), "idempotency_key_reused")
            if record.status_code is None:
                return _error(409, _("A request with this Idempotency-Key is still being handled; retry in a "
                                     "moment to get its answer."), "idempotency_in_progress", **{"Retry-After": "1"})
            return replay(record)
        return act(self.get_response, request, record)


# --- HTML: one-time form tokens -------------------------------------------------------------------

class FormTokenMiddleware:
    """A form post whose `form_token` was already used does not act again. Posts without a
    token (a page rendered before this existed, a test client) are accepted as before: the
    token guards against double submission, CSRF protection stays with Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method != "POST" or request.path.startswith(API_PREFIX) or not request.user.is_authenticated
                or request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data")):
            return self.get_response(request)
        try:
            token = request.POST.get(FORM_FIELD, "")
        except RequestDataTooBig:
            return self.get_response(request)
        if not FORM_TOKEN_PATTERN.match(token):
            return self.get_response(request)
        record, first = record_claim(kind="form", user=request.user, key=token, fingerprint="", method="POST",
                                     path=request.path)
        if first:
            return act(self.get_response, request, record)
        done = record_wait(record, settings.FORM_TOKEN_WAIT_SECONDS)
        if done is None:  # the first post failed without acting: this one may act
            return self.__call__(request)
        if done.status_code is None:
            messages.warning(request, _("This form is still being sent. Wait a moment, then reload the page."))
            back = request.headers.get("Referer", "")
            safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())
            return HttpResponseRedirect(back if safe else "/")
        if 300 <= done.status_code < 400 and "Location" in done.headers:
            messages.info(request, _("This form had already been sent; it was acted on once."))
            return HttpResponseRedirect(done.headers["Location"])
        return replay(done)
