"""How registration data is read: legal form from the enterprise type, status from the
publicity system's wording, and the district / competent regulator unit from the
registration authority and address (DOMAIN.md §2: not from the code alone)."""

import re
from functools import lru_cache

from .choices import LegalForm, RegistrationStatus

# Order matters: "有限责任公司分公司" and "外商投资企业分支机构" are branches, "非法人" is not
# "法人", "外商投资合伙企业" is a partnership. The older foreign-investment types (before the 2020
# Foreign Investment Law) and the collective / state-owned / joint-stock-cooperative forms are
# legal persons unless the type says 非法人 (a 中外合作经营企业 may be either: the type says which).
_LEGAL_FORM_MARKERS = (
    (("个体",), LegalForm.INDIVIDUAL_BUSINESS),
    (("农民专业合作社", "合作社"), LegalForm.COOPERATIVE),
    (("分公司", "分支机构", "分厂", "分店", "营业单位", "分部", "办事处"), LegalForm.BRANCH),
    (("常驻代表机构", "代表处", "非法人"), LegalForm.NON_LEGAL_PERSON),
    (("个人独资",), LegalForm.SOLE_PROPRIETORSHIP),
    (("合伙",), LegalForm.PARTNERSHIP),
    (("有限责任公司", "股份有限公司", "有限公司", "股份公司", "法人", "全民所有制", "集体所有制", "股份合作",
      "集体企业", "国有企业", "中外合资", "中外合作", "外商独资", "外资企业", "外商投资企业", "外国法人独资",
      "台港澳与境内合资", "台港澳与境内合作", "台港澳独资", "台港澳法人独资"),
     LegalForm.LEGAL_PERSON),
)

# Registration status as the published lists write it (国家企业信用信息公示系统 and the bureau's
# exports), after `_status_key` removes spaces and unifies brackets and commas. Exact matches only:
# a text that is not here is unknown, and the import rejects its row rather than guess.
_STATUS_WORDS = {
    RegistrationStatus.EXISTING: ("存续", "存续(在营,开业,在册)", "在营", "开业", "在册", "正常", "登记成立", "确立",
                                  "存续(在营开业在册)"),
    RegistrationStatus.OPERATING: ("在业", "营业", "在营(开业)企业"),
    RegistrationStatus.REVOKED: ("吊销", "吊销,未注销", "吊销未注销", "吊销(未注销)", "已吊销", "吊销营业执照",
                                 "吊销,未注销企业", "吊销企业"),
    RegistrationStatus.DEREGISTERED: ("注销", "已注销", "吊销,已注销", "吊销已注销", "吊销(已注销)", "注销企业",
                                      "简易注销", "已简易注销"),
    RegistrationStatus.CANCELLED: ("撤销", "已撤销", "撤销登记", "撤销设立登记", "被撤销"),
    RegistrationStatus.SUSPENDED: ("歇业", "歇业备案", "已歇业"),
    RegistrationStatus.LIQUIDATING: ("清算", "清算中", "进入清算", "清算期"),
    RegistrationStatus.STOPPED: ("停业", "已停业", "停业整顿"),
    RegistrationStatus.MOVED_OUT: ("迁出", "已迁出", "迁出(已迁出)", "迁往外地"),
}
_STATUS = {word: status for status, words in _STATUS_WORDS.items() for word in words}
_STATUS_KEY = str.maketrans({"（": "(", "）": ")", "，": ",", "、": ",", "；": ",", ";": ","})

# Special-area units (regulator unit codes seeded by migration), recognised by the authority.
ETDZ_UNIT = "110302"
YANSHAN_UNIT = "110111-YS"
AIRPORT_UNIT = "110000-JC"
MUNICIPAL_UNIT = "110000"


@lru_cache(maxsize=4096)
def legal_form_of(enterprise_type: str) -> str:
    text = enterprise_type or ""
    for markers, form in _LEGAL_FORM_MARKERS:
        if any(m in text for m in markers):
            return form
    return LegalForm.OTHER


def _status_key(text: str) -> str:
    return "".join((text or "").split()).translate(_STATUS_KEY)


@lru_cache(maxsize=1024)
def status_of(text: str) -> str | None:
    """The status a published text means, None when the text is empty or unknown."""
    return _STATUS.get(_status_key(text))


def _district_in(text: str, districts: dict[str, str]) -> str | None:
    for name, code in districts.items():
        if name in text:
            return code
    return None


@lru_cache(maxsize=8192)
def _district_in_authority(authority: str, names: tuple) -> str | None:
    # Registration authorities repeat across a whole list: look each one up once.
    return _district_in(authority, dict(names))


def district_code_of(*, authority: str, address: str, division: str, districts: dict[str, str]) -> str | None:
    """`districts` maps district name (e.g. 海淀区, also 海淀) to its code."""
    code = _district_in_authority(authority or "", tuple(districts.items()))
    if code is None:
        code = _district_in(address or "", districts)
    if code is None and division in districts.values():
        code = division
    return code


# The notice's own short names of the municipal bureau and of its special-area units, written
# without 北京 on some lists.
_BEIJING_STARTS = ("市市场监管局", "市市场监督管理局", "首都机场", "燕山")
# A text that starts with the name of another city ("石家庄市…", not "市场…") or names a province.
_ELSEWHERE = re.compile(r"^[\u4e00-\u9fff]{2,}?市(?!场)|省|自治区|特别行政区")


def _beijing_in(text: str, districts: dict[str, str]) -> bool | None:
    """What one registration text (authority or address) says about Beijing: True, False, or
    None when it names no place (e.g. a bare "市场监督管理局")."""
    text = "".join((text or "").split())
    if not text:
        return None
    if "北京" in text or text.startswith(_BEIJING_STARTS):
        return True
    # A Beijing district by its full name at the start ("海淀区市场监督管理局"); after another
    # city's name (长春市朝阳区) it is that city's district.
    if any(text.startswith(name) for name in districts if name.endswith("区")):
        return True
    if _ELSEWHERE.search(text):
        return False
    return None


def beijing_of(*, authority: str, address: str, districts: dict[str, str]) -> bool | None:
    """Whether an enterprise's registration data place it in Beijing (notice §二(一)): the
    registration authority decides, the registered address when the authority names no place;
    None when neither says. The code's division digits never decide: a code does not change
    when an enterprise moves (docs/decisions.md)."""
    found = _beijing_in(authority, districts)
    return found if found is not None else _beijing_in(address, districts)


def regulator_unit_code_of(*, authority: str, division: str, district_code: str | None) -> str | None:
    authority = authority or ""
    if "经济技术开发区" in authority or "经开区" in authority or division == ETDZ_UNIT:
        return ETDZ_UNIT
    if "燕山" in authority:
        return YANSHAN_UNIT
    if "机场" in authority:
        return AIRPORT_UNIT
    return district_code
