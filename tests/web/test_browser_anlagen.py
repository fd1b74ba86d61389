"""In a real browser: a counsellor ticks documents as received on the case page and downloads the Antrag, whose
Anlagen list exactly those documents, and the client's handout in Farsi, which shows them as received; an
administrator sees the translations and marks Farsi reviewed. Screenshots at 1280 and 1024 px in tests/artifacts/."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from perspektive.clients import cases, records
from perspektive.db import db
from perspektive.law.facts import parse_facts
from tests.common.browser import screenshot, sign_in
from tests.conftest import demo_facts

PASSPORT = "Nationalpass oder Passersatz (Kopie, Original zur Vorlage)"
A2 = "Sprachzertifikat mindestens A2 (telc, Goethe, ÖSD) oder deutsches Schul- oder Berufsabschlusszeugnis"
FARSI_PASSPORT = "پاسپورت ملی یا جایگزین پاسپورت (کپی، اصل برای نشان دادن)"
FARSI_PHOTO = "عکس بیومتریک پاسپورتی"
FARSI_PENDING = "این ترجمه با کمک ترجمه ماشینی تهیه شده و هنوز بازبینی نشده است."
FARSI_REVIEWED = "این ترجمه توسط مرکز مشاوره بازبینی شده است."


def docx_text(path: str) -> str:
    doc = Document(io.BytesIO(Path(path).read_bytes()))
    return "\n".join(p.text for p in doc.paragraphs).replace("\u200e", "")


def farsi_case(counsellor):
    data = demo_facts("amina")
    data = {**data, "person": {**data["person"], "language": "fa"}}
    with db.connection_context():
        client = records.create_client(parse_facts(data), counsellor)
        return cases.open_case(client, "section_25b", counsellor)


def tick(page, item_text: str, note: str = "") -> None:
    row = page.locator("table.checklist tr", has_text=item_text).first
    row.get_by_label("erhalten").check()
    row.get_by_role("button", name="Speichern", exact=True).click()
    page.wait_for_load_state()
    row = page.locator("table.checklist tr", has_text=item_text).first
    expect(row.get_by_label("erhalten")).to_be_checked()
    if note:
        row.get_by_label("Notiz").fill(note)
        row.get_by_role("button", name="Notiz speichern").click()
        page.wait_for_load_state()


def download(page, name: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return info.value.path()


@pytest.mark.parametrize("width", [1280, 1024])
def test_ticked_items_become_the_anlagen_and_the_farsi_handout_shows_them(live_server, new_page, counsellor,
                                                                           administrator, width):
    case = farsi_case(counsellor)
    page = new_page(width=width)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients/{case.client_id}/cases/{case.id}")
    tick(page, PASSPORT)
    tick(page, A2, note="telc Deutsch B1 vom 12.03.2026")
    page.locator("#checkliste").scroll_into_view_if_needed()
    screenshot(page, f"30-case-ticked-{width}")

    antrag = docx_text(download(page, "Antrag (.docx)"))
    anlagen = antrag.split("\nAnlagen\n", 1)[1]
    assert [line for line in anlagen.splitlines() if line.startswith("– ")] == [
        "– Vollmacht", "– Kopie des Reisepasses", "– Deutsch-Sprachzertifikat (telc Deutsch B1 vom 12.03.2026)"]

    handout = docx_text(download(page, "Checkliste (.docx)"))
    missing, received = handout.split("هنوز کم است", 1)[1].split("این‌ها را دریافت کرده‌ایم", 1)
    assert FARSI_PASSPORT in received and FARSI_PASSPORT not in missing and FARSI_PHOTO in missing
    assert FARSI_PENDING in handout and "Checkliste" not in handout

    admin = new_page(width=width)
    sign_in(admin, live_server.url, administrator.username)
    admin.goto(f"{live_server.url}/admin/translations/")
    farsi = admin.locator("#lang-fa")
    expect(farsi).to_contain_text("Übersetzung noch nicht geprüft")
    screenshot(admin, f"31-admin-translations-{width}")
    farsi.get_by_role("button", name="Als geprüft markieren").click()
    expect(admin.locator("#lang-fa")).to_contain_text("geprüft von Vera Verwaltung am")
    screenshot(admin, f"32-admin-translation-reviewed-{width}")

    handout = docx_text(download(page, "Checkliste (.docx)"))
    assert FARSI_REVIEWED in handout and FARSI_PENDING not in handout
