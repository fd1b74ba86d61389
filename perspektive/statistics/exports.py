"""The report in its four formats: JSON, CSV per table (one .zip), .xlsx (XlsxWriter, with formulas and URLs in
strings turned off, so a label can never become a formula or a link) and .docx (docxtpl over a template built here
with python-docx, rendered with autoescaping; the tables and a PNG chart per table appended with python-docx)."""
from __future__ import annotations

import csv
import io
import json
import zipfile

from flask_babel import gettext as _

from .charts import bar_png
from .report import Report, as_data

FORMATS = {"json": ("application/json", "json"), "csv": ("application/zip", "zip"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
           "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")}


def to_json(report: Report) -> bytes:
    return json.dumps(as_data(report), ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value):
    """A CSV cell that a spreadsheet will not run: text starting with = + - @ gets a leading apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _lines(table) -> list[list]:
    head = [table.row_header, *table.columns] + ([_("Summe")] if table.row_totals else [])
    lines = [head]
    for i, (label, values) in enumerate(table.rows):
        lines.append([label, *values] + ([table.row_totals[i]] if table.row_totals else []))
    lines.append([_("Summe"), *table.column_totals] + ([table.total] if table.row_totals else []))
    return lines


def to_csv_zip(report: Report) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        about = io.StringIO()
        writer = csv.writer(about, delimiter=";")
        for key, value in report.header.items():
            writer.writerow([key, _cell(value)])
        for name, value in report.summary:
            writer.writerow([_cell(name), _cell(value)])
        archive.writestr("bericht.csv", "\ufeff" + about.getvalue())
        for table in report.tables:
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";")
            writer.writerow([_cell(table.title)])
            for line in _lines(table):
                writer.writerow([_cell(v) for v in line])
            archive.writestr(f"{table.key}.csv", "\ufeff" + text.getvalue())
    return out.getvalue()


def to_xlsx(report: Report) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Bericht"))
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 60)
    sheet.write(0, 0, report.header["title"], bold)
    row = 2
    for key in ("period", "scope", "created", "threshold"):
        sheet.write(row, 0, {"period": _("Zeitraum"), "scope": _("Umfang"), "created": _("Erstellt am"),
                             "threshold": _("Geheimhaltung")}[key], bold)
        sheet.write(row, 1, report.header[key])
        row += 1
    row += 1
    for name, value in report.summary:
        sheet.write(row, 0, name)
        sheet.write(row, 1, value)
        row += 1
    for table in report.tables:
        page = book.add_worksheet(table.key[:31])
        page.set_column(0, 0, 34)
        page.set_column(1, len(table.columns) + 1, 14)
        page.write(0, 0, table.title, bold)
        page.write(1, 0, f"{report.header['period']} · {report.header['threshold']}")
        for i, line in enumerate(_lines(table)):
            for k, value in enumerate(line):
                page.write(3 + i, k, value, bold if i == 0 or k == 0 else None)
        if table.note:
            page.write(4 + len(table.rows) + 1, 0, table.note)
    book.close()
    return out.getvalue()


def _template() -> io.BytesIO:
    """The report's .docx template: heading, header lines and a place for the body (built, not shipped)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "Liberation Sans"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading("{{ header.title }}", level=1)
    for label, key in ((_("Zeitraum"), "period"), (_("Umfang"), "scope"), (_("Erstellt am"), "created")):
        document.add_paragraph(f"{label}: {{{{ header.{key} }}}}")
    document.add_paragraph("{{ header.threshold }}")
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    return out


def to_docx(report: Report) -> bytes:
    """The header through docxtpl (autoescaped, sandboxed), then the body appended with python-docx: tables and a
    chart per table (docxtpl's sub-documents need a further package; appending to the rendered file does not)."""
    from docx import Document
    from docx.shared import Cm
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    template = DocxTemplate(_template())
    template.render({"header": report.header}, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    rendered = io.BytesIO()
    template.save(rendered)
    rendered.seek(0)
    body = Document(rendered)
    body.add_heading(_("Überblick"), level=2)
    overview = body.add_table(rows=0, cols=2)
    overview.style = "Table Grid"
    for name, value in report.summary:
        cells = overview.add_row().cells
        cells[0].text, cells[1].text = str(name), str(value)
    for table in report.tables:
        body.add_heading(table.title, level=2)
        lines = _lines(table)
        grid = body.add_table(rows=0, cols=len(lines[0]))
        grid.style = "Table Grid"
        for line in lines:
            cells = grid.add_row().cells
            for cell, value in zip(cells, line):
                cell.text = str(value)
        if table.note:
            body.add_paragraph(table.note)
        labels, series = table.chart_series()
        if any(any(values) for _name, values in series):
            body.add_picture(io.BytesIO(bar_png(table.title, labels, series)), width=Cm(15))
    out = io.BytesIO()
    body.save(out)
    return out.getvalue()


def export(report: Report, kind: str) -> bytes:
    return {"json": to_json, "csv": to_csv_zip, "xlsx": to_xlsx, "docx": to_docx}[kind](report)
