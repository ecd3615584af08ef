"""Audit and security logs are append-only for every role: one model base and one admin mixin,
used by every app's audit rows (history entries, access logs, status changes, staff and security
events, library change events) and by the django-axes sign-in logs in the admin."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .limits import NOTE, LimitedTextField


class AppendOnlyError(ValueError):
    """A write that would change or remove an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk update or delete through the model's manager. (Rows of a deleted parent still go
    with it where the foreign key says CASCADE: Django's deletion collector uses the base manager;
    a retention purge, if one is ever decided, must say so explicitly the same way.)"""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """An audit row: saved once, never changed or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class StepHistory(AppendOnlyModel):
    """One step in the life of a record that moves through statuses (an application, a loan):
    who acted (kept by name too, should the account go), when, and the note. Subclasses add the
    record, the action and the from/to statuses with their own choices."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    note = LimitedTextField(_("note"), blank=True, max_length=NOTE)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReadOnlyAdminMixin:
    """An audit model (or inline) in the Django admin: readable, never added, changed or
    deleted, by any role, superusers included; no bulk actions."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
