"""Writing the audit trail. Every event is one row (inserted, never changed) and one JSON log
line on the `jingzhidai.audit` logger, both carrying the request id."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from jingzhidai.middleware import current_request, request_id_of
from jingzhidai.network import client_ip

from .models import AuditAction, AuditEvent
from .retention import retention

logger = logging.getLogger("jingzhidai.audit")


def client_address(request) -> str | None:
    """The client's address as the trusted reverse proxy saw it (jingzhidai.network.client_ip,
    the same address the throttles and the lockout count)."""
    return client_ip(request) or None


def _object_type(model_or_label) -> str:
    if isinstance(model_or_label, str):
        return model_or_label
    return model_or_label._meta.label_lower


def audit_event_record(*, action: str, object_type, object_id="", request=None) -> AuditEvent | None:
    request = request if request is not None else current_request.get()
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    event = AuditEvent(
        user_id=user.pk if signed_in else None,
        username=user.get_username() if signed_in else "",
        role=getattr(user, "role", "") if signed_in else "",
        organization=str(getattr(user, "organization_name", "") or "")[:200] if signed_in else "",
        at=timezone.now(),
        address=client_address(request) if request is not None else None,
        request_id=request_id_of(request) if request is not None else "",
        method=request.method[:10] if request is not None else "",
        path=request.path[:500] if request is not None else "",
        action=action,
        object_type=_object_type(object_type),
        object_id=str(object_id)[:64],
        query=request.META.get("QUERY_STRING", "")[:500] if request is not None else "",
    )
    event.save()
    logger.info(
        "audit %s %s %s", event.action, event.object_type, event.object_id,
        extra={"audit": {"user": event.username, "user_id": event.user_id, "role": event.role,
                         "organization": event.organization, "action": event.action,
                         "object_type": event.object_type, "object_id": event.object_id,
                         "address": event.address, "method": event.method, "path": event.path,
                         "query": event.query, "at": event.at.isoformat()}},
    )
    return event


def audit_read(request, *, object_type, object_id="", action: str = AuditAction.READ,
               also_roles=()) -> AuditEvent | None:
    """A read of enterprise data: recorded when the reader's role is one of AUDIT_READ_ROLES
    (the regulators and platform admins, who read enterprises other than their own), or one of
    `also_roles` where a view shows others enterprise data too (banks reading the recommended
    list)."""
    user = getattr(request, "user", None)
    role = getattr(user, "role", None)
    if user is None or not user.is_authenticated or (role not in settings.AUDIT_READ_ROLES
                                                     and role not in also_roles):
        return None
    return audit_event_record(action=action, object_type=object_type, object_id=object_id, request=request)


def audit_refused(model, lookup: dict, *, request=None) -> AuditEvent | None:
    """A 404 given through a door: recorded only when the object exists (outside the caller's
    door), not when it is missing. Costs one query, on 404 answers only."""
    request = request if request is not None else current_request.get()
    if request is None or not lookup:
        return None
    try:
        exists = model._default_manager.filter(**lookup).exists()
    except (ValueError, TypeError, ValidationError):
        return None  # a malformed id: nothing can exist under it
    if not exists:
        return None
    object_id = lookup.get("pk", next(iter(lookup.values())))
    return audit_event_record(action=AuditAction.REFUSED, object_type=model, object_id=object_id, request=request)


def audit_prune(*, now=None) -> int:
    """The only deletion of audit rows: those older than the retention (AUDIT_RETENTION_DAYS,
    never under 183 days). Also prunes django-axes' access logs on the same retention."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff)._prune()
    from axes.models import AccessFailureLog, AccessLog

    # Sign-in and failed sign-in logs (django-axes); its lockout counters expire on their own.
    for model in (AccessLog, AccessFailureLog):
        model.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
