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
    # Second factor (RFC 6238): the shared secret once confirmed by a first code, and the last time step
    # accepted, so that a code seen over a shoulder can not be used again.
    totp_secret = pw.CharField(max_length=64, null=True)
    totp_confirmed_at = pw.DateTimeField(null=True)
    totp_last_step = pw.BigIntegerField(null=True)
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
    attendees = pw.CharField(max_length=200, default="")  # comma-separated: CONSULTATION_ATTENDEES
    created_at = pw.DateTimeField(default=utcnow)


CONSULTATION_ATTENDEES = ("person", "volunteer", "employer", "social_work", "medical_service")


class ChecklistTick(BaseModel):
    """The state of one checklist item of a case: ticked off, a note, the day the document expires.

    ``item`` is the checklist item's id in the workflow file (or a plugin's); an item the workflow drops later
    keeps its row, so nothing a counsellor recorded is lost.
    """

    case = pw.ForeignKeyField(Case, backref="ticks", on_delete="CASCADE")
    item = pw.CharField(max_length=80)
    done = pw.BooleanField(default=False)
    note = pw.CharField(max_length=500, default="")
    expires_on = pw.DateField(null=True)
    updated_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("case", "item"), True),)


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


class AuthorityContact(BaseModel):
    """A named person in the Ausländerbehörde who receives referrals, encrypted to the key pinned here.

    The armoured public key is kept in the database, so every worker on every host encrypts to exactly this key;
    it is used only once an administrator has confirmed ``fingerprint`` (``confirmed_at``), e.g. by phone.
    """

    name = pw.CharField(max_length=200)
    department = pw.CharField(max_length=200, default="")
    email = pw.CharField(max_length=200)
    workflows = pw.CharField(max_length=500, default="")  # comma-separated workflow ids
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="authority_contacts")
    fingerprint = pw.CharField(max_length=40, null=True)
    public_key = pw.TextField(null=True)
    key_summary = pw.CharField(max_length=80, default="")
    key_expires_at = pw.DateTimeField(null=True)
    key_imported_at = pw.DateTimeField(null=True)
    confirmed_at = pw.DateTimeField(null=True)
    confirmed_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)


class Consent(BaseModel):
    """The client's release from confidentiality towards one contact: given on a date, for some documents."""

    client = pw.ForeignKeyField(Client, backref="consents", on_delete="CASCADE")
    recipient = pw.ForeignKeyField(AuthorityContact, on_delete="RESTRICT")
    given_on = pw.DateField()
    scope = pw.CharField(max_length=200)  # comma-separated document kinds the release covers
    recorded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    withdrawn_on = pw.DateField(null=True)
    created_at = pw.DateTimeField(default=utcnow)


REFERRAL_STATES = ("queued", "retrying", "sent", "failed")


class Referral(BaseModel):
    """A case handed to an authority contact. Its id is also the e-mail's Message-ID, so a resent copy is
    recognisable as the same referral. Only the ciphertext of what was sent is kept, never the plaintext."""

    id = pw.CharField(max_length=32, primary_key=True)
    client = pw.ForeignKeyField(Client, backref="referrals", on_delete="CASCADE")
    contact = pw.ForeignKeyField(AuthorityContact, backref="referrals", on_delete="RESTRICT")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    consent = pw.ForeignKeyField(Consent, on_delete="RESTRICT")
    workflow = pw.CharField(max_length=60, null=True)
    documents = pw.CharField(max_length=100)  # comma-separated: letter, checklist, summary
    documents_on = pw.DateField()
    status = pw.CharField(max_length=20, default="queued", choices=[(s, s) for s in REFERRAL_STATES], index=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.CharField(max_length=500, default="")
    ciphertext = pw.TextField(null=True)
    manifest = pw.TextField(default="[]")  # JSON: name, size and SHA-256 of each attachment
    built_at = pw.DateTimeField(null=True)
    sent_at = pw.DateTimeField(null=True)
    acknowledged_at = pw.DateTimeField(null=True)
    acknowledged_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow, index=True)


