"""The layout of a report from its figures: a title, key figures, tables and charts, in the
shape both renderers (render_xlsx, render_pdf) take. Units: `wan` amounts in yuan shown in 万元,
`count`, `pct` (a share in percent), `rate` (an annual rate in percent), `days`, `text`."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .choices import FileVariant, ReportKind


def _title(report, variant):
    if variant == FileVariant.BULLETIN:
        return _("Jingzhidai situation bulletin (情况通报)")
    return _("Jingzhidai monthly report") if report.kind == ReportKind.MONTHLY else _("Jingzhidai quarterly report")


def report_content(report, figures: dict, *, period, variant=FileVariant.FULL) -> dict:
    requested = report.requested_by.display_name if report.requested_by_id else _("scheduled (beat)")
    produced = timezone.localtime(report.started_at or timezone.now())
    sections = layout(figures)
    tables = [t for t in sections["tables"] if not (variant == FileVariant.BULLETIN and t.get("per_bank"))]
    charts = [c for c in sections["charts"] if not (variant == FileVariant.BULLETIN and c.get("per_bank"))]
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
        "tables": tables,
        "charts": charts,
    }


def layout(figures: dict) -> dict:
    """Sections from the figures of regulators.metrics (its documented shape)."""
    summary = [
        {"label": _("Applications"), "value": figures["applications"]["total"], "unit": "count"},
        {"label": _("Amount requested"), "value": figures["amounts"]["requested"], "unit": "wan"},
        {"label": _("Amount approved"), "value": figures["amounts"]["approved"], "unit": "wan"},
        {"label": _("Amount disbursed"), "value": figures["amounts"]["disbursed"], "unit": "wan"},
        {"label": _("Approval rate"), "value": figures["approval_rate"], "unit": "pct"},
    ]
    by_bank = figures.get("by_bank", [])
    tables = [{
        "key": "by_bank", "title": _("By bank"), "per_bank": True,
        "columns": [{"label": _("Bank"), "unit": "text"}, {"label": _("Applications"), "unit": "count"},
                    {"label": _("Amount approved"), "unit": "wan"}, {"label": _("Amount disbursed"), "unit": "wan"}],
        "rows": [[b["name"], b["applications"], b["approved"], b["disbursed"]] for b in by_bank],
        "total": [_("Total"), figures["applications"]["total"], figures["amounts"]["approved"],
                  figures["amounts"]["disbursed"]],
    }]
    months = figures.get("by_month", [])
    charts = [{"key": "by_month", "title": _("Applications by month"), "kind": "bar", "unit": "count",
               "labels": [m["month"] for m in months],
               "series": [{"name": _("Applications"), "values": [m["applications"] for m in months]}]}]
    return {"summary": summary, "tables": tables, "charts": charts}
