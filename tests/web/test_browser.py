"""In a real browser (Debian's chromium, driven by Playwright) against the app served over HTTP: a counsellor
records a client and leaves with a letter; an administrator adds a provision and a counsellor sees it.

Screenshots of the main pages land in tests/artifacts/ (ignored by git) for people to look at."""
from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from perspektive.clients.models import Client
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.documents.models import ChecklistTick
from perspektive.law.facts import parse_facts
from tests.common.browser import screenshot, sign_in
from tests.conftest import demo_facts
from tests.documents.test_workflow_upload import GENERIC, console_app, example


@pytest.fixture
def app(tmp_path):
    """The app on copies of workflows/ and letter_templates/: an upload never writes into the repository."""
    yield from console_app(tmp_path)


def test_counsellor_records_a_client_opens_a_25b_case_ticks_an_item_and_downloads_the_letter(
        live_server, new_page, counsellor):
    page = new_page()
    sign_in(page, live_server.url, counsellor.username)
    expect(page.get_by_role("heading", name="Mandantinnen und Mandanten")).to_be_visible()
    screenshot(page, "01-client-list")

    page.get_by_role("link", name="Neue Mandantin / neuer Mandant").click()
    page.get_by_label("Vorname").fill("Amira")
    page.get_by_label("Familienname").fill("Haddad")
    page.get_by_label("Geburtsdatum").fill("1990-03-14")
    page.get_by_label("Geschlecht").select_option("female")
    page.get_by_label("Staatsangehörigkeit").fill("SY")
    page.get_by_label("Sprache, die am besten gelesen wird").fill("ar")
    page.get_by_label("Einreisedatum").fill("2015-09-01")
    page.locator('[name="status_history.0.status"]').select_option("duldung")  # the first row of the history
    page.locator('[name="status_history.0.from"]').fill("2016-03-01")
    screenshot(page, "02-new-client")
    page.get_by_role("button", name="Anlegen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Amira Haddad")
    paths = page.locator("#perspektiven")
    expect(paths).to_contain_text("§ 25b AufenthG")
    expect(paths).to_contain_text("§ 25a AufenthG")
    screenshot(page, "03-client-page")

    page.get_by_label("Fall eröffnen für").select_option("section_25b")
    page.get_by_role("button", name="Fall eröffnen").click()
    page.locator("table.cases").get_by_role("link", name="§ 25b AufenthG").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("§ 25b AufenthG")

    first = page.locator("table.checklist tbody tr").first
    first.get_by_label("erhalten").check()
    with page.expect_navigation():
        first.get_by_role("button", name="Speichern", exact=True).click()
    page.reload()
    expect(page.locator("table.checklist tbody tr").first.get_by_label("erhalten")).to_be_checked()
    screenshot(page, "04-case-page")
    with db.connection_context():
        assert ChecklistTick.select().where(ChecklistTick.done == True).count() == 1  # noqa: E712

    with page.expect_download() as download:
        page.get_by_role("button", name="Antrag (.docx)").click()
    assert download.value.suggested_filename.endswith(".docx")
    letter = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Haddad" in text and "§ 25b" in text


def test_administrator_adds_a_provision_and_a_counsellor_sees_it(live_server, new_page, administrator,
                                                                  counsellor):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    name, toml = example()

    admin = new_page()
    sign_in(admin, live_server.url, administrator.username)
    admin.get_by_role("link", name="Workflows").first.click()
    admin.set_input_files("#workflow_file", files=[{"name": name, "mimeType": "application/toml",
                                                    "buffer": toml.encode()}])
    admin.set_input_files("#antrag", str(GENERIC / "antrag.docx"))
    admin.set_input_files("#checkliste", str(GENERIC / "checkliste.docx"))
    screenshot(admin, "05-admin-upload")
    admin.get_by_role("button", name="Prüfen und speichern").click()
    expect(admin.locator(".flash-info")).to_contain_text("hinzugefügt")
    expect(admin.locator("body")).to_contain_text("§ 16g Abs. 8 AufenthG")
    screenshot(admin, "06-admin-workflows")

    counsellor_page = new_page()
    sign_in(counsellor_page, live_server.url, counsellor.username)
    counsellor_page.goto(f"{live_server.url}/clients/{client.id}")
    expect(counsellor_page.locator("#perspektiven")).to_contain_text("§ 16g Abs. 8 AufenthG")
    screenshot(counsellor_page, "07-client-page-new-provision")


def test_the_pages_in_english_and_on_a_tablet(live_server, new_page, counsellor):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("dawit")), counsellor)
    page = new_page(locale="en-GB", width=820, height=1180)
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    sign_in_english = page.get_by_label("Username")
    sign_in_english.fill(counsellor.username)
    page.get_by_role("button", name="Deutsch").click()  # the switch in the header
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients/{client.id}")
    expect(page.get_by_role("heading", name="Offene Fälle")).to_be_visible()
    screenshot(page, "08-client-page-tablet")
    # Keyboard: the first Tab reaches the language switch, the page is usable without a mouse.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON")
    with db.connection_context():
        assert Client.select().count() == 1
