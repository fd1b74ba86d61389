"""The Antrag's Anlagen and the client's handout come from the items ticked as received on the case: the Anlagen
name only what was received, in the document's words, and the handout shows it as received and lists what is
still missing, with the counsellor's contact. Today is 21.11.2026."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.clients import cases, load_facts, records
from perspektive.db import db
from perspektive.documents import checklists
from perspektive.documents.letters import render_letter
from perspektive.law import current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import csrf_token, demo_facts
from tests.documents.test_letters import document_text

ON = dt.date(2026, 11, 21)
TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)
PASSPORT = "Nationalpass oder Passersatz (Kopie, Original zur Vorlage)"
REGISTRATION = "Meldebescheinigung"
A2 = "Sprachzertifikat mindestens A2 (telc, Goethe, ÖSD) oder deutsches Schul- oder Berufsabschlusszeugnis"


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


def amina_case(owner, language: str = "de", **changes):
    data = demo_facts("amina")
    data = {**data, **changes, "person": {**data["person"], "language": language}}
    client = records.create_client(parse_facts(data), owner)
    return client, cases.open_case(client, "section_25b", owner)


def letter(case, kind: str, counsellor) -> str:
    return document_text(render_letter("section_25b", load_facts(case.client), ON, kind, counsellor, case=case))


def anlagen_of(text: str) -> list[str]:
    """The lines of the Antrag's list of Anlagen, after the heading."""
    block = text.split("\nAnlagen\n", 1)[1]
    return [line.removeprefix("– ") for line in block.splitlines() if line.startswith("– ")]


def test_only_received_items_become_anlagen_in_the_documents_words(dbconn, counsellor):
    client, case = amina_case(counsellor)
    checklists.set_done(case, "passport", True, counsellor)
    checklists.set_done(case, "german_a2", True, counsellor)
    checklists.set_note(case, "german_a2", "Zertifikat telc Deutsch B1 vom 12.03.2026", counsellor)
    checklists.set_done(case, "registration", True, counsellor)
    checklists.set_done(case, "registration", False, counsellor)  # unticked again: not received after all
    checklists.set_note(case, "photo", "bringt sie nächste Woche", counsellor)  # a note alone is no receipt
    assert anlagen_of(letter(case, "antrag", counsellor)) == [
        "Vollmacht",
        "Kopie des Reisepasses",
        "Deutsch-Sprachzertifikat (Zertifikat telc Deutsch B1 vom 12.03.2026)",
    ]


def test_nothing_ticked_lists_only_the_power_of_attorney_and_no_alternatives(dbconn, counsellor):
    client, case = amina_case(counsellor)
    text = letter(case, "antrag", counsellor)
    assert anlagen_of(text) == ["Vollmacht"]
    assert PASSPORT not in text and "Meldebescheinigung" not in text


def test_the_status_document_is_named_after_the_status_held(dbconn, counsellor):
    """"Aktuelle Duldung bzw. Aufenthaltserlaubnis nach § 104c" is an alternative for the client; the Anlage is the
    one document the client holds: Amina holds a Duldung."""
    client, case = amina_case(counsellor)
    checklists.set_done(case, "status_document", True, counsellor)
    assert anlagen_of(letter(case, "antrag", counsellor)) == ["Vollmacht", "Kopie der aktuellen Duldung"]


def test_a_childs_school_certificate_keeps_the_childs_date(dbconn, counsellor):
    client, case = amina_case(counsellor)
    checklists.set_done(case, "school_certificate_2015-09-01", True, counsellor)
    assert "Schulbescheinigung für das Kind, geboren am 01.09.2015" in anlagen_of(letter(case, "antrag", counsellor))


