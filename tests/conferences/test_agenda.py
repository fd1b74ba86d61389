"""Case conferences: the pseudonymised sheet names nobody, only invited contacts and the client's counsellor read
it, the agreed next step becomes a follow-up the rules leave alone, and the counts for the statistics."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from perspektive import conferences, sealing
from perspektive.clients import open_case, update_facts
from perspektive.clients.records import create_client
from perspektive.conferences import agenda
from perspektive.conferences.models import AgendaItem
from perspektive.conferences.sheet import render_sheet, sheet_context
from perspektive.db import db
from perspektive.followups.models import FollowUpRecord
from perspektive.law import parse_facts, today_in_germany
from perspektive.referrals.consents import record_consent
from tests.conftest import BrowserClient, demo_facts, login

QUESTION = "Kann bei überwiegend gesichertem Lebensunterhalt nach § 25b Abs. 1 S. 2 Nr. 3 erteilt werden?"


def docx_text(data: bytes, parts: str = "") -> str:
    """The text of every XML part of the package (``parts``: only those under this folder, e.g. ``word/``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(name).decode() for name in package.namelist()
                      if name.endswith(".xml") and name.startswith(parts))
    return re.sub(r"<[^>]+>", "", xml)


@pytest.fixture
def amina(app, counsellor):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
        case = open_case(client, "section_25b", counsellor)
        return client, case


@pytest.fixture
def meeting(app, contact, counsellor):
    with db.connection_context():
        return agenda.create_meeting(today_in_germany() + dt.timedelta(days=20), [contact], counsellor)


@pytest.fixture
def item(amina, meeting, counsellor):
    client, case = amina
    with db.connection_context():
        return conferences.put_on_agenda(client, case, QUESTION, counsellor)


def browser(app, username):
    app.test_client_class = BrowserClient
    http = app.test_client()
    assert login(http, username).status_code == 302
    return http


IDENTIFYING = ["Amina", "Yousef", "1990", "12.04.1990", "DD-4711-25", "Bautzner", "01099", "Dresden",
               "02.05.2019", "2019-05-02", "15.03.2021", "10.01.2022", "09.01.2029", "01.09.2015", "01.02.2023"]


def test_sheet_names_nobody(item, dbconn):
    data = render_sheet(sheet_context(item, show_file_number=False))
    everything, text = docx_text(data), docx_text(data, "word/")
    for value in IDENTIFYING:
        assert value not in everything, value
    assert not re.search(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}", text), "an exact date on the sheet"
    assert item.number in text and QUESTION in text
    assert "§ 25b AufenthG" in text and "27 und älter" in text and "mit 1 Kind" in text
    assert "Duldung nach § 60a AufenthG" in text and "3 bis unter 6 Jahre" in text
    assert "Identität geklärt, gültiger Pass" in text


def test_file_number_only_with_release_towards_every_invited_contact(item, amina, contact, counsellor, dbconn):
    invited = agenda.invited(item.meeting)
    today = today_in_germany()
    assert not agenda.file_number_released(item, invited, today)
    record_consent(amina[0], contact, today, ["letter"], counsellor, today)
    assert not agenda.file_number_released(item, invited, today)  # the letter alone does not carry it
    record_consent(amina[0], contact, today, ["summary"], counsellor, today)
    assert agenda.file_number_released(item, invited, today)
    assert "DD-4711-25" in docx_text(render_sheet(sheet_context(item, show_file_number=True)))


def test_question_naming_the_person_is_refused(amina, meeting, counsellor, dbconn):
    client, case = amina
    for question in ("Frau Yousef fragt nach § 25b.", "Akte DD-4711-25?", "geboren 12.04.1990 – Frage?"):
        with pytest.raises(conferences.AgendaError, match="pseudonymisiert"):
            conferences.put_on_agenda(client, case, question, counsellor)
    assert AgendaItem.select().count() == 0


def test_texts_are_sealed_at_rest(item, dbconn):
    raw = AgendaItem.select(AgendaItem.question).where(AgendaItem.id == item.id).scalar()
    assert sealing.is_sealed(raw) and "Lebensunterhalt" not in raw
    assert AgendaItem.get_by_id(item.id).question_text == QUESTION


def test_invited_contact_reads_the_sheet_others_do_not(app, item, make_user, administrator, pgp_key,
                                                        authority_user):
    from perspektive.referrals.contacts import add_contact

    meier = browser(app, authority_user.username)
    listing = meier.get("/portal/meetings/").get_data(as_text=True)
    assert item.number in listing and "Amina" not in listing
    page = meier.get(f"/portal/meetings/items/{item.id}")
    assert page.status_code == 200 and QUESTION in page.get_data(as_text=True)
    assert "Yousef" not in page.get_data(as_text=True)
    download = meier.get(f"/portal/meetings/items/{item.id}.docx")
    assert download.status_code == 200 and item.number in docx_text(download.data)

    schulz_user = make_user("abh-schulz", role="authority_contact", email="s.schulz@abh.example")
    with db.connection_context():
        add_contact(name="Sabine Schulz", email="s.schulz@abh.example", workflows="section_60d",
                    armor=pgp_key("brainpoolP256r1", "s.schulz@abh.example").public, user=schulz_user,
                    actor=administrator)
    schulz = browser(app, "abh-schulz")
    assert schulz.get(f"/portal/meetings/items/{item.id}").status_code == 404
    assert schulz.get(f"/portal/meetings/items/{item.id}.docx").status_code == 404
    assert item.number not in schulz.get("/portal/meetings/").get_data(as_text=True)

    make_user("kollege", display_name="Karl Kollege")
    colleague = browser(app, "kollege")
    assert colleague.get(f"/conferences/items/{item.id}/sheet.docx").status_code == 404
    assert colleague.get(f"/portal/meetings/items/{item.id}").status_code in (403, 404)
    assert item.number not in colleague.get(f"/conferences/meetings/{item.meeting_id}").get_data(as_text=True)


