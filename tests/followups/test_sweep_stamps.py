"""The daily sweep recomputes only the clients for whom something changed (``followups.stamps``): with nothing
changed it opens no facts at all; a change of the facts (also one written past the hook, as an import or a restore
writes it), of a case, of a workflow file, or the calendar reaching a due or reminder day is picked up."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from perspektive.clients import cases, records, sealed
from perspektive.clients.models import Client
from perspektive.followups.models import FollowUpRecord, FollowUpStamp
from perspektive.followups.records import sync_all
from perspektive.law.engine import current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import demo_facts

NAMES = ("amina", "dawit", "karim", "yasmin")


class Clock:
    day = dt.date(2026, 11, 18)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("perspektive.law.periods.now_in_germany",
                        lambda: dt.datetime.combine(clock.day, dt.time(4, 41), GERMANY))
    return clock


@pytest.fixture
def opened(monkeypatch):
    """The ids of the clients whose facts were opened (every path to a client's facts goes through these)."""
    seen: list[int] = []
    open_client, open_revision = sealed.open_client, sealed.open_revision

    def counting_client(client):
        seen.append(client.id)
        return open_client(client)

    def counting_revision(revision):
        seen.append(revision.client_id)
        return open_revision(revision)

    monkeypatch.setattr(sealed, "open_client", counting_client)
    monkeypatch.setattr(sealed, "open_revision", counting_revision)
    return seen


@pytest.fixture
def swept(dbconn, counsellor, clock, opened):
    """Eight clients, swept once (everyone is recomputed the first time), and the record of opened facts reset."""
    made = [records.create_client(parse_facts(demo_facts(name)), counsellor) for name in NAMES * 2]
    assert sync_all()[0] == len(made)
    assert FollowUpStamp.select().count() == len(made)
    opened.clear()
    return made


def sweep(opened) -> set[int]:
    """Sweep; the clients whose facts it opened."""
    opened.clear()
    count, _changed = sync_all()
    assert count == len(set(opened))
    return set(opened)


def test_a_sweep_with_nothing_changed_opens_no_facts(swept, opened):
    assert sync_all() == (0, [])
    assert opened == []
    assert sweep(opened) == set()


def test_changed_facts_are_picked_up_for_that_client_only(swept, opened, counsellor):
    target = swept[2]
    facts = demo_facts(NAMES[2])
    facts["person"]["family_name"] = "Neu"
    records.update_facts(target, parse_facts(facts), counsellor)
    assert sweep(opened) == {target.id}
    assert sweep(opened) == set()


def test_facts_written_past_the_hook_are_picked_up(swept, opened, clock):
    """As an import or a restore writes them: the follow-up's day moves with the new date of birth."""
    target = swept[3]  # yasmin: the last day before her 27th birthday is a follow-up
    before = {(r.workflow, r.kind): r.due for r in FollowUpRecord.select().where(FollowUpRecord.client == target)}
    facts = demo_facts(NAMES[3])
    born = dt.date.fromisoformat(facts["person"]["date_of_birth"])
    facts["person"]["date_of_birth"] = (born + dt.timedelta(days=40)).isoformat()
    text = sealed.dump(parse_facts(facts))
    Client.update(facts_json=sealed.seal_client(target, text), revision=Client.revision + 1).where(
        Client.id == target.id).execute()
    assert sweep(opened) == {target.id}
    after = {(r.workflow, r.kind): r.due for r in FollowUpRecord.select().where(FollowUpRecord.client == target)}
    moved = [key for key in before.keys() & after.keys() if before[key] != after[key]]
    assert moved == [("section_25a", "last_day_before_27")]


def test_a_case_opened_and_closed_is_picked_up(swept, opened, counsellor):
    target = swept[1]
    workflow = next(iter(current_engine().workflows))
    case = cases.open_case(target, workflow, counsellor)
    assert sweep(opened) == {target.id}
    cases.set_status(case, "submitted", counsellor)
    assert sweep(opened) == set()  # still open: nothing the rows depend on changed
    cases.set_status(case, "closed", counsellor)
    assert sweep(opened) == {target.id}
    assert sweep(opened) == set()


def test_a_replaced_workflow_file_recomputes_everyone(swept, opened):
    path = Path(current_engine().workflow("section_25b").source)  # as an upload replaces it
    path.write_text(path.read_text(encoding="utf-8") + "\n# ersetzt\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    assert sweep(opened) == {c.id for c in swept}
    assert sweep(opened) == set()


def test_the_same_files_written_anew_on_another_host_recompute_no_one(swept, opened):
    """Several hosts each write the uploaded provisions to their own disk, at their own time: a sweep on any of them
    finds the rules unchanged as long as the contents are the same."""
    path = Path(current_engine().workflow("section_25b").source)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    current_engine().reload_if_changed()
    assert sweep(opened) == set()


def test_the_calendar_reaching_a_due_day_recomputes_whose_day_it_is(swept, opened, clock):
    days = {s.client_id: s.recheck_on for s in FollowUpStamp.select() if s.recheck_on is not None}
    assert days, "the demo clients have follow-ups ahead"
    first = min(days.values())
    rules_before = current_engine().fingerprint(clock.day)
    clock.day = first - dt.timedelta(days=1)
    same_rules = current_engine().fingerprint(clock.day) == rules_before
    assert sweep(opened) == (set() if same_rules else {c.id for c in swept})
    clock.day = first
    due = {client for client, day in days.items() if day <= first}
    assert sweep(opened) == (due if current_engine().fingerprint(first) == current_engine().fingerprint(
        first - dt.timedelta(days=1)) else {c.id for c in swept})
    # Each recomputed client's next day to look again lies ahead.
    assert all(s.recheck_on is None or s.recheck_on > first for s in FollowUpStamp.select())


def test_an_erased_client_leaves_no_stamp(swept):
    Client.delete().where(Client.id == swept[0].id).execute()
    assert FollowUpStamp.get_or_none(FollowUpStamp.client == swept[0].id) is None
