"""Who hears about what. Notification rows are written in the transaction of the step they
report; emails leave after commit through a thin Celery task."""

import functools
import operator

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from identity.choices import BANK_ROLES, Role
from identity.models import User
from identity.navigation import link_to

from .models import Notification

BANK_DESK = (Role.BANK_OFFICER, Role.BANK_APPROVER)


def enterprise_users(*enterprise_ids):
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=enterprise_ids, is_active=True)


def bank_desk(*bank_ids, roles=BANK_DESK):
    return User.objects.filter(role__in=roles, bank_id__in=bank_ids, is_active=True)


def regulators(*unit_ids):
    return User.objects.filter(role=Role.DISTRICT_REGULATOR, regulator_unit_id__in=unit_ids, is_active=True)


def send(recipients, *, actor, kind, subject, body, url, application=None, verification_request=None):
    return send_many([dict(recipients=recipients, kind=kind, subject=subject, body=body, url=url,
                           application=application, verification_request=verification_request)], actor=actor)


def send_many(messages, *, actor=None):
    """Several notices at once (one insert): each message is a dict of recipients, kind,
    subject, body, url and optionally application / verification_request. The loans app
    sends its loan, fund-use and risk-alert notices through here too."""
    rows = [Notification(recipient=u, application=m.get("application"),
                         verification_request=m.get("verification_request"), kind=m["kind"],
                         subject=m["subject"][:200], body=m["body"], url=m["url"])
            for m in messages for u in m["recipients"] if actor is None or u.pk != actor.pk]
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    ids = [n.pk for n in created if n.recipient.email]
    if ids:
        from . import tasks

        transaction.on_commit(lambda: [tasks.notification_email.delay(i) for i in ids])
    return created


def notify_transition(application, *, action, actor, from_status, note=""):
    """The enterprise's steps go to the bank desk; the bank's steps go to the enterprise and
    to the bank desk colleagues. Texts are written in the portal's default language."""
    from .choices import Action, Status

    with translation.override(settings.LANGUAGE_CODE):
        status = str(Status(application.status).label)
        subject = _("%(number)s: %(action)s (now %(status)s)") % {
            "number": application.number, "action": str(Action(action).label), "status": status}
        body = _("%(enterprise)s · %(bank)s · %(product)s") % {
            "enterprise": application.enterprise.name, "bank": application.bank.name,
            "product": application.product.name}
        if note:
            body += "\n" + note
    # The bank hears nothing of an application it never received (a draft withdrawn unsent).
    groups = [bank_desk(application.bank_id)] if application.submitted_at else []
    if actor is None or actor.role != Role.ENTERPRISE:
        groups.append(enterprise_users(application.enterprise_id))
    # One query for both groups.
    recipients = list(functools.reduce(operator.or_, groups).order_by("pk")) if groups else []
    url = reverse("applications:detail", args=[application.pk])
    return send(recipients, actor=actor, kind=action, subject=subject, body=body, url=url, application=application)


def notify_verification_asked(request, *, actor):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Verification request: %(enterprise)s, %(element)s") % {
            "enterprise": request.enterprise.name, "element": request.element_type.name}
        body = _("Asked by %(bank)s; answer due %(due)s.\n%(question)s") % {
            "bank": request.application.bank.name, "due": request.due_on, "question": request.question}
    return send(regulators(request.regulator_unit_id), actor=actor, kind="verification_asked", subject=subject,
                 body=body, url=link_to("verification_request", request.pk),
                 verification_request=request)


def notify_verification_answered(request, *, actor):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(number)s %(enterprise)s: %(unit)s answered on %(element)s: %(answer)s") % {
            "number": request.application.number, "enterprise": request.enterprise.name,
            "unit": request.regulator_unit.name, "element": request.element_type.name,
            "answer": str(request.get_status_display())}
        body = _("Application %(number)s of %(enterprise)s, verification request #%(no)s.") % {
            "number": request.application.number, "enterprise": request.enterprise.name, "no": request.pk}
        if request.answer_note:
            body += "\n" + request.answer_note
    recipients = list(bank_desk(request.application.bank_id))
    return send(recipients, actor=actor, kind="verification_answered", subject=subject, body=body,
                 url=reverse("applications:detail", args=[request.application_id]),
                 application=request.application, verification_request=request)


def notify_partner_banks(*, actor, kind, subject, body, url):
    """A notice to every active staff member of every admitted partner bank (the municipal
    bureau's 情况通报); the caller gives the link, so this module names no upper app's URLs."""
    from banks.choices import BankStatus

    recipients = User.objects.filter(role__in=list(BANK_ROLES), is_active=True,
                                     bank__status=BankStatus.ADMITTED).order_by("pk")
    return send(list(recipients), actor=actor, kind=kind, subject=subject, body=body, url=url)
