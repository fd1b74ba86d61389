"""The migrations that create and change every capability's tables.

Migrations are numbered functions applied in order and recorded in ``schema_migration``; a later schema change is
a new function (using ``playhouse.migrate``), never an edit of an applied one, so data is never wiped. This module
sits above the capabilities: it is the one place that knows all their models.
"""
from __future__ import annotations

import peewee as pw

from perspektive import resealing, sealing
from perspektive.accounts.models import LoginAttempt, User
from perspektive.audit import AuditEvent
from perspektive.clients.models import Case, Client, Consultation, FactsRevision, SearchToken
from perspektive.conferences.models import AgendaItem, Invitation, Meeting
from perspektive.db import BaseModel, db, utcnow, write_transaction
from perspektive.documents import summary_categories
from perspektive.documents.models import ChecklistTick, Document, ProvisionUpload, TranslationReview
from perspektive.followups.models import CalendarFeed, FollowUpRecord, FollowUpStamp
from perspektive.plans.models import ClientPlans
from perspektive.privacy.models import ErasedClient
from perspektive.procedure_stats.models import ProcedureFigure, ProcedureReport
from perspektive.referrals.models import AuthorityContact, Consent, Outbox, Referral
from perspektive.statistics import backfill as backfill_statistics
from perspektive.statistics.models import TABLES as STATISTICS_TABLES


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
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as apply

    migrator = SchemaMigrator.from_database(database)
    new_columns = [(User, User.totp_secret), (User, User.totp_confirmed_at), (User, User.totp_last_step),
                   (Consultation, Consultation.created_at)]
    for model, column in new_columns:
        table = model._meta.table_name
        if column.column_name not in {c.name for c in database.get_columns(table)}:
            apply(migrator.add_column(table, column.column_name, column))
    database.create_tables([ChecklistTick])


def _api_token_expiry(database):
    """Bearer tokens expire. Tokens issued before had no expiry and end here: a new one is issued with
    ``users token``. (A fresh database has the column from migration 1 already.)"""
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as apply

    table, column = User._meta.table_name, User.api_token_expires_at
    if column.column_name not in {c.name for c in database.get_columns(table)}:
        apply(SchemaMigrator.from_database(database).add_column(table, column.column_name, column))
    User.update(api_token_hash=None).where(User.api_token_expires_at.is_null()).execute()


def _facts_revision(database):
    """A revision counter on each client, so that a stale facts write is refused (probe finding 2). A plain ``ADD
    COLUMN ... NOT NULL DEFAULT 0`` on both engines: peewee's migrator would copy the table on SQLite, and the copy
    cascades deletes into the client's cases and history. (A fresh database has the column from migration 1.)"""
    if "revision" not in {c.name for c in database.get_columns(Client._meta.table_name)}:
        database.execute_sql('ALTER TABLE "client" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0')


def _erased_clients(database):
    """The data subject's rights: the pseudonymous tombstones an erasure leaves for the statistics."""
    database.create_tables([ErasedClient])


def _sealing(database):
    """Encryption at rest (docs/encryption.md): the key check's canary, the blind index of the search, and every
    value and document written before sealed in place under the data key. Checklist and follow-up notes become
    text (a sealed note is longer than the 500 characters a note may have); on SQLite a column's declared length is not kept."""
    database.create_tables([sealing.SealCanary, SearchToken])
    if isinstance(database.obj if isinstance(database, pw.DatabaseProxy) else database, pw.PostgresqlDatabase):
        database.execute_sql("ALTER TABLE checklist_tick ALTER COLUMN note TYPE TEXT")
        database.execute_sql("ALTER TABLE follow_up_record ALTER COLUMN state_note TYPE TEXT")
    keyring = sealing.current()
    resealing.reseal_all(keyring)
    sealing.write_canary(keyring)


def _statistics(database):
    """The statistics' coarse rows and each case's outcome (perspektive.statistics), filled for every client there
    is: from here on the figures never read the sealed facts."""
    database.create_tables(list(STATISTICS_TABLES))
    backfill_statistics()

def _conferences(database):
    """Case conferences (meetings, invitations, agenda items with sealed texts) and the authority's procedure
    statistics (aggregate tables, linked to no case)."""
    database.create_tables([Meeting, Invitation, AgendaItem, ProcedureReport, ProcedureFigure])


def _translation_reviews(database):
    """Which checklist translation an administrator marked reviewed, by whom and when (documents.translations)."""
    database.create_tables([TranslationReview])


def _planned_events(database):
    """Issue 16: a client's planned events, sealed, apart from the facts (perspektive.plans)."""
    database.create_tables([ClientPlans])


def _referral_minimisation(database):
    """A release names the data categories the case summary may hold, a referral the ones its summary holds, and
    keeps the authority's file number (sealed) for the portal's list. A release recorded before covered the
    summary as it was then, every category; a referral sent before keeps none (its summary is already sent).
    (A fresh database has the columns from migrations 1 and 2.)"""
    # Plain ADD COLUMN on both engines (peewee's migrator would copy a table on SQLite, see _facts_revision).
    steps = [("consent", "categories",
              """ALTER TABLE "consent" ADD COLUMN "categories" VARCHAR(200) NOT NULL DEFAULT ''"""),
             ("referral", "categories",
              """ALTER TABLE "referral" ADD COLUMN "categories" VARCHAR(200) NOT NULL DEFAULT ''"""),
             ("referral", "file_number", 'ALTER TABLE "referral" ADD COLUMN "file_number" TEXT')]
    for table, column, statement in steps:
        if column not in {c.name for c in database.get_columns(table)}:
            database.execute_sql(statement)
    every = ",".join(summary_categories())
    Consent.update(categories=every).where(Consent.scope.contains("summary") & (Consent.categories == "")).execute()


def _followup_stamps(database):
    """What each client's follow-ups were computed from: the daily sweep then reads these, not the facts."""
    database.create_tables([FollowUpStamp])


def _provision_uploads(database):
    """Issue 17: uploaded workflows and templates in the database, versioned, so that every server sees them
    (documents.upload_store). Files an installation already had are imported at its next start."""
    database.create_tables([ProvisionUpload])


MIGRATIONS = [(1, _initial), (2, _referrals), (3, _followups), (4, _workplace), (5, _api_token_expiry),
              (6, _facts_revision), (7, _erased_clients), (8, _sealing), (9, _statistics),
              (10, _conferences), (11, _translation_reviews), (12, _referral_minimisation), (14, _planned_events),
              (15, _followup_stamps), (16, _provision_uploads)]


def pending(database=db) -> list[int]:
    """The versions not yet applied: every one on an empty database."""
    if not database.table_exists(SchemaMigration._meta.table_name):
        return [version for version, _ in MIGRATIONS]
    done = {m.version for m in SchemaMigration.select(SchemaMigration.version)}
    return [version for version, _ in MIGRATIONS if version not in done]


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

