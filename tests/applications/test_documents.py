"""General documents of an application (issue 14: a returned application is no longer a dead
end): financial statements, purchase or sales contracts and other material with a note, under
the evidence file rules, seen by the bank that holds the application (under authorisation) and
the district regulator asked to verify, listed on the application page, downloads logged."""

import pytest
from django.urls import reverse

from applications import services
from applications.choices import AccessKind, DocumentKind, Status
from applications.models import AccessLog, Document
from jingzhidai.errors import ApplicationError, TransitionNotAllowed

from ..helpers import TenantMatrix, client_for
from .conftest import EXE, HELD, PDF, PNG, UNHELD, flow_of, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flow")]  # TenantMatrix.make uses flow_of

BANK_SIDE = {"officer", "approver", "bank_admin"}


def _add(world, app, kind=DocumentKind.FINANCIAL_STATEMENTS, name="2025年财务报表.pdf", content=PDF, note=""):
    return services.document_add(application=app, user=world.enterprise, kind=kind, note=note,
                                 uploaded=upload(name, content))


def _post(world, app, who="enterprise", **data):
    data.setdefault("kind", DocumentKind.SALES_CONTRACT)
    data.setdefault("file", upload("购销合同.pdf"))
    return client_for(world, who, api=True).post(reverse("api:application-documents", args=[app.pk]), data,
                                                 format="multipart")


# --- the file rules --------------------------------------------------------------------------

def test_a_returned_application_takes_documents_and_goes_back(flow, world):
    app = flow.to(Status.RETURNED)
    doc = _add(world, app)
    assert doc.file.name.startswith("documents/") and "财务报表" not in doc.file.name
    assert doc.file.storage.exists(doc.file.name)
    services.application_submit(application=app, user=world.enterprise)
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert app.history.filter(action="document_added", note__contains="2025年财务报表.pdf").exists()


@pytest.mark.parametrize(("name", "content", "code"), [
    ("报表.pdf", EXE, "file_type"), ("报表.exe", EXE, "file_type"), ("报表.pdf", PNG, "file_name_mismatch"),
    ("报表.pdf", b"", "invalid")])
def test_disguised_uploads_are_refused_and_nothing_is_stored(flow, world, name, content, code):
    app = flow.draft()
    r = _post(world, app, file=upload(name, content))
    assert r.status_code == 400 and r.json()["code"] == code
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(flow, world, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as e:
        _add(world, flow.draft(), content=PDF + b"0" * 200)
    assert e.value.code == "file_too_large"


def test_other_material_needs_a_note(flow, world):
    app = flow.draft()
    with pytest.raises(ApplicationError) as e:
        _add(world, app, kind=DocumentKind.OTHER)
    assert e.value.code == "note_required"
    doc = _add(world, app, kind=DocumentKind.OTHER, note="近三个月银行流水")
    assert doc.note == "近三个月银行流水"


@pytest.mark.parametrize(("status", "addable"), [
    (Status.DRAFT, True), (Status.RETURNED, True), (Status.SUBMITTED, True), (Status.UNDER_REVIEW, False),
    (Status.APPROVED, False), (Status.WITHDRAWN, False)])
def test_when_documents_can_be_added(flow, world, status, addable):
    app = flow.to(status)
    if addable:
        assert _add(world, app).pk
    else:
        with pytest.raises(TransitionNotAllowed):
            _add(world, app)


def test_removal_only_while_editable_and_recorded(flow, world):
    app = flow.draft()
    doc = _add(world, app)
    services.document_remove(document=doc, user=world.enterprise)
    assert not Document.objects.exists()
    assert app.history.filter(action="document_removed").exists()
    submitted = flow.to(Status.SUBMITTED)
    kept = _add(world, submitted)
    with pytest.raises(TransitionNotAllowed):
        services.document_remove(document=kept, user=world.enterprise)


def test_only_the_enterprise_adds(flow, world):
    app = flow.to(Status.SUBMITTED)
    r = _post(world, app, who="officer")
    assert r.status_code == 403
    assert not Document.objects.exists()


# --- who sees them ------------------------------------------------------------------------------

def _submitted_with_document(world):
    flow = flow_of(world)
    app = flow.draft(claims=[HELD, UNHELD])
    services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload("老字号.pdf"))
    doc = _add(world, app)
    services.application_submit(application=app, user=world.enterprise)
    services.application_accept(application=app, user=world.officer)
    services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                         question="请核实")
    return doc


