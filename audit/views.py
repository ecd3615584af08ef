"""Recording regulators' reads of enterprise data from HTML views."""

from .models import AuditAction
from .services import audit_read


class AuditedReadMixin:
    """For a class-based view that shows enterprise data: a successful GET by a role in
    AUDIT_READ_ROLES writes one audit row (one insert per request, lists included).
    `audit_object_type` names what is read, `audit_object_kwarg` the URL argument that
    identifies it (none for a list), `audit_action` list, read or export; `audit_also_roles`
    roles recorded besides AUDIT_READ_ROLES."""

    audit_object_type = ""
    audit_object_kwarg = None
    audit_action = AuditAction.READ
    audit_also_roles = ()

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and 200 <= response.status_code < 300:
            object_id = kwargs.get(self.audit_object_kwarg, "") if self.audit_object_kwarg else ""
            audit_read(request, object_type=self.audit_object_type, object_id=object_id, action=self.audit_action,
                       also_roles=self.audit_also_roles)
        return response
