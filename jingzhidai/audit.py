"""Audit and security logs are append-only for every role: one model base and one admin mixin,
used by every app's audit rows (history entries, access logs, status changes, staff and security
events, library change events) and by the django-axes sign-in logs in the admin."""

from django.db import models


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
