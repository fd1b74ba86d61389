"""Peewee models and the migrations that create and change them.

Migrations are numbered functions applied in order and recorded in ``schema_migration``; a later schema change is
a new function (using ``playhouse.migrate``), never an edit of an applied one, so data is never wiped. The same
models run on SQLite (WAL, busy timeout) and PostgreSQL: no engine-specific SQL outside ``connect_database``.
"""
from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlparse

import peewee as pw
from playhouse.db_url import connect as connect_url

db = pw.DatabaseProxy()


class _DropQueryParameters(logging.Filter):
    """peewee logs each query as ``(sql, params)`` at DEBUG; the parameters are personal data, the SQL is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, tuple) and record.msg:
            record.msg, record.args = str(record.msg[0]), ()
        return True


logging.getLogger("peewee").addFilter(_DropQueryParameters())

ROLES = ("counsellor", "administrator", "authority_contact")
CASE_STATES = ("open", "submitted", "granted", "refused", "closed")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class User(BaseModel):
    username = pw.CharField(max_length=80, unique=True)
    display_name = pw.CharField(max_length=200)
    email = pw.CharField(max_length=200, default="")
    phone = pw.CharField(max_length=80, default="")
    role = pw.CharField(max_length=40, choices=[(r, r) for r in ROLES])
    password_hash = pw.CharField(max_length=300)
    active = pw.BooleanField(default=True)
    # Rotated at logout and password change: a replayed cookie names an old token and is refused.
    session_token = pw.CharField(max_length=64)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    api_token_hash = pw.CharField(max_length=64, null=True, unique=True)
    created_at = pw.DateTimeField(default=utcnow)


class Client(BaseModel):
    """A person. Facts live in ``facts_json`` and are read and written only through ``perspektive.records``."""

    counsellor = pw.ForeignKeyField(User, backref="clients", on_delete="RESTRICT")
    reference = pw.CharField(max_length=40, unique=True)
    nationality = pw.CharField(max_length=16, default="unknown", index=True)
    facts_json = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow, index=True)


class FactsRevision(BaseModel):
    client = pw.ForeignKeyField(Client, backref="revisions", on_delete="CASCADE")
    facts_json = pw.TextField()
    recorded_at = pw.DateTimeField(default=utcnow)
    recorded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")


class Case(BaseModel):
    client = pw.ForeignKeyField(Client, backref="cases", on_delete="CASCADE")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    workflow = pw.CharField(max_length=60, index=True)
    rules_version = pw.CharField(max_length=10)
    verdict = pw.CharField(max_length=20)
    status = pw.CharField(max_length=20, default="open", choices=[(s, s) for s in CASE_STATES])
    opened_on = pw.DateField()
    created_at = pw.DateTimeField(default=utcnow)


class Document(BaseModel):
    """A generated letter or checklist; the bytes are kept by ``perspektive.records`` under DATA_DIR."""

    client = pw.ForeignKeyField(Client, backref="documents", on_delete="CASCADE")
    workflow = pw.CharField(max_length=60)
    kind = pw.CharField(max_length=40)
    storage_key = pw.CharField(max_length=64, unique=True)
    sha256 = pw.CharField(max_length=64)
    size = pw.IntegerField()
    created_at = pw.DateTimeField(default=utcnow, index=True)
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")


class Consultation(BaseModel):
    client = pw.ForeignKeyField(Client, backref="consultations", on_delete="CASCADE")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    held_on = pw.DateField()
    kind = pw.CharField(max_length=20, choices=[("first", "first"), ("follow_up", "follow_up")])
    duration_minutes = pw.IntegerField(null=True)
    attendees = pw.CharField(max_length=200, default="")


class AuditEvent(BaseModel):
    """Who did what to which object, when (UTC). No personal data; each row hashes its predecessor."""

    at = pw.DateTimeField(default=utcnow)
    actor = pw.CharField(max_length=80)
    action = pw.CharField(max_length=60)
    object_type = pw.CharField(max_length=40)
    object_id = pw.CharField(max_length=40, default="")
    detail = pw.CharField(max_length=500, default="")
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64, unique=True)


class LoginAttempt(BaseModel):
    """Failed logins per submitted name, also for names that do not exist (same answer for both)."""

    username = pw.CharField(max_length=80, index=True)
    at = pw.DateTimeField(default=utcnow, index=True)


class SchemaMigration(BaseModel):
    version = pw.IntegerField(primary_key=True)
    applied_at = pw.DateTimeField(default=utcnow)


def _initial(database):
    database.create_tables([User, Client, FactsRevision, Case, Document, Consultation, AuditEvent, LoginAttempt])


MIGRATIONS = [(1, _initial)]


def migrate(database=db) -> list[int]:
    """Apply pending migrations in order; returns the versions applied."""
    applied = []
    with write_transaction():
        database.create_tables([SchemaMigration])
        done = {m.version for m in SchemaMigration.select()}
        for version, step in MIGRATIONS:
            if version in done:
                continue
            step(database)
            SchemaMigration.create(version=version)
            applied.append(version)
    return applied


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


def write_transaction():
    """A transaction that reads and then writes: SQLite takes the write lock at BEGIN (IMMEDIATE), so two writers
    wait for each other (busy timeout) instead of failing on a stale snapshot."""
    if isinstance(db.obj, pw.SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()