def test_the_handout_shows_received_and_missing_items_and_the_contact(dbconn, counsellor):
    counsellor.phone = "0351 123456"
    counsellor.save()
    client, case = amina_case(counsellor)
    checklists.set_done(case, "passport", True, counsellor)
    checklists.set_done(case, "registration", True, counsellor)
    text = letter(case, "checkliste", counsellor)
    missing, received = text.split("Das fehlt noch", 1)[1].split("Das haben wir schon erhalten", 1)
    received, contact = received.split("Ihre Ansprechperson", 1)
    assert f"☒\t{PASSPORT} – erhalten" in received and f"☒\t{REGISTRATION} – erhalten" in received
    assert PASSPORT not in missing and REGISTRATION not in missing
    assert f"☐\t{A2}" in missing and "☐\tBiometrisches Passfoto" in missing
    assert "☐" not in received and "☒" not in missing
    assert "Berta Beraterin" in contact and "Telefon: 0351 123456" in contact
    assert "E-Mail: berta@fluechtlingsrat.example" in contact
    # German throughout: no English line, no note on a translation.
    assert "Please" not in text and "passport" not in text and "Übersetzung" not in text


def test_the_handout_gives_the_office_when_the_counsellor_has_no_phone(app, dbconn, counsellor):
    app.config["ORGANISATION_PHONE"] = "0351 999000"
    client, case = amina_case(counsellor)
    text = letter(case, "checkliste", counsellor)
    assert "Telefon: 0351 999000" in text and "Flüchtlingsrat – Bleiberechtsberatung" in text


def test_everything_received_says_nothing_is_missing(dbconn, counsellor):
    client, case = amina_case(counsellor)
    engine = current_engine()
    facts = load_facts(client)
    [assessment] = engine.assess(facts, ON, "section_25b")
    for entry in engine.checklist(engine.workflow("section_25b"), facts, assessment):
        checklists.set_done(case, entry.id, True, counsellor)
    text = letter(case, "checkliste", counsellor)
    assert "Es fehlt nichts mehr." in text and "☐" not in text and "Noch nichts." not in text


def test_the_client_page_download_lists_what_was_ticked_on_the_clients_case(logged_in, counsellor):
    """The client page offers the letters per path, without a case: the Anlagen come from the client's case on
    that path."""
    with db.connection_context():
        client, case = amina_case(counsellor)
        checklists.set_done(case, "photo", True, counsellor)
    token = csrf_token(logged_in.get(f"/clients/{client.id}").get_data(as_text=True))
    answer = logged_in.post(f"/clients/{client.id}/letters/section_25b/antrag", data={"csrf_token": token})
    assert answer.status_code == 200
    assert anlagen_of(document_text(answer.data)) == ["Vollmacht", "Biometrisches Lichtbild"]


def test_the_hardship_petition_names_its_anlagen_as_documents_not_as_instructions(dbconn, counsellor):
    """§ 23a AufenthG: the Eingabe to the Härtefallkommission lists "Kopie der aktuellen Duldung" (the checklist's
    "Duldung oder Grenzübertrittsbescheinigung" is a choice for the client, not a document), or the
    Grenzübertrittsbescheinigung for a client without a Duldung, and the documents' short names."""
    def eingabe(client, case) -> list[str]:
        facts = load_facts(client)
        return anlagen_of(document_text(render_letter("section_23a", facts, ON, "antrag", counsellor, case=case)))

    client, _ = amina_case(counsellor)
    case = cases.open_case(client, "section_23a", counsellor)
    for item in ("consent", "duldung", "life_story", "livelihood"):
        checklists.set_done(case, item, True, counsellor)
    assert eingabe(client, case) == [
        "Vollmacht",
        "Einwilligung in die Verarbeitung der Daten durch die Mitglieder der Härtefallkommission, unterschrieben",
        "Kopie der aktuellen Duldung", "Lebenslauf", "Nachweise zur Sicherung des Lebensunterhalts"]
    history = [{"status": "duldung", "from": "2017-05-02", "to": "2026-06-30"},
               {"status": "ohne_status", "from": "2026-07-01", "to": None}]
    client, _ = amina_case(counsellor, status_history=history)
    case = cases.open_case(client, "section_23a", counsellor)
    checklists.set_done(case, "duldung", True, counsellor)
    assert eingabe(client, case) == ["Vollmacht", "Kopie der Grenzübertrittsbescheinigung"]
