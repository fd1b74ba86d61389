"""``stats report``: the quarterly report in each format from the command line, and a clear refusal with exit
status 2 for a wrong quarter, team, counsellor, format or folder."""
from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from docx import Document as Docx


def run(app, *args):
    return app.test_cli_runner().invoke(args=["stats", "report", *args])


def test_the_report_in_every_format(app, world, tmp_path):
    for kind in ("json", "csv", "xlsx", "docx"):
        target = tmp_path / f"bericht.{kind}"
        result = run(app, "--quarter", "2026Q3", "--format", kind, "-o", str(target))
        assert result.exit_code == 0, result.output
        assert "Quartalsbericht 2026Q3" in result.output
    data = json.loads((tmp_path / "bericht.json").read_text(encoding="utf-8"))
    # 8 first and 2 follow-up consultations, 10 in all: the 8 would give the 2 away
    assert [r["values"] for r in data["tables"]["consultations"]["rows"]] == [["."], ["< 5"]]
    assert data["tables"]["consultations"]["column_totals"] == [10]
    assert "countries.csv" in zipfile.ZipFile(tmp_path / "bericht.csv").namelist()
    assert openpyxl.load_workbook(tmp_path / "bericht.xlsx", read_only=True)["consultations"]
    assert Docx(io.BytesIO((tmp_path / "bericht.docx").read_bytes())).paragraphs[0].text.startswith("Quartalsbericht")


def test_one_counsellors_report(app, world, tmp_path):
    target = tmp_path / "anna.json"
    assert run(app, "--quarter", "2026Q3", "--counsellor", "anna", "--format", "json", "-o", str(target)).exit_code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["header"]["scope"] == "Beratungen von Anna"
    assert [r["values"] for r in data["tables"]["consultations"]["rows"]] == [["< 5"], ["< 5"]]


@pytest.mark.parametrize("args, message", [
    (["--quarter", "2026Q5", "--format", "json"], "kein Quartal"),
    (["--quarter", "2027Q1", "--format", "json"], "Der Zeitraum beginnt in der Zukunft."),
    (["--quarter", "2026Q3", "--format", "pdf"], "unbekanntes Format 'pdf'"),
    (["--quarter", "2026Q3", "--format", "json", "--team", "nord"], "Teams gibt es noch nicht"),
    (["--quarter", "2026Q3", "--format", "json", "--counsellor", "niemand"], "keine Beraterin"),
])
def test_bad_input_is_refused_with_exit_status_2(app, world, tmp_path, args, message):
    result = run(app, *args, "-o", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x").exists()


def test_a_missing_folder_is_refused(app, world, tmp_path):
    result = run(app, "--quarter", "2026Q3", "--format", "json", "-o", str(tmp_path / "nope" / "x.json"))
    assert result.exit_code == 2 and "gibt es nicht" in result.output
