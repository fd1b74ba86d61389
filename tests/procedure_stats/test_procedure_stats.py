"""The authority's procedure statistics: the template sheet filled in and uploaded as .xlsx or .csv, the form,
German errors naming every bad cell, and the figures with the trend of long-term Duldungen."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from perspektive import procedure_stats
from perspektive.db import db
from perspektive.procedure_stats.models import ProcedureReport
from perspektive.procedure_stats.sheet import ROWS, SheetError, read_upload
from tests.conftest import BrowserClient, csrf_token, login


def values(day: str, long_term: int = 40) -> dict:
    """A quarter's figures by row key: 100 + 80 + long_term split 6-8/8+, 25 of them § 60b."""
    figures = {"reference_day": day, "tolerated_under_3": 100, "tolerated_3_to_6": 80,
               "tolerated_6_to_8": long_term - 10, "tolerated_8_plus": 10, "tolerated_60b": 25,
               "granted_60c": 3, "granted_60d": 4}
    for key, _label, _group in ROWS:
        figures.setdefault(key, 2 if key.startswith("refusals") else 5)
    return figures


def xlsx(figures: dict) -> bytes:
    """The downloaded template, filled in as an authority contact would (openpyxl, not our code)."""
    book = load_workbook(io.BytesIO(procedure_stats_template("xlsx")))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        key = next(k for k, label, group in ROWS if label == row[0].value and group == (row[1].value or ""))
        row[2].value = (dt.date.fromisoformat(figures[key]) if key == "reference_day" else figures[key])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def procedure_stats_template(kind: str) -> bytes:
    from perspektive.procedure_stats.sheet import template_csv, template_xlsx

    return template_xlsx() if kind == "xlsx" else template_csv()


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode()


def good_rows(figures: dict) -> list[list]:
    return [["Kennzahl", "Gruppe", "Wert"]] + [[label, group, figures[key]] for key, label, group in ROWS]


@pytest.fixture
def authority(app, authority_user):
    app.test_client_class = BrowserClient
    http = app.test_client()
    assert login(http, authority_user.username).status_code == 302
    return http


def test_upload_xlsx_from_the_template_and_the_trend(authority, app):
    page = authority.get("/portal/procedure-statistics/")
    assert "(.xlsx oder .csv, höchstens 500 kB)" in page.get_data(as_text=True)  # the limit the upload keeps
    token = csrf_token(page.get_data(as_text=True))
    template = authority.get("/portal/procedure-statistics/vorlage.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.data)).active.max_row == len(ROWS) + 1
    for day, long_term in (("2026-03-31", 40), ("2026-06-30", 35)):
        answer = authority.post("/portal/procedure-statistics/upload", content_type="multipart/form-data",
                                data={"csrf_token": token,
                                      "sheet": (io.BytesIO(xlsx(values(day, long_term))), "q.xlsx")})
        assert answer.status_code == 302, answer.get_data(as_text=True)
    with db.connection_context():
        figures = procedure_stats.procedure_figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [t["long_term"] for t in figures["trend"]] == [40, 35]
    assert [t["change"] for t in figures["trend"]] == [None, -5]
    first = figures["reports"][0]
    assert first["tolerated_total"] == 220 and first["share_60b"] == round(25 / 220, 3)
    assert first["per_provision"]["§ 25b"] == {"applications": 5, "grants": 5, "refusals": 2,
                                               "grant_rate": round(5 / 7, 3)}
    listing = authority.get("/portal/procedure-statistics/").get_data(as_text=True)
    assert "2026-06-30" in listing


def test_every_bad_cell_is_named(dbconn):
    rows = good_rows(values("2026-09-30"))
    rows[1][2] = "30.02.2026"  # row 2: no such day
    rows[3][2] = "zwölf"  # row 4
    rows[5][2] = -3  # row 6
    rows.append(["Anträge", "§ 99", 1])  # unknown figure, last row
    with pytest.raises(SheetError) as refused:
        read_upload("quartal.csv", csv_bytes(rows))
    errors = refused.value.errors
    assert any("Zeile 2, Spalte C (Wert)" in e and "kein Datum" in e for e in errors)
    assert any("Zeile 4, Spalte C (Wert)" in e and "„zwölf“ ist keine ganze Zahl" in e for e in errors)
    assert any("Zeile 6, Spalte C (Wert)" in e for e in errors)
    assert any(f"Zeile {len(rows)}, Spalte A (Kennzahl)" in e and "unbekannte Kennzahl" in e for e in errors)
    assert ProcedureReport.select().count() == 0


def test_missing_row_duplicate_and_limits(dbconn):
    rows = good_rows(values("2026-09-30"))
    missing = [r for r in rows if r[1] != "§ 60d"]
    with pytest.raises(SheetError, match="Es fehlt die Zeile „Duldungen erteilt – § 60d“"):
        read_upload("q.csv", csv_bytes(missing))
    with pytest.raises(SheetError, match="Zeile 3, Spalte A .*doppelt"):
        read_upload("q.csv", csv_bytes(rows[:2] + rows[1:]))
    with pytest.raises(SheetError, match="mehr als 200 Zeilen"):
        read_upload("q.csv", csv_bytes(rows + [["", "", ""]] * 250))
    with pytest.raises(SheetError, match="größer als 500 kB"):
        read_upload("q.csv", b"x" * 500_001)
    with pytest.raises(SheetError, match="keine lesbare Excel-Datei"):
        read_upload("q.xlsx", b"PK\x03\x04 not really")
    with pytest.raises(SheetError, match=".xlsx- oder .csv"):
        read_upload("q.ods", b"")


def test_xlsx_formulas_are_not_evaluated(dbconn):
    book = Workbook()
    sheet = book.active
    for row in good_rows(values("2026-09-30")):
        sheet.append(row)
    sheet["C3"] = "=1+1"  # no cached value: read as nothing, never computed
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SheetError, match="Zeile 3, Spalte C"):
        read_upload("q.xlsx", out.getvalue())


def test_form_entry_with_errors_then_saved(authority):
    page = authority.get("/portal/procedure-statistics/")
    token = csrf_token(page.get_data(as_text=True))
    data = {**{k: str(v) for k, v in values("30.09.2026").items()}, "csrf_token": token}
    data["tolerated_60b"] = "9999"  # more § 60b than tolerated at all
    refused = authority.post("/portal/procedure-statistics/", data=data)
    assert refused.status_code == 422
    assert "mehr Personen mit § 60b als Geduldete insgesamt" in refused.get_data(as_text=True)
    assert 'value="9999"' in refused.get_data(as_text=True)
    data["tolerated_60b"] = "25"
    assert authority.post("/portal/procedure-statistics/", data=data).status_code == 302
    with db.connection_context():
        assert ProcedureReport.get().reference_day == dt.date(2026, 9, 30)


def test_counsellor_cannot_enter_figures(logged_in):
    assert logged_in.get("/portal/procedure-statistics/").status_code in (403, 404)
