"""In a real browser: the case page warns which requirements the Antrag leaves out before the counsellor downloads
it, and the downloaded letter argues the rest from the facts; the facts form takes certificates and voluntary
work. Screenshots at 1280 and 1024 px land in tests/artifacts/ for people to look at."""
from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from perspektive.clients import cases
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from tests.common.browser import ARTIFACTS, screenshot, sign_in
from tests.documents.argument_clients import ahmad


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_counsellor_is_warned_and_the_letter_stays_silent_on_what_is_missing(live_server, new_page, counsellor,
                                                                                 width):
    with db.connection_context():
        client = create_client(parse_facts(ahmad(certificates=[], german={})), counsellor)
        case = cases.open_case(client, "section_25b", counsellor)
    page = new_page(width=width)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients/{client.id}/cases/{case.id}#schreiben")
    warning = page.locator("#nicht-belegt")
    expect(warning).to_contain_text("Diese Voraussetzungen sind nicht belegt und werden im Antrag nicht erwähnt")
    expect(warning).to_contain_text("Hinreichende mündliche Deutschkenntnisse (A2)")
    warning.scroll_into_view_if_needed()
    screenshot(page, f"40-case-letter-warning-{width}")
    page.locator("#schreiben").screenshot(path=str(ARTIFACTS / f"40-case-letter-warning-section-{width}.png"))
    box = warning.bounding_box()
    assert box["x"] + box["width"] <= width  # the warning fits the page
    with page.expect_download() as download:
        page.get_by_role("button", name="Antrag (.docx)").click()
    text = "\n".join(p.text for p in Document(io.BytesIO(open(download.value.path(), "rb").read())).paragraphs)
    text = text.replace("\u00a0", " ")
    assert "Herr Rahimi ist seit dem 01.07.2019 geduldet (§ 25b Abs. 1 S. 1 AufenthG)." in text
    grounds = text.split("Zur Begründung tragen wir Folgendes vor:")[1].split("Wir bitten, dem Antrag")[0]
    assert "Deutschkenntnisse" not in grounds and "nicht erfüllt" not in text and "offen" not in grounds


@pytest.mark.parametrize("width", [1280, 1024])
def test_certificates_and_voluntary_work_are_typed_into_the_language_form(live_server, new_page, counsellor, width):
    with db.connection_context():
        client = create_client(parse_facts(ahmad()), counsellor)
    page = new_page(width=width)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients/{client.id}/facts/language")
    expect(page.locator("body")).to_contain_text("Zeugnisse und Zertifikate")
    expect(page.locator("body")).to_contain_text("Ehrenamtliches Engagement")
    expect(page.locator('input[name="certificates.0.name"]')).to_have_value("telc Deutsch B1")
    page.locator('input[name="voluntary_work.0.organisation"]').scroll_into_view_if_needed()
    screenshot(page, f"41-facts-language-certificates-{width}")
    page.locator("form.facts-form").screenshot(path=str(ARTIFACTS / f"41-facts-language-form-{width}.png"))
