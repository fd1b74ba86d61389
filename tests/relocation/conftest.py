"""Relocation fixtures: the source is always an embedded installation (SQLite in the test's own directory), on
both CI passes, so the suite's database is never touched; the target is a PostgreSQL database of the test's own,
made empty and dropped afterwards."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from perspektive import create_app
from perspektive.db import db
from perspektive.migrations import migrate
from perspektive.referrals.openpgp import stop_agent
from tests.backup.conftest import backup_key, filled, pinned  # noqa: F401 - a row in (nearly) every table

# The server the scratch databases are made on: the suite's own PostgreSQL on its PostgreSQL pass, else the local
# one the development machine and CI run.
ADMIN_URL = os.environ.get("PERSPEKTIVE_TEST_POSTGRES_ADMIN_URL") or (
    urlunparse(urlparse(os.environ["PERSPEKTIVE_DATABASE_URL"])._replace(path="/postgres"))
    if os.environ.get("PERSPEKTIVE_DATABASE_URL") else "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def app(tmp_path):
    """The installation to move: SQLite, whatever engine the suite runs on."""
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite:///{tmp_path / 'quelle.db'}"})
    app.config["TESTING"] = True
    with app.app_context():
        with db.connection_context():
            migrate()
        yield app
    if not db.is_closed():
        db.close()
    stop_agent(app.config["GNUPG_HOME"] or Path(app.config["DATA_DIR"]) / "gnupg")


def admin(sql: str) -> list[tuple]:
    """One statement on ``database`` (default: the server's maintenance database), outside a transaction."""
    return run_sql(ADMIN_URL, sql)


def run_sql(url: str, sql: str, params=()) -> list[tuple]:
    connection = psycopg.connect(url, autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


@pytest.fixture
def pg_target():
    """The URL of a new, empty PostgreSQL database (perspektive_mt_<random>), dropped after the test."""
    name = f"perspektive_mt_{secrets.token_hex(4)}"
    admin(f'CREATE DATABASE "{name}"')
    yield urlunparse(urlparse(ADMIN_URL)._replace(path="/" + name))
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
