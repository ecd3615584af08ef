"""Who hears about what. Notification rows are written in the transaction of the step they
report; emails leave after commit through a thin Celery task.

Every notice is stored as a message key of `MESSAGES` with its parameters (JSON) and rendered when
it is read: in the reader's active language on pages, in the recipient's language in e-mails. A
parameter that reads differently per language (a status, an element's `local_name`, an amount) is
stored as `localised(...)`, its text in each of the portal's languages, so the list reads no other
row to render. Free text written by people (a return reason, a question, a report) goes in
`note` and is shown as written. `subject`/`body` keep the text in the portal's default language:
old rows without a key, and any key no longer known, are shown from them."""

import functools
import operator

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from identity.choices import BANK_ROLES, Role
from identity.models import User
from identity.navigation import link_to

from .models import Notification

# key → (subject, body or None): %-templates with named parameters. The one registry of every
# app's notices (the loans and regulators apps send theirs through `send` with a key of here;
# identity's account e-mails are not notices but follow the same language rule).
MESSAGES = {
    "transition": (_("%(number)s: %(action)s (now %(status)s)"), _("%(enterprise)s · %(bank)s · %(product)s")),
    "verification_asked": (_("Verification request: %(enterprise)s, %(element)s"),
                           _("Asked by %(bank)s; answer due %(due)s.")),
    "verification_answered": (_("%(number)s %(enterprise)s: %(unit)s answered on %(element)s: %(answer)s"),
                              _("Application %(number)s of %(enterprise)s, verification request #%(no)s.")),
    "loan_transition": (_("Loan %(number)s: %(action)s (now %(status)s)"),
                        _("%(enterprise)s · %(bank)s · outstanding %(outstanding)s")),
    "fund_use_missing": (_("Loan %(number)s: no fund-use report %(days)s days after disbursement"),
                         _("First disbursement on %(day)s.")),
    "fund_use_reported": (_("Loan %(number)s: fund-use report of %(amount)s to review"), None),
    "fund_use_reviewed": (_("Loan %(number)s: your fund-use report was %(status)s"), None),
    "fund_use_answered": (_("Loan %(number)s: the enterprise answered your question on a fund-use report"), None),
    "risk_alert": (_("%(prefix)s: %(enterprise)s · %(what)s"), _("%(about)s\n%(what)s\n%(source)s")),
    "risk_alert_escalated": (_("Unacknowledged for %(days)s working days: %(enterprise)s · %(what)s"),
                             _("%(source)s")),
    "case_consent": (_("A typical case about your enterprise awaits your consent: %(title)s"),
                     _("Drafted by %(unit)s. Nothing is published without your consent.")),
    "bulletin_published": (_("Situation bulletin %(period)s published"),
                           _("The municipal bureau has published the Jingzhidai situation bulletin for %(period)s.")),
    "invitation": (_("%(bank)s invites you to apply for a Jingzhidai loan"), None),
    "invitation_product": (_("%(bank)s invites you to apply for a Jingzhidai loan"), _("Product: %(product)s")),
}

LOCALISED = "_l"


