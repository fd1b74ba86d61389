"""In a real browser: a counsellor puts a case on the next meeting's agenda from the case page and downloads the
sheet; the invited authority contact reads it in the portal and enters the procedure statistics. Screenshots at
1280 and 1024 px land in tests/artifacts/."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from perspektive.clients import open_case
from perspektive.clients.records import create_client
from perspektive.conferences import agenda
from perspektive.db import db
from perspektive.law import parse_facts, today_in_germany
from tests.common.browser import screenshot, sign_in
from tests.conftest import demo_facts

QUESTION = "Reicht der überwiegend gesicherte Lebensunterhalt für § 25b Abs. 1 S. 2 Nr. 3?"


@pytest.mark.parametrize("width", [1280, 1024])
def test_case_on_the_agenda_and_read_in_the_portal(live_server, new_page, counsellor, contact, authority_user,
                                                   width):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
        case = open_case(client, "section_25b", counsellor)
        meeting = agenda.create_meeting(today_in_germany() + dt.timedelta(days=30), [contact], counsellor)

    page = new_page(width=width)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients/{client.id}/cases/{case.id}")
    page.get_by_role("link", name="Für die Fallbesprechung mit der Ausländerbehörde vormerken").click()
    page.get_by_label("Frage an die Ausländerbehörde").fill("Frage zu Amina?")
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    expect(page.locator("[role=alert]")).to_contain_text("pseudonymisiert")
    screenshot(page, f"40-agenda-refused-{width}")
    page.get_by_label("Frage an die Ausländerbehörde").fill(QUESTION)
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    page.wait_for_url(f"**/conferences/meetings/{meeting.id}")
    expect(page.locator("#tagesordnung")).to_contain_text(QUESTION)
    screenshot(page, f"41-meeting-agenda-{width}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tagesordnungsblatt herunterladen (.docx)").click()
    sheet = download_info.value
    with zipfile.ZipFile(io.BytesIO(open(sheet.path(), "rb").read())) as package:
        text = re.sub(r"<[^>]+>", "", package.read("word/document.xml").decode())
    assert QUESTION in text and "Yousef" not in text and "DD-4711-25" not in text

    authority = new_page(width=width)
    sign_in(authority, live_server.url, authority_user.username)
    authority.goto(f"{live_server.url}/portal/meetings/")
    number = re.search(r"FB-[A-Z0-9]{6}", text).group(0)
    authority.get_by_role("link", name=number).click()
    expect(authority.locator("#blatt")).to_contain_text(QUESTION)
    expect(authority.locator("#blatt")).to_contain_text("3 bis unter 6 Jahre")
    expect(authority.locator("body")).not_to_contain_text("Yousef")
    screenshot(authority, f"42-portal-sheet-{width}")
    authority.goto(f"{live_server.url}/portal/procedure-statistics/")
    authority.get_by_label("Stichtag").fill("30.09.2026")
    authority.get_by_role("button", name="Speichern").click()
    expect(authority.locator("#errors")).to_contain_text("es fehlt der Wert")
    screenshot(authority, f"43-procedure-stats-errors-{width}")
