"""Storage: SQLite in WAL mode, migrations that never wipe data, the tamper-evident audit trail, and no personal
data in logs or raw SQL built from strings."""
from __future__ import annotations

import datetime as dt
import logging
import re

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.accounts.users import issue_api_token, user_for_token
from perspektive.audit import AuditEvent
from perspektive.clients.models import Client
from perspektive.clients.records import create_client, load_facts, update_facts
from perspektive.conferences.models import Invitation
from perspektive.db import connect_database, db
from perspektive.documents.letters import render_letter
from perspektive.law.facts import parse_facts
from perspektive.migrations import MIGRATIONS, SchemaMigration, migrate
from perspektive.referrals.models import AuthorityContact, Consent, Outbox, Referral
from tests.conftest import ROOT, demo_facts


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path):
    database = connect_database(f"sqlite:///{tmp_path / 'wal.db'}")
    database.connect()
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 15000
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    database.close()


def test_migrations_apply_once_and_keep_data(dbconn, counsellor):
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    assert migrate() == []
    assert [m.version for m in SchemaMigration.select()] == [version for version, _ in MIGRATIONS]
    assert Client.get_by_id(client.id).reference == client.reference


def test_upgrade_from_the_first_schema_adds_referrals_and_keeps_clients(dbconn, counsellor):
    """A database from before migration 2 has neither the referral tables nor the conference invitations that
    refer to its contacts (migration 10): both come back, in order, and the clients stay."""
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    db.drop_tables([Invitation, Outbox, Referral, Consent, AuthorityContact])
    SchemaMigration.delete().where(SchemaMigration.version.in_([2, 10])).execute()
    assert migrate() == [2, 10]
    assert Client.get_by_id(client.id).reference == client.reference
    assert Referral.select().count() == 0


def test_upgrade_adds_the_expiry_of_api_tokens_and_ends_tokens_without_one(dbconn, counsellor):
    """Probe finding 8: a database from before migration 5 gets the column; a token issued back then has no expiry
    and is ended, a new one works."""
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as apply

    old_token = issue_api_token(counsellor)
    apply(SchemaMigrator.from_database(db.obj).drop_column("user", "api_token_expires_at"))
    SchemaMigration.delete().where(SchemaMigration.version == 5).execute()
    assert migrate() == [5]
    assert "api_token_expires_at" in {c.name for c in db.get_columns("user")}
    assert User.get_by_id(counsellor.id).api_token_hash is None and user_for_token(old_token) is None
    assert user_for_token(issue_api_token(User.get_by_id(counsellor.id))) == counsellor


def test_facts_keep_their_history(dbconn, counsellor):
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    changed = parse_facts({**demo_facts("amina"), "german": {"oral": "B2"}})
    update_facts(client, changed, counsellor)
    assert load_facts(Client.get_by_id(client.id)).german.oral == "B2"
    assert [load_facts(r).german.oral for r in client.revisions.order_by(client.revisions.model.id)] == ["B1", "B2"]


def test_audit_chain_detects_tampering_and_encodes_newlines(dbconn, counsellor):
    audit.record(counsellor, "client.create", "client", 1)
    event = audit.record(counsellor, "test.newline", "client", 2, "erste Zeile\nzweite Zeile")
    audit.record("cli", "client.export", "client", 2)
    assert "\n" not in event.detail and event.detail == "erste Zeile\\nzweite Zeile"
    assert audit.verify_chain() is None
    AuditEvent.update(actor="someone-else").where(AuditEvent.id == event.id).execute()
    assert audit.verify_chain() == event.id


def test_audit_events_hold_no_personal_data(dbconn, counsellor):
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    update_facts(client, load_facts(client), counsellor)
    rows = " ".join(f"{e.actor} {e.action} {e.object_type} {e.object_id} {e.detail}" for e in AuditEvent.select())
    for personal in ("Amina", "Yousef", "1990-04-12", "SY", "Bautzner"):
        assert personal not in rows


def test_logs_hold_no_personal_data_at_debug_level(app, dbconn, counsellor, caplog):
    caplog.set_level(logging.DEBUG)
    facts = parse_facts({**demo_facts("amina"), "person": {**demo_facts("amina")["person"],
                                                           "family_name": "Unverwechselbar"}})
    client = create_client(facts, counsellor)
    update_facts(client, facts, counsellor)
    render_letter("section_25b", facts, dt.date(2026, 11, 21), "antrag", counsellor)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Unverwechselbar" not in logged and "Amina" not in logged


def test_no_raw_sql_built_from_strings():
    """peewee parameterises queries; only execute_sql/SQL/raw with formatted strings could inject."""
    pattern = re.compile(r"(execute_sql|SQL|\.raw)\(\s*(f[\"']|[\"'][^\"']*[\"']\s*(%|\.format))")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "perspektive").rglob("*.py")
                 for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []
