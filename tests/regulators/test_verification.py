"""Verification requests: sent to the enterprise's competent unit with a due date of three
working days; answered by that unit only; a confirmed claim becomes a library record with that
provenance; overdue marking."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.choices import LibraryMatch, VerificationStatus
from applications.dates import add_working_days
from applications.models import VerificationRequest
from applications.selectors import claims_matched
from elements.choices import Source
from elements.models import Distinction
from elements.selectors import profile_get
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

from ..applications.conftest import HELD, UNHELD, upload
from ..helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewing(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    return services.application_accept(application=app, user=world.officer)


@pytest.mark.parametrize(("start", "due"), [
    (date(2026, 11, 23), date(2026, 11, 26)),  # Monday → Thursday
    (date(2026, 11, 26), date(2026, 12, 1)),  # Thursday → Tuesday
    (date(2026, 11, 28), date(2026, 12, 2)),  # Saturday → Wednesday
])
def test_three_working_days(start, due):
    assert add_working_days(start, 3) == due


def test_request_goes_to_the_competent_unit_with_a_due_date(reviewing, world):
    r = client_for(world, "officer", api=True).post(reverse("api:verification-request-list"), {
        "application": reviewing.pk, "element": UNHELD, "question": "请核实该企业是否为中华老字号"}, format="json")
    assert r.status_code == 201, r.json()
    req = VerificationRequest.objects.get()
    assert req.regulator_unit == world.ent.regulator_unit == world.district.regulator_unit
    assert req.due_on == add_working_days(timezone.localdate(), 3)
    assert r.json()["overdue"] is False and r.json()["regulator_unit"] == "110108"
    # The district regulator is told; the other district is not.
    assert world.district.notifications.filter(kind="verification_asked").count() == 1
    assert not world.district_2.notifications.exists()


@pytest.mark.parametrize(("who", "element", "status"), [
    ("officer", HELD, 400),  # the library already confirms it
    ("officer", "brand.chain_leader", 400),  # not claimed in this application
    ("approver", UNHELD, 403),
    ("enterprise", UNHELD, 403),
    ("officer_2", UNHELD, 404),
])
def test_refused_requests(reviewing, world, who, element, status):
    r = client_for(world, who, api=True).post(reverse("api:verification-request-list"), {
        "application": reviewing.pk, "element": element, "question": "?"}, format="json")
    assert r.status_code == status, r.json()
    assert not VerificationRequest.objects.exists()


def test_requests_only_while_under_verification(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    with pytest.raises(TransitionNotAllowed):
        services.verification_request_create(application=app, user=world.officer, element_code=UNHELD, question="?")


def test_one_open_request_per_claim(reviewing, world):
    services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                         question="?")
    with pytest.raises(ApplicationError) as refused:
        services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                             question="?")
    assert refused.value.code == "duplicate"


def test_confirmed_claim_becomes_a_library_record_with_provenance(reviewing, world):
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    r = client_for(world, "district", api=True).post(
        reverse("api:verification-request-answer", args=[req.pk]),
        {"confirmed": True, "note": "经核实，商务部2006年认定", "level": "national", "issuer": "商务部",
         "certificate_no": "LZH-2006-001", "granted_on": "2006-12-01"}, format="json")
    assert r.status_code == 200, r.json()
    req.refresh_from_db()
    assert req.status == VerificationStatus.CONFIRMED and req.answered_by == world.district
    d = req.distinction
    assert isinstance(d, Distinction)
    assert (d.enterprise, d.element_type.code, d.source, d.confirmed_by) == (world.ent, UNHELD, Source.CLAIM,
                                                                             world.district)
    assert UNHELD in profile_get(enterprise=world.ent).held_codes()
    rows = {row.claim.element_type.code: row.match for row in claims_matched(reviewing,
                                                                              profile_get(enterprise=world.ent))}
    assert rows == {HELD: LibraryMatch.CONFIRMED, UNHELD: LibraryMatch.CONFIRMED}
    assert world.officer.notifications.filter(kind="verification_answered").exists()
    # Answered once only.
    r = client_for(world, "district", api=True).post(reverse("api:verification-request-answer", args=[req.pk]),
                                                     {"confirmed": False, "note": "x"}, format="json")
    assert r.status_code == 409


@pytest.mark.parametrize("granted_on", ["9999-12-01", "2999-01-01"])
def test_a_confirmation_granted_in_the_future_is_a_400_not_an_overflow(reviewing, world, granted_on):
    """The default validity is added to the date granted: from 9999-12 it left the calendar (500)."""
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    client = client_for(world, "district", api=True)
    client.raise_request_exception = False
    r = client.post(reverse("api:verification-request-answer", args=[req.pk]),
                    {"confirmed": True, "note": "x", "granted_on": granted_on}, format="json")
    assert r.status_code == 400 and "granted_on" in r.json()["extra"]["fields"]
    req.refresh_from_db()
    assert req.status == VerificationStatus.OPEN and req.distinction is None


def test_not_confirmed_needs_a_note_and_contradicts_the_claim(reviewing, world):
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    with pytest.raises(ApplicationError) as refused:
        services.verification_request_answer(request=req, user=world.district, confirmed=False, note="")
    assert refused.value.code == "note_required"
    services.verification_request_answer(request=req, user=world.district, confirmed=False, note="名录中无此企业")
    rows = {row.claim.element_type.code: row.match for row in claims_matched(reviewing,
                                                                              profile_get(enterprise=world.ent))}
    assert rows[UNHELD] == LibraryMatch.CONTRADICTED
    assert not Distinction.objects.filter(element_type__code=UNHELD).exists()


@pytest.mark.parametrize("who", ["district_2", "city", "officer", "enterprise"])
def test_only_the_unit_asked_answers(reviewing, world, who):
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    r = client_for(world, who, api=True).post(reverse("api:verification-request-answer", args=[req.pk]),
                                              {"confirmed": True}, format="json")
    assert r.status_code == (404 if who == "district_2" else 403)
    req.refresh_from_db()
    assert req.status == VerificationStatus.OPEN and req.distinction is None


def test_answer_with_a_file_through_the_inbox_page(reviewing, world):
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    client = client_for(world, "district")
    page = client.get(reverse("regulators:inbox"))
    assert page.content.decode().count('data-testid="request-row"') == 1
    bad = client.post(reverse("regulators:request_detail", args=[req.pk]),
                      {"confirmed": "yes", "file": upload("answer.pdf", b"MZ" + b"\x00" * 100)})
    assert bad.status_code == 400
    assert VerificationRequest.objects.get(pk=req.pk).status == VerificationStatus.OPEN
    r = client.post(reverse("regulators:request_detail", args=[req.pk]),
                    {"confirmed": "yes", "note": "属实", "file": upload("核实意见.pdf")})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == VerificationStatus.CONFIRMED and req.answer_file_name == "核实意见.pdf"
    assert "核实意见" not in req.answer_file.name
    f = client_for(world, "officer").get(reverse("regulators:answer_file", args=[req.pk]))
    assert f.status_code == 200 and f["X-Content-Type-Options"] == "nosniff"
    assert client_for(world, "officer_2").get(reverse("regulators:answer_file", args=[req.pk])).status_code == 404
    # Like evidence files: the unit asked, the enterprise and its authorised bank — nobody else.
    for who, code in [("district", 200), ("enterprise", 200), ("district_2", 404), ("city", 404), ("admin", 404),
                      ("bank_admin_2", 404), ("enterprise_2", 404)]:
        assert client_for(world, who).get(reverse("regulators:answer_file", args=[req.pk])).status_code == code, who
    from applications.models import AccessLog

    assert AccessLog.objects.filter(application=reviewing, kind="answer_file", user=world.officer).exists()
    # Once the enterprise withdraws, its authorisation ends and so does the bank's access.
    services.application_withdraw(application=reviewing, user=world.enterprise, note="不再需要")
    assert client_for(world, "officer").get(reverse("regulators:answer_file", args=[req.pk])).status_code == 404


def test_overdue_marking(reviewing, world):
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    VerificationRequest.objects.filter(pk=req.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    client = client_for(world, "district")
    page = client.get(reverse("regulators:inbox"), {"overdue": "true"}).content.decode()
    assert 'data-testid="overdue"' in page
    api = client_for(world, "district", api=True).get(reverse("api:verification-request-list"), {"overdue": "true"})
    assert [row["overdue"] for row in api.json()["results"]] == [True]
    services.verification_request_answer(request=req, user=world.district, confirmed=False, note="未查到")
    api = client_for(world, "district", api=True).get(reverse("api:verification-request-list"), {"overdue": "true"})
    assert api.json()["results"] == []


def _stored_answer_files():
    from django.core.files.storage import default_storage

    folder = "verification/" + timezone.localdate().strftime("%Y/%m")
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


def test_a_refused_confirmation_leaves_no_file_behind(reviewing, world):
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    before = _stored_answer_files()
    with pytest.raises(ApplicationError):
        services.verification_request_answer(request=req, user=world.district, confirmed=True, note="属实",
                                             uploaded=upload("核实.pdf"), level="municipal")  # 老字号 is national
    req.refresh_from_db()
    assert req.status == VerificationStatus.OPEN and not req.answer_file
    assert _stored_answer_files() == before


def _one_answered_one_open(reviewing, world):
    answered = services.verification_request_create(application=reviewing, user=world.officer,
                                                    element_code=UNHELD, question="请核实")
    services.verification_request_answer(request=answered, user=world.district, confirmed=False, note="未查到")
    return answered, services.verification_request_create(application=reviewing, user=world.officer,
                                                          element_code=UNHELD, question="请再核实")


def test_inbox_lists_open_requests_first(reviewing, world):
    """Answered requests must not push open ones off the first page: open first (earliest due
    date first), then the answered ones. Status codes sort as text ("confirmed" < "open")."""
    answered, still_open = _one_answered_one_open(reviewing, world)
    # The answered request was due earlier, so neither the due date nor the id puts the open one first.
    VerificationRequest.objects.filter(pk=answered.pk).update(due_on=timezone.localdate() - timedelta(days=30))
    page = client_for(world, "district").get(reverse("regulators:inbox"))
    assert [r.pk for r in page.context["object_list"]] == [still_open.pk, answered.pk]
    assert "today" not in page.context


def test_answerable_is_one_rule_for_the_page_and_the_service(reviewing, world):
    from applications.selectors import verification_answerable_by

    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    assert verification_answerable_by(req, world.district)
    for other in (world.district_2, world.city, world.officer, world.enterprise):
        assert not verification_answerable_by(req, other)
    assert client_for(world, "district").get(
        reverse("regulators:request_detail", args=[req.pk])).context["can_answer"] is True
    services.verification_request_answer(request=req, user=world.district, confirmed=False, note="未查到")
    req.refresh_from_db()
    assert not verification_answerable_by(req, world.district)
    assert client_for(world, "district").get(
        reverse("regulators:request_detail", args=[req.pk])).context["can_answer"] is False


def test_the_answer_form_labels_every_field_and_offers_the_elements_levels(reviewing, world):
    """Issue 14: the district's answer form: every field labelled (the two dates too), the level
    select offers the element's own levels with "not stated" as its empty choice, never just "—"."""
    from elements.models import ElementType

    from ..helpers import unlabelled_fields

    ElementType.objects.filter(code=UNHELD).update(levels=["national", "municipal"])
    req = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                               question="请核实")
    page = client_for(world, "district").get(reverse("regulators:request_detail", args=[req.pk])).content.decode()
    assert unlabelled_fields(page) == []
    for field in ("level", "granted_on", "expires_on", "note"):
        assert f'for="id_{field}"' in page, field
    select = re.search(r'<select [^>]*name="level".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w*)"', select) == ["", "national", "municipal"]
    assert ">—<" not in select and ">未说明<" in select


