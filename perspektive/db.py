"""The database: one peewee proxy for every capability's models, the base model, and the write transaction.

Each capability keeps its tables in its own ``models.py`` on ``BaseModel``; ``perspektive.migrations`` creates and
changes them. The same models run on SQLite (WAL, busy timeout) and PostgreSQL: no engine-specific SQL outside
``connect_database``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
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


def as_date(value) -> dt.date | None:
    """A date read through an aggregate or a subquery: SQLite hands it back as text, PostgreSQL as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


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
        # psycopg 3 (the ``postgres`` extra) even where an old psycopg2 is still installed beside it, which peewee
        # would otherwise prefer: the dead-connection check below reads psycopg 3's flags.
        return connect_url(url.replace("postgres://", "postgresql://", 1), prefer_psycopg3=True)
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


def _driver_gone() -> bool:
    """Whether this thread's driver connection is dead although peewee still counts it open. psycopg 3 marks a
    connection ``broken``, which is always also ``closed``, once a query found the server gone
    (``pg_terminate_backend``, a restart, a network cut); an sqlite3 connection closed underneath peewee refuses
    every use. Either way peewee would hand the dead connection to every later query of this thread."""
    conn = db._state.conn
    if conn is None:
        return True
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return conn.closed
    try:
        conn.total_changes  # noqa: B018 - any use of a closed sqlite3 connection raises
    except sqlite3.ProgrammingError:
        return True
    return False


def _answers() -> bool:
    """One round trip: the server still serves this connection (it cannot tell otherwise before a query)."""
    try:
        db.execute_sql("SELECT 1").fetchall()
    except (pw.InterfaceError, pw.OperationalError, pw.ProgrammingError):
        return False
    return True


def discard_connection() -> None:
    """Forget this thread's connection without talking to the server: a dead connection cannot roll back, and
    peewee's ``close`` refuses while it still counts a transaction open."""
    conn = db._state.conn
    db._state.reset()
    if conn is not None:
        with contextlib.suppress(Exception):
            conn.close()


def connection_lost(exc: BaseException | None) -> bool:
    """Whether an error came from the connection being gone (rather than from the query): after it, this thread
    must open a new one."""
    return (isinstance(exc, pw.PeeweeException | sqlite3.Error)
            and not db.is_closed() and _driver_gone())


def open_connection(ping: bool = False) -> None:
    """A usable connection for this thread: the one it holds when that is alive, else a new one. With ``ping``
    an open connection is asked first (one round trip), for work that must not fail on a connection the server
    dropped while it sat idle (a write that is not retried); without it only a connection already known dead is
    replaced, and a query on one dropped silently fails once and is replaced next time."""
    if not db.is_closed() and (_driver_gone() or (ping and not _answers())):
        logging.getLogger("perspektive.db").warning("database connection lost: opening a new one")
        discard_connection()
    db.connect(reuse_if_open=True)


@contextlib.contextmanager
def task_connection():
    """A connection for one task (or command): opened at the start, closed at the end, also when the server
    dropped it in between, so a dropped connection costs at most the task it broke and never the worker thread.
    Inside a request (Huey's immediate mode) the request's connection is used and left open."""
    if not db.is_closed() and not _driver_gone():
        yield
        return
    open_connection()
    try:
        yield
    finally:
        if db.is_closed():
            pass
        elif _driver_gone() or db.in_transaction():
            discard_connection()
        else:
            db.close()


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
