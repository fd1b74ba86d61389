"""A consistent copy of the database, and putting one back, for each engine.

SQLite is copied through its online backup API, page by page inside one read transaction, so writers may go on
and the copy is the database as of one moment; copying the file would miss what still lies in the WAL (see
sqlite.org/howtocorrupt.html). PostgreSQL is dumped by ``pg_dump -Fc`` (one snapshot) and put back by
``pg_restore``, whose exit status decides. Both sides check before they write: a restore goes only into a
database without tables, unless the operator forces it.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import peewee as pw

from perspektive.db import connect_database

from .sources import sqlite_path

SQLITE_NAME = "database/perspektive.sqlite"
POSTGRES_NAME = "database/perspektive.pgdump"


class DatabaseError(RuntimeError):
    """The database could not be copied or put back; the message says why."""


def engine_of(config) -> str:
    return "sqlite" if sqlite_path(config) else "postgresql"


def _libpq_url(config) -> str:
    return config["DATABASE_URL"].replace("postgres://", "postgresql://", 1)


def integrity_problem(path: Path) -> str | None:
    """None when SQLite finds the file sound, else what ``PRAGMA integrity_check`` says (first lines)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()
    return None if rows == ["ok"] else "; ".join(rows[:5])


def dump(config, target: Path) -> str:
    """Write a consistent copy of the configured database to ``target``; returns its archive name."""
    database = sqlite_path(config)
    if database:
        if not database.exists():
            raise DatabaseError(f"Die Datenbank {database} gibt es nicht.")
        source = sqlite3.connect(database, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.execute("PRAGMA busy_timeout = 30000")
            source.backup(copy)  # all pages in one step: one read transaction, one moment
        except sqlite3.Error as exc:
            raise DatabaseError(f"SQLite-Sicherung fehlgeschlagen: {exc}") from None
        finally:
            copy.close()
            source.close()
        problem = integrity_problem(target)
        if problem:
            raise DatabaseError(f"Die Kopie der Datenbank ist nicht in Ordnung: {problem}")
        return SQLITE_NAME
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
                             "--dbname", _libpq_url(config)], capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseError(f"pg_dump ist fehlgeschlagen (Exit {result.returncode}): {_first_error(result.stderr)}")
    return POSTGRES_NAME


def _first_error(stderr: str) -> str:
    """The first line of a client's complaint, cut short: later lines may quote rows, i.e. personal data."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return (lines[0][:300] if lines else "keine Meldung")


def tables_in(config) -> list[str]:
    """The tables of the configured database (none: it is empty)."""
    database = sqlite_path(config)
    if database and not database.exists():
        return []
    connection = connect_database(config["DATABASE_URL"])
    try:
        return connection.get_tables()
    except pw.OperationalError as exc:
        raise DatabaseError(f"Die Datenbank ist nicht erreichbar: {_first_error(str(exc))}") from None
    finally:
        connection.close()


def load(config, source: Path, name: str, *, force: bool) -> None:
    """Put the copy ``source`` (archive name ``name``) into the configured database."""
    database = sqlite_path(config)
    if (name == SQLITE_NAME) != bool(database):
        made, here = ("SQLite", "PostgreSQL") if name == SQLITE_NAME else ("PostgreSQL", "SQLite")
        raise DatabaseError(f"Das Backup stammt aus {made}, konfiguriert ist {here}: bitte eine {made}-Datenbank "
                            "konfigurieren (PERSPEKTIVE_DATABASE_URL) und danach umziehen.")
    if database:
        problem = integrity_problem(source)
        if problem:
            raise DatabaseError(f"Die Datenbank im Backup ist nicht in Ordnung: {problem}")
        database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        copy, target = sqlite3.connect(source), sqlite3.connect(database, timeout=30)
        try:
            copy.backup(target)  # replaces every page of the target, whatever it held (only with --force)
        except sqlite3.Error as exc:
            raise DatabaseError(f"SQLite-Wiederherstellung fehlgeschlagen: {exc}") from None
        finally:
            copy.close()
            target.close()
        os.chmod(database, 0o600)
        problem = integrity_problem(database)
        if problem:
            raise DatabaseError(f"Die wiederhergestellte Datenbank ist nicht in Ordnung: {problem}")
        return
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               "--dbname", _libpq_url(config)]
    if force:
        command += ["--clean", "--if-exists"]
    result = subprocess.run(command + [str(source)], capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseError(f"pg_restore ist fehlgeschlagen (Exit {result.returncode}), nichts wurde übernommen: "
                            f"{_first_error(result.stderr)}")
