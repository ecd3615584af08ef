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
def test_code_not_in_registry_is_not_confirmed():
    """Branches, partnerships and sole proprietorships carry 91… codes too: a code alone never
    makes an enterprise eligible."""
    result = _en("91110000802100433B")
    assert result.valid and not result.in_registry and not result.eligible
    assert result.beijing  # the division digits, as a hint
    assert len(result.reasons) == 1
    assert "registry does not list this code yet" in result.reasons[0]
    assert "district market regulation bureau" in result.reasons[0]
    assert "only the code itself" in result.note


@pytest.mark.django_db
def test_code_not_in_registry_reason_in_chinese():
    with translation.override("zh-hans"):
        result = enterprise_check("91110000802100433B")
    assert not result.eligible and "企业登记库" in result.reasons[0]


@pytest.mark.django_db
def test_moved_in_enterprise_is_registered_in_beijing():
    """A code never changes: an enterprise that moved from Shijiazhuang to Haidian keeps 130100."""
    code = uscc.make_code("9", "1", "130100", "MA0T0101")
    ent = enterprise_upsert(uscc_code=code, name="北京迁入科技有限公司", enterprise_type="有限责任公司(自然人投资或控股)",
                            registration_authority="北京市海淀区市场监督管理局", address="北京市海淀区中关村大街1号")
    assert ent.district_id == "110108"
    result = _en(code)
    assert result.in_registry and result.beijing and result.eligible, result.reasons
    assert result.errors == []  # no "not a Beijing division code" warning: the registry decides


@pytest.mark.django_db
@pytest.mark.parametrize("division,authority,address", [
    ("130100", "石家庄市市场监督管理局", "河北省石家庄市长安区1号"),
    # The registry decides against the code, too: a 11… code registered by another city's bureau.
    ("110105", "长春市朝阳区市场监督管理局", "吉林省长春市朝阳区1号"),
])
def test_registered_elsewhere_is_not_in_beijing_whatever_the_code(division, authority, address):
    code = uscc.make_code("9", "1", division, "MA0T0102")
    enterprise_upsert(uscc_code=code, name="外地某某有限公司", enterprise_type="有限责任公司(自然人投资或控股)",
                      registration_authority=authority, address=address)
    result = _en(code)
    assert result.in_registry and not result.beijing and not result.eligible
    assert any("not registered in Beijing" in r for r in result.reasons)


@pytest.mark.parametrize("authority,address,expected", [
    ("北京市海淀区市场监督管理局", "", True),
    ("海淀区市场监督管理局", "", True),
    ("房山区燕山市场监管分局", "", True),
    ("市市场监管局机场分局", "", True),
    ("首都机场市场监督管理局", "", True),
    ("北京经济技术开发区商务金融局", "", True),
    ("天津市滨海新区市场监督管理局", "北京市海淀区1号", False),  # the authority decides
    ("河北省市场监督管理局", "", False),
    ("长春市朝阳区市场监督管理局", "", False),
    ("市场监督管理局", "北京市朝阳区建国路1号", True),  # names no place: the address decides
    ("市场监督管理局", "廊坊市广阳区1号", False),
    ("", "", None),
])
def test_registration_data_decide_beijing(authority, address, expected):
    from identity.registry import beijing_of

    districts = {"海淀区": "110108", "海淀": "110108", "朝阳区": "110105", "朝阳": "110105", "房山区": "110111"}
    assert beijing_of(authority=authority, address=address, districts=districts) is expected


@pytest.mark.django_db
def test_invalid_code_is_not_eligible():
    result = _en("91110000802100433C")
    assert not result.valid and not result.eligible
    assert result.errors and result.reasons


@pytest.mark.django_db
def test_not_registered_in_beijing():
    result = _en(uscc.make_code("9", "1", "310115", "MA1FL3GA"))
    assert not result.eligible and not result.beijing
    assert any("not registered in Beijing" in r for r in result.reasons)


