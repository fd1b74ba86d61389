"""The one place where a client's facts are written and read (generated documents: ``documents.store``).

Callers never touch ``Client.facts_json`` directly, so that encryption at rest can go in here without touching
them. Every access is scoped to the counsellor who owns the client: another counsellor's
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


def _dump(facts: CaseFacts) -> str:
    return json.dumps(facts.to_json_dict(), ensure_ascii=False, sort_keys=True)


def create_client(facts: CaseFacts, counsellor: User, actor=None) -> Client:
    with write_transaction():
        client = Client.create(counsellor=counsellor, reference=f"K-{secrets.token_hex(5).upper()}",
                               nationality=facts.person.nationality or "unknown", facts_json=_dump(facts))
        FactsRevision.create(client=client, facts_json=client.facts_json, recorded_by=counsellor)
        audit.record(actor or counsellor, "client.create", "client", client.id)
        after = announce_change(client, facts, why="Mandant/in angelegt")
    after_commit(after)
    return client


def update_facts(client: Client, facts: CaseFacts, actor: User) -> Client:
    """Store new facts and announce them in the same transaction (the follow-ups recompute: a date never lags the
    facts)."""
    with write_transaction():
        client.facts_json = _dump(facts)
        client.nationality = facts.person.nationality or "unknown"
        client.updated_at = utcnow()
        client.save()
        FactsRevision.create(client=client, facts_json=client.facts_json, recorded_by=actor)
        audit.record(actor, "client.update_facts", "client", client.id)
        after = announce_change(client, facts, why=f"Fakten geändert am {de(today_in_germany())}")
    after_commit(after)
    return client


def load_facts(client: Client) -> CaseFacts:
    """The stored facts; they were valid when written, so only types are re-checked (no 'future date' check)."""
    return CaseFacts.model_validate(json.loads(client.facts_json))


def export_facts(client: Client) -> dict:
    return load_facts(client).to_json_dict()


def facts_history(client: Client) -> list[dict]:
    """Every stored version of the client's facts, oldest first, with when and by whom (the Art. 15 export)."""
    revisions = list(FactsRevision.select().where(FactsRevision.client == client).order_by(FactsRevision.id))
    ids = {r.recorded_by_id for r in revisions if r.recorded_by_id is not None}
    names = dict(User.select(User.id, User.username).where(User.id.in_(list(ids))).tuples()) if ids else {}
    return [{"recorded_at": revision.recorded_at.isoformat(timespec="seconds"),
             "recorded_by": names.get(revision.recorded_by_id),
             "facts": json.loads(revision.facts_json)} for revision in revisions]


def erase_record(client: Client) -> int:
    """Delete the client's facts history and the row (Art. 17); inside the caller's write transaction. Whatever
    else is kept beside the facts (search indexes) goes here too. Returns the number of revisions deleted."""
    removed = FactsRevision.delete().where(FactsRevision.client == client).execute()
    Client.delete().where(Client.id == client.id).execute()
    return removed


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


