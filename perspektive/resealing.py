"""Every sealed value and document moved onto the newest data key, in batches: migration 8 seals the plaintext of
an older installation with it, ``keys rotate`` moves everything off a retired key.

A value still to do is found by its key id (a plaintext value has none), so an interrupted run resumes where it
stopped and a finished one finds nothing. Each batch commits on its own. A client's search tokens are written
again with its facts, so the blind index follows the key.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import peewee as pw

from perspektive import sealing
from perspektive.clients import write_search_tokens
from perspektive.clients.models import Client, FactsRevision
from perspektive.conferences.models import AgendaItem
from perspektive.db import db, write_transaction
from perspektive.documents import checklist_note_row_id, document_path, reseal_document
from perspektive.documents.models import ChecklistTick, Document
from perspektive.followups.models import FollowUpRecord
from perspektive.law import CaseFacts
from perspektive.plans.models import ClientPlans
from perspektive.referrals.models import Outbox, Referral


@dataclass(frozen=True)
class SealedColumn:
    """A column holding sealed text: where it is, and the row id its values are bound to."""

    model: type[pw.Model]
    column: str
    row_id: Callable[[pw.Model], object]
    after: Callable[[pw.Model, str], None] | None = None  # called with the row and its plaintext

    @property
    def table(self) -> str:
        return self.model._meta.table_name

    def field(self) -> pw.Field:
        return getattr(self.model, self.column)

    def pending(self, newest: str) -> pw.Query:
        """The rows not yet under the newest key (plaintext ones included). Only the columns the table has: an
        older database reseals in migration 8 before later migrations add columns to the same tables."""
        col = self.field()
        present = {c.name for c in db.get_columns(self.table)}
        fields = [f for f in self.model._meta.sorted_fields if f.column_name in present]
        return (self.model.select(*fields)
                .where(col.is_null(False) & (col != "") & ~col.startswith(f"pk1:{newest}:"))
                .order_by(self.model._meta.primary_key))


def _client_tokens(client: Client, text: str) -> None:
    write_search_tokens(client, CaseFacts.model_validate(json.loads(text)).person)


SEALED_COLUMNS = (
    SealedColumn(Client, "facts_json", lambda row: row.id, _client_tokens),
    SealedColumn(FactsRevision, "facts_json", lambda row: row.id),
    SealedColumn(ChecklistTick, "note", lambda row: checklist_note_row_id(row.case_id, row.item)),
    SealedColumn(Outbox, "note", lambda row: row.referral_id),
    SealedColumn(FollowUpRecord, "state_note", lambda row: row.seal_id),
    SealedColumn(AgendaItem, "question", lambda row: row.number),
    SealedColumn(AgendaItem, "outcome", lambda row: row.number),
    SealedColumn(ClientPlans, "events_json", lambda row: row.client_id),
    SealedColumn(Referral, "file_number", lambda row: row.id),
)


def present_columns() -> list[SealedColumn]:
    """The sealed columns the database has: migration 8 reseals before a later migration has made its tables or
    columns (conferences, plans, a referral's file number)."""
    tables = set(db.get_tables())
    return [spec for spec in SEALED_COLUMNS
            if spec.table in tables and spec.column in {c.name for c in db.get_columns(spec.table)}]


def pending_count(keyring: sealing.Keyring) -> int:
    """Values and documents not yet under the newest key."""
    values = sum(spec.pending(keyring.newest_id).count() for spec in present_columns())
    return values + sum(1 for doc in Document.select() if _document_pending(doc, keyring))


def _document_pending(doc: Document, keyring: sealing.Keyring) -> bool:
    path = document_path(doc)
    if not path.exists():
        return False
    with path.open("rb") as handle:
        head = handle.read(len(sealing.FILE_MAGIC) + sealing.KEY_ID_LENGTH)
    return sealing.file_key_id(head) != keyring.newest_id


def reseal_batch(keyring: sealing.Keyring, size: int) -> int:
    """Move at most ``size`` values or documents onto the newest key in one transaction; returns how many (0:
    nothing left)."""
    done = 0
    with write_transaction():
        for spec in present_columns():
            for row in spec.pending(keyring.newest_id).limit(size - done):
                value = getattr(row, spec.column)
                row_id = spec.row_id(row)
                text = (sealing.open_value(value, spec.table, spec.column, row_id, keyring)
                        if sealing.is_sealed(value) else value)
                new = sealing.seal(text, spec.table, spec.column, row_id, keyring)
                spec.model.update({spec.field(): new}).where(
                    spec.model._meta.primary_key == row._pk).execute()
                if spec.after:
                    spec.after(row, text)
                done += 1
            if done >= size:
                return done
    for doc in Document.select().order_by(Document.id):
        if done >= size:
            break
        if _document_pending(doc, keyring) and reseal_document(doc, keyring):
            done += 1
    return done


def reseal_all(keyring: sealing.Keyring, size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Batches until nothing is left; ``progress`` hears each batch's count. Returns the total."""
    total = 0
    while True:
        done = reseal_batch(keyring, size)
        if not done:
            return total
        total += done
        if progress:
            progress(done)


def keys_in_use(keyring: sealing.Keyring) -> set[str]:
    """The key ids that some value, document or the canary is sealed under."""
    used = set()
    for spec in present_columns():
        col = spec.field()
        for kid in keyring.ids:
            if spec.model.select().where(col.startswith(f"pk1:{kid}:")).exists():
                used.add(kid)
    for doc in Document.select():
        path = document_path(doc)
        if path.exists():
            with path.open("rb") as handle:
                kid = sealing.file_key_id(handle.read(len(sealing.FILE_MAGIC) + sealing.KEY_ID_LENGTH))
            if kid:
                used.add(kid)
    canary = sealing.SealCanary.get_or_none()
    if canary is not None:
        used.add(sealing.value_key_id(canary.value))
    return used
