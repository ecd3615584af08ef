from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events are never added, changed or deleted by hand."""

    list_display = ["at", "username", "role", "organization", "action", "object_type", "object_id", "address",
                    "request_id"]
    list_filter = ["action", "role", "object_type"]
    search_fields = ["username", "object_id", "request_id", "address"]
    date_hierarchy = "at"
    list_select_related = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