@pytest.mark.parametrize("who", ["district", "officer"])
def test_the_list_rows_are_the_serializers_json_byte_for_byte(reviewing, world, who):
    """The list reads rows as values (RowSerializerMixin); each is what the serializer gives for
    the request itself, built the DRF way (overdue or not, open or answered)."""
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer

    from applications.api import VerificationRequestSerializer
    from applications.selectors import verification_requests_visible_to

    answered = services.verification_request_create(application=reviewing, user=world.officer,
                                                    element_code=UNHELD, question="请核实")
    services.verification_request_answer(request=answered, user=world.district, confirmed=False, note="未查到")
    late = services.verification_request_create(application=reviewing, user=world.officer, element_code=UNHELD,
                                                question="请再核实")
    VerificationRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    body = client_for(world, who, api=True).get(reverse("api:verification-request-list"))
    rows = body.json()["results"]
    assert len(rows) == 2 and {r["overdue"] for r in rows} == {True, False}
    plain = type("Plain", (VerificationRequestSerializer,), {"get_fields": serializers.ModelSerializer.get_fields})
    objs = verification_requests_visible_to(world.users[who]).order_by("-asked_at", "-id")
    expected = JSONRenderer().render([plain(obj).data for obj in objs])
    assert JSONRenderer().render(rows) == expected

