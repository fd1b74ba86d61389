"""The consultation log on the client page: recorded with a form (day, first or follow-up, minutes, who took
part), listed newest first in German, refused with the reason next to the field and the input kept. Today is
Saturday 21.11.2026."""
from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from perspektive.audit import AuditEvent
from perspektive.clients import consultations, records
from perspektive.clients.models import CONSULTATION_ATTENDEES, Client, Consultation
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import csrf_token, demo_facts

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


@pytest.fixture
def client_row(counsellor) -> Client:
    return records.create_client(parse_facts(demo_facts("amina")), counsellor)


def page(response) -> str:
    return response.get_data(as_text=True)


def section(html: str) -> str:
    return html.split('id="beratungen"')[1].split("</section>")[0]


def record(http, client, **form):
    token = csrf_token(page(http.get(f"/clients/{client.id}")))
    data = {"held_on": "2026-11-20", "kind": "first", "duration_minutes": "60", "attendees": ["person"], **form}
    return http.post(f"/clients/{client.id}/consultations", data={"csrf_token": token, **data})


def table(html: str) -> list[list[str]]:
    doc = lxml.html.fromstring(html)
    return [[" ".join(td.text_content().split()) for td in row.xpath("./td")]
            for row in doc.xpath('//table[contains(@class, "consultations")]/tbody/tr')]


def test_every_attendee_has_a_german_name():
    assert list(consultations.ATTENDEE_NAMES) == list(CONSULTATION_ATTENDEES)


def test_the_form_proposes_today_a_first_consultation_and_the_person(logged_in, client_row):
    html = section(page(logged_in.get(f"/clients/{client_row.id}/beratungen")))
    assert "Noch keine Beratung erfasst." in html
    form = lxml.html.fromstring(html).xpath('//form[@id="beratung-erfassen"]')[0]
    values = dict(form.form_values())
    assert values["held_on"] == "2026-11-21" and values["kind"] == "first" and values["attendees"] == "person"
    for name in ("die Person selbst", "Ehrenamtliche/r", "Arbeitgeber/in", "Sozialarbeit", "medizinischer Dienst"):
        assert name in html


def test_consultations_are_listed_newest_first_in_german(logged_in, client_row):
    first = record(logged_in, client_row, held_on="02.03.2026", duration_minutes="90",
                   attendees=["person", "volunteer"])
    assert first.status_code == 302
    assert first.headers["Location"] == f"/clients/{client_row.id}/beratungen"
    assert record(logged_in, client_row, held_on="2026-11-20", kind="follow_up", duration_minutes="30",
                  attendees=["employer", "person", "social_work"]).status_code == 302
    html = page(logged_in.get(f"/clients/{client_row.id}/beratungen"))
    assert "Beratung erfasst." in html
    assert table(html) == [
        ["20.11.2026", "Folgeberatung", "30 Min.", "die Person selbst, Arbeitgeber/in, Sozialarbeit"],
        ["02.03.2026", "Erstberatung", "90 Min.", "die Person selbst, Ehrenamtliche/r"],
    ]
    form = lxml.html.fromstring(section(html)).xpath('//form[@id="beratung-erfassen"]')[0]
    assert dict(form.form_values())["kind"] == "follow_up"  # the first one is recorded
    stored = Consultation.select().order_by(Consultation.id).first()
    assert (stored.held_on, stored.kind, stored.duration_minutes, stored.attendees) == \
        (dt.date(2026, 3, 2), "first", 90, "person,volunteer")
    events = AuditEvent.select().where(AuditEvent.action == "consultation.record").order_by(AuditEvent.id)
    assert [(e.object_id, e.detail) for e in events] == [(str(stored.id), "first"),
                                                         (str(stored.id + 1), "follow_up")]


@pytest.mark.parametrize("form, field, reason", [
    ({"held_on": "22.11.2026"}, "held-on", "Das Datum liegt in der Zukunft."),
    ({"held_on": "gestern"}, "held-on", "Bitte ein gültiges Datum angeben"),
    ({"kind": "other"}, "kind", "Bitte Erst- oder Folgeberatung wählen."),
    ({"duration_minutes": "0"}, "duration", "Bitte die Dauer in Minuten angeben, 1 bis 600."),
    ({"duration_minutes": "601"}, "duration", "Bitte die Dauer in Minuten angeben, 1 bis 600."),
    ({"duration_minutes": "eine Stunde"}, "duration", "Bitte die Dauer in Minuten angeben"),
    ({"attendees": []}, "attendees", "Bitte mindestens eine teilnehmende Person wählen."),
    ({"attendees": ["person", "lawyer"]}, "attendees", "Bitte mindestens eine teilnehmende Person wählen."),
])
def test_a_refused_consultation_says_why_next_to_the_field_and_keeps_the_input(logged_in, client_row, form, field,
                                                                                reason):
    response = record(logged_in, client_row, **{"duration_minutes": "45", **form})
    html = section(page(response))
    assert response.status_code == 422
    error = lxml.html.fromstring(html).get_element_by_id(f"consultation-{field}-error")
    assert reason in error.text_content()
    described = lxml.html.fromstring(html).xpath(f'//*[@aria-describedby="consultation-{field}-error"]')
    assert described  # the input points at its error
    kept = dict(lxml.html.fromstring(html).xpath('//form[@id="beratung-erfassen"]')[0].form_values())
    assert kept["duration_minutes"] == form.get("duration_minutes", "45")
    assert kept["held_on"] == form.get("held_on", "2026-11-20")
    assert Consultation.select().count() == 0


def test_only_one_first_consultation_per_person(logged_in, client_row, counsellor):
    assert record(logged_in, client_row).status_code == 302
    again = record(logged_in, client_row, held_on="21.11.2026")
    assert again.status_code == 422
    assert "Für diese Person ist bereits eine Erstberatung erfasst." in section(page(again))
    assert Consultation.select().count() == 1
    other = records.create_client(parse_facts(demo_facts("dawit")), counsellor)
    assert record(logged_in, other).status_code == 302  # another person has a first consultation of her own


def test_someone_elses_client_gets_no_consultation(logged_in, client_row, make_user):
    theirs = records.create_client(parse_facts(demo_facts("dawit")), make_user("kollege"))
    token = csrf_token(page(logged_in.get(f"/clients/{client_row.id}")))
    response = logged_in.post(f"/clients/{theirs.id}/consultations", data={
        "csrf_token": token, "held_on": "2026-11-20", "kind": "first", "duration_minutes": "60",
        "attendees": "person"})
    assert response.status_code == 404 and Consultation.select().count() == 0
    without_token = logged_in.post(f"/clients/{client_row.id}/consultations", data={
        "held_on": "2026-11-20", "kind": "first", "duration_minutes": "60", "attendees": "person"})
    assert without_token.status_code == 400 and Consultation.select().count() == 0
