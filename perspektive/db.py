"""The database: one peewee proxy for every capability's models, the base model, and the write transaction.

Each capability keeps its tables in its own ``models.py`` on ``BaseModel``; ``perspektive.migrations`` creates and
changes them. The same models run on SQLite (WAL, busy timeout) and PostgreSQL: no engine-specific SQL outside
``connect_database``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from urllib.parse import urlparse

import peewee as pw
from playhouse.db_url import connect as connect_url

db = pw.DatabaseProxy()

# Ids are 64-bit signed integers on both engines: an id from outside (a URL, JSON, the command line) at or beyond
# this bound can name no row, and handing it to the database fails (OverflowError on SQLite, an error on PG).
MAX_ID = 2 ** 63


class _DropQueryParameters(logging.Filter):
    """peewee logs each query as ``(sql, params)`` at DEBUG; the parameters are personal data, the SQL is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, tuple) and record.msg:
            record.msg, record.args = str(record.msg[0]), ()
        return True


logging.getLogger("peewee").addFilter(_DropQueryParameters())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False



def connect_database(url: str) -> pw.Database:
    """The database for a URL: SQLite in WAL mode with a busy timeout, or PostgreSQL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):]
        return pw.SqliteDatabase(path, timeout=15, pragmas={
            "journal_mode": "wal", "busy_timeout": 15000, "foreign_keys": 1, "synchronous": "normal"})
    if parsed.scheme in ("postgres", "postgresql"):
        return connect_url(url.replace("postgres://", "postgresql://", 1))
    raise SystemExit(f"PERSPEKTIVE_DATABASE_URL: nicht unterstütztes Schema {parsed.scheme!r} "
                     "(sqlite:/// oder postgresql://)")


def init_database(url: str) -> pw.Database:
    database = connect_database(url)
    db.initialize(database)
    return database


def is_postgres() -> bool:
    return isinstance(db.obj, pw.PostgresqlDatabase)


@contextlib.contextmanager
def write_transaction(serialise: str | None = None):
    """A transaction that reads and then writes: SQLite takes the write lock at BEGIN (IMMEDIATE), so two writers
    wait for each other (busy timeout) instead of failing on a stale snapshot. PostgreSQL lets writers run side by
    side; a check-then-write that must not run twice on the same count names itself in ``serialise`` and takes a
    transaction-scoped advisory lock of that name, so its instances wait for each other there too."""
    if isinstance(db.obj, pw.SqliteDatabase):
        with db.atomic(lock_type="IMMEDIATE"):
            yield
        return
    with db.atomic():
        if serialise:
            db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (serialise,))
        yield


def reclaim_free_space() -> None:
    """Make deleted rows unreadable in the files (Art. 17): on SQLite the WAL is written back and truncated, the
    file rebuilt without its free pages (VACUUM), and the WAL truncated again; on PostgreSQL VACUUM marks the dead
    rows' space free (the bytes go when PostgreSQL reuses the pages). Must run outside a transaction."""
    if isinstance(db.obj, pw.SqliteDatabase):
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute_sql("VACUUM")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        db.execute_sql("VACUUM")
