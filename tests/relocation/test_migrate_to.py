"""`migrate-to postgresql://…` moves an embedded installation into PostgreSQL: every table row for row, checked by
counts and checksums, and the installation then runs on PostgreSQL as before: the same facts, an intact audit
trail, new rows after the old ones. A target that is not empty is refused and left as it was; a copy that differs
from its source is found."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from perspektive import audit, create_app, relocation
from perspektive.accounts.models import User
from perspektive.accounts.users import issue_api_token
from perspektive.audit import AuditEvent
from perspektive.clients import create_client
from perspektive.clients.models import Client
from perspektive.db import db
from perspektive.law import parse_facts
from perspektive.relocation.cli import shown_url
from tests.conftest import BrowserClient, demo_facts

from .conftest import run_sql


def sqlite_counts(app) -> dict[str, int]:
    connection = sqlite3.connect(app.config["DATABASE_URL"][len("sqlite:///"):])
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        connection.close()


def pg_counts(url: str) -> dict[str, int]:
    tables = [name for (name,) in run_sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {table: run_sql(url, f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in tables}


def move(app, url: str):
    db.close()
    return app.test_cli_runner().invoke(args=["migrate-to", url])


def api_client(app, token: str):
    app.test_client_class = BrowserClient
    http = app.test_client()
    return lambda method, path, **kw: getattr(http, method)(
        "/api/v1" + path, headers={"Authorization": f"Bearer {token}"}, **kw)


def test_the_move_copies_every_table_and_the_app_runs_on_the_copy(filled, pg_target, counsellor, tmp_path):
    app = filled
    with db.connection_context():
        token = issue_api_token(User.get_by_id(counsellor.id))
        ids = [client.id for client in Client.select().where(Client.counsellor == counsellor.id)]
    before = sqlite_counts(app)
    assert [table for table, rows in before.items() if not rows] == []  # every table's copy is exercised

    result = move(app, pg_target)

    assert result.exit_code == 0, result.output
    assert "Umzug abgeschlossen: 31 Tabellen" in result.stdout
    assert "Zeilenzahlen und Prüfsummen stimmen überein." in result.stdout
    assert f"PERSPEKTIVE_DATABASE_URL={pg_target}" in result.stdout
    assert "huey.db" in result.stdout  # what happens to the queue is said
    assert "Kopieren" in result.stderr and "Prüfen" in result.stderr  # the progress bars, beside the answer
    assert pg_counts(pg_target) == before

    # The installation pointed at PostgreSQL: same data directory, so the same key opens the sealed values.
    moved = create_app({"DATA_DIR": app.config["DATA_DIR"], "DATABASE_URL": pg_target})
    with moved.app_context():
        on_pg = api_client(moved, token)
        copied = {client_id: on_pg("get", f"/clients/{client_id}") for client_id in ids}
        with db.connection_context():
            assert audit.verify_chain() is None
            assert AuditEvent.select().count() >= before["audit_event"]  # the reads above were recorded too
            assert db.execute_sql("SELECT version()").fetchone()[0].startswith("PostgreSQL")
        made = on_pg("post", "/clients", json={"facts": demo_facts("amina")})
        assert made.status_code == 201, made.get_data(as_text=True)
        assert made.get_json()["id"] > max(ids)  # the sequence continues after the copied ids
        with db.connection_context():
            new = create_client(parse_facts(demo_facts("amina")), User.get_by_id(counsellor.id))
            audit.record("cli", "relocation.checked", "client", new.id)
            assert audit.verify_chain() is None  # new events chain onto the copied ones
    with app.app_context():
        on_sqlite = api_client(app, token)
        for client_id, answer in copied.items():
            original = on_sqlite("get", f"/clients/{client_id}")
            assert answer.status_code == original.status_code == 200
            assert answer.get_json() == original.get_json()
            assert answer.get_json()["facts"]["person"]


def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(app, counsellor, pg_target):
    run_sql(pg_target, "CREATE TABLE notiz (id serial PRIMARY KEY, text text)")
    run_sql(pg_target, "INSERT INTO notiz (text) VALUES ('bleibt')")

    result = move(app, pg_target)

    assert result.exit_code == 2
    assert "Fehler: Die Zieldatenbank ist nicht leer (1 Tabellen, z. B. notiz)" in result.stderr
    assert run_sql(pg_target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == [("notiz",)]
    assert run_sql(pg_target, "SELECT id, text FROM notiz") == [(1, "bleibt")]


def test_an_unreachable_target_is_refused_without_showing_the_password(app, counsellor):
    result = move(app, "postgresql://perspektive:geheim-123@127.0.0.1:1/perspektive")

    assert result.exit_code == 2
    assert result.stderr.startswith("Fehler: Die Zieldatenbank ist nicht erreichbar: ")
    assert "geheim-123" not in result.output
    assert shown_url("postgresql://perspektive:geheim-123@db.example:5432/p") == (
        "postgresql://perspektive:***@db.example:5432/p")


@pytest.mark.parametrize("how", ["sqlite target", "source on postgresql", "source not migrated"])
def test_what_cannot_be_moved_is_refused_in_german(app, counsellor, pg_target, tmp_path, how):
    target, expected = pg_target, None
    if how == "sqlite target":
        target, expected = f"sqlite:///{tmp_path / 'ziel.db'}", "Das Ziel muss eine PostgreSQL-Datenbank sein"
    elif how == "source on postgresql":
        app.config["DATABASE_URL"], expected = pg_target, "ist keine SQLite-Datenbank"
    else:
        with db.connection_context():
            db.execute_sql("DELETE FROM schema_migration WHERE version = 15")
        expected = "nicht auf dem Stand dieser Version (Migrationen [15] fehlen): zuerst `perspektive migrate` ausführen"

    result = move(app, target)

    assert result.exit_code == 2
    assert result.stderr.startswith("Fehler: ") and expected in result.stderr, result.stderr
    assert not (tmp_path / "ziel.db").exists()
    assert run_sql(pg_target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []


def test_a_changed_row_in_the_copy_is_found(app, counsellor, pg_target):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), User.get_by_id(counsellor.id))
    assert move(app, pg_target).exit_code == 0
    source = app.config["DATABASE_URL"]
    tallies, mismatches = relocation.verify_copy(source, pg_target)
    assert mismatches == [] and tallies["client"].rows == 1

    # One microsecond on one row: a value the application would not even show.
    run_sql(pg_target, "UPDATE client SET updated_at = updated_at + interval '1 microsecond' WHERE id = %s",
            (client.id,))
    _tallies, mismatches = relocation.verify_copy(source, pg_target)
    assert [(m.table, m.source.rows, m.target.rows) for m in mismatches] == [("client", 1, 1)]
    assert mismatches[0].source.checksum != mismatches[0].target.checksum

    run_sql(pg_target, "DELETE FROM search_token WHERE id = (SELECT MIN(id) FROM search_token)")
    _tallies, mismatches = relocation.verify_copy(source, pg_target)
    assert {m.table: (m.source.rows - m.target.rows) for m in mismatches} == {"client": 0, "search_token": 1}


def test_a_copy_that_differs_is_rolled_back(app, counsellor, pg_target, monkeypatch):
    """A value that the copying changes on its way (here: times cut to the second) fails the check, and the
    target is left empty, not half filled."""
    from perspektive.relocation import copying

    with db.connection_context():
        create_client(parse_facts(demo_facts("amina")), User.get_by_id(counsellor.id))
    passed_on = copying._for_target

    def cut_seconds(value, column):
        if column.kind == "timestamp" and isinstance(value, str):
            value = dt.datetime.fromisoformat(value).replace(microsecond=0).isoformat(sep=" ")
        return passed_on(value, column)

    monkeypatch.setattr(copying, "_for_target", cut_seconds)

    result = move(app, pg_target)

    assert result.exit_code == 2
    assert "Die Kopie weicht von der Quelle ab" in result.stderr and "Prüfsummen verschieden" in result.stderr
    assert "die Zieldatenbank ist wieder leer" in result.stderr
    assert run_sql(pg_target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []
    assert Path(app.config["DATABASE_URL"][len("sqlite:///"):]).exists()


def test_a_value_postgresql_refuses_stops_the_move_naming_the_table_not_the_value(app, counsellor, pg_target):
    """SQLite does not enforce a column's declared length, PostgreSQL does: such a row stops the move, the target
    is left empty, and the message names the table but not the value (it may be personal data)."""
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), User.get_by_id(counsellor.id))
        too_long = "K-" + "Ü" * 60
        Client.update(reference=too_long).where(Client.id == client.id).execute()

    result = move(app, pg_target)

    assert result.exit_code == 2
    assert "Fehler: Die Tabelle client lässt sich nicht nach PostgreSQL kopieren (" in result.stderr
    assert "varying(40)" in result.stderr and "die Zieldatenbank ist wieder leer" in result.stderr
    assert too_long not in result.output
    assert run_sql(pg_target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []
