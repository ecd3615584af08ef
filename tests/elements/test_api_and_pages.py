"""The profile API shape, the profile page, uploads with progress, the catalog UI."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from elements import selectors
from elements.choices import BatchStatus
from elements.models import ElementType, ImportBatch, Listing

from ..helpers import client_for
from .conftest import write_csv
from .test_profile_rules import distinction, listing

pytestmark = pytest.mark.django_db


class TestProfileApi:
    def test_shape(self, world):
        distinction(world.ent, "management.china_quality_award", granted_on=date(2021, 9, 1), level="national",
                    issuer="国务院")
        listing(world.ent, listed_on=date(2024, 3, 5))
        response = client_for(world, "enterprise", api=True).get(
            reverse("api:enterprise-profile", args=[world.ent.uscc]), {"as_of": "2025-01-01"})
        assert response.status_code == 200
        body = response.json()
        assert body["uscc"] == world.ent.uscc and body["as_of"] == "2025-01-01" and body["rules_version"]
        assert body["quality_credit"]["holds"] is False
        reason = body["quality_credit"]["reasons"][0]
        assert reason["condition"] == "credit.no_abnormal_operation" and reason["since"] == "2024-03-05"
        assert [c["code"] for c in body["categories"]] == ["credit", "management", "brand", "infrastructure",
                                                           "innovation"]
        management = body["categories"][1]
        assert management["elements"][0]["code"] == "management.china_quality_award"
        assert management["elements"][0]["name"] == "中国质量奖"

    @pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025/01/01"])
    def test_bad_as_of_is_a_400_in_the_standard_shape(self, world, bad):
        response = client_for(world, "enterprise", api=True).get(
            reverse("api:enterprise-profile", args=[world.ent.uscc]), {"as_of": bad}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid" and "as_of" in body["extra"]["fields"] and "YYYY-MM-DD" in body["message"]

    @pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
    def test_an_as_of_outside_the_calendar_the_rules_need_is_a_400_not_an_overflow(self, world, far):
        """The look-back (3 years) and the expiry warning would leave the calendar: a 500 once."""
        api = client_for(world, "city", api=True)
        api.raise_request_exception = False
        response = api.get(reverse("api:enterprise-profile", args=[world.ent.uscc]), {"as_of": far},
                           HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "as_of" in response.json()["extra"]["fields"]
        assert "1900-01-01" in response.json()["message"]
        page = client_for(world, "city")
        page.raise_request_exception = False
        assert page.get(reverse("elements:profile", args=[world.ent.uscc]), {"as_of": far}).status_code < 500


class TestProfilePage:
    def test_cards_and_details(self, world):
        distinction(world.ent, "infrastructure.iso_quality", granted_on=date(2023, 1, 1), expires_on=date(2025, 1, 20),
                    certificate_no="00123Q")
        listing(world.ent, listed_on=date(2024, 3, 5))
        response = client_for(world, "district").get(reverse("elements:profile", args=[world.ent.uscc]),
                                                      {"as_of": "2025-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('class="col"><div class="card') == 5
        assert "Does not hold" in html and "expiry-warnings" in html and "00123Q" in html

    def test_as_of_read_like_the_api(self, world):
        url = reverse("elements:profile", args=[world.ent.uscc])
        client = client_for(world, "district")
        assert client.get(url, {"as_of": "2025-01-01"}).context["profile"].as_of == date(2025, 1, 1)
        response = client.get(url, {"as_of": "2025-13-01"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response.context["profile"].as_of == selectors.today()
        assert "showing today" in response.content.decode()

    def test_my_profile_redirects_the_enterprise(self, world):
        response = client_for(world, "enterprise").get(reverse("elements:my_profile"))
        assert response.status_code == 302 and world.ent.uscc in response["Location"]
        assert client_for(world, "officer").get(reverse("elements:my_profile")).status_code == 404


class TestUpload:
    def rows(self, world):
        return [{"统一社会信用代码": world.ent.uscc, "列入日期": "2024-03-05", "列入原因": "未报送年报",
                 "列入决定机关": "北京市海淀区市场监督管理局"},
                {"统一社会信用代码": "bad", "列入日期": "2024-03-05"}]

    def test_district_uploads_and_sees_progress(self, world, tmp_path, django_capture_on_commit_callbacks):
        path = write_csv(tmp_path / "a.csv", "abnormal", self.rows(world))
        client = client_for(world, "district")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("elements:batch_upload"), {
                "feed": "abnormal", "file": SimpleUploadedFile("abnormal.csv", path.read_bytes())})
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("elements:batch_detail", args=[batch.pk])
        assert (batch.status, batch.inserted, batch.rejected, batch.uploaded_by) == (
            BatchStatus.SUCCEEDED, 1, 1, world.district)
        assert Listing.objects.filter(enterprise=world.ent).exists()
        partial = client.get(reverse("elements:batch_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
        assert b"batch-progress" in partial.content and b"<html" not in partial.content
        api = client_for(world, "district", api=True).get(reverse("api:import-batch-detail", args=[batch.pk])).json()
        assert api["progress"] == 100 and api["rejected"] == 1
        rejects = client.get(reverse("elements:batch_rejects", args=[batch.pk]))
        text = b"".join(rejects.streaming_content).decode("utf-8-sig")
        assert text.splitlines()[0] == "row,column,reason,raw_value" and "3,统一社会信用代码" in text

    def test_api_upload(self, world, tmp_path, django_capture_on_commit_callbacks):
        path = write_csv(tmp_path / "a.csv", "abnormal", self.rows(world))
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(world, "city", api=True).post(
                reverse("api:import-batch-list"),
                {"feed": "abnormal", "file": SimpleUploadedFile("abnormal.csv", path.read_bytes())}, format="multipart")
        assert response.status_code == 201
        assert ImportBatch.objects.get().status == BatchStatus.SUCCEEDED

    def test_wrong_file_type_refused(self, world):
        response = client_for(world, "city", api=True).post(
            reverse("api:import-batch-list"),
            {"feed": "abnormal", "file": SimpleUploadedFile("a.pdf", b"%PDF")}, format="multipart")
        assert response.status_code == 400 and not ImportBatch.objects.exists()

    def test_claim_is_not_a_feed_to_upload(self, world):
        response = client_for(world, "city", api=True).post(
            reverse("api:import-batch-list"),
            {"feed": "claim", "file": SimpleUploadedFile("a.csv", b"x")}, format="multipart")
        assert response.status_code == 400 and response.json()["code"] == "invalid_feed"

    @pytest.mark.parametrize("who", ["enterprise", "officer"])
    def test_others_cannot_upload(self, world, who):
        response = client_for(world, who, api=True).post(
            reverse("api:import-batch-list"),
            {"feed": "abnormal", "file": SimpleUploadedFile("a.csv", b"x")}, format="multipart")
        assert response.status_code == 403 and not ImportBatch.objects.exists()


class TestCatalog:
    def test_city_adds_edits_retires_with_history(self, world):
        client = client_for(world, "city")
        response = client.post(reverse("elements:catalog_create"), {
            "code": "brand.beijing_famous", "category": "brand", "name": "北京名牌", "name_en": "Beijing famous brand",
            "levels": ["municipal"], "default_validity_months": "36", "evidence": "公布文件", "feed": "honor",
            "order": "99", "reason": "新增要素"})
        assert response.status_code == 302, response.content.decode()[:2000]
        t = ElementType.objects.get(code="brand.beijing_famous")
        assert (t.nature, t.levels) == ("distinction", ["municipal"])
        client.post(reverse("elements:catalog_edit", args=[t.pk]), {
            "code": "brand.changed", "category": "brand", "name": "北京名牌产品", "name_en": "Beijing famous brand",
            "levels": ["municipal"], "default_validity_months": "24", "evidence": "公布文件", "feed": "honor",
            "order": "99", "reason": "更名"})
        t.refresh_from_db()
        assert (t.code, t.name, t.default_validity_months) == ("brand.beijing_famous", "北京名牌产品", 24)
        client.post(reverse("elements:catalog_retire", args=[t.pk]), {"reason": "政策调整"})
        t.refresh_from_db()
        assert t.is_retired and t.retired_reason == "政策调整"
        history = client.get(reverse("elements:catalog_history", args=[t.pk]), HTTP_ACCEPT_LANGUAGE="en")
        html = history.content.decode()
        assert "更名" in html and "政策调整" in html and world.city.username in html
        assert t.history.count() == 3

    def test_records_of_a_retired_type_stay_readable(self, world):
        d = distinction(world.ent, "brand.chain_leader", granted_on=date(2020, 1, 1), level="national")
        client_for(world, "city").post(reverse("elements:catalog_retire", args=[d.element_type_id]), {"reason": "x"})
        response = client_for(world, "district", api=True).get(reverse("api:distinction-detail", args=[d.pk]))
        assert response.status_code == 200 and response.json()["element_type"] == "brand.chain_leader"
        page = client_for(world, "district").get(reverse("elements:distinction_list"))
        assert "质量强链链主企业" in page.content.decode()

    def test_retire_needs_a_reason(self, world):
        t = ElementType.objects.get(code="brand.chain_leader")
        response = client_for(world, "city").post(reverse("elements:catalog_retire", args=[t.pk]), {"reason": ""})
        assert response.status_code == 200
        t.refresh_from_db()
        assert not t.is_retired

    @pytest.mark.parametrize("code", ["credit.no_abnormal_operation", "credit.no_serious_violation",
                                      "credit.no_penalty_3y", "credit.no_failed_spotcheck_3y"])
    def test_credit_conditions_cannot_be_retired(self, world, code):
        from elements.services import element_type_retire
        from jingzhidai.errors import ApplicationError

        t = ElementType.objects.get(code=code)
        with pytest.raises(ApplicationError) as e:
            element_type_retire(element_type=t, user=world.city, reason="政策调整")
        assert e.value.code == "condition_not_retirable"
        response = client_for(world, "city").post(reverse("elements:catalog_retire", args=[t.pk]), {"reason": "x"})
        assert response.status_code == 200 and "不能停用" in response.content.decode()
        t.refresh_from_db()
        assert not t.is_retired
        page = client_for(world, "city").get(reverse("elements:catalog")).content.decode()
        assert reverse("elements:catalog_retire", args=[t.pk]) not in page

    def test_catalog_follows_the_notice_and_cites_validity(self, world):
        t = ElementType.objects.get(code="brand.time_honored")
        assert t.name == "中华老字号商标保护企业" and "中华老字号" in t.aliases
        for t in ElementType.objects.filter(default_validity_months__isnull=False):
            assert t.notes, t.code

    def test_a_former_catalog_name_on_a_list_still_matches(self, world, tmp_path):
        from elements.models import Distinction
        from elements.sync import run_file

        path = write_csv(tmp_path / "h.csv", "honor", [{"统一社会信用代码": world.ent.uscc, "要素名称": "中华老字号",
                                                        "级别": "国家", "授予日期": "2011-03-15"}])
        batch = run_file(feed="honor", path=path)
        assert (batch.inserted, batch.rejected) == (1, 0)
        assert Distinction.objects.get(enterprise=world.ent).element_type.code == "brand.time_honored"

    @pytest.mark.parametrize("who", ["district", "enterprise", "officer"])
    def test_only_the_municipal_bureau_edits(self, world, who):
        t = ElementType.objects.get(code="brand.chain_leader")
        response = client_for(world, who).post(reverse("elements:catalog_retire", args=[t.pk]), {"reason": "x"})
        assert response.status_code == 403
        t.refresh_from_db()
        assert not t.is_retired

    def test_credit_category_only_takes_conditions(self, world):
        response = client_for(world, "city").post(reverse("elements:catalog_create"), {
            "code": "credit.x", "category": "credit", "name": "x", "name_en": "x", "feed": "honor", "order": "1",
            "reason": "r"})
        assert response.status_code == 200 and not ElementType.objects.filter(code="credit.x").exists()


class TestRecordActions:
    def test_district_records_a_distinction_for_its_enterprise(self, world):
        t = ElementType.objects.get(code="infrastructure.iso_environment")
        url = reverse("elements:distinction_create", args=[world.ent.uscc])
        assert client_for(world, "district").get(url).status_code == 200
        response = client_for(world, "district").post(url, {
            "element_type": t.pk, "certificate_no": "E-9", "granted_on": "2025-01-02", "reason": "核验证书原件"})
        assert response.status_code == 302
        d = t.distinctions.get()
        assert (d.entered_by, d.entry_reason, d.expires_on) == (world.district, "核验证书原件", date(2028, 1, 1))

    def test_outside_the_scope_is_404_and_other_roles_403(self, world):
        url = reverse("elements:distinction_create", args=[world.ent.uscc])
        assert client_for(world, "district_2").get(url).status_code == 404
        assert client_for(world, "enterprise").get(url).status_code == 403
        assert client_for(world, "officer").get(url).status_code == 403

    def test_removal_and_revocation_pages(self, world):
        item = listing(world.ent, listed_on=date(2024, 3, 5))
        client = client_for(world, "district")
        page = client.get(reverse("elements:profile", args=[world.ent.uscc]))
        assert reverse("elements:listing_remove", args=[item.pk]) in page.content.decode()
        response = client.post(reverse("elements:listing_remove", args=[item.pk]),
                               {"removed_on": "2025-02-01", "reason": "已补报年报", "authority": "海淀区局"})
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.removed_on == date(2025, 2, 1)
        d = distinction(world.ent, "brand.time_honored", granted_on=date(2010, 1, 1), level="national")
        assert client_for(world, "district_2").get(reverse("elements:distinction_revoke", args=[d.pk])).status_code == 404
        client.post(reverse("elements:distinction_revoke", args=[d.pk]), {"revoked_on": "2025-03-01", "reason": "撤销"})
        d.refresh_from_db()
        assert d.status == "revoked"
        # a refused action shows the message and changes nothing
        response = client.post(reverse("elements:listing_remove", args=[item.pk]),
                               {"removed_on": "2025-03-01", "reason": "again"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and "already removed" in response.content.decode()


def test_catalog_api_by_code(world):
    client = client_for(world, "officer", api=True)
    body = client.get(reverse("api:element-type-detail", args=["infrastructure.iso_quality"])).json()
    assert (body["code"], body["category"], body["default_validity_months"], body["retired"]) == (
        "infrastructure.iso_quality", "infrastructure", 36, False)
    assert client_for(world, "anonymous", api=True).get(reverse("api:element-type-list")).status_code in (401, 403)


def test_history_page_of_a_type_never_edited(world):
    from elements.models import ElementType

    seeded = ElementType.objects.get(code="management.china_quality_award")
    response = client_for(world, "city").get(reverse("elements:catalog_history", args=[seeded.pk]))
    assert response.status_code == 200 and seeded.name in response.content.decode()
