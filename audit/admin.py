from django.contrib import admin

from jingzhidai.audit import ReadOnlyAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: audit events are never added, changed or deleted by hand."""

    list_display = ["at", "username", "role", "organization", "action", "object_type", "object_id", "address",
                    "request_id"]
    list_filter = ["action", "role", "object_type"]
    search_fields = ["username", "object_id", "request_id", "address"]
    date_hierarchy = "at"
    list_select_related = False
