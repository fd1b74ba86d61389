"""Retention with a fixed clock: who is due is listed before anything is deleted; the run, the console and the
nightly task erase exactly those clients, and every kind of contact (facts, consultation, case) keeps a client."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.audit import AuditEvent
from perspektive.clients import open_case, record_consultation
from perspektive.clients.models import Case, Client
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law import today_in_germany
from perspektive.law.facts import parse_facts
from perspektive.privacy import retention_due
from perspektive.privacy.models import ErasedClient
from perspektive.privacy.tasks import daily_retention
from tests.conftest import csrf_token, demo_facts

TODAY = today_in_germany()
LONG_AGO = dt.datetime.combine(TODAY - dt.timedelta(days=400), dt.time(10))
ON = TODAY + dt.timedelta(days=1095 - 10)  # three years after today less ten days: today's contacts are not due


def silent_client(counsellor, name: str) -> Client:
    """A client whose last facts change was 400 days ago."""
    data = demo_facts(name)
    client = create_client(parse_facts(data), counsellor)
    Client.update(created_at=LONG_AGO, updated_at=LONG_AGO).where(Client.id == client.id).execute()
    return Client.get_by_id(client.id)


@pytest.fixture
def clients(dbconn, counsellor):
    silent = silent_client(counsellor, "amina")
    consulted = silent_client(counsellor, "dawit")
    record_consultation(consulted, counsellor, held_on=TODAY.isoformat(), kind="first", duration_minutes="30",
                        attendees=["person"])
    with_case = silent_client(counsellor, "karim")
    case = open_case(with_case, "section_25b", counsellor)
    # The case row looks old too; its opening in the audit trail (today) is the last contact.
    Case.update(created_at=LONG_AGO).where(Case.id == case.id).execute()
    return {"silent": silent, "consulted": consulted, "case": with_case}


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_the_list_names_the_silent_client_and_deletes_nothing(app, clients, runner):
    assert app.config["CLIENT_RETENTION_DAYS"] == 1095
    [due] = retention_due(ON)
    assert due.client.id == clients["silent"].id and due.last_contact == LONG_AGO.date()
    result = runner.invoke(args=["retention", "list", "--on", ON.isoformat()])
    assert result.exit_code == 0, result.output
    assert clients["silent"].reference in result.output and "1 fällig" in result.output
    assert f"letzter Kontakt {LONG_AGO:%d.%m.%Y}" in result.output
    for other in ("consulted", "case"):
        assert clients[other].reference not in result.output
    assert Client.select().count() == 3
    assert retention_due(ON - dt.timedelta(days=400)) == []  # not yet three years


def test_the_run_erases_exactly_the_due_clients_and_is_audited(app, clients, runner):
    result = runner.invoke(args=["retention", "run", "--on", ON.isoformat()])
    assert result.exit_code == 0, result.output
    assert "1 gelöscht" in result.output
    remaining = {c.id for c in Client.select()}
    assert remaining == {clients["consulted"].id, clients["case"].id}
    [tomb] = ErasedClient.select()
    assert tomb.client_id == clients["silent"].id and tomb.reason == "retention"
    run = AuditEvent.get(AuditEvent.action == "retention.run")
    assert run.actor == "cli" and run.detail == "1 Person gelöscht, Löschfrist 1095 Tage"
    assert runner.invoke(args=["retention", "run", "--on", "2026-02-30"]).exit_code == 2
    # A shorter rule makes the other two due as well.
    app.config["CLIENT_RETENTION_DAYS"] = 30
    assert {d.client.id for d in retention_due(TODAY + dt.timedelta(days=31))} == remaining


def test_the_nightly_task_erases_the_due_clients(app, clients, monkeypatch):
    monkeypatch.setattr("perspektive.privacy.tasks.today_in_germany", lambda: ON)
    assert daily_retention.call_local() == 1
    assert not Client.select().where(Client.id == clients["silent"].id).exists()
    assert AuditEvent.get(AuditEvent.action == "retention.run").actor == "system"
    assert daily_retention.call_local() == 0  # safe to run twice


def test_the_console_lists_then_erases(app, clients, admin_http, monkeypatch):
    monkeypatch.setattr("perspektive.admin.privacy.today_in_germany", lambda: ON)
    page = admin_http.get("/admin/privacy/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and clients["silent"].reference in html
    assert clients["consulted"].reference not in html and clients["case"].reference not in html
    done = admin_http.post("/admin/privacy/retention", data={"csrf_token": csrf_token(html)})
    assert done.status_code == 200 and "gelöscht-" in done.get_data(as_text=True)
    with db.connection_context():
        assert Client.select().count() == 2
        assert AuditEvent.get(AuditEvent.action == "retention.run").actor == "verwaltung"
