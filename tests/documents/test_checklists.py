"""The checklist of a case: the engine's items merged with what the counsellor recorded, dropped items kept, and
documents flagged that must be renewed before the application. Today is Saturday 21.11.2026."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from perspektive import sealing
from perspektive.audit import AuditEvent
from perspektive.clients import cases, records
from perspektive.db import db
from perspektive.documents import checklists
from perspektive.documents.checklists import ChecklistError, UnknownItem, expiry_flag
from perspektive.documents.models import ChecklistTick
from perspektive.law.engine import current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import demo_facts

TODAY = dt.date(2026, 11, 21)
AMINA_ITEMS = ["application_form", "photo", "passport", "status_document", "registration", "fdgo_declaration",
               "basic_knowledge", "livelihood", "german_a2", "school_certificate_2015-09-01"]


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: dt.datetime(2026, 11, 21, 10, tzinfo=GERMANY))


@pytest.fixture
def case(dbconn, counsellor):
    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    return cases.open_case(client, "section_25b", counsellor)


def checklist(case, assessment=None):
    facts = records.load_facts(case.client)
    if assessment is None:
        [assessment] = current_engine().assess(facts, TODAY, case.workflow)
    return {item.id: item for item in checklists.checklist_of(case, facts, assessment, TODAY)}


def test_the_checklist_is_the_paths_items_for_the_clients_facts_in_order_with_nothing_recorded(case):
    items = checklists.checklist_of(case, records.load_facts(case.client),
                                    current_engine().assess(records.load_facts(case.client), TODAY, "section_25b")[0])
    # No identity_efforts, no medical: Amina's facts do not call for them; the plugin adds her daughter's school.
    assert [i.id for i in items] == AMINA_ITEMS
    assert items[-1].text.startswith("Schulbescheinigung") and "01.09.2015" in items[-1].text
    photo = items[1]
    assert photo.text == "Biometrisches Passfoto" and photo.text_en == "Biometric passport photo"
    assert photo.why == "für § 60 AufenthV: Lichtbild für den Aufenthaltstitel"
    assert photo.listed and not photo.done and photo.note == "" and photo.expires_on is None and photo.flag is None


def test_ticks_notes_and_expiry_days_are_merged_into_their_items(case, counsellor):
    checklists.set_done(case, "photo", True, counsellor)
    checklists.set_note(case, "passport", "  Original am 01.12. mitbringen\r\n ", counsellor)
    checklists.set_expiry(case, "passport", "09.01.2029", counsellor)
    items = checklist(case)
    assert list(items) == AMINA_ITEMS
    assert items["photo"].done and items["photo"].note == ""
    assert not items["passport"].done
    assert items["passport"].note == "Original am 01.12. mitbringen"
    assert items["passport"].expires_on == dt.date(2029, 1, 9) and items["passport"].flag is None

    checklists.set_done(case, "photo", False, counsellor)
    checklists.set_expiry(case, "passport", "", counsellor)
    items = checklist(case)
    assert not items["photo"].done and items["passport"].expires_on is None
    assert items["passport"].note == "Original am 01.12. mitbringen"  # each change touches its own field only
    assert ChecklistTick.select().count() == 2  # one row per item, however often it changes


def test_the_checklist_is_read_in_one_query(case, counsellor, monkeypatch):
    for item in AMINA_ITEMS:
        checklists.set_done(case, item, True, counsellor)
    facts = records.load_facts(case.client)
    [assessment] = current_engine().assess(facts, TODAY, "section_25b")
    statements = []
    execute = db.obj.execute_sql
    monkeypatch.setattr(db.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or execute(sql, *a, **k))
    items = checklists.checklist_of(case, facts, assessment, TODAY)
    assert all(i.done for i in items) and len(statements) == 1


def test_an_item_the_checklist_no_longer_lists_keeps_what_was_recorded(case, counsellor):
    """Medical certificates were asked for while the facts said illness; then the facts changed."""
    facts = demo_facts("amina")
    facts["prevented_by_illness_disability_or_age"] = True
    records.update_facts(case.client, parse_facts(facts), counsellor)
    assert "medical" in checklist(case)
    checklists.set_done(case, "medical", True, counsellor)
    checklists.set_note(case, "medical", "Attest Dr. K. liegt vor", counsellor)

    records.update_facts(case.client, parse_facts(demo_facts("amina")), counsellor)
    items = checklist(case)
    assert list(items) == [*AMINA_ITEMS, "medical"]  # after the listed ones
    medical = items["medical"]
    assert not medical.listed and medical.done and medical.note == "Attest Dr. K. liegt vor"
    assert medical.text == "Ärztliche Bescheinigungen zu Krankheit, Behinderung oder Alter"  # from the workflow file
    checklists.set_done(case, "medical", False, counsellor)  # a dropped item can still be changed
    assert not checklist(case)["medical"].done


def test_a_dropped_item_unknown_to_the_workflow_shows_its_id_and_an_empty_one_is_not_listed(case, counsellor):
    note = sealing.seal("Rückfrage Arbeitgeber", "checklist_tick", "note", f"{case.id}/plugin_item_gone")
    ChecklistTick.create(case=case, item="plugin_item_gone", note=note)
    ChecklistTick.create(case=case, item="emptied_item")  # unticked and cleared: nothing to keep
    items = checklist(case)
    assert "emptied_item" not in items
    gone = items["plugin_item_gone"]
    assert not gone.listed and gone.text == "plugin_item_gone" and gone.note == "Rückfrage Arbeitgeber"


def test_an_item_not_on_the_checklist_can_not_be_recorded(case, counsellor):
    for change in (lambda: checklists.set_done(case, "medical", True, counsellor),
                   lambda: checklists.set_note(case, "gibt_es_nicht", "x", counsellor),
                   lambda: checklists.set_expiry(case, "../photo", "01.01.2027", counsellor)):
        with pytest.raises(UnknownItem):
            change()
    assert ChecklistTick.select().count() == 0


@pytest.mark.parametrize("typed, expected", [
    ("09.01.2029", dt.date(2029, 1, 9)), ("9.1.2029", dt.date(2029, 1, 9)), ("2029-01-09", dt.date(2029, 1, 9)),
    (" 29.02.2028 ", dt.date(2028, 2, 29)), ("", None), ("   ", None),
])
def test_expiry_days_are_read_as_typed_in_german_or_sent_by_a_date_field(typed, expected):
    assert checklists.parse_day(typed) == expected


@pytest.mark.parametrize("typed, says", [
    ("31.02.2026", "gültiges Ablaufdatum"), ("29.02.2027", "gültiges Ablaufdatum"),
    ("morgen", "gültiges Ablaufdatum"), ("01.01.26", "gültiges Ablaufdatum"), ("2026-13-01", "gültiges Ablaufdatum"),
    ("01/02/2026", "gültiges Ablaufdatum"),
])
def test_a_bad_expiry_day_is_refused_naming_the_field(case, counsellor, typed, says):
    with pytest.raises(ChecklistError) as refused:
        checklists.set_expiry(case, "passport", typed, counsellor)
    assert refused.value.field == "expires_on" and says in str(refused.value)
    assert ChecklistTick.select().count() == 0


def test_a_note_longer_than_500_characters_is_refused_naming_the_field(case, counsellor):
    checklists.set_note(case, "photo", "x" * 500, counsellor)
    with pytest.raises(ChecklistError) as refused:
        checklists.set_note(case, "photo", "y" * 501, counsellor)
    assert refused.value.field == "note" and "501 Zeichen" in str(refused.value)
    assert checklist(case)["photo"].note == "x" * 500


def test_changes_are_audited_with_the_item_id_only(case, counsellor):
    checklists.set_done(case, "photo", True, counsellor)
    checklists.set_note(case, "passport", "Pass bei Frau Yousef abholen", counsellor)
    checklists.set_expiry(case, "passport", "09.01.2029", counsellor)
    checklists.set_expiry(case, "passport", "", counsellor)
    checklists.set_done(case, "photo", False, counsellor)
    events = [(e.actor, e.action, e.object_type, e.object_id, e.detail)
              for e in AuditEvent.select().where(AuditEvent.action.startswith("checklist.")).order_by(AuditEvent.id)]
    case_id = str(case.id)
    assert events == [("beraterin", "checklist.done", "case", case_id, "photo"),
                      ("beraterin", "checklist.note", "case", case_id, "passport"),
                      ("beraterin", "checklist.expiry", "case", case_id, "passport"),
                      ("beraterin", "checklist.expiry_cleared", "case", case_id, "passport"),
                      ("beraterin", "checklist.undone", "case", case_id, "photo")]
    row = ChecklistTick.get(ChecklistTick.item == "passport")
    assert row.updated_by_id == counsellor.id


def test_a_date_in_a_plugin_items_id_is_masked_in_the_audit_trail(case, counsellor):
    checklists.set_done(case, "school_certificate_2015-09-01", True, counsellor)
    event = AuditEvent.select().where(AuditEvent.action == "checklist.done").get()
    assert event.detail == "school_certificate_…"
    assert checklist(case)["school_certificate_2015-09-01"].done
    assert "2015" not in checklists.anchor("school_certificate_2015-09-01")


# --- expiry flags ---------------------------------------------------------------------------------------------------

def test_a_document_that_has_expired_is_flagged():
    flag = expiry_flag(dt.date(2026, 11, 20), TODAY)
    assert flag.kind == "expired" and flag.text.startswith("Abgelaufen am 20.11.2026 – vor dem Antrag erneuern.")


def test_a_document_that_expires_within_30_days_is_flagged_and_one_valid_longer_is_not():
    assert expiry_flag(TODAY, TODAY).kind == "soon"  # still valid today
    last = expiry_flag(dt.date(2026, 12, 21), TODAY)
    assert last.kind == "soon" and "Läuft am 21.12.2026 ab, in weniger als 30 Tagen" in last.text
    assert expiry_flag(dt.date(2026, 12, 22), TODAY) is None
    assert expiry_flag(None, TODAY) is None


def test_a_document_that_expires_before_the_path_opens_is_flagged():
    opens = dt.date(2027, 3, 1)
    flag = expiry_flag(dt.date(2027, 2, 28), TODAY, opens)
    assert flag.kind == "before_opening"
    assert "Läuft am 28.02.2027 ab, vor dem frühesten Antragstag 01.03.2027" in flag.text
    assert expiry_flag(dt.date(2027, 3, 1), TODAY, opens) is None  # valid on the day the path opens
    assert expiry_flag(dt.date(2026, 12, 1), TODAY, opens).kind == "soon"  # the nearer reason first


def test_the_checklist_flags_by_the_paths_earliest_date_when_it_opens_later(case, counsellor):
    checklists.set_expiry(case, "passport", "15.02.2027", counsellor)
    facts = records.load_facts(case.client)
    [now] = current_engine().assess(facts, TODAY, "section_25b")
    assert now.verdict == "eligible" and checklist(case, now)["passport"].flag is None
    later = dataclasses.replace(now, verdict="eligible_from", earliest_date=dt.date(2027, 3, 1))
    assert checklist(case, later)["passport"].flag.kind == "before_opening"
    checklists.set_expiry(case, "passport", "01.11.2026", counsellor)
    assert checklist(case)["passport"].flag.kind == "expired"
