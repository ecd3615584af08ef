"""Dashboard tables as Excel workbooks (openpyxl): one sheet per table, a bold header, amounts in
万元 as numbers (the value is jingzhidai.money.wan's, shown with thousands separators), rates and
shares in percent, a total row for tables whose rows partition the figures. Text a person typed
(names, reasons) never starts a formula: a leading = + - @ is prefixed with an apostrophe."""

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jingzhidai.money import wan

from . import metrics

FORMATS = {"int": "#,##0", "wan": "#,##0.00", "pct": "0.0", "rate": "0.000", "bp": "0.0", "days": "0.0", "text": "@"}


@dataclass
class Table:
    key: str
    title: str
    columns: list  # (header, kind); kind in FORMATS
    rows: list = field(default_factory=list)
    total: list | None = None


def _cell(value, kind):
    if value is None:
        return None
    if kind == "wan":
        return Decimal(wan(value).replace(",", ""))
    if kind in ("pct", "rate", "bp", "days"):
        return Decimal(value)
    if kind == "int":
        return int(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def workbook(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for t in tables:
        sheet = book.create_sheet(title=str(t.title)[:31])
        sheet.append([str(h) for h, _k in t.columns])
        for c in sheet[1]:
            c.font = Font(bold=True)
        lines = [(row, False) for row in t.rows] + ([(t.total, True)] if t.total else [])
        for row, bold in lines:
            kinds = [k for _h, k in t.columns]
            if len(row) == len(kinds) + 1:  # a row that names the kind of its value (the summary)
                row, kinds = row[:-1], [kinds[0], row[-1]]
            sheet.append([_cell(v, k) for v, k in zip(row, kinds, strict=True)])
            for c, k in zip(sheet[sheet.max_row], kinds, strict=True):
                c.number_format = FORMATS[k]
                if bold:
                    c.font = Font(bold=True)
        for i, (header, _kind) in enumerate(t.columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(str(header)) * 2 + 2))
        sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _flow_columns(first: str):
    return [(first, "text"), (_("Submitted"), "int"), (_("Requested (10k yuan)"), "wan"), (_("Accepted"), "int"),
            (_("Decided"), "int"), (_("Approved"), "int"), (_("Rejected"), "int"), (_("Approval rate (%)"), "pct"),
            (_("Approved (10k yuan)"), "wan"), (_("Disbursed (10k yuan)"), "wan"),
            (_("Average rate (%)"), "rate"), (_("Spread to 1-year LPR (bp)"), "bp"), (_("Credit-loan share (%)"), "pct")]


def _flow_values(r):
    return [r["label"], r["submitted"], r["requested"], r["accepted"], r["decided"], r["approved"], r["rejected"],
            r["approval_rate"], r["approved_amount"], r["disbursed"], r["average_rate"], r["spread_bp"],
            r["credit_share"]]


def _flow_total(rows, head=None):
    t = {f: sum((r[f] for r in rows), Decimal(0)) for f in ("submitted", "requested", "accepted", "decided",
                                                          "approved", "rejected", "approved_amount", "disbursed")}
    return [_("Total"), t["submitted"], t["requested"], t["accepted"], t["decided"], t["approved"], t["rejected"],
            metrics.share(t["approved"], t["decided"]), t["approved_amount"], t["disbursed"],
            head["rates"]["average_rate"] if head else None, head["rates"]["spread_bp"] if head else None,
            head["credit_loans"]["share"] if head else None]


BREAKDOWNS = {"by_bank": lambda: _("By bank"), "by_product": lambda: _("By product"),
              "by_purpose": lambda: _("By purpose"), "by_category": lambda: _("By element category claimed"),
              "by_industry": lambda: _("By industry"), "by_month": lambda: _("By month")}
FIRST = {"by_bank": lambda: _("Bank"), "by_product": lambda: _("Product"), "by_purpose": lambda: _("Purpose"),
         "by_category": lambda: _("Element category"), "by_industry": lambda: _("Industry"),
         "by_month": lambda: _("Month")}


def summary_table(f: dict) -> Table:
    a, m, v, ln = f["applications"], f["amounts"], f["verification"], f["loans"]
    rows = [
        (_("Enterprises with a profile"), f["enterprises"]["with_profile"], "int"),
        (_("of which quality credit holds"), f["enterprises"]["quality_credit"], "int"),
        (_("Applications submitted"), a["submitted"], "int"), (_("Accepted"), a["accepted"], "int"),
        (_("Returned"), a["returned"], "int"), (_("Decided"), a["decided"], "int"),
        (_("Approved"), a["approved"], "int"), (_("Rejected"), a["rejected"], "int"),
        (_("Withdrawn"), a["withdrawn"], "int"), (_("Contracts signed"), a["contracted"], "int"),
        (_("First disbursements"), a["first_disbursed"], "int"),
        (_("Approval rate (%)"), f["approval_rate"], "pct"),
        (_("Requested (10k yuan)"), m["requested"], "wan"), (_("Approved (10k yuan)"), m["approved"], "wan"),
        (_("Contracted (10k yuan)"), m["contracted"], "wan"), (_("Disbursed (10k yuan)"), m["disbursed"], "wan"),
        (_("Outstanding at the end (10k yuan)"), m["outstanding"], "wan"),
        (_("Median days submit → accept"), f["stage_days"]["submit_to_accept"], "days"),
        (_("Median days accept → decision"), f["stage_days"]["accept_to_decision"], "days"),
        (_("Median days decision → first disbursement"), f["stage_days"]["decision_to_disbursement"], "days"),
        (_("Verification requests asked"), v["asked"], "int"), (_("answered"), v["answered"], "int"),
        (_("Median days to answer"), v["median_days"], "days"), (_("Overdue share (%)"), v["overdue_share"], "pct"),
        (_("Average approved rate (%)"), f["rates"]["average_rate"], "rate"),
        (_("Spread to 1-year LPR (bp)"), f["rates"]["spread_bp"], "bp"),
        (_("Credit-loan share (%)"), f["credit_loans"]["share"], "pct"),
        (_("Loans outstanding at the end"), ln["loans"], "int"),
        (_("Overdue share by balance (%)"), ln["overdue_balance_share"], "pct"),
        (_("Non-performing share by balance (%)"), ln["npl_balance_share"], "pct"),
        (_("Open risk alerts at the end"), f["open_alerts"], "int"),
        (_("Fund use reported (10k yuan)"), f["fund_use"]["reported"], "wan"),
        (_("Share to quality, technology and equipment (%)"), f["fund_use"]["quality_share"], "pct"),
    ]
    # One value column of mixed kinds: each row carries its own kind.
    t = Table("summary", _("Summary"), [(_("Figure"), "text"), (_("Value"), "text")])
    t.rows = rows
    return t


def dashboard_tables(f: dict, units=None, average=None) -> dict:
    tables = {}
    summary = summary_table(f)
    tables["summary"] = summary
    for key, title in BREAKDOWNS.items():
        rows = f[key]
        total = _flow_total(rows, f) if key != "by_category" else None
        tables[key] = Table(key, title(), _flow_columns(FIRST[key]()), [_flow_values(r) for r in rows], total)
    status = Table("by_status", _("By status at the end"), [(_("Status"), "text"), (_("Applications"), "int")])
    from applications.choices import Status

    labels = dict(Status.choices)
    status.rows = [[labels[s], n] for s, n in f["applications"]["by_status"].items()]
    status.total = [_("Total"), sum(f["applications"]["by_status"].values())]
    tables["by_status"] = status
    tables["fund_use"] = Table("fund_use", _("Fund use by purpose"),
                               [(_("Purpose"), "text"), (_("Amount (10k yuan)"), "wan"), (_("Share (%)"), "pct")],
                               [[r["label"], r["amount"], r["share"]] for r in f["fund_use"]["by_purpose"]],
                               [_("Total"), f["fund_use"]["reported"], Decimal("100.0") if f["fund_use"]["reported"] else None])
    if units is not None:
        tables["units"] = unit_table(units)
    return tables


def _evaluation_columns(first):
    return [(first, "text"), (_("Received"), "int"), (_("Acceptance rate (%)"), "pct"), (_("Decided"), "int"),
            (_("Approved"), "int"), (_("Approval rate (%)"), "pct"),
            (_("Median days submit → accept"), "days"), (_("Median days accept → decision"), "days"),
            (_("Median days decision → first disbursement"), "days"),
            (_("Verification requests asked"), "int"), (_("answered"), "int"),
            (_("Requested (10k yuan)"), "wan"), (_("Approved (10k yuan)"), "wan"), (_("Disbursed (10k yuan)"), "wan"),
            (_("Outstanding at the end (10k yuan)"), "wan"), (_("Spread to 1-year LPR (bp)"), "bp"),
            (_("Credit-loan share (%)"), "pct"), (_("Overdue share by balance (%)"), "pct"),
            (_("Non-performing share by balance (%)"), "pct"), (_("Returns"), "int"), (_("Rejections"), "int")]


def _evaluation_values(r):
    s, v, ln = r["stage_days"], r["verification"], r["loans"]
    return [r["label"], r["received"], r["acceptance_rate"], r["decided"], r["approved"], r["approval_rate"],
            s["submit_to_accept"], s["accept_to_decision"], s["decision_to_disbursement"], v["asked"], v["answered"],
            r["requested"], r["approved_amount"], r["disbursed"], r["outstanding"], r["spread_bp"], r["credit_share"],
            ln["overdue_balance_share"], ln["npl_balance_share"], r["returns"], r["rejections"]]


def _evaluation_total(rows):
    def s(f):
        return sum((f(r) for r in rows), Decimal(0))

    return [_("Total"), s(lambda r: r["received"]), None, s(lambda r: r["decided"]), s(lambda r: r["approved"]),
            metrics.share(s(lambda r: r["approved"]), s(lambda r: r["decided"])), None, None, None,
            s(lambda r: r["verification"]["asked"]), s(lambda r: r["verification"]["answered"]),
            s(lambda r: r["requested"]), s(lambda r: r["approved_amount"]), s(lambda r: r["disbursed"]),
            s(lambda r: r["outstanding"]), None, None, None, None, s(lambda r: r["returns"]), s(lambda r: r["rejections"])]


def unit_table(units) -> Table:
    return Table("units", _("By district"), _evaluation_columns(_("District")),
                 [_evaluation_values(r) for r in units], _evaluation_total(units))


def bank_tables(rows, average=None, complaints=None) -> dict:
    t = Table("banks", _("Bank evaluation"), _evaluation_columns(_("Bank")), [_evaluation_values(r) for r in rows],
              _evaluation_total(rows) if len(rows) > 1 else None)
    if average is not None:
        a = average
        t.rows.append([_("City average"), a["received"], a["acceptance_rate"], None, None, a["approval_rate"],
                       a["stage_days"]["submit_to_accept"], a["stage_days"]["accept_to_decision"],
                       a["stage_days"]["decision_to_disbursement"], a["verification"]["asked"],
                       a["verification"]["answered"], a["requested"], a["approved_amount"], a["disbursed"],
                       a["outstanding"], a["spread_bp"], a["credit_share"], None, a["npl_balance_share"],
                       a["returns"], a["rejections"]])
    tables = {"banks": t}
    if complaints is not None:
        tables["complaints"] = Table("complaints", _("Returns and rejections"),
                                     [(_("Application"), "text"), (_("Date"), "text"), (_("Kind"), "text"),
                                      (_("Bank"), "text"), (_("Enterprise"), "text"), (_("Reason"), "text")],
                                     [[c["number"], f"{c['at']:%Y-%m-%d}", _("Returned") if c["kind"] == "return"
                                       else _("Rejected"), c["bank_name"], c["enterprise_name"], c["reason"]]
                                      for c in complaints])
    return tables


def policy_table(rows) -> Table:
    return Table("policy", _("Policy effect"), [
        (_("Element"), "text"), (_("Category"), "text"), (_("Decided with it"), "int"), (_("Approved with it"), "int"),
        (_("Approval rate with it (%)"), "pct"), (_("Spread with it (bp)"), "bp"), (_("Decided without it"), "int"),
        (_("Approval rate without it (%)"), "pct"), (_("Spread without it (bp)"), "bp"),
        (_("Difference in approval rate (points)"), "pct"), (_("Difference in spread (bp)"), "bp")],
        [[r["label"], r["category_label"], r["with"]["decided"], r["with"]["approved"], r["with"]["approval_rate"],
          r["with"]["spread_bp"], r["without"]["decided"], r["without"]["approval_rate"], r["without"]["spread_bp"],
          r["approval_rate_difference"], r["spread_difference_bp"]] for r in rows])
