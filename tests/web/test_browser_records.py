"""In a real browser, the pages that keep a record safe: a facts form saved after someone else's save shows what
they changed and keeps what was typed; an administrator erases a person only after typing the reference, and
sees whom to inform. Screenshots at 1280 and 1024 px land in tests/artifacts/ for people to look at."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from perspektive.clients import load_facts
from perspektive.clients.models import Client
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from tests.common.browser import screenshot, sign_in
from tests.conftest import demo_facts


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_stale_facts_form_shows_the_other_save_and_keeps_the_input(live_server, new_page, counsellor, width):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    url = f"{live_server.url}/clients/{client.id}/facts/person"
    mine, theirs = new_page(width=width), new_page(width=width)
    for page in (mine, theirs):
        sign_in(page, live_server.url, counsellor.username)
        page.goto(url)

    theirs.get_by_label("Aktenzeichen der Ausländerbehörde").fill("ABH-4711")
    theirs.get_by_role("button", name="Speichern").first.click()
    theirs.wait_for_url(lambda u: "/facts/" not in u)

    mine.get_by_label("Vorname").fill("Aminata")
    mine.get_by_role("button", name="Speichern").first.click()
    expect(mine.locator("body")).to_contain_text("Die Fakten wurden inzwischen von jemand anderem geändert")
    expect(mine.locator("table.conflict-changes")).to_contain_text("ABH-4711")
    expect(mine.get_by_label("Vorname")).to_have_value("Aminata")
    screenshot(mine, f"20-facts-conflict-{width}")
    with db.connection_context():
        assert load_facts(Client.get_by_id(client.id)).person.given_name != "Aminata"  # nothing saved over it

    mine.get_by_role("button", name="Speichern").first.click()  # a deliberate save on top: both changes stay
    mine.wait_for_url(lambda u: "/facts/" not in u)
    with db.connection_context():
        person = load_facts(Client.get_by_id(client.id)).person
    assert (person.given_name, person.abh_file_number) == ("Aminata", "ABH-4711")


@pytest.mark.parametrize("width", [1280, 1024])
def test_an_administrator_erases_a_person_after_typing_the_reference(live_server, new_page, administrator,
                                                                     counsellor, width):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    admin = new_page(width=width)
    sign_in(admin, live_server.url, administrator.username)
    admin.goto(f"{live_server.url}/admin/privacy/")
    expect(admin.locator("h1")).to_contain_text("Datenschutz")
    screenshot(admin, f"21-admin-privacy-{width}")

    admin.locator("#erase").get_by_label("Id der Person").fill(str(client.id))
    admin.get_by_role("button", name="Weiter zur Bestätigung").click()
    expect(admin.locator("body")).to_contain_text(client.reference)
    expect(admin.locator("body")).to_contain_text("niemand muss informiert werden")
    admin.get_by_label("Zur Bestätigung das Aktenzeichen eingeben").fill("K-FALSCH")
    admin.get_by_role("button", name="Endgültig löschen").click()
    expect(admin.locator(".field-error")).to_contain_text("es wurde nichts gelöscht")
    screenshot(admin, f"22-admin-erase-refused-{width}")
    with db.connection_context():
        assert Client.get_or_none(Client.id == client.id) is not None

    admin.get_by_label("Zur Bestätigung das Aktenzeichen eingeben").fill(client.reference)
    admin.get_by_role("button", name="Endgültig löschen").click()
    expect(admin.locator("body")).to_contain_text(f"Person {client.id} gelöscht")
    screenshot(admin, f"23-admin-erased-{width}")
    with db.connection_context():
        assert Client.get_or_none(Client.id == client.id) is None
