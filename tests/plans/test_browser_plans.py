"""In a real browser: the new facts forms of issue 16 (spouse, livelihood month by month, application & procedure,
integration course & Helferausbildung) and planned events typed into their form, then the client page's what-if
section. Screenshots at 1280 and 1024 px land in tests/artifacts/ for people to look at."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from tests.common.browser import ARTIFACTS, screenshot, sign_in
from tests.law.provisions.test_section_25b import person


@pytest.mark.parametrize("width", [1280, 1024])
def test_new_fact_forms_and_a_planned_exam_on_the_client_page(live_server, new_page, counsellor, width):
    facts = person(german={"oral": "A1", "written": "A1"}, household={"spouse_or_partner": True, "minor_children": []},
                   spouse={"identity_clarified_on": "2019-05-02", "german_written": "A2", "convictions": [
                       {"date": "2021-03-04", "intentional": True, "fine_daily_rates": 20,
                        "bzrg_catalogue_offence": False}]},
                   livelihood_months=[{"month": "2026-09", "secured": True, "public_funds": False},
                                      {"month": "2026-10", "secured": False, "public_funds": True}],
                   application={"filed_on": "2026-10-01", "workflow": "section_25b", "pending": True})
    with db.connection_context():
        client = create_client(parse_facts(facts), counsellor)
    page = new_page(width=width)
    sign_in(page, live_server.url, counsellor.username)
    for group in ("spouse", "livelihood_months", "procedure", "course_and_helper"):
        page.goto(f"{live_server.url}/clients/{client.id}/facts/{group}")
        expect(page.locator("h1")).to_be_visible()
        screenshot(page, f"40-facts-{group}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") == width
    page.goto(f"{live_server.url}/clients/{client.id}/plans")
    page.locator("#p0-on").fill("15.03.2027")
    page.locator("#p0-kind").select_option("german_exam")
    page.locator("#p0-level").select_option("B1")
    page.locator("#p1-on").fill("01.02.2027")
    page.locator("#p1-kind").select_option("employment_start")
    page.locator("#p1-hours").fill("30")
    screenshot(page, f"41-plans-form-{width}")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(lambda u: "/plans" not in u)
    section = page.locator("#plaene")
    expect(section).to_contain_text("15.03.2027")
    expect(section.locator("tr", has_text="§ 25b AufenthG")).to_contain_text("Deutschprüfung")
    assert page.evaluate("document.documentElement.scrollWidth") == width  # wide fact tables scroll, not the page
    for part in ("perspektiven", "plaene"):
        page.locator(f"#{part}").screenshot(path=str(ARTIFACTS / f"42-client-{part}-{width}.png"))
