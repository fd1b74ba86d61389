"""``keys rotate``: interrupted after its first batch, the data stays readable under both keys and the search
works; run again, it finishes under the new key, rebuilds the search tokens and retires the old key, which then
no longer opens the database."""
from __future__ import annotations

import base64
import os

import pytest

from perspektive import create_app, resealing, sealing
from perspektive.clients import records
from perspektive.clients.models import Client, FactsRevision, SearchToken
from perspektive.clients.search import overview
from perspektive.db import db
from perspektive.documents import store_document
from perspektive.documents.models import Document
from perspektive.documents.store import document_path, read_document
from perspektive.law.facts import parse_facts
from tests.conftest import demo_facts

NAMES = ("Quirinia", "Zoltanowa", "Belqis", "Ottokarine", "Wenzeslava")


@pytest.fixture
def keyed_app(app, tmp_path):
    """The app with its key in a key file (rotation writes it) instead of the environment."""
    path = tmp_path / "keys" / "data_keys"
    path.parent.mkdir()
    sealing.write_key_file(path, sealing.current().keys)
    app.config.update(DATA_KEY="", DATA_KEY_FILE=str(path))
    sealing.install(sealing.read_keyring(app.config), app)
    yield app, path
    with db.connection_context():  # PostgreSQL keeps its tables for the next test, which has the session's key
        sealing.SealCanary.delete().execute()


def _values_under(kid: str) -> int:
    count = 0
    for spec in resealing.SEALED_COLUMNS:
        count += spec.model.select().where(spec.field().startswith(f"pk1:{kid}:")).count()
    return count


def test_rotation_interrupted_after_one_batch_resumes_and_retires_the_old_key(keyed_app, counsellor, monkeypatch,
                                                                                tmp_path):
    app, path = keyed_app
    old = sealing.current().newest_id
    with db.connection_context():
        made = []
        for name in NAMES:
            facts = demo_facts("amina")
            facts["person"]["given_name"] = name
            made.append(records.create_client(parse_facts(facts), counsellor))
        doc = store_document(made[0], "section_25b", "antrag", b"PK Antrag fuer Quirinia", counsellor)

    batches = []
    real = resealing.reseal_batch

    def one_batch_then_power_cut(keyring, size):
        if batches:
            raise KeyboardInterrupt
        batches.append(size)
        return real(keyring, size)

    monkeypatch.setattr(resealing, "reseal_batch", one_batch_then_power_cut)
    runner = app.test_cli_runner()
    cut = runner.invoke(args=["keys", "rotate", "--batch", "3"])
    assert batches == [3] and cut.exit_code != 0
    new = sealing.read_keyring(app.config).newest_id
    assert new != old and sealing.read_keyring(app.config).ids == [old, new]
    with db.connection_context():
        assert _values_under(new) == 3 and _values_under(old) > 0
        assert {records.load_facts(c).person.given_name for c in Client.select()} == set(NAMES)
        assert [r.client.id for r in overview(counsellor, "zoltanowa")] == [made[1].id]

    monkeypatch.setattr(resealing, "reseal_batch", real)
    done = runner.invoke(args=["keys", "rotate", "--batch", "3"])
    assert done.exit_code == 0, done.output
    assert "Rotation wird fortgesetzt" in done.output and f"entfernt: {old}" in done.output
    assert "Umschlüsseln" in done.output  # the progress bar
    assert sealing.read_keyring(app.config).ids == [new]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with db.connection_context():
        assert _values_under(old) == 0 and _values_under(new) == 2 * len(NAMES)
        assert all(r.facts_json.startswith(f"pk1:{new}:") for r in FactsRevision.select())
        assert document_path(doc).read_bytes().startswith(b"PKS1" + new.encode())
        assert read_document(Document.get_by_id(doc.id)) == b"PK Antrag fuer Quirinia"
        assert {records.load_facts(c).person.given_name for c in Client.select()} == set(NAMES)
        only_new = sealing.read_keyring(app.config)
        expected = set().union(*(sealing.blind_tokens({"w:" + n.lower()}, only_new) for n in NAMES))
        assert expected <= {t.token for t in SearchToken.select()}
        assert [r.client.id for r in overview(counsellor, "belq")] == [made[2].id]

    again = runner.invoke(args=["keys", "rotate"])
    assert again.exit_code == 0 and "Neuer Schlüssel" in again.output  # a finished rotation can start anew


def test_the_retired_key_no_longer_opens_the_database(keyed_app, counsellor, tmp_path, capsys):
    app, path = keyed_app
    old_key = sealing.current().keys[-1]
    with db.connection_context():
        records.create_client(parse_facts(demo_facts("amina")), counsellor)
    assert app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    overrides = {"DATA_DIR": str(tmp_path / "other"), "DATA_KEY": base64.b64encode(old_key).decode()}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        overrides["DATABASE_URL"] = app.config["DATABASE_URL"]
    with pytest.raises(SystemExit) as stopped:
        create_app(overrides)
    assert stopped.value.code == 2
    assert f"Der Datenschlüssel {sealing.read_keyring(app.config).newest_id} fehlt" in capsys.readouterr().err


def test_rotation_with_keys_in_the_environment_asks_for_the_new_key(app):
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 2 and "PERSPEKTIVE_DATA_KEY" in result.output
