"""The audit trail: who did what, when (UTC), to which object. Tamper-evident: each event hashes the one before.

Details must never hold personal data; callers pass ids and kinds only. Newlines are encoded so that one event is
always one line in any export. A detail is written once and shown as written (the chain hashes it), so it is
German, like the rest of what the system keeps, whatever the language of the page that caused it: plain text, not
the catalogue; counts with ``law.quantity`` (1 Fall, 2 Fälle), days as 21.11.2026.
"""
from __future__ import annotations

import hashlib

import peewee as pw

from perspektive.db import BaseModel, utcnow, write_transaction

GENESIS = "0" * 64


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


def _clean(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")[:500]


def _digest(prev: str, at, actor: str, action: str, object_type: str, object_id: str, detail: str) -> str:
    payload = "\x1f".join([prev, at.isoformat(), actor, action, object_type, object_id, detail])
    return hashlib.sha256(payload.encode()).hexdigest()


def record(actor, action: str, object_type: str, object_id="", detail: str = "") -> AuditEvent:
    """Append an event. ``actor`` is a User, a name such as ``"cli"``, or None for the system."""
    name = _clean(getattr(actor, "username", None) or actor or "system")
    action, object_type, object_id, detail = map(_clean, (action, object_type, object_id, detail))
    with write_transaction(serialise="audit-chain"):  # one writer of the chain at a time
        last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
        prev = last.hash if last else GENESIS
        at = utcnow()
        return AuditEvent.create(at=at, actor=name, action=action, object_type=object_type, object_id=object_id,
                                 detail=detail, prev_hash=prev,
                                 hash=_digest(prev, at, name, action, object_type, object_id, detail))


def verify_chain() -> int | None:
    """The id of the first event that breaks the chain, or None when the trail is intact."""
    prev = GENESIS
    for event in AuditEvent.select().order_by(AuditEvent.id):
        expected = _digest(prev, event.at, event.actor, event.action, event.object_type, event.object_id,
                           event.detail)
        if event.prev_hash != prev or event.hash != expected:
            return event.id
        prev = event.hash
    return None
