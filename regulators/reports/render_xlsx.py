"""The Excel file of a report: a summary sheet, one sheet per table, a sheet saying what the
report is. Amounts are numbers in 万元 (two decimals, thousands separators by number format) so
that people can sum them; the same rule as jingzhidai.money on the pages."""

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jingzhidai.money import CENT, WAN

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TOTAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

FORMATS = {
    "wan": "#,##0.00",
    "count": "#,##0",
    "pct": '0.00"%"',
    "rate": '0.00"%"',
    "bp": "#,##0",
    "days": "#,##0.0",
    "text": "@",
}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def cell_value(value, unit):
    """A figure as the number the sheet holds: yuan → 万元 (two decimals), others as floats."""
    if value is None or value == "":
        return None
    if unit == "text":
        return str(value)
    number = Decimal(str(value))
    if unit == "wan":
        number = (number / WAN).quantize(CENT)
    if unit == "count":
        return int(number)
    return float(number)


def unit_label(unit):
    return {"wan": _("10k yuan"), "count": "", "pct": "%", "rate": "%", "bp": "bp", "days": _("days"),
            "text": ""}.get(unit, "")


def _header(ws, row, labels):
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _width(text) -> int:
    # CJK characters take two columns' width.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _fit(ws, widths):
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)


def _sheet_name(title, used):
    name = SHEET_NAME_BAD.sub(" ", str(title))[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _summary(ws, content):
    ws.cell(row=1, column=1, value=content["title"]).font = TITLE_FONT
    ws.cell(row=2, column=1, value=f"{content['scope']} · {content['period']}")
    _header(ws, 4, [_("Figure"), _("Value"), _("Unit")])
    widths = {1: _width(_("Figure")), 2: 14, 3: 8}
    for i, item in enumerate(content["summary"], start=5):
        ws.cell(row=i, column=1, value=str(item["label"])).border = BORDER
        cell = ws.cell(row=i, column=2, value=cell_value(item["value"], item["unit"]))
        cell.number_format, cell.border = FORMATS.get(item["unit"], "General"), BORDER
        ws.cell(row=i, column=3, value=unit_label(item["unit"])).border = BORDER
        widths[1] = max(widths[1], _width(item["label"]))
    ws.freeze_panes = "A5"
    _fit(ws, widths)


def _table(ws, table):
    ws.cell(row=1, column=1, value=str(table["title"])).font = TITLE_FONT
    columns = table["columns"]
    labels = [f"{c['label']}（{unit_label(c['unit'])}）" if unit_label(c["unit"]) and c["unit"] != "pct"
              else str(c["label"]) for c in columns]
    _header(ws, 3, labels)
    widths = {i: _width(label) for i, label in enumerate(labels, start=1)}
    rows = list(table["rows"])
    if table.get("total") is not None:
        rows.append(table["total"])
    for r, row in enumerate(rows, start=4):
        is_total = table.get("total") is not None and r == len(rows) + 3
        for c, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(value, column["unit"]))
            cell.number_format, cell.border = FORMATS.get(column["unit"], "General"), BORDER
            if is_total:
                cell.font = TOTAL_FONT
            widths[c] = max(widths[c], _width(cell.value if column["unit"] == "text" else f"{cell.value:,}"
                                              if isinstance(cell.value, int | float) else ""))
    ws.freeze_panes = "A4"
    _fit(ws, widths)


def _about(ws, content):
    _header(ws, 1, [_("Item"), _("Value")])
    rows = [(_("Report"), content["title"]), (_("Scope"), content["scope"]), (_("Period"), content["period"]),
            (_("From"), content["start"]), (_("To"), content["end"]),
            (_("Period closed when produced"), _("yes") if content["closed"] else _("no (provisional figures)")),
            (_("Produced"), content["generated"]), (_("Requested by"), content["requested_by"]),
            (_("Amounts"), _("in 10k yuan (万元), two decimals"))]
    for i, (label, value) in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=str(label)).border = BORDER
        ws.cell(row=i, column=2, value=str(value)).border = BORDER
    _fit(ws, {1: max(_width(r[0]) for r in rows), 2: max(_width(r[1]) for r in rows)})


def render_xlsx(content) -> bytes:
    wb = Workbook()
    used = set()
    ws = wb.active
    ws.title = _sheet_name(_("Summary"), used)
    _summary(ws, content)
    for table in content["tables"]:
        _table(wb.create_sheet(_sheet_name(table["title"], used)), table)
    _about(wb.create_sheet(_sheet_name(_("About this report"), used)), content)
    # Fixed workbook metadata: the same figures give the same sheets (only the zip's clock differs).
    wb.properties.creator = "京质贷 Jingzhidai"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
