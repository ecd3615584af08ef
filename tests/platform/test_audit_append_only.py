"""Audit and security logs are append-only for every role: the Django admin offers no add,
change or delete on them (a superuser included), the ORM refuses updates and deletes."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from applications.models import AccessLog as ApplicationAccessLog
from applications.models import HistoryEntry
from banks.models import BankStatusChange, ProductStatusChange, StaffEvent
from elements.models import ChangeEvent
from identity.models import SecurityEvent
from jingzhidai.audit import AppendOnlyError
from loans.models import LoanHistory

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db

AUDIT_MODELS = [AccessAttempt, AccessLog, AccessFailureLog, SecurityEvent, ApplicationAccessLog, HistoryEntry,
                BankStatusChange, ProductStatusChange, StaffEvent, ChangeEvent, LoanHistory]


@pytest.fixture
def superuser(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return world.admin


@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_no_one_adds_changes_or_deletes_audit_rows_in_the_admin(model, superuser):
    """Either the model is not in the admin at all, or it is there read-only, for a superuser too."""
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry.get(model)
    if model in (AccessAttempt, AccessLog, AccessFailureLog, SecurityEvent):
        assert model_admin is not None and model_admin.has_view_permission(request)
    if model_admin is None:
        assert not admin.site.is_registered(model)
    else:
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.get_actions(request)


@pytest.mark.parametrize("model", AUDIT_MODELS[3:], ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_the_orm_refuses_updates_and_deletes(model):
    with pytest.raises(AppendOnlyError):
        model.objects.all().update(pk=0)
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()


def test_axes_logs_cannot_be_deleted_through_the_admin_pages(client, superuser):
    client.post(reverse("identity:login"), {"username": "someone", "password": "wrong"})
    Client().post(reverse("identity:login"), {"username": superuser.username, "password": "wrong"})
    web = Client()
    web.force_login(superuser)
    attempt = AccessAttempt.objects.first()
    assert web.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert web.get(reverse("admin:axes_accessattempt_delete", args=[attempt.pk])).status_code == 403
    response = web.post(reverse("admin:axes_accessattempt_changelist"),
                        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists(), response.status_code
    Client().post(reverse("identity:login"), {"username": superuser.username, "password": PASSWORD})
    log = AccessLog.objects.filter(username=superuser.username).first()
    assert log is not None and web.get(reverse("admin:axes_accesslog_delete", args=[log.pk])).status_code == 403


def test_history_tables_are_not_editable_in_the_admin():
    """simple_history's tables are reachable only through the read-only history view of their
    object; none is registered for add, change or delete."""
    from simple_history.models import registered_models

    historical = {model.history.model for model in registered_models.values()}
    assert historical and not historical & set(admin.site._registry)
