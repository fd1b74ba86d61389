"""In a real browser: a counsellor records the release, chooses the case summary, sees the preview of exactly what
will be sent, confirms, and the authority contact finds it in the portal by file number, with the guide to open
it. Screenshots at 1280 and 1024 px land in tests/artifacts/ for people to look at."""
from __future__ import annotations

import email
from email import policy

import pytest
from playwright.sync_api import expect

from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.referrals.models import Referral
from tests.common.browser import ARTIFACTS, screenshot, sign_in
from tests.common.docx_text import docx_lines
from tests.conftest import demo_facts

MEIER = "m.meier@abh.example"


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_counsellor_previews_and_sends_and_the_authority_finds_it(app, live_app, live_server, new_page, smtp,
                                                                    counsellor, contact, authority_user, pgp_key,
                                                                    width):
    live_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=app.config["SMTP_PORT"], SMTP_SECURITY="none",
                           GNUPG_HOME=app.config["GNUPG_HOME"])
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    page = new_page(width=width)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients/{client.id}/uebermittlung")

    release = page.locator("#entbindung")
    release.get_by_label("Empfänger/in").select_option(str(contact.id))
    release.get_by_label("Fallzusammenfassung").check()
    for group in ("Person", "Aufenthalt & Status-Verlauf", "Sprache & Integration"):
        release.get_by_label(group, exact=True).check()
    release.get_by_role("button", name="Entbindung erfassen").click()
    expect(page.locator("body")).to_contain_text("Schweigepflichtentbindung erfasst.")

    send = page.locator("#senden")
    expect(send.get_by_label("Fallzusammenfassung")).not_to_be_checked()  # off until chosen
    send.get_by_label("Fallzusammenfassung").check()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#uebermittlung").screenshot(path=str(ARTIFACTS / f"33-client-referral-section-{width}.png"))
    send.get_by_label("Nachricht").fill("Sehr geehrter Herr Meier,\nanbei der Antrag mit Zusammenfassung.")
    send.get_by_role("button", name="Vorschau anzeigen").click()

    expect(page.locator("h1")).to_have_text("Vorschau der Übermittlung")
    summary = page.locator("#vorschau-zusammenfassung")
    expect(summary).to_contain_text("Weg: § 25b AufenthG")
    expect(summary).to_contain_text("mündliche Deutschkenntnisse: B1")
    expect(summary).not_to_contain_text("Verurteilungen")  # not released
    expect(page.locator("#vorschau-anlagen")).to_contain_text("Fallzusammenfassung.docx")
    screenshot(page, f"30-referral-preview-{width}")
    with db.connection_context():
        assert Referral.select().count() == 0
    shown = summary.inner_text()

    page.get_by_role("button", name="Bestätigen und verschlüsselt senden").click()
    expect(page.locator("body")).to_contain_text("eingereiht")
    [received] = smtp.to(MEIER)
    inner = email.message_from_bytes(
        pgp_key("brainpoolP256r1", MEIER).decrypt(list(received.message.iter_parts())[1].get_content()),
        policy=policy.default)
    note, *attached = inner.iter_parts()
    assert note.get_content().rstrip("\r\n") == "Sehr geehrter Herr Meier,\r\nanbei der Antrag mit Zusammenfassung."
    [sent_summary] = [p for p in attached if p.get_filename() == "Fallzusammenfassung.docx"]
    for line in docx_lines(sent_summary.get_payload(decode=True)):
        assert line in shown

    authority = new_page(width=width)
    sign_in(authority, live_server.url, authority_user.username)
    authority.goto(f"{live_server.url}/portal/")
    expect(authority.locator("td.file-number")).to_have_text(["DD-4711-25"])
    expect(authority.locator("body")).not_to_contain_text("Yousef")
    screenshot(authority, f"31-portal-list-{width}")
    authority.get_by_role("link", name="So öffnen Sie eine Übermittlung").click()
    expect(authority.locator("#thunderbird")).to_contain_text("Ende-zu-Ende-Verschlüsselung")
    expect(authority.locator("#outlook")).to_contain_text("GpgOL")
    expect(authority.locator("#kleopatra")).to_contain_text("Entschlüsseln/Prüfen")
    screenshot(authority, f"32-portal-guide-{width}")