def test_outcome_becomes_a_followup_that_stays(item, amina, counsellor, dbconn):
    due = today_in_germany() + dt.timedelta(days=40)
    conferences.record_outcome(item, counsellor, view="Lebensunterhalt reicht nach Auffassung der Behörde.",
                               recommendation="Antrag stellen", next_steps="Arbeitsvertrag nachreichen",
                               responsible="counselling", due_on=due)
    row = FollowUpRecord.get(FollowUpRecord.kind == f"agreed:{item.number}")
    assert row.due == due and row.state == "open" and item.number in row.text and "Amina" not in row.text
    facts = demo_facts("amina")
    facts["german"]["written"] = "B1"
    update_facts(amina[0], parse_facts(facts), counsellor)  # the rules recompute: the agreed step stays
    assert FollowUpRecord.get_by_id(row.id).state == "open"
    stored = AgendaItem.get_by_id(item.id)
    assert stored.outcome_data["recommendation"] == "Antrag stellen" and sealing.is_sealed(stored.outcome)


def test_conference_counts(item, amina, meeting, counsellor, dbconn):
    day = meeting.held_on
    assert conferences.conference_counts(day, day) == {"held": 0, "recommendations_followed": 0}
    conferences.record_outcome(item, counsellor, view="", recommendation="Antrag stellen", next_steps="",
                               responsible="client", due_on=None)
    conferences.set_followed(item, True, counsellor)
    assert conferences.conference_counts(day, day) == {"held": 1, "recommendations_followed": 1}
    assert conferences.conference_counts(day + dt.timedelta(days=1), day + dt.timedelta(days=90))["held"] == 0


def test_counsellor_puts_case_on_agenda_and_downloads(app, amina, meeting, counsellor):
    client, case = amina
    http = browser(app, counsellor.username)
    form = http.get(f"/conferences/clients/{client.id}/cases/{case.id}/agenda")
    assert form.status_code == 200
    from tests.conftest import csrf_token

    token = csrf_token(form.get_data(as_text=True))
    refused = http.post(f"/conferences/clients/{client.id}/cases/{case.id}/agenda",
                        data={"csrf_token": token, "meeting": meeting.id, "question": "Was ist mit Amina?"})
    assert refused.status_code == 422 and "pseudonymisiert" in refused.get_data(as_text=True)
    done = http.post(f"/conferences/clients/{client.id}/cases/{case.id}/agenda",
                     data={"csrf_token": token, "meeting": meeting.id, "question": QUESTION})
    assert done.status_code == 302
    with db.connection_context():
        item = AgendaItem.get()
    page = http.get(f"/conferences/meetings/{meeting.id}").get_data(as_text=True)
    assert item.number in page and QUESTION in page
    sheet = http.get(f"/conferences/items/{item.id}/sheet.docx")
    assert sheet.status_code == 200 and QUESTION in docx_text(sheet.data)


def test_the_art_15_export_holds_the_conference_and_erasure_removes_it(item, amina, counsellor, dbconn):
    import json

    from perspektive.clients import erase_record
    from perspektive.db import write_transaction
    from perspektive.privacy.export import export_client

    conferences.record_outcome(item, counsellor, view="Pass fehlt", recommendation="Passbeschaffung belegen",
                               next_steps="Botschaftstermin", responsible="client", due_on=None)
    with zipfile.ZipFile(io.BytesIO(export_client(amina[0]))) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/fallbesprechungen.json"))
        exported = json.loads(archive.read(name))
        assert "fallbesprechungen.json" in archive.read(next(n for n in archive.namelist()
                                                             if n.endswith("README.txt"))).decode()
    assert exported[0]["number"] == item.number and exported[0]["question"] == QUESTION
    assert exported[0]["recommendation"] == "Passbeschaffung belegen"
    with write_transaction():
        erase_record(amina[0])
    assert AgendaItem.select().count() == 0


def test_the_next_agenda_lists_earlier_cases_to_those_invited_then(app, item, amina, counsellor, contact,
                                                                   authority_user, make_user, administrator,
                                                                   pgp_key):
    from perspektive.referrals.contacts import add_contact

    with db.connection_context():
        conferences.record_outcome(item, counsellor, view="", recommendation="Antrag stellen", next_steps="x",
                                   responsible="authority", due_on=today_in_germany() + dt.timedelta(days=60))
        user = make_user("abh-neu", role="authority_contact", email="neu@abh.example")
        newcomer = add_contact(name="Nora Neu", email="neu@abh.example", workflows="section_25b",
                               armor=pgp_key("brainpoolP256r1", "neu@abh.example").public, user=user,
                               actor=administrator)
        later = agenda.create_meeting(item.meeting.held_on + dt.timedelta(days=90), [contact, newcomer],
                                      counsellor)
    meier = browser(app, authority_user.username).get("/portal/meetings/").get_data(as_text=True)
    section = meier[meier.index(f'id="treffen-{later.id}"'):]
    assert item.number in section and "besprochen" in section and "nicht besprochen" not in section
    assert "Ausländerbehörde, bis" in section  # who takes the next step, and by when
    neu = browser(app, "abh-neu").get("/portal/meetings/").get_data(as_text=True)
    assert item.number not in neu  # not invited to the meeting that discussed it
    own = browser(app, counsellor.username).get(f"/conferences/meetings/{later.id}").get_data(as_text=True)
    assert item.number in own[own.index('id="fruehere-faelle"'):]
