"""Notifications in the reader's language (issue 14): a notice is stored as a message key of the
one registry (applications.notifications.MESSAGES) and its parameters, and rendered when it is
read: on pages in the reader's active language, in e-mails in the recipient's language. Free
text written by people is shown as written; old rows without a key show their stored text; the
list reads no other row per notice."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications import notifications, services
from applications.models import Notification
from elements.models import ElementType
from identity import services as identity_services
from identity.models import User

from ..helpers import client_for
from .conftest import HELD, UNHELD, upload

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def _accepted(flow, world):
    app = flow.draft(claims=[UNHELD])
    services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    return services.application_accept(application=app, user=world.officer)


def _answered(flow, world, *, language):
    """A district answer sent while `language` is active (the district's page language)."""
    app = _accepted(flow, world)
    vr = services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                              question="请核实")
    with translation.override(language):
        services.verification_request_answer(request=vr, user=world.district, confirmed=False, note="未查到记录")
    return app, Notification.objects.get(recipient=world.officer, kind="verification_answered")


def _page(world, who, language):
    client = client_for(world, who)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("applications:notifications")).content.decode()


def _notices(page):
    return re.findall(r'data-testid="notification">(.*?)</li>', page, re.S)


def _notice(page, n):
    [notice] = [x for x in _notices(page) if reverse("applications:notification_open", args=[n.pk]) in x]
    return notice


def test_a_notice_sent_in_chinese_reads_in_english_for_an_english_reader(flow, world):
    app, n = _answered(flow, world, language="zh-hans")
    element = ElementType.objects.get(code=UNHELD)
    assert n.message == "verification_answered" and n.params["number"] == app.number
    assert element.name in n.subject  # the stored fallback is in the default language
    notice = _notice(_page(world, "officer", "en"), n)
    assert "answered on" in notice and element.name_en in notice and app.number in notice
    assert element.name not in notice and "已答复" not in notice
    assert "未查到记录" in notice  # the district's own words are shown as written


def test_a_notice_sent_in_english_reads_in_chinese_for_a_chinese_reader(flow, world):
    app, n = _answered(flow, world, language="en")
    element = ElementType.objects.get(code=UNHELD)
    notice = _notice(_page(world, "officer", "zh-hans"), n)
    assert "已答复" in notice and element.name in notice and app.number in notice
    assert "answered on" not in notice and element.name_en not in notice


def test_status_and_action_labels_follow_the_reader(flow, world):
    app = flow.draft(claims=[HELD])
    with translation.override("en"):
        services.application_submit(application=app, user=world.enterprise)
    n = Notification.objects.get(recipient=world.officer, application=app, kind="submit")
    assert n.message == "transition"
    zh_subject, _body = n.rendered(language="zh-hans")
    en_subject, _body = n.rendered(language="en")
    assert CJK.search(zh_subject) and "now" not in zh_subject
    assert "(now " in en_subject and not CJK.search(en_subject.replace(world.ent.name, ""))


def test_an_old_row_without_a_key_shows_its_stored_text(world):
    Notification.objects.create(recipient=world.officer, kind="submit", subject="旧通知：已提交", body="旧正文",
                                url="/")
    [notice] = _notices(_page(world, "officer", "en"))
    assert "旧通知：已提交" in notice and "旧正文" in notice


def test_an_unknown_key_shows_the_stored_text_and_sending_one_is_refused(world):
    n = Notification.objects.create(recipient=world.officer, kind="x", message="gone", params={"a": 1},
                                    subject="存档主题", body="存档正文", url="/")
    assert n.rendered(language="en") == ("存档主题", "存档正文")
    with pytest.raises(ValueError):
        notifications.send([world.officer], actor=None, kind="x", message="no_such_message", params={}, url="/")


def test_every_registry_message_renders_in_every_language():
    """Each message of the one registry is a complete template in each language: every named
    parameter of the English text is kept by the translation."""
    for key, (subject, body) in notifications.MESSAGES.items():
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for source, text in ((subject, str(subject)), (body, str(body) if body is not None else None)):
                    if source is None:
                        continue
                    with translation.override(None):
                        wanted = set(re.findall(r"%\((\w+)\)s", str(source)))
                    assert set(re.findall(r"%\((\w+)\)s", text)) == wanted, (key, code)


def test_the_email_is_written_in_the_recipients_language(flow, world, django_capture_on_commit_callbacks):
    world.officer.email = "officer@bank.example"
    world.officer.language = "en"
    world.officer.save()
    world.approver.email = "approver@bank.example"
    world.approver.save()  # no language chosen: the portal's default
    app = flow.draft(claims=[HELD])
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=app, user=world.enterprise)
    by_to = {m.to[0]: m for m in mail.outbox}
    english, chinese = by_to["officer@bank.example"], by_to["approver@bank.example"]
    assert "(now " in english.subject and not CJK.search(english.subject.replace(world.ent.name, ""))
    assert CJK.search(chinese.subject) and "(now " not in chinese.subject
    assert app.number in english.subject and app.number in chinese.subject


def test_the_language_menu_remembers_the_choice_for_emails(world):
    client = client_for(world, "officer")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=world.officer.pk).language == "en"
    assert identity_services.user_language(User.objects.get(pk=world.officer.pk)) == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not a portal language
    assert User.objects.get(pk=world.officer.pk).language == "en"
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert User.objects.get(pk=world.officer.pk).language == "zh-hans"


def test_the_list_reads_no_row_per_notice(flow, world):
    """Constant queries whatever the number of notices (rendering reads only the row)."""
    def count():
        client = client_for(world, "officer")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.get(reverse("applications:notifications"))  # session warm-up
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("applications:notifications")).content.decode()
        return len(ctx.captured_queries), len(_notices(page))

    app = flow.draft(claims=[HELD])
    services.application_submit(application=app, user=world.enterprise)
    one, shown = count()
    assert shown == 1
    for _i in range(5):
        vr = services.verification_request_create(application=_accepted(flow, world), user=world.officer,
                                                  element_code=UNHELD, question="请核实")
        services.verification_request_answer(request=vr, user=world.district, confirmed=False, note="未查到")
    many, shown = count()
    assert shown == 11
    assert many == one
    assert one == PINNED_LIST_QUERIES


# The notification list: session, user, the page's count and rows, the menu's unread count.
PINNED_LIST_QUERIES = 5
