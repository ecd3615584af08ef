"""How registration data is read: legal form from the enterprise type, status from the
publicity system's wording, and the district / competent regulator unit from the
registration authority and address (DOMAIN.md §2: not from the code alone)."""

from functools import lru_cache

from .choices import LegalForm, RegistrationStatus

# Order matters: "有限责任公司分公司" is a branch, "非法人" is not "法人".
_LEGAL_FORM_MARKERS = (
    (("个体",), LegalForm.INDIVIDUAL_BUSINESS),
    (("农民专业合作社", "合作社"), LegalForm.COOPERATIVE),
    (("分公司", "分支机构", "非法人", "分厂", "分店", "营业单位"), LegalForm.BRANCH),
    (("个人独资",), LegalForm.SOLE_PROPRIETORSHIP),
    (("合伙",), LegalForm.PARTNERSHIP),
    (("有限责任公司", "股份有限公司", "有限公司", "股份公司", "法人", "全民所有制", "集体所有制", "股份合作制"),
     LegalForm.LEGAL_PERSON),
)

_STATUS_MARKERS = (
    # "吊销，未注销" (revoked, not yet deregistered) is revoked.
    ("吊销", RegistrationStatus.REVOKED),
    ("注销", RegistrationStatus.DEREGISTERED),
    ("迁出", RegistrationStatus.MOVED_OUT),
    ("在业", RegistrationStatus.OPERATING),
    ("开业", RegistrationStatus.OPERATING),
    ("存续", RegistrationStatus.EXISTING),
)

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


@lru_cache(maxsize=1024)
def status_of(text: str) -> str | None:
    text = text or ""
    for marker, status in _STATUS_MARKERS:
        if marker in text:
            return status
    return None


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


def regulator_unit_code_of(*, authority: str, division: str, district_code: str | None) -> str | None:
    authority = authority or ""
    if "经济技术开发区" in authority or "经开区" in authority or division == ETDZ_UNIT:
        return ETDZ_UNIT
    if "燕山" in authority:
        return YANSHAN_UNIT
    if "机场" in authority:
        return AIRPORT_UNIT
    return district_code
