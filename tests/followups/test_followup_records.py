"""Follow-ups as rows: created, moved, retired and reopened as facts and cases change (``followup_records``)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from perspektive.clients import cases, records
from perspektive.followups.models import FollowUpRecord
from perspektive.followups.records import set_state, sync_all, sync_client
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import demo_facts

D = dt.date.fromisoformat
TODAY = D("2026-11-18")  # a Wednesday (Buß- und Bettag in Saxony)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany",
                        lambda: dt.datetime.combine(TODAY, dt.time(10, 0), GERMANY))


def yasmin(**training) -> dict:
    facts = demo_facts("yasmin")
    facts["training"] = {**facts.get("training", {}), **training}
    return facts


def rows(client) -> dict:
    return {(r.workflow, r.kind): r for r in FollowUpRecord.select().where(FollowUpRecord.client == client)}


def test_a_new_client_gets_rows_for_coming_dates_only(dbconn, counsellor):
    facts = yasmin()
    facts["entry_date"] = "2021-02-01"  # the identity deadline (+6 months) lies years back: no task
    client = records.create_client(parse_facts(facts), counsellor)
    found = rows(client)
    assert ("section_60c", "identity_deadline") not in found
    window = found[("section_60c", "application_window_opens")]
    assert (window.due, window.state, window.state_by) == (D("2027-01-01"), "open", None)
    assert window.next_reminder_on == D("2026-12-18") and window.remind_days_before == "14"
    assert found[("section_25a", "last_day_before_27")].due == D("2031-02-13")


def test_a_moved_date_keeps_its_row_and_says_why(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    before = rows(client)[("section_16g", "application_window_opens")]
    records.update_facts(client, parse_facts(yasmin(start_date="2027-09-01")), counsellor)
    after = rows(client)[("section_16g", "application_window_opens")]
    assert after.id == before.id
    assert (after.previous_due, after.due, after.state) == (D("2027-01-01"), D("2027-02-01"), "open")
    assert after.change_note == "Datum geändert von 01.01.2027 auf 01.02.2027: Fakten geändert am 18.11.2026"
    assert after.next_reminder_on == D("2027-01-18")


def test_a_done_row_opens_again_when_its_date_moves_but_not_otherwise(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    row = rows(client)[("section_60c", "training_ends")]
    set_state(row, "done", counsellor, "Termin vereinbart")
    records.update_facts(client, parse_facts(yasmin(registration_applied=True)), counsellor)  # date unchanged
    assert rows(client)[("section_60c", "training_ends")].state == "done"
    records.update_facts(client, parse_facts(yasmin(end_date="2030-08-31")), counsellor)
    moved = rows(client)[("section_60c", "training_ends")]
    assert (moved.state, moved.due, moved.state_by) == ("open", D("2030-08-31"), None)
    assert moved.note == "wieder offen: erledigt war die Frist zum 31.07.2030"


def test_a_row_whose_basis_is_gone_is_dismissed_by_the_system_and_comes_back_with_it(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    without = yasmin()
    del without["training"]
    records.update_facts(client, parse_facts(without), counsellor)
    gone = rows(client)[("section_60c", "application_window_opens")]
    assert (gone.state, gone.state_by, gone.next_reminder_on) == ("dismissed", None, None)
    assert gone.note.startswith("entfallen: Fakten geändert am 18.11.2026")
    records.update_facts(client, parse_facts(yasmin()), counsellor)
    back = rows(client)[("section_60c", "application_window_opens")]
    assert (back.id, back.state, back.next_reminder_on) == (gone.id, "open", D("2026-12-18"))


def test_a_row_the_counsellor_dismissed_stays_dismissed(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    row = rows(client)[("section_16g", "training_ends")]
    set_state(row, "dismissed", counsellor, "Ausbildung wird nicht angetreten")
    records.update_facts(client, parse_facts(yasmin(end_date="2030-08-31")), counsellor)
    kept = rows(client)[("section_16g", "training_ends")]
    assert (kept.state, kept.state_by_id, kept.due) == ("dismissed", counsellor.id, D("2030-08-31"))
    assert kept.next_reminder_on is None


def test_closing_a_case_retires_its_paths_rows_and_a_new_case_brings_them_back(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    case = cases.open_case(client, "section_25a", counsellor)
    assert rows(client)[("section_25a", "last_day_before_27")].case_id == case.id
    cases.set_status(case, "granted", counsellor)
    found = rows(client)
    closed = found[("section_25a", "last_day_before_27")]
    assert (closed.state, closed.next_reminder_on) == ("dismissed", None)
    assert closed.note == "Fall § 25a AufenthG erteilt (Stand 18.11.2026)"
    assert found[("section_60c", "application_window_opens")].state == "open"
    with pytest.raises(cases.CaseError):
        cases.set_status(case, "open", counsellor)
    again = cases.open_case(client, "section_25a", counsellor)
    reopened = rows(client)[("section_25a", "last_day_before_27")]
    assert (reopened.state, reopened.case_id) == ("open", again.id)


def test_one_open_case_per_path(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    cases.open_case(client, "section_60c", counsellor)
    with pytest.raises(cases.CaseError, match="bereits ein Fall offen"):
        cases.open_case(client, "section_60c", counsellor)
    with pytest.raises(cases.CaseError, match="Unbekannter Weg"):
        cases.open_case(client, "section_99x", counsellor)


def test_recomputing_unchanged_facts_writes_nothing_and_schedules_nothing(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    snapshot = {key: copy.copy(row.__data__) for key, row in rows(client).items()}
    assert sync_client(client) == []
    assert sync_all() == (1, [])
    assert {key: row.__data__ for key, row in rows(client).items()} == snapshot


def test_a_row_moved_into_the_past_stays_and_shows_overdue(dbconn, counsellor):
    client = records.create_client(parse_facts(yasmin()), counsellor)
    records.update_facts(client, parse_facts(yasmin(start_date="2027-05-01")), counsellor)
    row = rows(client)[("section_60c", "application_window_opens")]
    assert (row.due, row.state, row.next_reminder_on) == (D("2026-10-01"), "open", None)


def test_a_milestone_whose_day_has_come_stays_for_the_counsellor(dbconn, counsellor, monkeypatch):
    """From the day § 25b opens, the path is ``eligible`` and ``earliest_date`` computes nothing: the row is due,
    not gone."""
    client = records.create_client(parse_facts(demo_facts("dawit")), counsellor)
    assert rows(client)[("section_25b", "path_opens")].due == D("2027-08-16")
    for day in (D("2027-08-16"), D("2027-08-20")):
        monkeypatch.setattr("perspektive.law.periods.now_in_germany",
                            lambda day=day: dt.datetime.combine(day, dt.time(6, 0), GERMANY))
        sync_client(client, why="Tagesabgleich")
        row = rows(client)[("section_25b", "path_opens")]
        assert (row.state, row.state_by) == ("open", None)
