"""The hand-over of a departing counsellor's clients: on the CLI and in the console, audited; the new counsellor
sees the clients and gets their reminders, the old one no longer sees them."""
from __future__ import annotations

import pytest

from perspektive.audit import AuditEvent
from perspektive.clients import open_case
from perspektive.clients.models import Case, Client
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.followups.models import FollowUpRecord
from perspektive.followups.reminders import send_reminder
from perspektive.law import today_in_germany
from perspektive.law.facts import parse_facts
from tests.conftest import csrf_token, demo_facts, login

from .conftest import facts


@pytest.fixture
def successor(make_user):
    return make_user("kollege", display_name="Karl Kollege", email="karl@fluechtlingsrat.example")


@pytest.fixture
def two_clients(dbconn, counsellor):
    today = today_in_germany()
    birthday = today.replace(year=today.year + 1)
    young = create_client(parse_facts(facts(birthday.replace(year=birthday.year - 27), "Hauptstraße 1")), counsellor)
    open_case(young, "section_25b", counsellor)
    other = create_client(parse_facts(demo_facts("dawit")), counsellor)
    return young, other


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_the_cli_hands_over_every_client_and_reminders_follow(app, two_clients, counsellor, successor, runner,
                                                               smtp, monkeypatch):
    young, other = two_clients
    result = runner.invoke(args=["clients", "handover", "beraterin", "kollege"])
    assert result.exit_code == 0, result.output
    assert "2 Personen" in result.output
    assert {c.counsellor_id for c in Client.select()} == {successor.id}
    assert {c.counsellor_id for c in Case.select()} == {successor.id}
    handed = AuditEvent.select().where(AuditEvent.action == "client.handover")
    assert sorted(int(e.object_id) for e in handed) == sorted([young.id, other.id])
    assert all(e.detail == "beraterin -> kollege" for e in handed)

    record = FollowUpRecord.get((FollowUpRecord.client == young) & (FollowUpRecord.kind == "last_day_before_27"))
    # The reminder's day has come (a fixed clock for the reminders): it goes to the new counsellor.
    monkeypatch.setattr("perspektive.followups.reminders.today_in_germany", lambda: record.next_reminder_on)
    assert send_reminder(record.id) == "sent"
    [mail] = smtp.messages
    assert mail.message["To"] == "karl@fluechtlingsrat.example"


def test_the_cli_refuses_unknown_or_unfit_accounts_with_exit_2(app, two_clients, successor, runner,
                                                                authority_user):
    assert runner.invoke(args=["clients", "handover", "beraterin", "niemand"]).exit_code == 2
    assert runner.invoke(args=["clients", "handover", "beraterin", "beraterin"]).exit_code == 2
    unfit = runner.invoke(args=["clients", "handover", "beraterin", authority_user.username])
    assert unfit.exit_code == 2 and "keine aktive Beraterin" in unfit.output
    assert Client.select().where(Client.counsellor == successor).count() == 0


def test_the_console_hands_over_and_access_follows(app, two_clients, counsellor, successor, admin_http):
    young, _ = two_clients
    page = admin_http.get("/admin/privacy/")
    token = csrf_token(page.get_data(as_text=True))
    same = admin_http.post("/admin/privacy/handover",
                           data={"csrf_token": token, "departing": counsellor.id, "successor": counsellor.id})
    assert same.status_code == 422
    done = admin_http.post("/admin/privacy/handover",
                           data={"csrf_token": token, "departing": counsellor.id, "successor": successor.id})
    assert done.status_code == 303
    assert "2 Personen übergeben" in admin_http.get("/admin/privacy/").get_data(as_text=True)
    with db.connection_context():
        handover = AuditEvent.get(AuditEvent.action == "user.handover")
        assert handover.actor == "verwaltung" and handover.detail == "2 Personen an kollege"
    old, new = app.test_client(), app.test_client()
    assert login(old, "beraterin").status_code == 302 and login(new, "kollege").status_code == 302
    assert old.get(f"/clients/{young.id}").status_code == 404
    assert new.get(f"/clients/{young.id}").status_code == 200
