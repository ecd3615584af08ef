"""The layout of a report from its figures: a title, key figures, tables and charts, in the
shape both renderers (render_xlsx, render_pdf) take. Units: `wan` amounts in yuan shown in 万元,
`count`, `pct` (a share in percent), `rate` (an annual rate in percent), `bp` (basis points),
`days`, `text`. Tables that name banks are marked `per_bank`: the bulletin for partner banks
leaves them out (no bank sees another bank's figures)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.choices import Status

from .choices import FileVariant, ReportKind

# Columns of a breakdown row (regulators.metrics ROW); `pdf` marks those the A4 page shows.
ROW_COLUMNS = [
    ("submitted", "count", True), ("requested", "wan", True), ("accepted", "count", False),
    ("decided", "count", False), ("approved", "count", True), ("rejected", "count", False),
    ("approval_rate", "pct", True), ("approved_amount", "wan", True), ("disbursed", "wan", True),
    ("average_rate", "rate", False), ("spread_bp", "bp", True), ("credit_share", "pct", False),
]


def _row_labels():
    return {"submitted": _("Applications submitted"), "requested": _("Amount requested"),
            "accepted": _("Accepted"), "decided": _("Decided"), "approved": _("Approved"),
            "rejected": _("Rejected"), "approval_rate": _("Approval rate"),
            "approved_amount": _("Amount approved"), "disbursed": _("Amount disbursed"),
            "average_rate": _("Average rate"), "spread_bp": _("Spread to LPR"),
            "credit_share": _("Credit-loan share")}


def _title(report, variant):
    if variant == FileVariant.BULLETIN:
        return _("Jingzhidai situation bulletin (情况通报)")
    return _("Jingzhidai monthly report") if report.kind == ReportKind.MONTHLY else _("Jingzhidai quarterly report")


def report_content(report, figures: dict, *, period, variant=FileVariant.FULL) -> dict:
    requested = report.requested_by.display_name if report.requested_by_id else _("scheduled (beat)")
    produced = timezone.localtime(report.started_at or timezone.now())
    sections = layout(figures)
    bulletin = variant == FileVariant.BULLETIN
    return {
        "title": _title(report, variant),
        "scope": report.scope_name,
        "period": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "closed": report.period_closed,
        "generated": date_format(produced, "Y-m-d H:i"),
        "requested_by": requested,
        "summary": sections["summary"],
        "tables": [t for t in sections["tables"] if not (bulletin and t.get("per_bank"))],
        "charts": [c for c in sections["charts"] if not (bulletin and c.get("per_bank"))],
    }


def summary(d: dict) -> list[dict]:
    """Key figures of a dashboard dict."""
    apps, amounts, loans = d["applications"], d["amounts"], d["loans"]
    ent, stages, ver, rates = d["enterprises"], d["stage_days"], d["verification"], d["rates"]
    items = [
        (_("Enterprises holding a distinction"), ent["with_profile"], "count"),
        (_("Of which quality credit holds"), ent["quality_credit"], "count"),
        (_("Applications submitted"), apps["submitted"], "count"),
        (_("Accepted"), apps["accepted"], "count"),
        (_("Returned for more material"), apps["returned"], "count"),
        (_("Decided"), apps["decided"], "count"),
        (_("Approved"), apps["approved"], "count"),
        (_("Rejected"), apps["rejected"], "count"),
        (_("Withdrawn"), apps["withdrawn"], "count"),
        (_("Contracts signed"), apps["contracted"], "count"),
        (_("First disbursements"), apps["first_disbursed"], "count"),
        (_("Amount requested"), amounts["requested"], "wan"),
        (_("Amount approved"), amounts["approved"], "wan"),
        (_("Amount contracted"), amounts["contracted"], "wan"),
        (_("Amount disbursed"), amounts["disbursed"], "wan"),
        (_("Outstanding at the end of the period"), amounts["outstanding"], "wan"),
        (_("Approval rate"), d["approval_rate"], "pct"),
        (_("Median days submit → accept"), stages["submit_to_accept"], "days"),
        (_("Median days accept → decision"), stages["accept_to_decision"], "days"),
        (_("Median days decision → first disbursement"), stages["decision_to_disbursement"], "days"),
        (_("Verification requests asked"), ver["asked"], "count"),
        (_("Verification requests answered"), ver["answered"], "count"),
        (_("Median days to answer a verification request"), ver["median_days"], "days"),
        (_("Overdue share of verification requests"), ver["overdue_share"], "pct"),
        (_("Average approved rate"), rates["average_rate"], "rate"),
        (_("Spread to the 1-year LPR (bp)"), rates["spread_bp"], "bp"),
        (_("1-year LPR at the end of the period"), rates["lpr_at_end"], "rate"),
        (_("Credit (unsecured) loan share"), d["credit_loans"]["share"], "pct"),
        (_("Loans outstanding at the end"), loans["loans"], "count"),
        (_("Overdue share (by balance)"), loans["overdue_balance_share"], "pct"),
        (_("Non-performing share (by balance)"), loans["npl_balance_share"], "pct"),
        (_("Open risk alerts"), d["open_alerts"], "count"),
        (_("Share of fund use for the three purposes"), d["fund_use"]["quality_share"], "pct"),
    ]
    return [{"label": label, "value": value, "unit": unit} for label, value, unit in items]


def _breakdown(key, title, rows, d, *, total=True, per_bank=False, first=None):
    labels = _row_labels()
    columns = [{"label": first or _("Item"), "unit": "text"}] + [
        {"label": labels[name], "unit": unit, "pdf": pdf} for name, unit, pdf in ROW_COLUMNS]
    head = {"submitted": d["applications"]["submitted"], "requested": d["amounts"]["requested"],
            "accepted": d["applications"]["accepted"], "decided": d["applications"]["decided"],
            "approved": d["applications"]["approved"], "rejected": d["applications"]["rejected"],
            "approval_rate": d["approval_rate"], "approved_amount": d["amounts"]["approved"],
            "disbursed": d["amounts"]["disbursed"], "average_rate": d["rates"]["average_rate"],
            "spread_bp": d["rates"]["spread_bp"], "credit_share": d["credit_loans"]["share"]}
    return {
        "key": key, "title": title, "per_bank": per_bank, "columns": columns,
        "rows": [[r["label"]] + [r.get(name) for name, _unit, _pdf in ROW_COLUMNS] for r in rows],
        # The total is the headline figure itself (the rows partition it).
        "total": [_("Total")] + [head[name] for name, _unit, _pdf in ROW_COLUMNS] if total else None,
    }


def _short(name: str) -> str:
    return name.replace("市场监督管理局", "").replace("市场监管分局", "").replace("商务金融局", "")


def layout(figures: dict) -> dict:
    """Sections from the figures stored on a report (regulators.metrics' shapes)."""
    d = figures["dashboard"]
    statuses = dict(Status.choices)
    tables = []
    charts = []
    if figures.get("by_unit") is not None:
        units = figures["by_unit"]
        tables.append(_breakdown("by_unit", _("By regulator unit"), units, d, total=False,
                                 first=_("Regulator unit")))
        charts.append({"key": "by_unit", "title": _("Amount approved by regulator unit"), "kind": "bar",
                       "unit": "wan", "labels": [_short(u["label"]) for u in units],
                       "series": [{"name": _("Amount approved"), "values": [u["approved_amount"] for u in units]}]})
    tables += [
        _breakdown("by_bank", _("By bank"), d["by_bank"], d, per_bank=True, first=_("Bank")),
        _breakdown("by_product", _("By product"), d["by_product"], d, per_bank=True, first=_("Product")),
        _breakdown("by_purpose", _("By purpose"), d["by_purpose"], d, first=_("Purpose")),
        # An application claiming several categories counts in each: no total.
        _breakdown("by_category", _("By element category claimed"), d["by_category"], d, total=False,
                   first=_("Element category")),
        _breakdown("by_industry", _("By industry"), d["by_industry"], d, first=_("Industry")),
        _breakdown("by_month", _("By month"), d["by_month"], d, first=_("Month")),
    ]
    by_status = d["applications"]["by_status"]
    tables.append({"key": "by_status", "title": _("Applications submitted, by status at the end"),
                   "columns": [{"label": _("Status"), "unit": "text"}, {"label": _("Applications"), "unit": "count"}],
                   "rows": [[str(statuses.get(code, code)), n] for code, n in by_status.items()],
                   "total": [_("Total"), sum(by_status.values())]})
    fund = d["fund_use"]
    tables.append({"key": "fund_use", "title": _("Fund use by purpose"),
                   "columns": [{"label": _("Purpose"), "unit": "text"}, {"label": _("Amount"), "unit": "wan"},
                               {"label": _("Share"), "unit": "pct"}],
                   "rows": [[p["label"], p["amount"], p["share"]] for p in fund["by_purpose"]],
                   "total": [_("Total"), fund["reported"], "100" if fund["by_purpose"] and
                             any(float(p["amount"] or 0) for p in fund["by_purpose"]) else None]})
    loans = d["loans"]
    tables.append({"key": "risk", "title": _("Loans at the end of the period"),
                   "columns": [{"label": _("Figure"), "unit": "text"}, {"label": _("Loans"), "unit": "count"},
                               {"label": _("Balance"), "unit": "wan"}, {"label": _("Share by count"), "unit": "pct"},
                               {"label": _("Share by balance"), "unit": "pct"}],
                   "rows": [[_("Outstanding"), loans["loans"], loans["outstanding"], None, None],
                            [_("Overdue"), loans["overdue_loans"], loans["overdue_balance"], loans["overdue_share"],
                             loans["overdue_balance_share"]],
                            [_("Non-performing (次级/可疑/损失)"), loans["npl_loans"], loans["npl_balance"],
                             loans["npl_share"], loans["npl_balance_share"]]],
                   "total": None})
    policy = figures.get("policy_effect") or []
    tables.append({"key": "policy", "title": _("Policy effect by element claimed"),
                   "columns": [{"label": _("Element"), "unit": "text"},
                               {"label": _("Decided with it"), "unit": "count"},
                               {"label": _("Approval rate with it"), "unit": "pct"},
                               {"label": _("Approval rate without it"), "unit": "pct"},
                               {"label": _("Spread with it (bp)"), "unit": "bp"},
                               {"label": _("Spread without it (bp)"), "unit": "bp"}],
                   "rows": [[p["label"], p["with"]["decided"], p["with"]["approval_rate"],
                             p["without"]["approval_rate"], p["with"]["spread_bp"], p["without"]["spread_bp"]]
                            for p in policy],
                   "total": None})
    months = d["by_month"]
    charts += [
        {"key": "by_month", "title": _("Applications by month"), "kind": "bar", "unit": "count",
         "labels": [m["label"] for m in months],
         "series": [{"name": _("Applications submitted"), "values": [m["submitted"] for m in months]},
                    {"name": _("Approved"), "values": [m["approved"] for m in months]}]},
        {"key": "amounts_by_month", "title": _("Amounts by month"), "kind": "bar", "unit": "wan",
         "labels": [m["label"] for m in months],
         "series": [{"name": _("Amount requested"), "values": [m["requested"] for m in months]},
                    {"name": _("Amount approved"), "values": [m["approved_amount"] for m in months]},
                    {"name": _("Amount disbursed"), "values": [m["disbursed"] for m in months]}]},
        {"key": "by_bank", "title": _("Amount approved by bank"), "kind": "bar", "unit": "wan", "per_bank": True,
         "labels": [b["label"] for b in d["by_bank"]],
         "series": [{"name": _("Amount approved"), "values": [b["approved_amount"] for b in d["by_bank"]]}]},
        {"key": "fund_use", "title": _("Fund use by purpose"), "kind": "bar", "unit": "wan",
         "labels": [p["label"] for p in fund["by_purpose"]],
         "series": [{"name": _("Amount"), "values": [p["amount"] for p in fund["by_purpose"]]}]},
    ]
    return {"summary": summary(d), "tables": tables, "charts": charts}
