"""The one place where a client's facts and generated documents are written and read.

Callers never touch ``Client.facts_json`` or the document files directly, so that encryption at rest can go in
here without touching them. Every access is scoped to the counsellor who owns the client: another counsellor's
client is "not found", never "forbidden", so ids reveal nothing.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

from flask import current_app

from . import audit
from .facts import CaseFacts
from .followup_records import sync_client
from .models import Client, Document, FactsRevision, User, utcnow, write_transaction
from .periods import de, today_in_germany
from .reminders import schedule


class NotFound(LookupError):
    """The record does not exist or belongs to someone else."""


def _dump(facts: CaseFacts) -> str:
    return json.dumps(facts.to_json_dict(), ensure_ascii=False, sort_keys=True)


def create_client(facts: CaseFacts, counsellor: User, actor=None) -> Client:
    with write_transaction():
        client = Client.create(counsellor=counsellor, reference=f"K-{secrets.token_hex(5).upper()}",
                               nationality=facts.person.nationality or "unknown", facts_json=_dump(facts))
        FactsRevision.create(client=client, facts_json=client.facts_json, recorded_by=counsellor)
        audit.record(actor or counsellor, "client.create", "client", client.id)
        to_schedule = sync_client(client, facts, why="Mandant/in angelegt")
    schedule(to_schedule)
    return client


def update_facts(client: Client, facts: CaseFacts, actor: User) -> Client:
    """Store new facts and recompute the follow-ups in the same transaction: a date never lags the facts."""
    with write_transaction():
        client.facts_json = _dump(facts)
        client.nationality = facts.person.nationality or "unknown"
        client.updated_at = utcnow()
        client.save()
        FactsRevision.create(client=client, facts_json=client.facts_json, recorded_by=actor)
        audit.record(actor, "client.update_facts", "client", client.id)
        to_schedule = sync_client(client, facts, why=f"Fakten geändert am {de(today_in_germany())}")
    schedule(to_schedule)
    return client


def load_facts(client: Client) -> CaseFacts:
    """The stored facts; they were valid when written, so only types are re-checked (no 'future date' check)."""
    return CaseFacts.model_validate(json.loads(client.facts_json))


def export_facts(client: Client) -> dict:
    return load_facts(client).to_json_dict()


def client_for(user: User, client_id) -> Client:
    """The client with ``client_id`` if ``user`` is its counsellor; otherwise ``NotFound``, and the attempt is
    audited (a foreign id and a missing one look the same to the caller)."""
    try:
        client = Client.get_or_none((Client.id == int(client_id)) & (Client.counsellor == user))
    except (TypeError, ValueError):
        client = None
    if client is None:
        audit.record(user, "client.access_denied", "client", client_id)
        raise NotFound(client_id)
    return client


def _documents_dir() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "documents"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def store_document(client: Client, workflow: str, kind: str, data: bytes, actor: User | None) -> Document:
    """Keep a generated document under a generated name (never a user-supplied one)."""
    key = secrets.token_hex(16)
    path = _documents_dir() / key
    fd_path = path.with_suffix(".part")
    fd_path.write_bytes(data)
    fd_path.chmod(0o600)
    fd_path.replace(path)
    with write_transaction():
        doc = Document.create(client=client, workflow=workflow, kind=kind, storage_key=key,
                              sha256=hashlib.sha256(data).hexdigest(), size=len(data), created_by=actor)
        audit.record(actor or "cli", "document.create", "document", doc.id, f"{workflow}/{kind}")
    return doc


def read_document(doc: Document) -> bytes:
    return (_documents_dir() / doc.storage_key).read_bytes()


def delete_documents_older_than(cutoff) -> int:
    """Remove generated documents created before ``cutoff`` (rows and files); returns how many."""
    removed = 0
    for doc in Document.select().where(Document.created_at < cutoff):
        (_documents_dir() / doc.storage_key).unlink(missing_ok=True)
        doc.delete_instance()
        removed += 1
    if removed:
        audit.record(None, "document.retention_purge", "document", "", f"{removed} removed")
    return removed
