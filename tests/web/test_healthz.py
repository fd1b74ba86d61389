"""``GET /healthz``: what a load balancer or monitor sees when all is well and when one part is down, on the engine
CI chose. Each failure is real: a database nobody can reach, a Redis port where nothing listens, a keyring gpg
cannot open."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import peewee
import pytest

from perspektive import create_app
from perspektive.db import db
from perspektive.migrations import MIGRATIONS, SchemaMigration, migrate
from perspektive.referrals.openpgp import stop_agent
from tests.conftest import BrowserClient

ALL_OK = {"database": "ok", "schema": "ok", "queue": "ok", "gpg": "ok"}


def probe(app):
    app.test_client_class = BrowserClient
    return app.test_client().get("/healthz")


def fresh_app(tmp_path: Path, **overrides):
    """An app of its own (the ``app`` fixture's database, unless overridden), without anyone signed in."""
    config = {"DATA_DIR": str(tmp_path / "data")}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'probe.db'}"
    app = create_app({**config, **overrides})
    with app.app_context():
        with contextlib.suppress(peewee.OperationalError):  # the database nobody can reach stays so
            with db.connection_context():
                migrate()
    return app


@pytest.fixture
def cleanup_agent():
    homes = []
    yield homes.append
    for home in homes:
        stop_agent(home)


def test_all_parts_up_answers_200_without_sign_in_and_without_anything_else(app, http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == ALL_OK
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session is started for a probe
    stop_agent(Path(app.config["DATA_DIR"]) / "gnupg")


def test_an_unreachable_database_answers_503_naming_it(tmp_path, cleanup_agent):
    if os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        url = "postgresql://postgres@127.0.0.1:1/perspektive_nowhere"  # nothing listens on port 1
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'perspektive.db'}"
    app = fresh_app(tmp_path, DATABASE_URL=url)
    cleanup_agent(Path(app.config["DATA_DIR"]) / "gnupg")
    response = probe(app)
    assert response.status_code == 503
    assert response.get_json() == {**ALL_OK, "database": "down", "schema": "down"}


def test_a_redis_nobody_listens_on_answers_503_naming_the_queue(tmp_path, cleanup_agent):
    app = fresh_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    cleanup_agent(Path(app.config["DATA_DIR"]) / "gnupg")
    response = probe(app)
    assert response.status_code == 503
    assert response.get_json() == {**ALL_OK, "queue": "down"}


def test_a_keyring_gpg_cannot_open_answers_503_naming_gpg(tmp_path):
    not_a_folder = tmp_path / "gnupg-home"
    not_a_folder.write_text("a file where the keyring should be")
    response = probe(fresh_app(tmp_path, GNUPG_HOME=str(not_a_folder)))
    assert response.status_code == 503
    assert response.get_json() == {**ALL_OK, "gpg": "down"}


def test_a_database_waiting_for_migrate_answers_503_naming_the_schema(app, http):
    """The pages answer 503 until ``perspektive migrate`` has run (schema_gate): a load balancer must not send
    anyone to such a host, so the probe says so too."""
    with db.connection_context():
        SchemaMigration.delete().where(SchemaMigration.version == MIGRATIONS[-1][0]).execute()
    response = http.get("/healthz")
    assert response.status_code == 503 and response.get_json() == {**ALL_OK, "schema": "behind"}
    with db.connection_context():
        migrate()
    assert http.get("/healthz").get_json() == ALL_OK
    stop_agent(Path(app.config["DATA_DIR"]) / "gnupg")
