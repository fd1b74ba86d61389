"""Backup fixtures: an installation with a row in (nearly) every table and a file in every place a backup copies,
the organisation's backup key (a real gpg key whose home holds the secret part), and an empty target
installation on the same engine (a second PostgreSQL database beside the test one)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from perspektive import procedure_stats, referrals
from perspektive.accounts.models import LoginAttempt
from perspektive.clients import create_client, open_case, record_consultation
from perspektive.clients.models import Client
from perspektive.conferences import create_meeting, put_on_agenda
from perspektive.config import load_config
from perspektive.db import connect_database, db, utcnow
from perspektive.documents import (
    Upload,
    install_template,
    letter_download,
    load_translation,
    mark_translation_reviewed,
    set_item_done,
    set_item_note,
)
from perspektive.followups.models import CalendarFeed
from perspektive.followups.records import sync_all
from perspektive.law import PlannedEvent, parse_facts, today_in_germany
from perspektive.plans import save_plans
from perspektive.privacy.erasure import erase
from perspektive.referrals import record_consent
from perspektive.referrals.models import Outbox
from tests.conftest import DEMO, SHIPPED


@pytest.fixture
def backup_key(pgp_key):
    return pgp_key("brainpoolP384r1", "backup@fluechtlingsrat.example")


@pytest.fixture
def pinned(app, backup_key):
    """The backup key pinned through the command line, and named in the configuration."""
    result = app.test_cli_runner().invoke(args=["backup", "key", write(Path(app.config["DATA_DIR"]).parent
                                                                        / "backup-public.asc", backup_key.public)])
    assert result.exit_code == 0, result.output
    app.config["BACKUP_KEY"] = backup_key.fingerprint
    return backup_key


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def filled(app, smtp, contact, counsellor, administrator, pinned):
    """The demo clients, a case with its checklist, a consultation, a stored letter, a sent referral, a case
    conference, planned events, the authority's procedure figures, a reviewed translation, an uploaded template,
    the sweep's stamps, an erased client's tombstone."""
    with app.test_request_context(), db.connection_context():
        for path in sorted(DEMO.glob("*.json")):
            create_client(parse_facts(json.loads(path.read_text(encoding="utf-8"))), counsellor)
        client = Client.select().order_by(Client.id).first()
        facts = referrals_facts(client)
        case = open_case(client, "section_25b", counsellor)
        set_item_done(case, first_item(case), True, counsellor)
        set_item_note(case, first_item(case), "Liegt im Original vor.", counsellor)
        record_consultation(client, counsellor, held_on=today_in_germany().isoformat(), kind="first",
                            duration_minutes="45", attendees=["person"])
        letter_download("section_25b", facts, today_in_germany(), "antrag", counsellor, client)
        record_consent(client, contact, today_in_germany(), ("letter", "summary"), counsellor, today_in_germany())
        referral = referrals.queue_referral(client=client, contact=contact, counsellor=counsellor,
                                            documents=("letter", "summary"), note="Bitte um Rückruf.",
                                            workflow="section_25b")
        assert referral.status == "sent", referral.last_error
        # Rows that only a pending delivery, a failed sign-in or a subscribed calendar leave behind.
        Outbox.create(referral=referral, note=None, next_attempt_at=utcnow())
        LoginAttempt.create(username="beraterin")
        CalendarFeed.create(user=counsellor, token_hash="0" * 64)
        today = today_in_germany()
        meeting = create_meeting(today + dt.timedelta(days=30), [contact], administrator)
        put_on_agenda(client, case, "Kommt eine Beschäftigungsduldung in Betracht?", counsellor, meeting)
        save_plans(client, [PlannedEvent(on=today + dt.timedelta(days=60), kind="german_exam", level="B1")],
                   counsellor)
        raw = {key: today.strftime("%d.%m.%Y") if key == "reference_day" else "5"
               for key, _label, _group in procedure_stats.ROWS}
        procedure_stats.store(procedure_stats.check(raw, {key: key for key in raw}), "form", administrator)
        mark_translation_reviewed(load_translation("fa"), administrator)
        generic = SHIPPED / "letter_templates" / "section_19d" / "checkliste.docx"
        install_template("section_25b", "checkliste", Upload("checkliste.docx", generic.read_bytes()),
                         actor=administrator)  # an uploaded template: a version in the database
        sync_all()  # the daily sweep, which stamps every client it recomputed
        gone = create_client(parse_facts(json.loads(sorted(DEMO.glob("*.json"))[0].read_text(encoding="utf-8"))),
                             counsellor)
        erase(gone, gone.reference, counsellor)  # the tombstone an erasure leaves
    return app


def referrals_facts(client):
    from perspektive.clients import load_facts

    return load_facts(client)


def first_item(case):
    from perspektive.clients import load_facts
    from perspektive.documents import checklist_of
    from perspektive.law import current_engine

    facts = load_facts(case.client)
    [assessment] = current_engine().assess(facts, today_in_germany(), case.workflow)
    return checklist_of(case, facts, assessment)[0].id


def second_url(url: str) -> str:
    """The test database's sibling for restores (``<name>2``), made on first use."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "2"
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path="/" + name))


@pytest.fixture
def target(tmp_path):
    """An empty installation to restore into: its own data directory, provision folders and database."""
    overrides = {"DATA_DIR": str(tmp_path / "restored"), "WORKFLOWS_DIR": str(tmp_path / "restored-workflows"),
                 "LETTER_TEMPLATES_DIR": str(tmp_path / "restored-templates"),
                 "CHECKLIST_TRANSLATIONS_DIR": str(tmp_path / "restored-translations")}
    url = os.environ.get("PERSPEKTIVE_DATABASE_URL")
    if url:
        overrides["DATABASE_URL"] = second_url(url)
        empty_database(overrides["DATABASE_URL"])
    else:
        overrides["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.db'}"
    return load_config(overrides)


def empty_database(url: str) -> None:
    database = connect_database(url)
    for table in database.get_tables():
        database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    database.close()


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order, read through a connection of its own."""
    database = connect_database(url)
    try:
        return {table: sorted(database.execute_sql(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                for table in database.get_tables()}
    finally:
        database.close()


def file_digests(root: Path, leave_out=()) -> dict[str, tuple[str, int]]:
    """Every regular file under ``root``: its SHA-256 and mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if path.is_file() and not path.is_symlink() and relative not in leave_out:
            found[relative] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode & 0o777)
    return found


def copy_provisions(app, tmp_path) -> None:
    """Give the source its own provision folders, so that nothing a test does touches the repository's."""
    for key, name in (("WORKFLOWS_DIR", "workflows"), ("LETTER_TEMPLATES_DIR", "letter_templates"),
                      ("CHECKLIST_TRANSLATIONS_DIR", "checklist_translations")):
        shutil.copytree(app.config[key], tmp_path / f"source-{name}")
        app.config[key] = str(tmp_path / f"source-{name}")