class TestDocumentAccess(TenantMatrix):
    """By the evidence door: the enterprise, its bank under authorisation, the district
    regulator asked to verify. Not the other enterprise, bank or district, not the city."""

    allowed = {"enterprise", *BANK_SIDE, "district"}

    def make(self, world):
        return _submitted_with_document(world)

    def detail_urls(self, obj):
        return [(reverse("applications:document_download", args=[obj.application_id, obj.pk]), False),
                (reverse("api:application-document-file", args=[obj.application_id, obj.pk]), True)]


class TestDocumentListAccess(TenantMatrix):
    """The documents list of the API and the application page name the file for those who may
    open it (the city sees the application but not its documents)."""

    allowed = {"enterprise", *BANK_SIDE, "district"}

    def make(self, world):
        return _submitted_with_document(world)

    def detail_urls(self, obj):
        return []

    def list_urls(self):
        return []

    def key(self, obj):
        return obj.original_name

    @pytest.mark.parametrize("who", ["enterprise", "officer", "approver", "district", "city", "officer_2",
                                     "enterprise_2"])
    def test_application_page_and_api(self, world, who):
        doc = self.make(world)
        page = client_for(world, who).get(reverse("applications:detail", args=[doc.application_id]))
        api = client_for(world, who, api=True).get(reverse("api:application-documents", args=[doc.application_id]))
        if who in ("officer_2", "enterprise_2"):
            assert page.status_code == api.status_code == 404
            return
        assert page.status_code == api.status_code == 200
        shown = doc.original_name in page.content.decode()
        listed = [d["original_name"] for d in api.json()]
        assert shown == (who in self.allowed) == (listed == [doc.original_name])


def test_a_bank_without_authorisation_does_not_see_them(flow, world):
    app = flow.draft()
    doc = _add(world, app)
    services.application_submit(application=app, user=world.enterprise)
    services.authorisations_end(application=app, reason="revoked")
    r = client_for(world, "officer").get(reverse("applications:document_download", args=[app.pk, doc.pk]))
    assert r.status_code == 404


def test_downloads_are_logged_for_the_enterprise(flow, world):
    doc = _submitted_with_document(world)
    r = client_for(world, "officer").get(reverse("applications:document_download", args=[doc.application_id, doc.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert b"".join(r.streaming_content) == PDF
    row = AccessLog.objects.get(kind=AccessKind.DOCUMENT)
    assert (row.user, row.document) == (world.officer, doc)
    client_for(world, "enterprise").get(reverse("applications:document_download", args=[doc.application_id, doc.pk]))
    assert AccessLog.objects.filter(kind=AccessKind.DOCUMENT).count() == 1
    page = client_for(world, "enterprise").get(reverse("applications:access_log")).content.decode()
    assert doc.original_name in page


# --- the page -----------------------------------------------------------------------------------

def test_the_returned_page_offers_the_document_form(flow, world):
    app = flow.to(Status.RETURNED)
    page = client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="document-form"' in page and 'href="#documents"' in page
    assert "财务报表" in page and "购销合同" in page


def test_upload_through_the_page(flow, world):
    app = flow.to(Status.RETURNED)
    client = client_for(world, "enterprise")
    r = client.post(reverse("applications:document_upload", args=[app.pk]),
                    {"kind": DocumentKind.OTHER, "note": "", "file": upload("流水.pdf")}, follow=True)
    body = r.content.decode()
    assert "说明" in body or "备注" in body  # the field named by its label, not "note"
    assert "note:" not in body
    assert not Document.objects.exists()
    r = client.post(reverse("applications:document_upload", args=[app.pk]),
                    {"kind": DocumentKind.OTHER, "note": "近三个月流水", "file": upload("流水.pdf")}, follow=True)
    assert Document.objects.get().note == "近三个月流水"
    assert "流水.pdf" in r.content.decode()


def test_documents_are_in_the_openapi_schema(client):
    schema = client.get(reverse("schema")).content.decode()
    assert "/documents/" in schema and "DocumentUpload" in schema
