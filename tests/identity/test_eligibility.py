"""Eligibility per notice §二(一): registered in Beijing and an independent legal person."""

import pytest
from django.utils import translation

from identity import uscc
from identity.choices import LegalForm, RegistrationStatus
from identity.registry import legal_form_of, status_of
from identity.services import enterprise_check, enterprise_upsert

from ..factories import EnterpriseFactory


def _en(code):
    with translation.override("en"):
        return enterprise_check(code)


@pytest.mark.django_db
def test_registered_legal_person_in_beijing_is_eligible():
    ent = EnterpriseFactory()
    result = enterprise_check(ent.uscc)
    assert result.valid and result.beijing and result.in_registry and result.eligible
    assert result.reasons == []
    assert result.district.code == "110108"


@pytest.mark.django_db
def test_code_not_in_registry_is_checked_on_the_code_alone():
    result = _en("91110000802100433B")
    assert result.valid and result.eligible and not result.in_registry
    assert "code alone" in result.note


@pytest.mark.django_db
def test_invalid_code_is_not_eligible():
    result = _en("91110000802100433C")
    assert not result.valid and not result.eligible
    assert result.errors and result.reasons


@pytest.mark.django_db
def test_not_registered_in_beijing():
    result = _en(uscc.make_code("9", "1", "310115", "MA1FL3GA"))
    assert not result.eligible
    assert any("not registered in Beijing" in r for r in result.reasons)


@pytest.mark.django_db
@pytest.mark.parametrize("etype,form,words", [
    ("有限责任公司分公司(自然人投资或控股)", LegalForm.BRANCH, "branch"),
    ("个人独资企业", LegalForm.SOLE_PROPRIETORSHIP, "sole proprietorship"),
    ("普通合伙企业", LegalForm.PARTNERSHIP, "partnership"),
    ("有限合伙企业", LegalForm.PARTNERSHIP, "partnership"),
    ("股份有限公司分公司", LegalForm.BRANCH, "branch"),
])
def test_not_an_independent_legal_person(etype, form, words):
    assert legal_form_of(etype) == form
    ent = enterprise_upsert(uscc_code=uscc.make_code("9", "1", "110108", "MA0T0001"), name="北京某某", enterprise_type=etype,
                            registration_authority="北京市海淀区市场监督管理局")
    result = _en(ent.uscc)
    assert not result.eligible
    assert any(words in r for r in result.reasons)


@pytest.mark.django_db
def test_individual_business_by_code_alone_and_by_registry():
    code = uscc.make_code("9", "2", "110108", "MA0T0002")
    result = _en(code)
    assert not result.eligible and any("individual business" in r for r in result.reasons)
    enterprise_upsert(uscc_code=code, name="北京某某经营部", enterprise_type="个体工商户",
                      registration_authority="北京市海淀区市场监督管理局")
    result = _en(code)
    assert not result.eligible
    assert sum("individual business" in r for r in result.reasons) == 1


@pytest.mark.django_db
def test_code_not_from_market_regulation_is_not_an_enterprise():
    result = _en(uscc.make_code("5", "1", "110108", "MA0T0003"))  # social organisation
    assert not result.eligible and any("not issued by market regulation" in r for r in result.reasons)


@pytest.mark.django_db
@pytest.mark.parametrize("status_text,status,words", [
    ("吊销，未注销", RegistrationStatus.REVOKED, "revoked"),
    ("注销", RegistrationStatus.DEREGISTERED, "deregistered"),
])
def test_revoked_or_deregistered(status_text, status, words):
    assert status_of(status_text) == status
    ent = enterprise_upsert(uscc_code=uscc.make_code("9", "1", "110108", "MA0T0004"), name="北京某某有限公司",
                            enterprise_type="有限责任公司(自然人投资或控股)", status_text=status_text,
                            registration_authority="北京市海淀区市场监督管理局")
    result = _en(ent.uscc)
    assert not result.eligible and any(words in r for r in result.reasons)


@pytest.mark.django_db
def test_reasons_in_chinese_by_default():
    with translation.override("zh-hans"):
        result = enterprise_check(uscc.make_code("9", "2", "110108", "MA0T0005"))
    assert any("个体工商户" in r and "不是企业" in r for r in result.reasons)


@pytest.mark.django_db
@pytest.mark.parametrize("authority,address,division,district,unit", [
    ("北京市海淀区市场监督管理局", "北京市海淀区中关村大街1号", "110108", "110108", "110108"),
    ("北京市市场监督管理局", "北京市朝阳区建国路1号", "110000", "110105", "110105"),
    ("北京经济技术开发区商务金融局", "北京市北京经济技术开发区科创街1号", "110302", None, "110302"),
    ("房山区燕山市场监管分局", "北京市房山区燕山岗南路1号", "110111", "110111", "110111-YS"),
    ("市市场监管局机场分局", "北京市顺义区首都机场1号", "110000", "110113", "110000-JC"),
])
def test_district_and_unit_come_from_registration_data(authority, address, division, district, unit):
    ent = enterprise_upsert(uscc_code=uscc.make_code("9", "1", division, "MA0T0006"), name="北京某某有限公司",
                            enterprise_type="有限责任公司(法人独资)", registration_authority=authority, address=address)
    assert ent.district_id == district
    assert ent.regulator_unit.code == unit


@pytest.mark.django_db
def test_farmers_cooperative_is_not_an_enterprise():
    code = uscc.make_code("9", "3", "110117", "MA0T0007")
    result = _en(code)
    assert not result.eligible and any("farmers' cooperative" in r for r in result.reasons)
    enterprise_upsert(uscc_code=code, name="北京平谷大桃种植专业合作社", enterprise_type="农民专业合作社",
                      registration_authority="北京市平谷区市场监督管理局")
    assert legal_form_of("农民专业合作社") == LegalForm.COOPERATIVE
    result = _en(code)
    assert sum("farmers' cooperative" in r for r in result.reasons) == 1


@pytest.mark.django_db
def test_unrecognised_enterprise_type_is_not_presumed_a_legal_person():
    ent = enterprise_upsert(uscc_code=uscc.make_code("9", "1", "110108", "MA0T0008"), name="北京某某",
                            enterprise_type="其他", registration_authority="北京市海淀区市场监督管理局")
    result = _en(ent.uscc)
    assert not result.eligible and any("does not show an independent legal person" in r for r in result.reasons)
