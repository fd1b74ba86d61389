"""The quarterly sheet's format, and reading it from a form, a .csv or an .xlsx file with an error in German for
every bad cell (its row and column named).

The sheet has three columns, ``Kennzahl``, ``Gruppe``, ``Wert``, and one row per figure (``ROWS``), in any order;
the template to fill in is offered as .csv and .xlsx. An .xlsx is read with openpyxl in read-only mode with cached
values only (no formula is evaluated), after its size, its unpacked size and its number of rows are checked.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from perspektive.typed import parse_day

MAX_BYTES = 500_000  # 500 kB, as the page says (kB = 1000 bytes, like the other upload limits)
MAX_UNPACKED = 8 * 1024 * 1024
MAX_ROWS = 200
MAX_COUNT = 1_000_000
HEADER = ("Kennzahl", "Gruppe", "Wert")
PROVISIONS = ("§ 25a", "§ 25b", "§ 104c", "§ 16g", "§ 19d", "§ 25 Abs. 5")
DURATIONS = (("tolerated_under_3", "unter 3 Jahre"), ("tolerated_3_to_6", "3 bis unter 6 Jahre"),
             ("tolerated_6_to_8", "6 bis unter 8 Jahre"), ("tolerated_8_plus", "8 Jahre und länger"))
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
KINDS = (("applications", "Anträge"), ("grants", "Erteilungen"), ("refusals", "Ablehnungen"))


def _rows() -> list[tuple[str, str, str]]:
    rows = [("reference_day", "Stichtag", "")]
    rows += [(key, "Geduldete", group) for key, group in DURATIONS]
    rows += [("tolerated_60b", "Geduldete", "davon § 60b"), ("granted_60c", "Duldungen erteilt", "§ 60c"),
             ("granted_60d", "Duldungen erteilt", "§ 60d")]
    rows += [(f"{kind}:{provision}", label, provision) for kind, label in KINDS for provision in PROVISIONS]
    return rows


ROWS = _rows()  # (key, Kennzahl, Gruppe)
BY_LABEL = {(label.casefold(), group.casefold()): key for key, label, group in ROWS}


@dataclass
class SheetError(ValueError):
    errors: list[str]

    def __str__(self) -> str:
        return "; ".join(self.errors)


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for key, label, group in ROWS:
        writer.writerow((label, group, "TT.MM.JJJJ" if key == "reference_day" else ""))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Verfahrensstatistik")
    sheet.append(list(HEADER))
    for key, label, group in ROWS:
        sheet.append([label, group, "TT.MM.JJJJ" if key == "reference_day" else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells_csv(data: bytes) -> list[tuple]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError([_("Die CSV-Datei ist nicht in UTF-8 gespeichert.")]) from None
    dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=dialect))
    if len(rows) > MAX_ROWS + 1:
        raise SheetError([_("Die Datei hat mehr als %(most)s Zeilen.", most=MAX_ROWS)])
    return [tuple(row) for row in rows]


def _cells_xlsx(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED:
                raise SheetError([_("Die Excel-Datei ist entpackt zu groß.")])
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged file; none may reach the page
        raise SheetError([_("Die Datei ist keine lesbare Excel-Datei (.xlsx).")]) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(max_col=len(HEADER), values_only=True):
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS + 1:
                raise SheetError([_("Die Datei hat mehr als %(most)s Zeilen.", most=MAX_ROWS)])
        return rows
    finally:
        book.close()


def read_upload(filename: str, data: bytes) -> dict:
    """The figures of an uploaded sheet (``read_cells``), or ``SheetError`` listing every bad cell."""
    if len(data) > MAX_BYTES:
        raise SheetError([_("Die Datei ist größer als %(size)s kB.", size=MAX_BYTES // 1000)])
    name = filename.lower()
    if name.endswith(".csv"):
        return read_cells(_cells_csv(data))
    if name.endswith(".xlsx"):
        return read_cells(_cells_xlsx(data))
    raise SheetError([_("Bitte eine .xlsx- oder .csv-Datei hochladen.")])


def _where(row: int, column: int) -> str:
    return _("Zeile %(row)s, Spalte %(column)s (%(name)s)", row=row, column="ABC"[column], name=HEADER[column])


def read_cells(rows: list[tuple]) -> dict:
    """The figures of the sheet's rows (the first is the header), keyed as in ``ROWS``."""
    errors: list[str] = []
    header = tuple(str(c or "").strip() for c in (rows[0] if rows else ()))[:3]
    if header != HEADER:
        raise SheetError([_("Zeile 1: die Kopfzeile muss %(header)s lauten.", header=" | ".join(HEADER))])
    raw: dict[str, object] = {}
    where: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (3 - len(row))
        label, group, value = (str(cells[0] or "").strip(), str(cells[1] or "").strip(), cells[2])
        if not label and not group and value in (None, ""):
            continue
        key = BY_LABEL.get((label.casefold(), group.casefold()))
        if key is None:
            errors.append(_("%(where)s: unbekannte Kennzahl „%(label)s – %(group)s“.",
                            where=_where(number, 0), label=label, group=group))
            continue
        if key in raw:
            errors.append(_("%(where)s: die Kennzahl steht doppelt in der Datei.", where=_where(number, 0)))
            continue
        raw[key], where[key] = value, _where(number, 2)
    figures = check(raw, where, errors)
    return figures


def check(raw: dict[str, object], where: dict[str, str], errors: list[str] | None = None) -> dict:
    """Checked figures from raw values (text from a form or a CSV, numbers or dates from an .xlsx); every bad
    value is named by ``where[key]`` (a cell, or a form field's label)."""
    errors = list(errors or [])
    figures: dict[str, object] = {}
    for key, label, group in ROWS:
        name = where.get(key)
        value = raw.get(key)
        if name is None:
            errors.append(_("Es fehlt die Zeile „%(label)s – %(group)s“.", label=label, group=group) if group
                          else _("Es fehlt die Zeile „%(label)s“.", label=label))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(_("%(where)s: es fehlt der Wert.", where=name))
            continue
        if key == "reference_day":
            day = _day(value)
            if day is None:
                errors.append(_("%(where)s: „%(value)s“ ist kein Datum (TT.MM.JJJJ).", where=name, value=value))
            figures[key] = day
            continue
        count = _count(value)
        if count is None:
            errors.append(_("%(where)s: „%(value)s“ ist keine ganze Zahl von 0 bis %(most)s.", where=name,
                            value=value, most=f"{MAX_COUNT:,}".replace(",", ".")))
        figures[key] = count
    if not errors and figures["tolerated_60b"] > sum(figures[k] for k, _g in DURATIONS):
        errors.append(_("%(where)s: mehr Personen mit § 60b als Geduldete insgesamt.",
                        where=where.get("tolerated_60b", "davon § 60b")))
    if errors:
        raise SheetError(errors)
    return figures


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_day(str(value))
    except ValueError:
        return None


def _count(value) -> int | None:
    """A count as typed or stored: 1234, "1234", "1.234" (German thousands), 1234.0 from a spreadsheet."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 0 <= value <= MAX_COUNT else None
    text = str(value).strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_COUNT else None