@pytest.mark.django_db
@pytest.mark.parametrize("etype,form,words", [
    ("有限责任公司分公司(自然人投资或控股)", LegalForm.BRANCH, "branch"),
    ("个人独资企业", LegalForm.SOLE_PROPRIETORSHIP, "sole proprietorship"),
    ("普通合伙企业", LegalForm.PARTNERSHIP, "partnership"),
    ("有限合伙企业", LegalForm.PARTNERSHIP, "partnership"),
    ("股份有限公司分公司", LegalForm.BRANCH, "branch"),
    ("外商投资企业分支机构", LegalForm.BRANCH, "branch"),
    ("全民所有制分支机构(非法人)", LegalForm.BRANCH, "branch"),
    ("集体分支机构(非法人)", LegalForm.BRANCH, "branch"),
    ("中外合作经营企业(非法人)", LegalForm.NON_LEGAL_PERSON, "not a legal person"),
    ("外国(地区)企业常驻代表机构", LegalForm.NON_LEGAL_PERSON, "not a legal person"),
    ("外商投资合伙企业", LegalForm.PARTNERSHIP, "partnership"),
])
def test_not_an_independent_legal_person(etype, form, words):
    assert legal_form_of(etype) == form
    ent = enterprise_upsert(uscc_code=uscc.make_code("9", "1", "110108", "MA0T0001"), name="北京某某", enterprise_type=etype,
                            registration_authority="北京市海淀区市场监督管理局")
    result = _en(ent.uscc)
    assert not result.eligible
    assert any(words in r for r in result.reasons)


@pytest.mark.parametrize("etype", [
    "中外合资经营企业", "中外合作经营企业", "外商独资企业", "外资企业", "有限责任公司(外商投资、非独资)",
    "有限责任公司(台港澳与境内合资)", "股份合作制", "股份合作企业", "集体所有制", "集体所有制(股份合作)", "集体企业",
    "全民所有制", "全民所有制企业", "国有企业", "有限责任公司(国有独资)",
])
@pytest.mark.django_db
def test_older_and_public_ownership_types_are_legal_persons(etype):
    assert legal_form_of(etype) == LegalForm.LEGAL_PERSON
    ent = enterprise_upsert(uscc_code=uscc.make_code("9", "1", "110108", "MA0T0201"), name="北京某某",
                            enterprise_type=etype, registration_authority="北京市海淀区市场监督管理局")
    assert _en(ent.uscc).eligible


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
    ("吊销（未注销）", RegistrationStatus.REVOKED, "revoked"),
    ("吊销", RegistrationStatus.REVOKED, "revoked"),
    ("注销", RegistrationStatus.DEREGISTERED, "deregistered"),
    ("吊销，已注销", RegistrationStatus.DEREGISTERED, "deregistered"),
    ("已注销", RegistrationStatus.DEREGISTERED, "deregistered"),
    ("撤销", RegistrationStatus.CANCELLED, "cancelled"),
    ("撤销登记", RegistrationStatus.CANCELLED, "cancelled"),
    ("歇业", RegistrationStatus.SUSPENDED, "suspended"),
    ("清算", RegistrationStatus.LIQUIDATING, "liquidation"),
    ("清算中", RegistrationStatus.LIQUIDATING, "liquidation"),
    ("停业", RegistrationStatus.STOPPED, "stopped"),
    ("迁出", RegistrationStatus.MOVED_OUT, "moved"),
    ("已迁出", RegistrationStatus.MOVED_OUT, "moved"),
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


@pytest.mark.parametrize("text,status", [
    ("存续", RegistrationStatus.EXISTING), ("存续（在营、开业、在册）", RegistrationStatus.EXISTING),
    ("存续(在营、开业、在册)", RegistrationStatus.EXISTING), (" 在营 ", RegistrationStatus.EXISTING),
    ("开业", RegistrationStatus.EXISTING), ("在业", RegistrationStatus.OPERATING),
])
def test_operating_spellings(text, status):
    assert status_of(text) == status


@pytest.mark.parametrize("text", ["", "不知道", "存续中？", "注销中", "吊销注销撤销"])
def test_unknown_or_empty_status_is_none(text):
    assert status_of(text) is None


@pytest.mark.django_db
def test_upsert_refuses_an_unknown_status_instead_of_storing_existing():
    from jingzhidai.errors import ApplicationError

    code = uscc.make_code("9", "1", "110108", "MA0T0301")
    with pytest.raises(ApplicationError) as e:
        enterprise_upsert(uscc_code=code, name="北京某某有限公司", status_text="冻结",
                          registration_authority="北京市海淀区市场监督管理局")
    assert "status_text" in e.value.extra["fields"]
    from identity.models import Enterprise
    assert not Enterprise.objects.filter(uscc=code).exists()


@pytest.mark.django_db
def test_self_check_page_explains_each_rule_chinese_first(client):
    from django.urls import reverse

    page = client.get(reverse("identity:check")).content.decode()
    for words in ("登记机关和住所", "迁入北京", "中外合资经营企业", "撤销", "歇业", "清算", "登记库尚未收录",
                  "列入满三年", "知识产权局", "其他部门的处罚仅供参考", "外省抽查仅供参考", "生产日期"):
        assert words in page, words
    page = client.get(reverse("identity:check"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How the check decides" in page and "turns three years" in page