INBOX_ROWS_BEFORE = """{% load i18n %}{% for r in object_list %}<tr data-testid="request-row"{% if r.is_overdue %} class="table-danger"{% endif %}>
  <td><a href="{% url 'regulators:request_detail' r.pk %}">{{ r.pk }}</a></td>
  <td>{{ r.enterprise.name }}<div class="small text-muted mono">{{ r.enterprise.uscc }}</div></td>
  <td>{{ r.element_type.name }}</td><td>{{ r.application.bank.name }}</td>
  <td>{{ r.asked_at|date:"Y-m-d" }}</td>
  <td>{{ r.due_on|date:"Y-m-d" }}{% if r.is_overdue %} <span class="badge text-bg-danger" data-testid="overdue">{% translate "overdue" %}</span>{% endif %}</td>
  <td>{{ r.get_status_display }}</td>
</tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_inbox_rows_read_as_values_print_what_the_instances_printed(reviewing, world, language):
    """The inbox reads its rows as values (issue 10, jingzhidai/rows.py): the same markup as the
    request instances gave, an overdue, an answered and an open request."""
    from django.template import Context, Template
    from django.utils import translation

    _answered, overdue = _one_answered_one_open(reviewing, world)
    VerificationRequest.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client = client_for(world, "district")
    client.cookies["django_language"] = language
    page = client.get(reverse("regulators:inbox"))
    instances = {r.pk: r for r in VerificationRequest.objects.all()}
    with translation.override(language):
        before = Template(INBOX_ROWS_BEFORE).render(Context(
            {"object_list": [instances[r.pk] for r in page.context["object_list"]]}))
    html = page.content.decode()
    shown = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr><td colspan")[0]
    assert shown.strip() == before.strip()
    assert 'data-testid="overdue"' in shown and len(page.context["object_list"]) == 2
