"""Evidence files: judged by content, size-capped, hashed, stored under a generated path,
served only through views that check access and log bank access."""

import hashlib

import pytest
from django.urls import reverse

from applications import services
from applications.choices import AccessKind, Status
from applications.files import clean_name
from applications.models import AccessLog, Evidence
from jingzhidai.errors import ApplicationError

from ..helpers import client_for
from .conftest import EXE, HELD, JPEG, PDF, PNG, UNHELD, upload

pytestmark = pytest.mark.django_db


def _post(world, app, name, content, element=HELD, who="enterprise"):
    return client_for(world, who, api=True).post(
        reverse("api:application-evidence", args=[app.pk]), {"file": upload(name, content), "element": element},
        format="multipart")


@pytest.mark.parametrize(("name", "content", "mime"), [("证书.pdf", PDF, "application/pdf"),
                                                       ("scan.JPG", JPEG, "image/jpeg"),
                                                       ("scan.jpeg", JPEG, "image/jpeg"),
                                                       ("photo.png", PNG, "image/png")])
def test_accepted_files(flow, world, name, content, mime):
    app = flow.draft()
    r = _post(world, app, name, content)
    assert r.status_code == 201, r.json()
    ev = Evidence.objects.get(pk=r.json()["id"])
    assert (ev.content_type, ev.original_name, ev.size) == (mime, name, len(content))
    assert ev.sha256 == hashlib.sha256(content).hexdigest() == r.json()["sha256"]
    assert name not in ev.file.name and ev.file.name.startswith("evidence/")
    assert ev.file.storage.exists(ev.file.name)


@pytest.mark.parametrize(("name", "content", "code"), [
    ("report.pdf", EXE, "file_type"),  # an executable renamed .pdf
    ("report.exe", EXE, "file_type"),
    ("notes.pdf", b"just some text pretending to be a pdf", "file_type"),
    ("image.pdf", PNG, "file_name_mismatch"),  # a PNG that says it is a PDF
    ("cert.png.exe", PDF, "file_name_mismatch"),
    ("empty.pdf", b"", "invalid"),  # refused by the serializer already; the service says file_empty
])
def test_lying_uploads_are_refused_and_nothing_is_stored(flow, world, name, content, code):
    app = flow.draft()
    r = _post(world, app, name, content)
    assert r.status_code == 400
    assert r.json()["code"] == code
    assert not Evidence.objects.exists()


def test_an_empty_file_is_refused_by_the_service(flow, world):
    with pytest.raises(ApplicationError) as e:
        services.evidence_add(application=flow.draft(), user=world.enterprise, element_code=HELD,
                              uploaded=upload("e.pdf", b""))
    assert e.value.code == "file_empty"


def test_a_file_over_the_limit_is_refused(flow, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    app = flow.draft()
    r = _post(world, app, "big.pdf", PDF + b"0" * 2048)
    assert r.status_code == 400 and r.json()["code"] == "file_too_large"
    assert _post(world, app, "small.pdf", PDF).status_code == 201


def test_the_default_limit_is_20_mb():
    from applications.files import max_bytes

    assert max_bytes() == 20 * 1024 * 1024


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\cert.pdf", "/abs/path/cert.pdf",
                                  "a/../../b.pdf"])
def test_a_name_with_a_path_is_only_metadata(flow, world, name):
    app = flow.draft()
    r = _post(world, app, name, PDF)
    assert r.status_code == 201
    ev = Evidence.objects.get()
    assert "/" not in ev.original_name and "\\" not in ev.original_name and ".." not in ev.original_name
    assert ev.original_name.endswith(".pdf")
    assert ".." not in ev.file.name and ev.file.name.startswith("evidence/")
    ev.delete()


def test_clean_name():
    assert clean_name("../../x.pdf") == "x.pdf"
    assert clean_name("a\x00b\n.pdf") == "ab.pdf"
    assert clean_name("") == "file"


def test_evidence_for_an_unclaimed_element_adds_the_claim(flow, world):
    app = flow.draft()
    assert _post(world, app, "c.pdf", PDF, element=UNHELD).status_code == 201
    assert app.claims.filter(element_type__code=UNHELD, origin="added").exists()
    assert _post(world, app, "c.pdf", PDF, element="credit.no_penalty_3y").status_code == 400
    assert _post(world, app, "c.pdf", PDF, element="nope").status_code == 400


