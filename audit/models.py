"""The audit trail: who read enterprise data, and who was refused an object outside their
door. Append-only: rows are only ever inserted, and removed only by the retention prune
(`audit.services.audit_prune`) once older than AUDIT_RETENTION_DAYS."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhidai.audit import AppendOnlyModel, AppendOnlyQuerySet


class AuditEventQuerySet(AppendOnlyQuerySet):
    def _prune(self):
        # The one deletion path (retention), called by audit.services.audit_prune.
        return models.QuerySet.delete(self)


class AuditAction(models.TextChoices):
    LIST = "list", _("read a list")
    READ = "read", _("read a record")
    EXPORT = "export", _("exported or downloaded")
    REFUSED = "refused", _("refused (outside the caller's scope)")


class AuditEvent(AppendOnlyModel):
    # Who: a snapshot, not a foreign key, so that the row outlives the account unchanged.
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    # When, from where, which request.
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    # What.
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    query = models.CharField(_("query string"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.object_type} {self.object_id}"
