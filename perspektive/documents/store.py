"""The one place where generated documents (letters, checklists) are kept, read and deleted.

Callers never touch the files under DATA_DIR/documents directly: each file is sealed here
(``perspektive.sealing``, bound to its storage key) and opened on reading. Files get generated names, never one
a user supplied. ``sha256`` and ``size`` in the row are of the letter itself, as a download checks it.
"""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask import current_app

from perspektive import audit, sealing
from perspektive.accounts.models import User
from perspektive.clients.models import Client
from perspektive.db import write_transaction
from perspektive.law import quantity

from .models import Document


def _documents_dir() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "documents"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def store_document(client: Client, workflow: str, kind: str, data: bytes, actor: User | None) -> Document:
    """Keep a generated document under a generated name (never a user-supplied one)."""
    key = secrets.token_hex(16)
    path = _documents_dir() / key
    fd_path = path.with_suffix(".part")
    fd_path.write_bytes(sealing.seal_bytes(data, key))
    fd_path.chmod(0o600)
    fd_path.replace(path)
    with write_transaction():
        doc = Document.create(client=client, workflow=workflow, kind=kind, storage_key=key,
                              sha256=hashlib.sha256(data).hexdigest(), size=len(data), created_by=actor)
        audit.record(actor or "cli", "document.create", "document", doc.id, f"{workflow}/{kind}")
    return doc


def read_document(doc: Document) -> bytes:
    return sealing.open_bytes((_documents_dir() / doc.storage_key).read_bytes(), doc.storage_key)


def document_path(doc: Document) -> Path:
    """Where the sealed file lies (for rotation and the migration, which re-seal files in place)."""
    return _documents_dir() / doc.storage_key


def reseal_document(doc: Document, keyring=None) -> bool:
    """Seal the document's file under the newest key (a plain file from before sealing too); ``True`` if it
    changed. The new file replaces the old one atomically."""
    ring = keyring or sealing.current()
    path = document_path(doc)
    if not path.exists():
        return False
    blob = path.read_bytes()
    kid = sealing.file_key_id(blob)
    if kid == ring.newest_id:
        return False
    data = sealing.open_bytes(blob, doc.storage_key, ring) if kid else blob
    part = path.with_suffix(".part")
    part.write_bytes(sealing.seal_bytes(data, doc.storage_key, ring))
    part.chmod(0o600)
    part.replace(path)
    return True


def delete_documents_older_than(cutoff) -> int:
    """Remove generated documents created before ``cutoff`` (rows and files); returns how many."""
    removed = 0
    for doc in Document.select().where(Document.created_at < cutoff):
        (_documents_dir() / doc.storage_key).unlink(missing_ok=True)
        doc.delete_instance()
        removed += 1
    if removed:
        audit.record(None, "document.retention_purge", "document", "",
                     f"{quantity(removed, 'Dokument', 'Dokumente')} gelöscht")
    return removed


def delete_client_documents(client: Client) -> int:
    """Remove every generated document of one client, files and rows (Art. 17); returns how many."""
    removed = 0
    for doc in Document.select().where(Document.client == client):
        (_documents_dir() / doc.storage_key).unlink(missing_ok=True)
        doc.delete_instance()
        removed += 1
    return removed
