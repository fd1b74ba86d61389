"""In a real browser, the client's pages a counsellor works in: a new client recorded with the status history (a
row added without JavaScript), then each tab; and for every demo client every tab stays under three screens
(3 × 800 px) at 1280 and 1024 px and nothing is wider than the window. Screenshots of each in tests/artifacts/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from perspektive.clients import cases
from perspektive.clients.models import Client
from perspektive.clients.records import create_client, load_facts
from perspektive.db import db
from perspektive.law.facts import parse_facts
from tests.common.browser import screenshot, sign_in
from tests.conftest import demo_facts

SCREEN = 800
TABS = ("", "/fakten", "/fakten/stay", "/fakten/work", "/wege", "/fristen", "/beratungen", "/uebermittlung")


def measure(page) -> tuple[int, int, int]:
    """The page's height, its width and the window's width, in CSS pixels."""
    return page.evaluate("[document.body.scrollHeight, document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", [1280, 1024])
def test_every_tab_of_every_demo_client_stays_under_three_screens(live_server, new_page, counsellor, width):
    with db.connection_context():
        ids = {}
        for name in ("amina", "dawit", "karim", "yasmin"):
            client = create_client(parse_facts(demo_facts(name)), counsellor)
            cases.open_case(client, "section_25b", counsellor)  # a running case, as a demo client has
            ids[name] = client.id
    page = new_page(width=width, height=SCREEN)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients")  # the list first: a row per client, each with its next deadline
    deadlines = page.locator("table.clients tbody td:nth-child(5)")
    expect(deadlines).to_have_text([re.compile(r"^\d\d\.\d\d\.\d{4}")] * 4)
    screenshot(page, f"29-client-list-{width}")
    height, scroll_width, window = measure(page)
    assert scroll_width <= window, f"the client list is wider than the window at {width} px"
    too_tall, too_wide = {}, {}
    for name, client_id in ids.items():
        for tab in TABS + ("/wege/section_25b",):
            page.goto(f"{live_server.url}/clients/{client_id}{tab}")
            expect(page.locator("nav.tabs")).to_be_visible()
            height, scroll_width, window = measure(page)
            if height > 3 * SCREEN:
                too_tall[f"{name}{tab}"] = height
            if scroll_width > window:
                too_wide[f"{name}{tab}"] = scroll_width
            if name in ("amina", "yasmin"):
                screenshot(page, f"30-client-{name}{tab.replace('/', '-') or '-overview'}-{width}")
    assert not too_tall, f"taller than 3 screens at {width} px: {too_tall}"
    assert not too_wide, f"wider than the window at {width} px: {too_wide}"


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_counsellor_records_a_new_client_with_the_status_history_and_works_through_the_tabs(
        live_server, new_page, counsellor, width):
    page = new_page(width=width, height=SCREEN)
    sign_in(page, live_server.url, counsellor.username)
    page.goto(f"{live_server.url}/clients")
    page.get_by_role("link", name="Neue Mandantin / neuer Mandant").click()
    page.locator('[name="person.given_name"]').fill("Zahra")
    page.locator('[name="person.family_name"]').fill("Ahmadi")
    page.locator('[name="person.date_of_birth"]').fill("2001-05-02")
    page.locator('[name="person.nationality"]').fill("Afghanistan")
    page.locator('[name="person.language"]').fill("Dari")
    page.locator('[name="entry_date"]').fill("2019-09-15")
    rows = int(page.locator('[name="status_history.rows"]').input_value())
    for _ in range(3 - rows):  # as many rows as the history needs, without JavaScript
        page.get_by_role("button", name="Weitere Zeile").click()
    page.locator('[name="status_history.0.status"]').select_option("gestattung")
    page.locator('[name="status_history.0.from"]').fill("2019-09-20")
    page.locator('[name="status_history.0.to"]').fill("2022-04-30")
    page.locator('[name="status_history.1.status"]').select_option("duldung")
    page.locator('[name="status_history.1.from"]').fill("2022-05-01")
    page.locator('[name="status_history.1.valid_until"]').fill("2027-01-31")
    screenshot(page, f"31-new-client-history-{width}")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.locator(".flash-info")).to_contain_text("angelegt")
    expect(page.locator("#person")).to_contain_text("Afghanistan")
    screenshot(page, f"32-new-client-overview-{width}")
    with db.connection_context():
        client = Client.select().order_by(Client.id.desc()).get()
        assert [p.status for p in load_facts(client).status_history] == ["gestattung", "duldung"]

    for tab, shows in (("Fakten", "Person"), ("Wege und Schreiben", "Wege und Schreiben am"),
                       ("Fristen", "Fristen und Termine"), ("Beratungen", "Beratungen"),
                       ("Übermittlung", "Übermittlung an die Ausländerbehörde")):
        page.locator("nav.tabs").get_by_role("link", name=tab, exact=True).click()
        expect(page.locator("nav.tabs a.current")).to_have_text(tab)
        expect(page.locator("main")).to_contain_text(shows)
    page.locator("nav.tabs").get_by_role("link", name="Fristen", exact=True).click()
    expect(page.locator("#fristen")).to_contain_text("Duldungsbescheinigung läuft ab")  # the paper's expiry
    page.locator("nav.tabs").get_by_role("link", name="Fakten", exact=True).click()
    page.locator("nav.subtabs").get_by_role("link", name="Aufenthalt & Status-Verlauf").click()
    expect(page.locator("ol.timeline")).to_contain_text("Aufenthaltsgestattung von 20.09.2019 bis 30.04.2022")
    screenshot(page, f"33-new-client-stay-{width}")


@pytest.mark.parametrize("width", [1280, 1024])
def test_every_verdict_stays_inside_its_column_in_both_languages(live_server, new_page, counsellor, width):
    """"Open from 16.08.2027" is longer than "offen ab 16.08.2027": it once ran over the next column."""
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("dawit")), counsellor)
    page = new_page(width=width, height=SCREEN)
    sign_in(page, live_server.url, counsellor.username)
    for language in ("Deutsch", "English"):
        if language == "English":
            page.get_by_role("button", name="English").click()
        page.goto(f"{live_server.url}/clients/{client.id}/wege")
        badges = page.locator("td > .verdict")
        expect(badges.first).to_be_visible()
        overflowing = page.evaluate("""() => [...document.querySelectorAll('td > .verdict')]
            .filter(b => b.getBoundingClientRect().right > b.parentElement.getBoundingClientRect().right + 0.5)
            .map(b => b.textContent)""")
        assert badges.count() >= 8 and not overflowing, (language, overflowing)
        screenshot(page, f"31-paths-{language}-{width}")
