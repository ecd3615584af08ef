"""Who is asking: the client address as the trusted reverse proxy saw it. One definition for the
API throttles, the page throttles, django-axes and the audit rows (in the project package so the
bottom app `audit` can use it too)."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR when no proxy is trusted (TRUSTED_PROXY_COUNT = 0, `make run`). Behind N
    trusted proxies, the N-th address from the right of X-Forwarded-For: the one the outermost
    trusted proxy appended. Whatever the client wrote further left is ignored, so rotating the
    header does not make a new client. A request with fewer entries than trusted proxies did not
    come through them: its own REMOTE_ADDR counts."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
