"""In a real browser: a counsellor opens the statistics, chooses the third quarter and the team, sees a chart
beside each table, and downloads the report; the .docx converts to PDF in LibreOffice and the .xlsx opens with
openpyxl. Screenshots at 1280 and 1024 px land in tests/artifacts/."""
from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.common.browser import screenshot, sign_in


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_counsellor_opens_the_statistics_and_downloads_the_report(live_server, new_page, world, tmp_path, width):
    page = new_page(width=width)
    sign_in(page, live_server.url, "anna")
    page.get_by_role("link", name="Statistik").click()
    expect(page.locator("h1")).to_have_text("Statistik der Beratung")
    page.get_by_label("Quartal oder Jahr").select_option("2026Q3")
    page.get_by_label("Team (alle Beratenden)").check()
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("body")).to_contain_text("01.07.2026 – 30.09.2026")
    expect(page.locator("#consultations tbody")).to_contain_text("Erstberatungen")
    expect(page.locator("#consultations tfoot")).to_contain_text("10")
    assert page.locator("section.card svg[role=img]").count() == 11  # a chart beside every table
    screenshot(page, f"40-statistics-{width}")
    page.locator("#outcomes_per_path").scroll_into_view_if_needed()
    screenshot(page, f"41-statistics-outcomes-{width}")

    with page.expect_download() as info:
        page.get_by_role("link", name="Bericht (.docx)").click()
    docx = tmp_path / "bericht.docx"
    info.value.save_as(docx)
    with page.expect_download() as info:
        page.get_by_role("link", name="Tabellen (.xlsx)").click()
    xlsx = tmp_path / "bericht.xlsx"
    info.value.save_as(xlsx)

    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert {"Bericht", "countries", "outcomes_per_path"} <= set(book.sheetnames)
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed to check the report"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "bericht.pdf").pages)
    assert "Quartalsbericht der Bleiberechtsberatung" in text
    assert "Zeitraum: 01.07.2026 – 30.09.2026" in text
    assert "Herkunftsländer" in text


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_counsellor_records_an_outcome_on_the_case_page(live_server, new_page, world, width):
    case = world["cases"]["C4"]  # § 25 Abs. 5, opened 30.09.2026, nothing recorded yet
    page = new_page(width=width)
    sign_in(page, live_server.url, "ben")
    page.goto(f"{live_server.url}/clients/{case.client_id}/cases/{case.id}")
    form = page.locator("#ergebnis")
    form.get_by_label("Ergebnis").select_option("refused")
    form.get_by_label("Antrag gestellt am").fill("01.10.2026")
    form.get_by_label("Entschieden oder beendet am").fill("30.09.2026")
    form.get_by_role("button", name="Ergebnis speichern").click()
    expect(page.locator("#ergebnis")).to_contain_text("Die Entscheidung kann nicht vor der Antragstellung liegen.")
    expect(page.locator("#ergebnis")).to_contain_text("Bitte mindestens einen Ablehnungsgrund wählen.")
    page.locator("#ergebnis").scroll_into_view_if_needed()
    screenshot(page, f"42-case-outcome-refused-{width}")
    form = page.locator("#ergebnis")
    form.get_by_label("Entschieden oder beendet am").fill("15.11.2026")
    form.get_by_label("Lebensunterhalt").check()
    form.get_by_role("button", name="Ergebnis speichern").click()
    expect(page.locator("#fall")).to_contain_text("abgelehnt")
    screenshot(page, f"43-case-outcome-saved-{width}")
