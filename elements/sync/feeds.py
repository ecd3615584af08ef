"""The six published lists (DOMAIN.md §5): their columns with the common header variants, and
how one row becomes clean values. A row that cannot be read raises RowError naming the
column; the feed's applier (apply.py) writes the clean rows."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from identity import uscc as uscc_rules

from ..choices import Feed, ListingKind, SpotCheckResult
from . import parse
from .readers import RowError, UnreadableFile, has_undecodable

CODE = "统一社会信用代码"
CODE_VARIANTS = (CODE, "统一社会信用代码/注册号", "信用代码", "社会信用代码", "统一代码")
NAME_VARIANTS = ("企业名称", "单位名称", "受检单位名称", "受检单位", "名称", "企业(单位)名称")
IGNORED = {"序号", "编号", "no", "No"}


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the canonical header, used in rejection reports
    variants: tuple = ()
    required: bool = False


def _c(field, header, *variants, required=False):
    return Column(field, header, (header, *variants), required)


LISTING_COLUMNS = [
    _c("uscc", CODE, *CODE_VARIANTS, required=True),
    _c("name", "企业名称", *NAME_VARIANTS),
    _c("listed_on", "列入日期", "列入时间", "列入经营异常名录日期", "列入严重违法失信名单日期", "作出决定日期",
       required=True),
    _c("reason", "列入原因", "列入经营异常名录原因", "列入严重违法失信名单原因", "列入事由"),
    _c("authority", "列入决定机关", "作出决定机关", "决定机关"),
    _c("removed_on", "移出日期", "移出时间"),
    _c("removal_reason", "移出原因", "移出事由"),
    _c("removal_authority", "移出决定机关", "移出作出决定机关"),
    # Optional: a restriction longer than the serious list's three years that the record states.
    _c("restricted_until", "限制期限至", "限制期至", "限制措施期限至", "管理措施期限至"),
]

COLUMNS = {
    Feed.REGISTRATION: [
        _c("uscc", CODE, *CODE_VARIANTS, required=True),
        _c("name", "企业名称", *NAME_VARIANTS, required=True),
        _c("enterprise_type", "企业类型", "企业类型(经济性质)", "类型", "市场主体类型"),
        _c("legal_representative", "法定代表人", "法定代表人(负责人)", "负责人", "法定代表人/负责人"),
        _c("registered_capital", "注册资本(万元)", "注册资本", "注册资金(万元)", "注册资金"),
        _c("established_on", "成立日期", "注册日期", "成立时间"),
        _c("registration_authority", "登记机关"),
        _c("address", "住所", "注册地址", "地址", "住所(经营场所)", "经营场所"),
        _c("status_text", "登记状态", "经营状态", "企业状态"),
        _c("industry", "所属行业", "行业", "国民经济行业"),
    ],
    Feed.ABNORMAL: LISTING_COLUMNS,
    Feed.SERIOUS: LISTING_COLUMNS,
    Feed.PENALTY: [
        _c("uscc", CODE, *CODE_VARIANTS, required=True),
        _c("name", "企业名称", *NAME_VARIANTS, "当事人名称", "行政相对人名称"),
        _c("decision_no", "决定书文号", "行政处罚决定书文号", "处罚决定书文号", "文号", required=True),
        _c("violation_type", "违法行为类型", "违法类型", "主要违法事实"),
        _c("content", "处罚内容", "行政处罚内容", "处罚结果"),
        _c("authority", "决定机关", "处罚机关", "作出处罚决定机关", "作出行政处罚决定机关名称"),
        _c("decided_on", "处罚决定日期", "处罚日期", "作出处罚决定日期", "决定日期", required=True),
    ],
    Feed.SPOTCHECK: [
        _c("uscc", CODE, *CODE_VARIANTS, required=True),
        _c("name", "受检单位", *NAME_VARIANTS, "生产企业名称", "被抽样生产者名称"),
        _c("level", "抽查级别", "级别", required=True),
        _c("product", "产品名称", "产品", "样品名称", required=True),
        _c("model_spec", "规格型号", "型号规格", "规格"),
        _c("production_batch", "生产日期/批号", "生产日期或批号", "批号", "生产日期"),
        _c("checked_on", "抽查日期", "抽样日期", "抽查时间", required=True),
        _c("result", "抽查结果", "检验结果", "结果", "结论", required=True),
        _c("failed_items", "不合格项目", "主要不合格项目", "不合格项"),
        _c("authority", "组织机关", "组织抽查机关", "抽查机关", "组织单位"),
    ],
    Feed.HONOR: [
        _c("uscc", CODE, *CODE_VARIANTS, required=True),
        _c("name", "企业名称", *NAME_VARIANTS),
        _c("element", "要素名称", "荣誉名称", "资质名称", "项目名称", "荣誉资质名称", required=True),
        _c("level", "级别", "荣誉级别"),
        _c("issuer", "授予机关", "颁发机关", "发证机关", "授予单位", "认证机构"),
        _c("certificate_no", "证书编号", "证书号", "编号"),
        _c("granted_on", "授予日期", "获得日期", "发证日期", "授予年度", "年度"),
        _c("expires_on", "有效期至", "有效期", "到期日期", "有效截止日期"),
    ],
}


def normalise_header(h: str) -> str:
    h = (h or "").replace("\ufeff", "").replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", h)


# Columns only one kind of list has: a file carrying another list's marks and none of the chosen
# list's was uploaded under the wrong list (and would otherwise blank fields it lacks).
SIGNATURES = {
    Feed.REGISTRATION: ("企业类型", "登记状态", "登记机关", "法定代表人", "注册资本(万元)", "住所"),
    Feed.ABNORMAL: ("列入日期", "列入原因"),
    Feed.SERIOUS: ("列入日期", "列入原因"),
    Feed.PENALTY: ("决定书文号", "处罚决定日期", "违法行为类型"),
    Feed.SPOTCHECK: ("抽查结果", "抽查级别", "抽查日期"),
    Feed.HONOR: ("要素名称", "授予日期", "证书编号"),
}


def _signature_headers(feed) -> set[str]:
    marks = set()
    for col in COLUMNS[feed]:
        if col.header in SIGNATURES[feed]:
            marks.update(normalise_header(v) for v in col.variants)
    return marks


class Mapping:
    """Which column of the file holds which field."""

    def __init__(self, feed: str, headers: list[str]):
        self.feed = feed
        self.headers = [normalise_header(h) for h in headers]
        self.columns = COLUMNS[feed]
        by_variant = {normalise_header(v): col for col in self.columns for v in col.variants}
        self.source: dict[str, str] = {}  # field -> header in the file
        for h in headers:
            col = by_variant.get(normalise_header(h))
            if col is not None and col.field not in self.source:
                self.source[col.field] = h

    def missing(self) -> list[str]:
        return [c.header for c in self.columns if c.required and c.field not in self.source]

    def check(self):
        label = Feed(self.feed).label
        present = set(self.headers)
        if not present & _signature_headers(self.feed):
            for other in SIGNATURES:
                if other != self.feed and present & _signature_headers(other):
                    raise UnreadableFile(_("This file looks like the %(other)s list, not the %(feed)s list: "
                                           "choose the right list and upload it again.") % {
                        "other": Feed(other).label, "feed": label})
        if missing := self.missing():
            raise UnreadableFile(_("The file lacks required columns for the %(feed)s list: %(cols)s") % {
                "feed": label, "cols": "、".join(missing)})

    def values(self, row: dict) -> dict:
        return {field: row.get(header, "") for field, header in self.source.items()}


_HEADERS = {(feed, c.field): c.header for feed, cols in COLUMNS.items() for c in cols}


def header_of(feed, field):
    return _HEADERS[(feed, field)]


def parse_code(raw) -> str:
    code = parse.text(raw).upper()
    if not code:
        raise RowError(CODE, _("The unified social credit code is missing."), "")
    if uscc_rules.is_well_formed(code):
        return code
    result = uscc_rules.check(code, require_beijing=False)
    if not result.valid:
        raise RowError(CODE, " ".join(result.messages), code)
    return result.code


def _undecodable(values: dict):
    if not has_undecodable("".join(v for v in values.values() if isinstance(v, str))):
        return
    for field, v in values.items():
        if isinstance(v, str) and has_undecodable(v):
            raise RowError(field, _("The text is not valid in the file's encoding."), v.encode(
                "utf-8", "replace").decode("utf-8", "replace")[:500])


def parse_row(feed: str, values: dict) -> tuple[str, dict]:
    """Clean values of one row, keyed by model field (plus `uscc`)."""
    _undecodable(values)
    h = lambda field: header_of(feed, field)  # noqa: E731
    code = parse_code(values.get("uscc"))
    t = parse.text
    if feed == Feed.REGISTRATION:
        out = dict(
            name=parse.required_text(values.get("name"), h("name"), 200),
            enterprise_type=parse.limited(t(values.get("enterprise_type")), h("enterprise_type"), 100),
            legal_representative=parse.limited(t(values.get("legal_representative")), h("legal_representative"), 100),
            registered_capital=parse.parse_decimal(values.get("registered_capital"), h("registered_capital")),
            established_on=parse.parse_date(values.get("established_on"), h("established_on")),
            registration_authority=parse.limited(t(values.get("registration_authority")),
                                                 h("registration_authority"), 100),
            address=parse.limited(t(values.get("address")), h("address"), 300),
            status_text=t(values.get("status_text")),
            industry=parse.limited(t(values.get("industry")), h("industry"), 100),
        )
        return code, out
    if feed in (Feed.ABNORMAL, Feed.SERIOUS):
        listed = parse.parse_date(values.get("listed_on"), h("listed_on"))
        if listed is None:
            raise RowError(h("listed_on"), _("This column is required."), "")
        removed = parse.parse_date(values.get("removed_on"), h("removed_on"))
        if removed is not None and removed < listed:
            raise RowError(h("removed_on"), _("The removal date is before the listing date."), t(values.get("removed_on")))
        restricted = parse.parse_date(values.get("restricted_until"), h("restricted_until")) \
            if feed == Feed.SERIOUS else None
        if restricted is not None and restricted < listed:
            raise RowError(h("restricted_until"), _("The restriction ends before the listing date."),
                           t(values.get("restricted_until")))
        return code, dict(
            kind=ListingKind.ABNORMAL if feed == Feed.ABNORMAL else ListingKind.SERIOUS, listed_on=listed,
            restricted_until=restricted,
            reason=parse.limited(t(values.get("reason")), h("reason"), 500),
            authority=parse.limited(t(values.get("authority")), h("authority"), 200),
            removed_on=removed,
            removal_reason=parse.limited(t(values.get("removal_reason")), h("removal_reason"), 500) if removed else "",
            removal_authority=parse.limited(t(values.get("removal_authority")), h("removal_authority"), 200)
            if removed else "",
        )
    if feed == Feed.PENALTY:
        decided = parse.parse_date(values.get("decided_on"), h("decided_on"))
        if decided is None:
            raise RowError(h("decided_on"), _("This column is required."), "")
        return code, dict(
            decision_no=parse.required_text(values.get("decision_no"), h("decision_no"), 200),
            violation_type=parse.limited(t(values.get("violation_type")), h("violation_type"), 300),
            content=parse.limited(t(values.get("content")), h("content"), 1000),
            authority=parse.limited(t(values.get("authority")), h("authority"), 200),
            decided_on=decided,
        )
    if feed == Feed.SPOTCHECK:
        checked = parse.parse_date(values.get("checked_on"), h("checked_on"))
        if checked is None:
            raise RowError(h("checked_on"), _("This column is required."), "")
        raw_result = t(values.get("result"))
        if raw_result in ("合格", "passed", "pass", "PASS", "Passed"):
            result = SpotCheckResult.PASSED
        elif raw_result in ("不合格", "failed", "fail", "FAIL", "Failed"):
            result = SpotCheckResult.FAILED
        else:
            raise RowError(h("result"), _("Unknown result (expected 合格 or 不合格)."), raw_result)
        return code, dict(
            level=parse.parse_level(values.get("level"), h("level"), required=True),
            product=parse.required_text(values.get("product"), h("product"), 300),
            model_spec=parse.limited(t(values.get("model_spec")), h("model_spec"), 200),
            production_batch=parse.limited(t(values.get("production_batch")), h("production_batch"), 200),
            checked_on=checked, result=str(result),
            failed_items=parse.limited(t(values.get("failed_items")), h("failed_items"), 1000),
            authority=parse.limited(t(values.get("authority")), h("authority"), 200),
        )
    if feed == Feed.HONOR:
        raw_expiry = t(values.get("expires_on"))
        return code, dict(
            element=parse.required_text(values.get("element"), h("element"), 200),
            level=parse.parse_level(values.get("level"), h("level"), required=False),
            issuer=parse.limited(t(values.get("issuer")), h("issuer"), 200),
            certificate_no=parse.limited(t(values.get("certificate_no")), h("certificate_no"), 100),
            granted_on=parse.parse_date(values.get("granted_on"), h("granted_on"), year_ok=True),
            expires_on=None if raw_expiry in parse.FOREVER else parse.parse_date(
                values.get("expires_on"), h("expires_on"), event=False),
            expires_given=bool(raw_expiry),
        )
    raise ValueError(feed)


def template_file(feed, fmt="xlsx") -> bytes:
    """An empty file of the list with its header row (the canonical headers of COLUMNS), for
    the import page's "download a template": Excel, or CSV in UTF-8 with a BOM so that Excel
    opens the Chinese headers."""
    headers = [c.header for c in COLUMNS[feed]]
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        csv.writer(out).writerow(headers)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(feed))
    ws.append(headers)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
