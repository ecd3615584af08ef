"""Typical cases (notice §五(三)): drafted by a district (its enterprises) or the municipal bureau,
published by the municipal bureau only with the enterprise's consent in force; revoking the
consent unpublishes; a change of the case ends the consent; photos under the evidence file
rules (disguised files refused) and re-encoded; the public page answers without sign-in; the
history is append-only; each role sees what its door holds."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from elements.models import ElementType
from jingzhidai.audit import AppendOnlyError
from jingzhidai.errors import ApplicationError, TransitionNotAllowed
from regulators.cases import services
from regulators.cases.models import CaseAction, CaseEvent, CaseStatus

from ..applications.conftest import EXE, HELD, PDF
from ..helpers import TenantMatrix, client_for

pytestmark = pytest.mark.django_db


def jpeg_bytes(**exif):
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    info = Image.Exif()
    info[0x010F] = "SecretCam"  # Make
    image.save(out, "JPEG", exif=info)
    return out.getvalue()


def photo(name="site.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type=content_type)


def draft(world, *, by="district", enterprise=None, title="质量信用助力技改"):
    return services.case_create(user=world.users[by], enterprise=enterprise or world.ent,
                                element_type=ElementType.objects.get(code=HELD), title=title,
                                summary="凭首席质量官制度获得信用贷款", body="正文……", bank=world.bank,
                                amount=1000000, annual_rate="3.450", term_months=12)


@pytest.fixture
def case(world):
    return draft(world)


@pytest.fixture
def published(world, case):
    services.case_consent_give(case=case, user=world.enterprise)
    return services.case_publish(case=case, user=world.city)


# --- drafting -------------------------------------------------------------------------------

def test_a_district_drafts_only_for_its_enterprises(world):
    case = draft(world)  # 海淀 for a 海淀 enterprise
    # The enterprise is asked for its consent; nobody else hears of it.
    asked = world.enterprise.notifications.get(kind="case_consent")
    assert asked.url == reverse("regulators:case_detail", args=[case.pk])
    # Issue 14: rendered per reader, the drafting unit by its English name in English.
    subject, body = asked.rendered(language="en")
    assert "awaits your consent" in subject and case.title in subject
    assert case.drafted_by_unit.name_en in body and case.drafted_by_unit.name not in body
    assert not world.enterprise_2.notifications.exists()
    with pytest.raises(ApplicationError) as refused:
        draft(world, enterprise=world.ent_2)
    assert refused.value.code == "invalid"
    draft(world, by="city", enterprise=world.ent_2)


@pytest.mark.parametrize("who", ["enterprise", "officer", "bank_admin", "admin"])
def test_others_do_not_draft(world, who):
    with pytest.raises(ApplicationError) as refused:
        draft(world, by=who)
    assert refused.value.status_code == 403


def test_drafting_through_the_api_reaches_only_the_districts_enterprises(world):
    body = {"title": "案例", "element": HELD, "bank": world.bank.pk, "summary": "摘要", "body": "正文"}
    api = client_for(world, "district", api=True)
    r = api.post(reverse("api:case-list"), {**body, "enterprise": world.ent.uscc}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "draft" and r.json()["consent_in_force"] is False
    r = api.post(reverse("api:case-list"), {**body, "enterprise": world.ent_2.uscc}, format="json")
    assert r.status_code == 404


# --- consent and publication ----------------------------------------------------------------

def test_publishing_needs_the_enterprises_consent(world, case):
    with pytest.raises(TransitionNotAllowed) as refused:
        services.case_publish(case=case, user=world.city)
    assert refused.value.code == "consent_required"
    r = client_for(world, "city", api=True).post(reverse("api:case-publish", args=[case.pk]))
    assert r.status_code == 409 and r.json()["code"] == "consent_required"
    services.case_consent_give(case=case, user=world.enterprise)
    r = client_for(world, "city", api=True).post(reverse("api:case-publish", args=[case.pk]))
    assert r.status_code == 200 and r.json()["status"] == "published"


@pytest.mark.parametrize("who", ["district", "district_2", "officer", "enterprise", "admin"])
def test_only_the_municipal_bureau_publishes(world, case, who):
    services.case_consent_give(case=case, user=world.enterprise)
    with pytest.raises(ApplicationError) as refused:
        services.case_publish(case=case, user=world.users[who])
    assert refused.value.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


@pytest.mark.parametrize("who", ["enterprise_2", "district", "city", "officer"])
def test_only_the_enterprise_itself_consents(world, case, who):
    with pytest.raises(ApplicationError) as refused:
        services.case_consent_give(case=case, user=world.users[who])
    assert refused.value.status_code == 403
    assert not case.consents.exists()


def test_consent_is_recorded_and_revoking_it_unpublishes(world, published):
    consent = published.consents.get()
    assert consent.granted_by == world.enterprise and consent.granted_at and consent.ended_at is None
    anon = client_for(world, "anonymous")
    assert anon.get(reverse("regulators:public_case_detail", args=[published.pk])).status_code == 200
    r = client_for(world, "enterprise").post(reverse("regulators:case_consent_revoke", args=[published.pk]))
    assert r.status_code == 302
    published.refresh_from_db()
    consent.refresh_from_db()
    assert published.status == CaseStatus.UNPUBLISHED
    assert consent.ended_at is not None and consent.ended_by == world.enterprise and consent.end_reason == "revoked"
    assert anon.get(reverse("regulators:public_case_detail", args=[published.pk])).status_code == 404
    assert published.title not in anon.get(reverse("regulators:public_case_list")).content.decode()
    # Publishing again needs a fresh consent.
    with pytest.raises(TransitionNotAllowed):
        services.case_publish(case=published, user=world.city)
    actions = list(CaseEvent.objects.filter(case=published).values_list("action", flat=True))
    assert actions == [CaseAction.CREATE, CaseAction.CONSENT, CaseAction.PUBLISH, CaseAction.CONSENT_REVOKE,
                       CaseAction.UNPUBLISH]


def test_a_change_of_the_case_ends_the_consent(world, case):
    services.case_consent_give(case=case, user=world.enterprise)
    services.case_update(case=case, user=world.district, title="改过的标题")
    assert case.consents.get().end_reason == "changed"
    assert world.enterprise.notifications.filter(kind="case_consent").count() == 2  # asked again
    with pytest.raises(TransitionNotAllowed):
        services.case_publish(case=case, user=world.city)


def test_a_published_case_is_not_edited(world, published):
    with pytest.raises(TransitionNotAllowed):
        services.case_update(case=published, user=world.city, title="x")


def test_history_is_append_only(world, case):
    event = CaseEvent.objects.filter(case=case).first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=case).delete()


# --- photos ---------------------------------------------------------------------------------

def test_a_photo_is_re_encoded_without_its_metadata(world, case):
    p = services.case_photo_add(case=case, user=world.district, uploaded=photo(), caption="车间")
    data = p.file.open("rb").read()
    assert data.startswith(b"\xff\xd8") and b"SecretCam" not in data
    assert p.content_type == "image/jpeg" and p.size == len(data)


@pytest.mark.parametrize(("name", "content", "code"), [
    ("photo.jpg", EXE, "file_type"),  # an executable named .jpg
    ("photo.jpg", PDF, "file_name_mismatch"),  # a PDF named .jpg
    ("photo.pdf", PDF, "file_type"),  # a PDF is evidence, not a photo
    ("photo.pdf", None, "file_name_mismatch"),  # a JPEG named .pdf
    ("photo.png", None, "file_name_mismatch"),  # a JPEG named .png
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 10, "file_unreadable"),  # magic bytes only
])
def test_disguised_photos_are_refused(world, case, name, content, code):
    with pytest.raises(ApplicationError) as refused:
        services.case_photo_add(case=case, user=world.district, uploaded=photo(name, content))
    assert refused.value.code == code
    assert not case.photos.exists()


def test_a_disguised_photo_is_refused_on_the_page_and_the_api(world, case):
    r = client_for(world, "district").post(reverse("regulators:case_photo_add", args=[case.pk]),
                                           {"file": photo("x.jpg", EXE)})
    assert r.status_code == 400
    r = client_for(world, "district", api=True).post(reverse("api:case-photos", args=[case.pk]),
                                                     {"file": photo("x.jpg", EXE)}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "file_type"
    assert not case.photos.exists()


def test_photos_of_a_published_case_are_served_safely_to_anyone(world, case):
    p = services.case_photo_add(case=case, user=world.district, uploaded=photo())
    url = reverse("regulators:case_photo", args=[case.pk, p.pk])
    assert client_for(world, "anonymous").get(url).status_code == 404  # a draft's photo
    assert client_for(world, "officer").get(url).status_code == 404
    assert client_for(world, "district").get(url).status_code == 200
    services.case_consent_give(case=case, user=world.enterprise)
    services.case_publish(case=case, user=world.city)
    r = client_for(world, "anonymous").get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]


# --- the public page and the access matrix --------------------------------------------------

def test_the_public_page_needs_no_sign_in_and_shows_published_cases_only(world, published):
    other = draft(world, title="尚未同意的草稿")
    anon = client_for(world, "anonymous")
    body = anon.get(reverse("regulators:public_case_list")).content.decode()
    assert published.title in body and other.title not in body
    assert anon.get(reverse("regulators:public_case_detail", args=[other.pk])).status_code == 404
    r = client_for(world, "anonymous", api=True).get(reverse("api:case-list"))
    assert r.status_code == 200 and [c["id"] for c in r.json()["results"]] == [published.pk]


class TestDraftCaseAccess(TenantMatrix):
    """A draft: its district, the municipal bureau, admins and the enterprise itself."""

    allowed = {"district", "city", "admin", "enterprise"}

    def make(self, world):
        return draft(world, title="草稿案例甲")

    def detail_urls(self, obj):
        return [(reverse("regulators:case_detail", args=[obj.pk]), False),
                (reverse("api:case-detail", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("regulators:case_list"), False), (reverse("api:case-list"), True),
                (reverse("regulators:public_case_list"), False)]

    def key(self, obj):
        return obj.title

    @pytest.mark.parametrize("who", ["officer", "approver", "bank_admin", "officer_2", "enterprise_2"])
    def test_detail(self, world, who):  # banks and other enterprises: the page is not theirs (403), the API 404
        obj = self.make(world)
        assert client_for(world, who).get(self.detail_urls(obj)[0][0]).status_code in (403, 404)
        assert client_for(world, who, api=True).get(self.detail_urls(obj)[1][0]).status_code == 404

    @pytest.mark.parametrize("who", ["district", "district_2", "city", "enterprise", "enterprise_2", "officer",
                                     "anonymous"])
    def test_list(self, world, who):
        obj = self.make(world)
        for url, api in [(reverse("regulators:case_list"), False), (reverse("api:case-list"), True)]:
            r = client_for(world, who, api=api).get(url)
            if r.status_code in (302, 401, 403):
                assert who not in self.allowed
                continue
            assert (self.key(obj) in r.content.decode()) == (who in self.allowed), (who, url)
        public = client_for(world, who).get(reverse("regulators:public_case_list")).content.decode()
        assert self.key(obj) not in public


def test_a_published_case_is_seen_by_banks_and_other_enterprises_only_publicly(world, published):
    for who in ["officer", "officer_2", "enterprise_2", "district_2"]:
        api = client_for(world, who, api=True)
        ids = [c["id"] for c in api.get(reverse("api:case-list")).json()["results"]]
        # Banks see published cases through the API door; another district or enterprise sees
        # only its own through its workspace door, and the published one on the public page.
        assert (published.pk in ids) == (who.startswith("officer")), who
        assert client_for(world, who).get(reverse("regulators:public_case_detail",
                                                  args=[published.pk])).status_code == 200
    # Banks never read the history (who did what).
    r = client_for(world, "officer", api=True).get(reverse("api:case-history", args=[published.pk]))
    assert r.status_code == 404


def test_the_enterprise_consents_from_its_page(world, case):
    page = client_for(world, "enterprise").get(reverse("regulators:case_detail", args=[case.pk]))
    assert page.status_code == 200 and reverse("regulators:case_consent", args=[case.pk]) in page.content.decode()
    r = client_for(world, "enterprise").post(reverse("regulators:case_consent", args=[case.pk]))
    assert r.status_code == 302 and case.consents.filter(ended_at__isnull=True).count() == 1
    r = client_for(world, "enterprise_2").post(reverse("regulators:case_consent", args=[case.pk]))
    assert r.status_code == 404  # not its case: like a missing one
    assert case.consents.count() == 1


def test_list_pages_run_a_constant_number_of_queries(world):
    from ..helpers import assert_constant_queries

    def grow():
        for i in range(3):
            c = draft(world, title=f"更多案例{i}")
            services.case_consent_give(case=c, user=world.enterprise)
            services.case_publish(case=c, user=world.city)

    published = draft(world)
    services.case_consent_give(case=published, user=world.enterprise)
    services.case_publish(case=published, user=world.city)
    assert_constant_queries(client_for(world, "city"), reverse("regulators:case_list"), grow)
    assert_constant_queries(client_for(world, "district"), reverse("regulators:case_list"), grow)
    assert_constant_queries(client_for(world, "anonymous"), reverse("regulators:public_case_list"), grow)
    assert_constant_queries(client_for(world, "officer", api=True), reverse("api:case-list"), grow)


def test_orphaned_photos_are_swept_and_kept_ones_stay(world, case):
    import os
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django_celery_beat.models import PeriodicTask

    from regulators.tasks import case_photos_sweep

    kept = services.case_photo_add(case=case, user=world.district, uploaded=photo())
    month = kept.file.name.rsplit("/", 1)[0]
    orphan = default_storage.save(f"{month}/orphan.jpg", ContentFile(jpeg_bytes()))
    old = (timezone.now() - timedelta(days=2)).timestamp()
    for name in (orphan, kept.file.name):
        os.utime(default_storage.path(name), (old, old))
    assert case_photos_sweep.apply().get() == 1
    assert not default_storage.exists(orphan) and default_storage.exists(kept.file.name)
    assert PeriodicTask.objects.get(task="regulators.case_photos_sweep").enabled