def test_evidence_only_while_editable(flow, world):
    app = flow.to(Status.SUBMITTED)
    r = _post(world, app, "c.pdf", PDF)
    assert r.status_code == 409
    # While the application is returned the enterprise may add files; the bank never may.
    returned = flow.to(Status.RETURNED)
    r = _post(world, returned, "c.pdf", PDF, who="officer")
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    assert not returned.evidence.exists()


def test_download_is_an_attachment_with_nosniff_and_logged_for_the_bank(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD,
                               uploaded=upload("老字号证书.pdf"))
    services.application_submit(application=app, user=world.enterprise)
    for url, api in ((reverse("applications:evidence_download", args=[app.pk, ev.pk]), False),
                     (reverse("api:application-evidence-file", args=[app.pk, ev.pk]), True)):
        r = client_for(world, "officer", api=api).get(url)
        assert r.status_code == 200
        assert r["Content-Disposition"].startswith("attachment")
        assert r["X-Content-Type-Options"] == "nosniff"
        assert b"".join(r.streaming_content) == PDF
    log = AccessLog.objects.filter(kind=AccessKind.EVIDENCE)
    assert log.count() == 2
    row = log.first()
    assert (row.user, row.evidence, row.authorisation, row.enterprise) == (
        world.officer, ev, app.authorisations.get(), world.ent)
    # The enterprise's own downloads are not logged, and it sees the bank's in its access log.
    assert client_for(world, "enterprise").get(
        reverse("applications:evidence_download", args=[app.pk, ev.pk])).status_code == 200
    assert AccessLog.objects.count() == 2
    page = client_for(world, "enterprise").get(reverse("applications:access_log"))
    assert page.status_code == 200
    # Issue 14: both opens are recorded; the page shows them as one line (person, file, day) with the count.
    body = page.content.decode()
    assert body.count('data-testid="access-row"') == 1 and 'data-testid="access-count">2<' in body


def test_no_authorisation_no_bank_access(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    services.application_withdraw(application=app, user=world.enterprise)
    r = client_for(world, "officer").get(reverse("applications:evidence_download", args=[app.pk, ev.pk]))
    assert r.status_code == 404
    assert not AccessLog.objects.exists()


def test_media_url_is_not_served(flow, world, client):
    app = flow.draft()
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=HELD, uploaded=upload())
    client.force_login(world.enterprise)
    assert client.get("/media/" + ev.file.name).status_code == 404


def test_officer_reviews_evidence(flow, world):
    app = flow.draft(claims=[HELD, UNHELD])
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
    services.application_submit(application=app, user=world.enterprise)
    with pytest.raises(ApplicationError):  # not yet accepted
        services.evidence_review(evidence=ev, user=world.officer, verified=True)
    services.application_accept(application=app, user=world.officer)
    client = client_for(world, "officer")
    r = client.post(reverse("applications:evidence_review", args=[app.pk, ev.pk]), {"verdict": "rejected"})
    assert r.status_code == 302
    ev.refresh_from_db()
    assert ev.review == "pending"
    client.post(reverse("applications:evidence_review", args=[app.pk, ev.pk]),
                {"verdict": "rejected", "reason": "证书已过期"})
    ev.refresh_from_db()
    assert (ev.review, ev.review_reason, ev.reviewed_by) == ("rejected", "证书已过期", world.officer)
    # Another bank's officer cannot even find it.
    r = client_for(world, "officer_2").post(reverse("applications:evidence_review", args=[app.pk, ev.pk]),
                                            {"verdict": "verified"})
    assert r.status_code == 404


def test_removing_evidence_writes_a_history_row(flow, world, django_capture_on_commit_callbacks):
    """Who removed which file (name and SHA-256) when: kept after the file and its row are gone,
    on the application's history (page and API)."""
    app = flow.draft(claims=[HELD])
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=HELD,
                               uploaded=upload("质量官任命.pdf", PDF))
    page = client_for(world, "enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        r = page.post(reverse("applications:evidence_delete", args=[app.pk, ev.pk]))
    assert r.status_code == 302 and not Evidence.objects.filter(pk=ev.pk).exists()
    row = app.history.get()
    assert (row.action, row.actor, row.from_status, row.to_status) == (
        "evidence_removed", world.enterprise, Status.DRAFT, Status.DRAFT)
    assert "质量官任命.pdf" in row.note and hashlib.sha256(PDF).hexdigest() in row.note
    history = client_for(world, "enterprise", api=True).get(reverse("api:application-history", args=[app.pk]))
    assert history.json()[0]["action"] == "evidence_removed"
    assert "质量官任命.pdf" in page.get(reverse("applications:detail", args=[app.pk])).content.decode()
