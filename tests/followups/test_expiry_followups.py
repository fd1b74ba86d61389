"""Expiry days as deadlines: the passport, the current Duldung or Gestattung paper (``valid_until`` of the last
status period) and a checklist document's expiry day become follow-ups with reminders, listed on the client's
deadlines tab and the dashboard, and in the calendar feed without a name."""
from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from perspektive.clients import cases, records
from perspektive.followups.models import FollowUpRecord
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import BrowserClient, csrf_token, demo_facts

TODAY = dt.datetime(2026, 11, 18, 10, 0, tzinfo=GERMANY)  # a Wednesday
D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def fixed_day(app, monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)
    app.config["PUBLIC_URL"] = "https://perspektive.example.org/"


def dawit(passport: str | None = "2027-03-31", duldung_until: str | None = "2026-12-15") -> dict:
    facts = demo_facts("dawit")
    facts.setdefault("identity", {})["passport_valid_until"] = passport
    facts["status_history"] = [{"status": "gestattung", "from": "2021-08-20", "to": "2023-06-30"},
                               {"status": "duldung", "from": "2023-07-01", "to": None,
                                "valid_until": duldung_until}]
    return facts


def expiry_rows(client) -> dict[str, FollowUpRecord]:
    query = FollowUpRecord.select().where((FollowUpRecord.client == client)
                                          & FollowUpRecord.kind.contains("expires"))
    return {row.kind: row for row in query}


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_duldung_paper_and_the_passport_become_deadlines_with_reminders(counsellor):
    client = records.create_client(parse_facts(dawit()), counsellor)
    rows = expiry_rows(client)
    assert set(rows) == {"passport_expires", "duldung_expires"}
    duldung, passport = rows["duldung_expires"], rows["passport_expires"]
    assert (duldung.workflow, duldung.due, duldung.state) == ("", D("2026-12-15"), "open")
    assert duldung.citation == "§ 60a Abs. 4 AufenthG" and "Duldung gültig bis 15.12.2026" in duldung.basis
    assert duldung.remind_days_before == "28,7"
    assert duldung.next_reminder_on == D("2026-11-17")  # 28 days before: already due, sent at once
    assert passport.due == D("2027-03-31") and passport.citation == "§ 3 Abs. 1, § 48 Abs. 1 AufenthG"
    assert passport.next_reminder_on == D("2026-12-31")  # 90 days before
    for row in rows.values():  # the texts come from the rule: no name, no fact but the day
        assert "Dawit" not in row.text and "Tesfaye" not in row.text


def test_a_renewed_paper_moves_the_deadline_and_a_cleared_one_drops_it(counsellor):
    client = records.create_client(parse_facts(dawit()), counsellor)
    records.update_facts(client, parse_facts(dawit(duldung_until="2027-06-15")), counsellor)
    moved = expiry_rows(client)["duldung_expires"]
    assert moved.due == D("2027-06-15") and moved.previous_due == D("2026-12-15")
    assert "Datum geändert von 15.12.2026 auf 15.06.2027" in moved.change_note
    records.update_facts(client, parse_facts(dawit(passport=None, duldung_until="2027-06-15")), counsellor)
    assert expiry_rows(client)["passport_expires"].state == "dismissed"


def test_a_gestattung_paper_and_a_permit_paper_are_deadlines_too(counsellor):
    facts = dawit(passport=None)
    facts["status_history"] = [{"status": "gestattung", "from": "2021-08-20", "to": None,
                                "valid_until": "2027-02-01"}]
    client = records.create_client(parse_facts(facts), counsellor)
    assert expiry_rows(client)["gestattung_expires"].citation == "§ 63 Abs. 2 AsylG"
    facts["status_history"] = [{"status": "aufenthaltserlaubnis", "from": "2025-01-01", "to": None,
                                "valid_until": "2027-12-31"}]
    records.update_facts(client, parse_facts(facts), counsellor)
    rows = expiry_rows(client)
    assert rows["permit_expires"].due == D("2027-12-31") and rows["permit_expires"].state == "open"
    assert rows["gestattung_expires"].state == "dismissed"  # the paper is gone with the status


def test_the_valid_until_of_a_status_period_is_optional_and_kept(counsellor):
    facts = dawit()
    assert parse_facts(facts).status_history[-1].valid_until == D("2026-12-15")
    assert parse_facts(facts).to_json_dict()["status_history"][-1]["valid_until"] == "2026-12-15"
    del facts["status_history"][-1]["valid_until"]
    assert parse_facts(facts).status_history[-1].valid_until is None  # older files stay valid
    assert "valid_until" not in parse_facts(facts).to_json_dict()["status_history"][-1]


def test_a_checklist_expiry_day_becomes_a_deadline_of_the_path(logged_in, counsellor):
    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    case = cases.open_case(client, "section_25b", counsellor)
    url = f"/clients/{client.id}/cases/{case.id}"
    token = csrf_token(page(logged_in.get(url)))
    response = logged_in.post(f"{url}/checklist/expiry",
                              data={"csrf_token": token, "item": "passport", "expires_on": "20.01.2027"})
    assert response.status_code == 302
    row = expiry_rows(client)["document_expires_passport"]
    assert (row.workflow, row.due, row.case_id, row.state) == ("section_25b", D("2027-01-20"), case.id, "open")
    assert row.text.startswith("Unterlage läuft ab: ") and row.citation == "§ 82 Abs. 1 AufenthG"
    assert row.next_reminder_on == D("2026-11-20")  # 60 days before is a Saturday: the Friday
    deadlines = page(logged_in.get(f"/clients/{client.id}/fristen"))
    assert "20.01.2027" in deadlines and "Unterlage läuft ab" in deadlines
    assert "Unterlage läuft ab" in page(logged_in.get("/followups"))  # the dashboard

    token = csrf_token(page(logged_in.get(url)))
    logged_in.post(f"{url}/checklist/expiry", data={"csrf_token": token, "item": "passport", "expires_on": ""})
    assert expiry_rows(client)["document_expires_passport"].state == "dismissed"


def test_expiry_deadlines_are_in_the_calendar_feed_without_a_name(app, logged_in, counsellor):
    client = records.create_client(parse_facts(dawit()), counsellor)
    token = csrf_token(page(logged_in.get("/calendar")))
    html = page(logged_in.post("/calendar", data={"csrf_token": token}))
    feed = re.search(r'id="feed-url" value="([^"]+)"', html)[1].replace("&amp;", "&")
    anonymous = BrowserClient(app, app.response_class)
    response = anonymous.get(feed.removeprefix("https://perspektive.example.org"))
    assert response.status_code == 200
    events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    days = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert days["Frist: Duldungsbescheinigung läuft ab: vor dem Ablauf bei der …"] == D("2026-12-15")
    assert D("2027-03-31") in days.values()
    text = response.data.decode()
    for personal in ("Dawit", "Tesfaye", client.reference):
        assert personal not in text
