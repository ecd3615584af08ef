"""The PDF of a report, with Chinese text in an embedded font (WenQuanYi Micro Hei, vendored
under regulators/fonts with its licence: the portal runs offline) and the charts drawn by
reportlab.graphics in the same font."""

import io
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jingzhidai import money

FONT = "WQYMicroHei"
FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
PALETTE = [colors.HexColor(c) for c in ("#1F4E79", "#C55A11", "#548235", "#7F6000", "#7030A0", "#2E75B6")]
CHART_WIDTH, CHART_HEIGHT = 170 * mm, 70 * mm


def _register_font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))


def formatted(value, unit) -> str:
    """A figure as people read it: 万元 with separators (jingzhidai.money), percentages and
    rates to two decimals."""
    if value is None or value == "":
        return "—"
    if unit == "wan":
        return money.wan(value)
    if unit in ("pct", "rate"):
        return money.rate(value)
    if unit == "count":
        return f"{int(value):,}"
    if unit in ("days", "bp"):
        return f"{float(value):,.1f}" if unit == "days" else f"{float(value):,.0f}"
    return str(value)


def _styles():
    base = dict(fontName=FONT, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", fontSize=18, leading=24, spaceAfter=6, **base),
        "h2": ParagraphStyle("h2", fontSize=13, leading=18, spaceBefore=10, spaceAfter=4, **base),
        "body": ParagraphStyle("body", fontSize=9.5, leading=13, **base),
        "cell": ParagraphStyle("cell", fontSize=8.5, leading=11, **base),
        "small_cell": ParagraphStyle("small_cell", fontSize=7, leading=9, **base),
        "head": ParagraphStyle("head", fontSize=8.5, leading=11, textColor=colors.white, **base),
        "small_head": ParagraphStyle("small_head", fontSize=7, leading=9, textColor=colors.white, **base),
        "small": ParagraphStyle("small", fontSize=8, leading=10, textColor=colors.grey, **base),
    }


def _grid(data, col_widths=None, *, total=False, numeric_from=1, size=8.5):
    table = Table(data, colWidths=col_widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("BACKGROUND", (0, 0), (-1, 0), PALETTE[0]),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#BFBFBF")),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F2F2")]),
    ]
    if total:
        style += [("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#DDEBF7"))]
    table.setStyle(TableStyle(style))
    return table


def _chart(chart) -> Drawing:
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    labels = [str(label)[:8] for label in chart["labels"]]
    series = [[float(v or 0) for v in s["values"]] for s in chart["series"]]
    plot = HorizontalLineChart() if chart["kind"] == "line" else VerticalBarChart()
    legend_room = 38 * mm if len(series) > 1 else 0
    plot.x, plot.y = 24 * mm, 18 * mm
    plot.width, plot.height = CHART_WIDTH - 30 * mm - legend_room, CHART_HEIGHT - 30 * mm
    plot.data = series or [[0]]
    plot.categoryAxis.categoryNames = labels or [""]
    plot.categoryAxis.labels.fontName = FONT
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
    plot.valueAxis.labels.fontName = FONT
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    plot.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    peak = max((max(s) for s in series if s), default=0)
    plot.valueAxis.valueMax = peak * 1.15 if peak > 0 else 1
    for i in range(len(series)):
        if chart["kind"] == "line":
            plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            plot.lines[i].strokeWidth = 1.5
        else:
            plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(plot)
    unit = {"wan": _("10k yuan"), "count": "", "pct": "%", "rate": "%", "days": _("days")}.get(chart.get("unit"), "")
    drawing.add(String(15 * mm, CHART_HEIGHT - 8 * mm, f"{chart['title']}{f'（{unit}）' if unit else ''}",
                       fontName=FONT, fontSize=10))
    if len(series) > 1:
        legend = Legend()
        legend.fontName, legend.fontSize = FONT, 7
        legend.x, legend.y = CHART_WIDTH - legend_room + 6 * mm, CHART_HEIGHT - 14 * mm
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], str(s["name"])) for i, s in enumerate(chart["series"])]
        drawing.add(legend)
    return drawing


def _chart_values(chart):
    """Charts of money are drawn in 万元."""
    if chart.get("unit") != "wan":
        return chart
    return {**chart, "series": [{**s, "values": [float(v or 0) / 10000 for v in s["values"]]}
                                for s in chart["series"]]}


def render_pdf(content) -> bytes:
    _register_font()
    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=content["title"], author="京质贷 Jingzhidai",
                            subject=f"{content['scope']} {content['period']}", creator="京质贷 Jingzhidai",
                            initialFontName=FONT, initialFontSize=9)
    story = [Paragraph(content["title"], st["title"]),
             Paragraph(f"{content['scope']} · {content['period']}（{content['start']} — {content['end']}）", st["body"]),
             Paragraph(_("Produced %(when)s · requested by %(who)s") % {"when": content["generated"],
                                                                         "who": content["requested_by"]},
                       st["small"])]
    if not content["closed"]:
        story.append(Paragraph(_("The period had not ended when these figures were computed: they are provisional."),
                               st["small"]))
    story += [Paragraph(_("Key figures"), st["h2"])]
    rows = [[_("Figure"), _("Value")]]
    for item in content["summary"]:
        unit = {"wan": _("10k yuan"), "days": _("days")}.get(item["unit"], "")
        rows.append([Paragraph(str(item["label"]), st["cell"]),
                     f"{formatted(item['value'], item['unit'])}{' ' + unit if unit and item['value'] is not None else ''}"])
    story.append(_grid(rows, [110 * mm, 60 * mm]))
    if content["charts"]:
        story.append(Paragraph(_("Charts"), st["h2"]))
        for chart in content["charts"]:
            story += [_chart(_chart_values(chart)), Spacer(0, 3 * mm)]
    for table in content["tables"]:
        shown = [i for i, c in enumerate(table["columns"]) if c.get("pdf", True)]
        columns = [table["columns"][i] for i in shown]
        small = len(columns) > 6
        cell = st["small_cell"] if small else st["cell"]
        head_style = st["small_head"] if small else st["head"]
        header = []
        for c in columns:
            unit = {"wan": _("10k yuan"), "days": _("days")}.get(c["unit"], "")
            header.append(Paragraph(f"{c['label']}{'（' + unit + '）' if unit else ''}", head_style))
        data = [header]
        body = list(table["rows"]) + ([table["total"]] if table.get("total") is not None else [])
        for row in body:
            values = [row[i] for i in shown]
            data.append([Paragraph(str(v), cell) if c["unit"] == "text" else formatted(v, c["unit"])
                         for v, c in zip(values, columns, strict=True)])
        first = (36 if small else 48) * mm if len(columns) > 1 else 174 * mm
        rest = (174 * mm - first) / max(len(columns) - 1, 1)
        grid = _grid(data, [first] + [rest] * (len(columns) - 1), total=table.get("total") is not None,
                     size=7 if small else 8.5)
        title = Paragraph(str(table["title"]), st["h2"])
        story += [KeepTogether([title, grid])] if len(data) < 25 else [title, grid]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{doc.title} · {doc.page}")
    canvas.restoreState()