def localised(value):
    """A parameter that reads differently per language: `value` is a lazy string or a function
    of no argument, evaluated once under each of the portal's languages."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(value() if callable(value) else value)
    return {LOCALISED: texts}


def _param(value, language):
    if isinstance(value, dict) and LOCALISED in value:
        texts = value[LOCALISED]
        for code in (language, (language or "").split("-")[0], settings.LANGUAGE_CODE):
            if code in texts:
                return texts[code]
        return next(iter(texts.values()), "")
    return "" if value is None else value


def named(obj):
    """A catalog entry, bank, product or unit by its name in each language: `name_en` in English
    where it is set (as `local_name` and the `localized` filter show it on pages), else `name`."""
    name = str(obj.name)
    return {LOCALISED: {code: (getattr(obj, "name_en", "") or name) if code.startswith("en") else name
                        for code, _name in settings.LANGUAGES}}


def render_parts(message, params, *, language=None):
    """(subject, body, note) of a notice in `language` (default: the active one): the body is the
    registry's text, the note the free text people wrote, as written. None for an unknown key or a
    parameter the template lacks."""
    entry = MESSAGES.get(message or "")
    if entry is None:
        return None
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    params = params or {}
    with translation.override(language):
        values = {k: _param(v, language) for k, v in params.items()}
        try:
            subject = str(entry[0]) % values
            body = str(entry[1]) % values if entry[1] is not None else ""
        except (KeyError, ValueError, TypeError):
            return None
    return subject, body.strip(), str(_param(params.get("note"), language)).strip()


def render(message, params, *, language=None, fallback=("", "")):
    """(subject, body) of a notice, the note under the registry's text; the fallback (the
    stored text) when the key is unknown."""
    parts = render_parts(message, params, language=language)
    if parts is None:
        return fallback
    subject, body, note = parts
    return subject, "\n".join(x for x in (body, note) if x)


BANK_DESK = (Role.BANK_OFFICER, Role.BANK_APPROVER)


def enterprise_users(*enterprise_ids):
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=enterprise_ids, is_active=True)


def bank_desk(*bank_ids, roles=BANK_DESK):
    return User.objects.filter(role__in=roles, bank_id__in=bank_ids, is_active=True)


def regulators(*unit_ids):
    return User.objects.filter(role=Role.DISTRICT_REGULATOR, regulator_unit_id__in=unit_ids, is_active=True)


def send(recipients, *, actor, kind, message, params, url, application=None, verification_request=None):
    return send_many([dict(recipients=recipients, kind=kind, message=message, params=params, url=url,
                           application=application, verification_request=verification_request)], actor=actor)


def send_many(messages, *, actor=None):
    """Several notices at once (one insert): each message is a dict of recipients, kind, message
    (a key of MESSAGES), params, url and optionally application / verification_request. The
    loans and regulators apps send their notices through here too."""
    rows = []
    for m in messages:
        if m["message"] not in MESSAGES:
            raise ValueError(f"unknown notification message {m['message']!r}")
        subject, body = render(m["message"], m["params"], language=settings.LANGUAGE_CODE)
        rows += [Notification(recipient=u, application=m.get("application"),
                              verification_request=m.get("verification_request"), kind=m["kind"],
                              message=m["message"], params=m["params"], subject=subject[:200], body=body,
                              url=m["url"])
                 for u in m["recipients"] if actor is None or u.pk != actor.pk]
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    ids = [n.pk for n in created if n.recipient.email]
    if ids:
        from . import tasks

        transaction.on_commit(lambda: [tasks.notification_email.delay(i) for i in ids])
    return created


def notify_transition(application, *, action, actor, from_status, note=""):
    """The enterprise's steps go to the bank desk; the bank's steps go to the enterprise and
    to the bank desk colleagues."""
    from .choices import Action, Status

    params = {"number": application.number, "action": localised(Action(action).label),
              "status": localised(Status(application.status).label), "enterprise": application.enterprise.name,
              "bank": named(application.bank), "product": named(application.product), "note": note or ""}
    # The bank hears nothing of an application it never received (a draft withdrawn unsent).
    groups = [bank_desk(application.bank_id)] if application.submitted_at else []
    if actor is None or actor.role != Role.ENTERPRISE:
        groups.append(enterprise_users(application.enterprise_id))
    # One query for both groups.
    recipients = list(functools.reduce(operator.or_, groups).order_by("pk")) if groups else []
    url = reverse("applications:detail", args=[application.pk])
    return send(recipients, actor=actor, kind=action, message="transition", params=params, url=url,
                application=application)


def notify_verification_asked(request, *, actor):
    params = {"enterprise": request.enterprise.name, "element": named(request.element_type),
              "bank": named(request.application.bank), "due": str(request.due_on), "note": request.question}
    return send(regulators(request.regulator_unit_id), actor=actor, kind="verification_asked",
                message="verification_asked", params=params, url=link_to("verification_request", request.pk),
                verification_request=request)


def notify_verification_answered(request, *, actor):
    params = {"number": request.application.number, "enterprise": request.enterprise.name,
              "unit": named(request.regulator_unit), "element": named(request.element_type),
              "answer": localised(request.get_status_display), "no": request.pk, "note": request.answer_note or ""}
    recipients = list(bank_desk(request.application.bank_id))
    return send(recipients, actor=actor, kind="verification_answered", message="verification_answered",
                params=params, url=reverse("applications:detail", args=[request.application_id]),
                application=request.application, verification_request=request)


def notify_partner_banks(*, actor, kind, message, params, url):
    """A notice to every active staff member of every admitted partner bank (the municipal
    bureau's 情况通报); the caller gives the link, so this module names no upper app's URLs."""
    from banks.choices import BankStatus

    recipients = User.objects.filter(role__in=list(BANK_ROLES), is_active=True,
                                     bank__status=BankStatus.ADMITTED).order_by("pk")
    return send(list(recipients), actor=actor, kind=kind, message=message, params=params, url=url)
