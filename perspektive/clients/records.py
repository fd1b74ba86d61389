"""The one place where a client's facts are written and read (generated documents: ``documents.store``).

Callers never touch ``Client.facts_json`` directly: facts and their history are sealed at rest here (through
``sealed``), and the search tokens are written with them. Every access is scoped to the counsellor who owns the client: another counsellor's
client is "not found", never "forbidden", so ids reveal nothing.
"""
from __future__ import annotations

import json
import secrets
from typing import Callable

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.db import utcnow, write_transaction
from perspektive.law import CaseFacts, current_engine, de, today_in_germany

from . import sealed
from .models import Client, FactsRevision


class NotFound(LookupError):
    """The record does not exist or belongs to someone else."""


def announce_change(client: Client, facts: CaseFacts | None, why: str) -> list[Callable[[], None]]:
    """Tell whoever listens (the follow-ups, through the ``client_changed`` hook) that the client changed. Called
    inside the caller's write transaction; returns the work the listeners want done once it has committed."""
    answers = current_engine().pm.hook.client_changed(client=client, facts=facts, why=why)
    return [after for after in answers if after is not None]


def after_commit(work: list[Callable[[], None]]) -> None:
    for step in work:
        step()


def _store(client: Client, facts: CaseFacts, actor: User | None) -> None:
    """Seal the facts into the client row and a new revision (their ids are the associated data, so the rows
    exist first), and write the search tokens."""
    text = sealed.dump(facts)
    client.facts_json = sealed.seal_client(client, text)
    client.save()
    revision = FactsRevision.create(client=client, facts_json="", recorded_by=actor)
    FactsRevision.update(facts_json=sealed.seal_revision(revision, text)).where(
        FactsRevision.id == revision.id).execute()
    sealed.write_tokens(client, facts.person)


def create_client(facts: CaseFacts, counsellor: User, actor=None) -> Client:
    with write_transaction():
        client = Client.create(counsellor=counsellor, reference=f"K-{secrets.token_hex(5).upper()}",
                               nationality=facts.person.nationality or "unknown", facts_json="")
        _store(client, facts, counsellor)
        audit.record(actor or counsellor, "client.create", "client", client.id)
        after = announce_change(client, facts, why="Mandant/in angelegt")
    after_commit(after)
    return client


def update_facts(client: Client, facts: CaseFacts, actor: User) -> Client:
    """Store new facts and announce them in the same transaction (the follow-ups recompute: a date never lags the
    facts)."""
    with write_transaction():
        client.nationality = facts.person.nationality or "unknown"
        client.updated_at = utcnow()
        _store(client, facts, actor)
        audit.record(actor, "client.update_facts", "client", client.id)
        after = announce_change(client, facts, why=f"Fakten geändert am {de(today_in_germany())}")
    after_commit(after)
    return client


def load_facts(record: Client | FactsRevision) -> CaseFacts:
    """The stored facts of a client, or of one revision of its history; they were valid when written, so only
    types are re-checked (no 'future date' check)."""
    text = sealed.open_revision(record) if isinstance(record, FactsRevision) else sealed.open_client(record)
    return CaseFacts.model_validate(json.loads(text))


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