class Outbox(BaseModel):
    """Delivery work still to do for a referral; the row goes when the referral is sent or has failed.

    ``note`` holds the counsellor's note only until the message is encrypted (same transaction as the ciphertext
    is stored). ``lease_until`` marks a worker's claim; a claim past its lease is free again for the sweep.
    """

    referral = pw.ForeignKeyField(Referral, unique=True, on_delete="CASCADE", backref="outbox")
    note = pw.TextField(null=True)
    next_attempt_at = pw.DateTimeField(default=utcnow, index=True)
    lease_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)


FOLLOWUP_STATES = ("open", "done", "dismissed")


class FollowUpRecord(BaseModel):
    """A follow-up of one client, kept so that a person acts on it: the date a workflow rule or plugin computed,
    its state, and the reminders sent for it.

    Rows are written only by ``perspektive.followup_records`` (recomputed when facts change, a case closes, and
    daily). ``kind`` is the rule id; ``(client, workflow, kind)`` is unique, so a moved date updates its row and
    ``previous_due``/``change_note`` tell the counsellor why. ``state_by`` is empty when the system closed the row
    (its basis is gone, its case closed). ``text`` and ``citation`` come from the rule and hold no personal data.
    """

    client = pw.ForeignKeyField(Client, backref="followups", on_delete="CASCADE")
    case = pw.ForeignKeyField(Case, null=True, backref="followups", on_delete="SET NULL")
    workflow = pw.CharField(max_length=60, default="")  # "" for a follow-up that concerns every path
    kind = pw.CharField(max_length=80)
    due = pw.DateField(index=True)
    text = pw.CharField(max_length=500)
    citation = pw.CharField(max_length=200)
    basis = pw.CharField(max_length=500)
    remind_days_before = pw.CharField(max_length=100)  # comma-separated, e.g. "60,14"
    state = pw.CharField(max_length=20, default="open", choices=[(s, s) for s in FOLLOWUP_STATES], index=True)
    state_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    state_at = pw.DateTimeField(null=True)
    state_note = pw.CharField(max_length=500, default="")
    previous_due = pw.DateField(null=True)
    change_note = pw.CharField(max_length=500, default="")
    changed_at = pw.DateTimeField(null=True)
    next_reminder_on = pw.DateField(null=True, index=True)
    reminded_on = pw.DateField(null=True)  # the reminder day last sent for
    reminder_lease_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "workflow", "kind"), True),)


class CalendarFeed(BaseModel):
    """A counsellor's iCalendar feed: only the SHA-256 of its secret token is kept (the URL is shown once)."""

    user = pw.ForeignKeyField(User, unique=True, on_delete="CASCADE", backref="calendar_feed")
    token_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DateTimeField(default=utcnow)


class SchemaMigration(BaseModel):
    version = pw.IntegerField(primary_key=True)
    applied_at = pw.DateTimeField(default=utcnow)


def _initial(database):
    database.create_tables([User, Client, FactsRevision, Case, Document, Consultation, AuditEvent, LoginAttempt])


def _referrals(database):
    database.create_tables([AuthorityContact, Consent, Referral, Outbox])


def _followups(database):
    database.create_tables([FollowUpRecord, CalendarFeed])


def _workplace(database):
    """Second factor on users, checklist state per case, when a consultation was recorded.

    Migration 1 creates tables from today's models, so a fresh database already has the new columns: only a
    database made before this migration gets them added."""
    from playhouse.migrate import SchemaMigrator, migrate as apply

    migrator = SchemaMigrator.from_database(database)
    new_columns = [(User, User.totp_secret), (User, User.totp_confirmed_at), (User, User.totp_last_step),
                   (Consultation, Consultation.created_at)]
    for model, column in new_columns:
        table = model._meta.table_name
        if column.column_name not in {c.name for c in database.get_columns(table)}:
            apply(migrator.add_column(table, column.column_name, column))
    database.create_tables([ChecklistTick])


MIGRATIONS = [(1, _initial), (2, _referrals), (3, _followups), (4, _workplace)]


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
