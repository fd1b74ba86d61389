"""Upgrades (issue 17): a database made by the first release reaches today's schema with ``migrate``, keeps its
people readable and sealed, and ``migrate`` is safe to run twice and after a run that failed.

The first release is commit aab6345 ("Web UI, login and JSON API ..."): the earliest commit whose app starts at
all, so that ``flask --app app migrate`` and ``flask --app app demo`` run (every earlier commit's ``create_app``
imports ``views.api`` and ``views.web``, which only this commit adds). pyproject says 0.1.0 there as it still does;
the repository has no tags. tests/data/first_release/ holds what that release left after ``migrate``, ``demo``, a
facts change and one stored letter (README.md there says how it was made): the database as an SQL dump and the
letter's file. Only the fictional demo people are in it, unsealed, as that release stored everything.

The old database is always an SQLite file of its own in tmp_path, whichever engine the suite runs on; today's
code reaches it through the command line, as an operator would.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from perspektive import create_app, migrations, sealing
from perspektive.clients.models import Client
from perspektive.clients.records import create_client
from perspektive.conferences.models import Invitation
from perspektive.db import connect_database, db
from perspektive.law.facts import parse_facts
from perspektive.migrations import MIGRATIONS, SchemaMigration, migrate
from perspektive.referrals.models import AuthorityContact, Consent, Outbox, Referral
from tests.conftest import ROOT, demo_facts

FIRST_RELEASE = ROOT / "tests" / "data" / "first_release"
TODAY = [version for version, _ in MIGRATIONS]


def old_installation(tmp_path: Path) -> tuple[Path, Path]:
    """The first release's database file and data directory, as that release left them."""
    data = tmp_path / "old-data"
    shutil.copytree(FIRST_RELEASE / "documents", data / "documents")
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript((FIRST_RELEASE / "first_release.sql").read_text(encoding="utf-8"))
    return path, data


def cli(path: Path, data: Path, *args: str) -> str:
    """``flask --app app ARGS`` of today's checkout on the SQLite file ``path``; its output."""
    env = {**os.environ, "PERSPEKTIVE_DATABASE_URL": f"sqlite:///{path}", "PERSPEKTIVE_DATA_DIR": str(data),
           "PERSPEKTIVE_REDIS_URL": ""}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def schema(path: Path) -> dict:
    """Tables, columns (type, nullability, primary key, default), indexes, foreign keys and applied versions."""
    database = connect_database(f"sqlite:///{path}")
    with database.connection_context():
        tables = {table: {"columns": {c.name: (c.full_type, c.null, c.primary_key, c.default)
                                      for c in database.get_columns(table)},
                          "indexes": {i.name: (tuple(i.columns), i.unique) for i in database.get_indexes(table)},
                          "foreign_keys": {(f.column, f.dest_table, f.dest_column, f.on_delete)
                                           for f in database.get_foreign_keys(table)}}
                  for table in database.get_tables()}
        versions = [v for (v,) in database.execute_sql("SELECT version FROM schema_migration ORDER BY version")]
    return {"tables": tables, "versions": versions}


def assert_same_as_fresh(upgraded: dict, fresh: dict) -> None:
    """The one difference there is: migration 6 adds ``client.revision`` NOT NULL to a table with rows, which
    needs a DEFAULT in the database; a fresh table gets its defaults from the model (peewee writes none)."""
    revision = upgraded["tables"]["client"]["columns"]["revision"]
    assert revision[3] == "0" and fresh["tables"]["client"]["columns"]["revision"][3] is None
    upgraded["tables"]["client"]["columns"]["revision"] = (*revision[:3], None)
    assert upgraded["versions"] == fresh["versions"] == TODAY
    assert sorted(upgraded["tables"]) == sorted(fresh["tables"])
    for table in fresh["tables"]:
        assert upgraded["tables"][table] == fresh["tables"][table], table


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict:
    """The schema of a database created by today's ``migrate``."""
    where = tmp_path_factory.mktemp("fresh")
    assert "Migrationen angewendet" in cli(where / "fresh.db", where / "data", "migrate")
    return schema(where / "fresh.db")


def rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def export(path: Path, data: Path, client_id: int, tmp_path: Path) -> dict[str, bytes]:
    """The Art. 15 export of one client by today's command line: file name below the client's folder -> bytes."""
    target = tmp_path / f"export-{client_id}.zip"
    cli(path, data, "clients", "export", str(client_id), "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_the_first_release_upgrades_to_todays_schema_with_its_people_sealed_and_readable(tmp_path, fresh):
    path, data = old_installation(tmp_path)
    [(letter_key, letter_sha)] = rows(path, "SELECT storage_key, sha256 FROM document")
    assert rows(path, "SELECT version FROM schema_migration") == [(1,)]

    assert cli(path, data, "migrate").strip() == f"Migrationen angewendet: {TODAY[1:]}"
    assert cli(path, data, "migrate").strip() == "Datenbank ist aktuell."
    assert_same_as_fresh(schema(path), fresh)

    # Migration 8 sealed what the first release stored in plain text, the letter's file too.
    stored = rows(path, "SELECT facts_json FROM client UNION ALL SELECT facts_json FROM facts_revision")
    assert len(stored) == 5
    assert all(text.startswith("pk1:") and "Yousef" not in text and "Tesfaye" not in text for (text,) in stored)
    letter_file = (data / "documents" / letter_key).read_bytes()
    assert letter_file.startswith(sealing.FILE_MAGIC) and hashlib.sha256(letter_file).hexdigest() != letter_sha

    # Today's code opens them: the facts, their history, the letter byte for byte.
    amina = export(path, data, 1, tmp_path)
    assert json.loads(amina["fakten.json"])["person"]["family_name"] == "Yousef"
    assert hashlib.sha256(amina["dokumente/1-section_25b-antrag.docx"]).hexdigest() == letter_sha
    dawit = export(path, data, 2, tmp_path)
    assert json.loads(dawit["fakten.json"])["person"]["family_name"] == "Tesfaye"
    assert json.loads(dawit["person.json"])["counsellor"]["name"] == "Berta Beraterin"
    history = json.loads(dawit["fakten_verlauf.json"])
    assert [entry["facts"]["german"]["oral"] for entry in history] == ["A2", "B1"]


def test_an_upgrade_that_failed_midway_left_the_first_release_as_it_was_and_runs_again(tmp_path, fresh,
                                                                                      monkeypatch):
    """Every migration runs in the one transaction of ``migrate``. Migration 8 fails here after it has sealed
    every value and file, before it writes the key's canary: the schema and the values are back to the first
    release's; the letter's file stays sealed (files are not part of a transaction) and the next run, which
    finds it under the newest key, leaves it so."""
    path, data = old_installation(tmp_path)
    [(letter_key, letter_sha)] = rows(path, "SELECT storage_key, sha256 FROM document")
    before = schema(path)

    def power_cut(*args, **kwargs):
        raise RuntimeError("Stromausfall")

    monkeypatch.setattr(sealing, "write_canary", power_cut)
    suite_database = db.obj
    try:
        app = create_app({"DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": ""})
        with app.app_context(), db.connection_context(), pytest.raises(RuntimeError, match="Stromausfall"):
            migrate()
    finally:
        db.initialize(suite_database)
    monkeypatch.undo()

    assert schema(path) == before
    plain = rows(path, "SELECT facts_json FROM client")
    assert sorted(json.loads(text)["person"]["given_name"] for (text,) in plain) == ["Amina", "Dawit"]
    assert (data / "documents" / letter_key).read_bytes().startswith(sealing.FILE_MAGIC)

    assert cli(path, data, "migrate").strip() == f"Migrationen angewendet: {TODAY[1:]}"
    assert_same_as_fresh(schema(path), fresh)
    amina = export(path, data, 1, tmp_path)
    assert json.loads(amina["fakten.json"])["person"]["given_name"] == "Amina"
    assert hashlib.sha256(amina["dokumente/1-section_25b-antrag.docx"]).hexdigest() == letter_sha


def test_a_failed_run_is_undone_on_the_suites_engine_too(dbconn, counsellor, monkeypatch):
    """PostgreSQL in its pass: an installation from before migrations 2 and 10 (as in test_migrations.py) whose
    migration 10 fails after it has created its tables. Nothing of the run stays, the next run does all of it."""
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    db.drop_tables([Invitation, Outbox, Referral, Consent, AuthorityContact])
    SchemaMigration.delete().where(SchemaMigration.version.in_([2, 10])).execute()

    conferences = dict(MIGRATIONS)[10]

    def conferences_then_fail(database):
        conferences(database)
        raise RuntimeError("Stromausfall")

    monkeypatch.setattr(migrations, "MIGRATIONS",
                        [(v, conferences_then_fail if v == 10 else step) for v, step in MIGRATIONS])
    with pytest.raises(RuntimeError, match="Stromausfall"):
        migrate()
    monkeypatch.undo()
    tables = set(db.get_tables())
    assert "authority_contact" not in tables and "invitation" not in tables
    assert 2 not in {m.version for m in SchemaMigration.select()}

    assert migrate() == [2, 10]
    assert {"authority_contact", "invitation"} <= set(db.get_tables())
    assert Client.get_by_id(client.id).reference == client.reference
