"""``flask --app app followups list|sweep``: the operator's view across all clients (ids and references, never
names) and the sweep by hand; reminders reach the real SMTP sink. The clock is fixed as in test_reminders.py."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from perspektive import sealing
from perspektive.audit import AuditEvent
from perspektive.clients.models import Client
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.followups.models import FollowUpRecord
from perspektive.followups.records import set_state
from perspektive.law.facts import parse_facts
from perspektive.tasks import huey
from tests.followups.test_reminders import FAMILY, GIVEN, KIND, Clock, facts_due

D = dt.date.fromisoformat


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def today(monkeypatch):
    """Days, etas and Huey's clock on one fixed clock; Huey's in-memory queue empty before and after."""
    clock = Clock()
    clock.set(D("2027-11-01"))
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: clock.now)
    monkeypatch.setattr("perspektive.followups.tasks.now_in_germany", lambda: clock.now)
    monkeypatch.setattr("huey.api.utcnow", clock.utc)
    monkeypatch.setattr("huey.utils.utcnow", clock.utc)
    huey.flush()
    yield clock
    huey.flush()


@pytest.fixture
def rows(app, today, counsellor, make_user):
    """Berta: due 14.06.2028 (open), due 17.05.2028 (done); a colleague: due 29.04.2029 (open), and one dismissed."""
    colleague = make_user("kollege", display_name="Karl Kollege", email="karl@fluechtlingsrat.example")
    made = {}
    with db.connection_context():
        for name, due, owner in (("open", "2028-06-14", counsellor), ("done", "2028-05-17", counsellor),
                                 ("colleague", "2029-04-29", colleague), ("dismissed", "2028-09-14", colleague)):
            client = create_client(parse_facts(facts_due(D(due))), owner)
            made[name] = FollowUpRecord.get((FollowUpRecord.client == client) & (FollowUpRecord.kind == KIND))
        set_state(made["done"], "done", counsellor)
        set_state(made["dismissed"], "dismissed", colleague, "Aufenthaltserlaubnis nach § 25b erteilt")
    return made


def _list(runner, *args) -> list[dict]:
    result = runner.invoke(args=["followups", "list", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_shows_open_follow_ups_of_every_client_earliest_first_without_names(runner, rows):
    listed = _list(runner)
    assert [e["id"] for e in listed] == [rows["open"].id, rows["colleague"].id]
    entry = listed[0]
    with db.connection_context():
        client = Client.get_by_id(rows["open"].client_id)
    assert entry == {"id": rows["open"].id, "client_id": client.id, "client_reference": client.reference,
                     "due": "2028-06-14", "workflow": "section_25a", "kind": KIND, "state": "open",
                     "next_reminder_on": "2027-12-17", "text": rows["open"].text,
                     "citation": "§ 25a Abs. 1 S. 1 Nr. 3 AufenthG"}

    text = runner.invoke(args=["followups", "list"])
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[0].startswith(f"{rows['open'].id}  fällig 14.06.2028  offen")
    assert f"Person {client.id} ({client.reference})  section_25a/{KIND}" in lines[0]
    assert lines[1] == f"    {rows['open'].text} (§ 25a Abs. 1 S. 1 Nr. 3 AufenthG)"
    assert lines[2] == "    nächste Erinnerung: 17.12.2027"
    assert "fällig 29.04.2029" in text.output and "14.06.2028" in text.output
    both = text.output + json.dumps(listed, ensure_ascii=False)
    assert GIVEN not in both and FAMILY not in both and "15.06.2001" not in both and "2001-06-15" not in both
    with db.connection_context():
        assert AuditEvent.select().where((AuditEvent.action == "followup.list") & (AuditEvent.actor == "cli")).count() \
            == 2


def test_list_filters_by_state_client_and_due_day(runner, rows):
    assert [e["id"] for e in _list(runner, "--state", "done")] == [rows["done"].id]
    [dismissed] = _list(runner, "--state", "dismissed")
    assert dismissed["id"] == rows["dismissed"].id and dismissed["next_reminder_on"] is None
    assert [e["id"] for e in _list(runner, "--state", "all")] == \
        [rows[k].id for k in ("done", "open", "dismissed", "colleague")]
    assert [e["id"] for e in _list(runner, "--client", str(rows["colleague"].client_id))] == [rows["colleague"].id]
    assert _list(runner, "--client", str(rows["done"].client_id)) == []  # its only row is done
    # "before" the day: a row due on that day is not listed.
    assert [e["id"] for e in _list(runner, "--due-before", "2028-06-15")] == [rows["open"].id]
    assert _list(runner, "--due-before", "2028-06-14") == []
    assert [e["id"] for e in _list(runner, "--due-before", "2028-06-15", "--state", "all")] == \
        [rows["done"].id, rows["open"].id]
    text = runner.invoke(args=["followups", "list", "--state", "done"]).output
    assert "erledigt" in text and "nächste Erinnerung: –" in text


def test_list_refuses_bad_input_with_exit_status_2(runner, rows):
    missing = runner.invoke(args=["followups", "list", "--client", "999"])
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.startswith("Fehler: keine Mandantin und kein Mandant mit der Id 999")
    for args, says in ((["--client", "K-1A2B"], "K-1A2B"), (["--due-before", "14.06.2028"], "JJJJ-MM-TT"),
                       (["--state", "offen"], "offen"), (["--format", "csv"], "csv")):
        result = runner.invoke(args=["followups", "list", *args])
        assert result.exit_code == 2 and says in result.output, (args, result.output)


def test_an_empty_list_says_so(runner, app):
    assert runner.invoke(args=["followups", "list"]).output == "Keine Fristen.\n"
    assert _list(runner) == []


def test_sweep_creates_rows_for_clients_from_before_follow_ups_and_queues_what_is_due(runner, app, smtp, today,
                                                                                   counsellor):
    """Clients stored before follow-ups existed (or whose rows were missed) get them from the sweep; a reminder that
    is due and that Huey lost goes out when the operator sweeps."""
    with db.connection_context():
        create_client(parse_facts(facts_due(D("2028-06-14"))), counsellor)
        for number, due in enumerate(("2028-05-17", "2029-04-29")):
            old = Client.create(counsellor=counsellor, reference=f"K-ALT000000{number}", nationality="SY",
                                facts_json="")
            text = json.dumps(parse_facts(facts_due(D(due))).to_json_dict())  # sealed at rest, as records does
            Client.update(facts_json=sealing.seal(text, "client", "facts_json", old.id)).where(
                Client.id == old.id).execute()
    swept = runner.invoke(args=["followups", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert swept.output == ("Fristen neu berechnet für 3 Mandantinnen und Mandanten, 2 Erinnerungen geplant, 0 fällige in die "
                            "Warteschlange gestellt.\n")
    assert len(_list(runner)) == 3 and smtp.messages == []

    today.set(D("2027-11-19"), 10)  # the first reminder day of an old client's row; Huey lost its wake-up call
    huey.flush()
    swept = runner.invoke(args=["followups", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert "0 Erinnerungen geplant, 1 fällige in die Warteschlange gestellt" in swept.output
    [received] = smtp.to("berta@fluechtlingsrat.example")
    with db.connection_context():
        record = FollowUpRecord.select().join(Client).where(Client.reference == "K-ALT0000000").get()
        assert f"/followups/{record.id}" in received.message.get_body(("plain",)).get_content()
        assert record.reminded_on == D("2027-11-19")
    again = runner.invoke(args=["followups", "sweep"])
    assert "0 fällige in die Warteschlange gestellt" in again.output and len(smtp.messages) == 1
