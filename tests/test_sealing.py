"""Encryption at rest: sealed values and files open only where they were written and under the right key; a
wrong or missing key stops the app and the command line with a clear message; migration 8 seals an older
installation in place; ``keys rotate`` survives an interruption."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from perspektive import create_app, sealing
from perspektive.clients import records
from perspektive.clients.models import Client, FactsRevision, SearchToken
from perspektive.clients.search import overview
from perspektive.law.facts import parse_facts
from perspektive.migrations import SchemaMigration, migrate
from tests.conftest import ROOT, demo_facts


def ring(*keys: bytes) -> sealing.Keyring:
    return sealing.Keyring(list(keys), "test")


KEY, OTHER = b"k" * 32, b"o" * 32


def test_a_value_opens_only_in_its_own_row_and_column_under_its_key():
    sealed = sealing.seal("Ayşe Şahin, geb. 03.07.1991", "client", "facts_json", 7, ring(KEY))
    assert sealed.startswith(f"pk1:{sealing.key_id(KEY)}:") and "Şahin" not in sealed
    assert sealing.open_value(sealed, "client", "facts_json", 7, ring(KEY)) == "Ayşe Şahin, geb. 03.07.1991"
    assert sealing.seal("x", "client", "facts_json", 7, ring(KEY)) != sealing.seal("x", "client", "facts_json", 7,
                                                                                      ring(KEY))  # fresh nonce
    for table, column, row in (("client", "facts_json", 8), ("facts_revision", "facts_json", 7),
                               ("client", "note", 7)):
        with pytest.raises(sealing.SealError, match="altered or moved"):
            sealing.open_value(sealed, table, column, row, ring(KEY))
    prefix, kid, payload = sealed.split(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(sealing.SealError):
        sealing.open_value(f"{prefix}:{kid}:{base64.b64encode(bytes(raw)).decode()}", "client", "facts_json", 7,
                           ring(KEY))
    with pytest.raises(sealing.SealError, match="not among the known keys"):
        sealing.open_value(sealed, "client", "facts_json", 7, ring(OTHER))
    with pytest.raises(sealing.SealError, match="not sealed"):
        sealing.open_value("Ayşe", "client", "facts_json", 7, ring(KEY))


def test_a_file_opens_only_under_its_name_and_unaltered():
    blob = sealing.seal_bytes(b"PK\x03\x04 Antrag von Ayse", "abc", ring(OTHER, KEY))
    assert blob.startswith(b"PKS1" + sealing.key_id(KEY).encode()) and b"Ayse" not in blob
    assert sealing.open_bytes(blob, "abc", ring(KEY)) == b"PK\x03\x04 Antrag von Ayse"
    with pytest.raises(sealing.SealError):
        sealing.open_bytes(blob, "abd", ring(KEY))
    with pytest.raises(sealing.SealError):
        sealing.open_bytes(blob[:-1] + bytes([blob[-1] ^ 1]), "abc", ring(KEY))


def test_blind_tokens_depend_on_the_key_and_not_the_encryption_key():
    tokens = sealing.blind_tokens({"w:sahin"}, ring(KEY))
    assert tokens != sealing.blind_tokens({"w:sahin"}, ring(OTHER))
    assert ring(KEY).index_key(sealing.key_id(KEY)) != KEY


# --- the key at start-up -----------------------------------------------------------------------------------------

def _overrides(tmp_path, **extra) -> dict:
    overrides = {"DATA_DIR": str(tmp_path / "data"), **extra}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        overrides["DATABASE_URL"] = f"sqlite:///{tmp_path / 'test.db'}"
    return overrides


def test_a_wrong_or_missing_key_stops_the_app_with_a_clear_message(app, tmp_path, capsys):
    expected = sealing.current().newest_id
    wrong = base64.b64encode(OTHER).decode()
    with pytest.raises(SystemExit) as stopped:
        create_app(_overrides(tmp_path, DATA_KEY=wrong))
    assert stopped.value.code == 2
    message = capsys.readouterr().err
    assert f"Der Datenschlüssel {expected} fehlt" in message and "PERSPEKTIVE_DATA_KEY" in message
    assert sealing.key_id(OTHER) in message and "Traceback" not in message

    missing = tmp_path / "nowhere" / "data_keys"
    with pytest.raises(SystemExit) as stopped:
        create_app(_overrides(tmp_path, DATA_KEY="", DATA_KEY_FILE=str(missing)))
    assert stopped.value.code == 2
    message = capsys.readouterr().err
    assert f"Der Datenschlüssel {expected} fehlt" in message and str(missing) in message and "keiner" in message
    assert not missing.exists()  # no new key is made for a database that has one


def test_the_command_line_stops_with_exit_2_on_a_wrong_key(app, tmp_path):
    env = {**os.environ, "PERSPEKTIVE_DATA_KEY": base64.b64encode(OTHER).decode(),
           "PERSPEKTIVE_DATA_DIR": str(tmp_path / "data")}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        env["PERSPEKTIVE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'test.db'}"
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "clients", "export", "1"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Der Datenschlüssel" in done.stderr and "fehlt" in done.stderr and "Traceback" not in done.stderr


def test_a_new_installation_gets_a_key_file_of_its_own_readable_by_the_owner_only(tmp_path):
    keys = tmp_path / "data" / "data_keys"
    made = create_app({"DATA_DIR": str(tmp_path / "data"), "DATA_KEY": "",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"})
    assert keys.exists() and oct(keys.stat().st_mode & 0o777) == "0o600"
    assert made.extensions["sealing"].ids == [sealing.key_id(base64.b64decode(keys.read_text().strip()))]


# --- migration 8 and the search ----------------------------------------------------------------------------------

def test_migration_8_seals_an_older_installation_in_place(app, dbconn, counsellor):
    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    plain = json.dumps(demo_facts("amina"), ensure_ascii=False)
    Client.update(facts_json=plain).where(Client.id == client.id).execute()
    FactsRevision.update(facts_json=plain).execute()
    SearchToken.delete().execute()
    SchemaMigration.delete().where(SchemaMigration.version == 8).execute()
    sealing.SealCanary.delete().execute()
    assert migrate() == [8]
    stored = Client.get_by_id(client.id)
    assert stored.facts_json.startswith("pk1:") and "Yousef" not in stored.facts_json
    assert all(r.facts_json.startswith("pk1:") for r in FactsRevision.select())
    assert records.load_facts(stored).person.family_name == "Yousef"
    assert [row.client.id for row in overview(counsellor, "yousef")] == [client.id]
    assert sealing.SealCanary.select().count() == 1


def test_the_search_finds_whole_words_and_starts_of_words_only(app, dbconn, counsellor):
    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    for term in ("Yousef", "you", "AMINA yousef", "12.04.1990", "1990-04-12"):
        assert [row.client.id for row in overview(counsellor, term)] == [client.id], term
    for term in ("ousef", "yo", "13.04.1990"):
        assert overview(counsellor, term) == [], term
    assert SearchToken.select().where(SearchToken.client == client).count() > 5
    assert not any("yousef" in t.token for t in SearchToken.select())
