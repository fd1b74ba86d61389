"""The one place where a client's facts are written and read (generated documents: ``documents.store``).

Callers never touch ``Client.facts_json`` directly: facts and their history are sealed at rest here (through
``sealed``), the search tokens are written with them, and a write from a stale read is refused (``Conflict``).
Every access is scoped to the counsellor who owns the client: another counsellor's client is "not found", never
"forbidden", so ids reveal nothing.
"""
from __future__ import annotations

import json
import secrets
from typing import Callable

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.db import MAX_ID, utcnow, write_transaction
from perspektive.law import (
    CaseFacts,
    Person,
    current_engine,
    de,
    read_stored,
    read_stored_person,
    today_in_germany,
)

from . import sealed
from .conflicts import Conflict, changes_between
from .models import Client, FactsRevision, SearchToken


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


def _record_history(client: Client, facts: CaseFacts, text: str, actor: User | None) -> None:
    """Add the facts ``text`` as a new sealed revision of the history (its id is the associated data, so the row
    exists first), and write the search tokens."""
    revision = FactsRevision.create(client=client, facts_json="", recorded_by=actor)
    FactsRevision.update(facts_json=sealed.seal_revision(revision, text)).where(
        FactsRevision.id == revision.id).execute()
    sealed.write_tokens(client, facts.person)


def create_client(facts: CaseFacts, counsellor: User, actor=None) -> Client:
    with write_transaction():
        client = Client.create(counsellor=counsellor, reference=f"K-{secrets.token_hex(5).upper()}",
                               nationality=facts.person.nationality or "unknown", facts_json="")
        text = sealed.dump(facts)
        client.facts_json = sealed.seal_client(client, text)
        client.save()
        _record_history(client, facts, text, counsellor)
        audit.record(actor or counsellor, "client.create", "client", client.id)
        after = announce_change(client, facts, why="Akte angelegt")
    after_commit(after)
    return client


def update_facts(client: Client, facts: CaseFacts, actor: User) -> Client:
    """Store new facts whatever was stored (an import, a script that owns the facts); pages and the API use
    ``change_facts`` with the revision they read."""
    return change_facts(client, None, lambda _stored: facts, actor, check=False)


def change_facts(client: Client, expected_revision: int | None, change: Callable[[dict], CaseFacts], actor: User,
                 check: bool = True) -> Client:
    """Store ``change(stored facts as JSON data)`` if the stored revision is still ``expected_revision``, and
    announce the new facts in the same transaction (the follow-ups recompute: a date never lags the facts).

    The write is a compare-and-set (``UPDATE ... WHERE id = ? AND revision = ?``), so two writers from the same
    read cannot both succeed on either engine; the loser gets ``Conflict`` with what the winner changed, and
    nothing is written."""
    with write_transaction():
        stored = Client.get_by_id(client.id)
        if check and stored.revision != expected_revision:
            raise _conflict(stored, expected_revision)
        expected = stored.revision
        facts = change(_data(sealed.open_client(stored)))
        text, now = sealed.dump(facts), utcnow()
        nationality = facts.person.nationality or "unknown"
        sealed_text = sealed.seal_client(client, text)
        written = (Client.update(facts_json=sealed_text, nationality=nationality, updated_at=now,
                                 revision=Client.revision + 1)
                   .where((Client.id == client.id) & (Client.revision == expected)).execute())
        if written != 1:
            raise _conflict(Client.get_by_id(client.id), expected_revision)
        client.facts_json, client.nationality, client.updated_at = sealed_text, nationality, now
        client.revision = expected + 1
        _record_history(client, facts, text, actor)
        audit.record(actor, "client.update_facts", "client", client.id)
        after = announce_change(client, facts, why=f"Fakten geändert am {de(today_in_germany())}")
    after_commit(after)
    return client


def _conflict(stored: Client, expected: int | None) -> Conflict:
    """The conflict of a write from revision ``expected`` with the ``stored`` client: the facts of that revision
    are the history row as many writes back as the revisions differ (the newest row holds the stored facts)."""
    before = None
    if expected is not None and 0 <= expected < stored.revision:
        row = (FactsRevision.select().where(FactsRevision.client == stored.id)
               .order_by(FactsRevision.id.desc()).offset(stored.revision - expected).first())
        before = _data(sealed.open_revision(row)) if row else None
    return Conflict(expected, stored.revision, changes_between(before, _data(sealed.open_client(stored))))


def _data(opened_text: str) -> dict:
    """The JSON data of stored facts (opened ``facts_json`` of a client or a history row)."""
    return json.loads(opened_text)


def load_facts(record: Client | FactsRevision) -> CaseFacts:
    """The stored facts of a client, or of one revision of its history; they were valid when written, so only
    types are re-checked (no 'future date' check)."""
    text = sealed.open_revision(record) if isinstance(record, FactsRevision) else sealed.open_client(record)
    return read_stored(json.loads(text))


def load_person(client: Client) -> Person:
    """Only the person of the client's stored facts (name, date of birth: what a list shows)."""
    return read_stored_person(json.loads(sealed.open_client(client)))


def export_facts(client: Client) -> dict:
    return load_facts(client).to_json_dict()


def facts_history(client: Client) -> list[dict]:
    """Every stored version of the client's facts, oldest first, with when and by whom (the Art. 15 export)."""
    revisions = list(FactsRevision.select().where(FactsRevision.client == client).order_by(FactsRevision.id))
    ids = {r.recorded_by_id for r in revisions if r.recorded_by_id is not None}
    names = dict(User.select(User.id, User.username).where(User.id.in_(list(ids))).tuples()) if ids else {}
    return [{"recorded_at": revision.recorded_at.isoformat(timespec="seconds"),
             "recorded_by": names.get(revision.recorded_by_id),
             "facts": json.loads(sealed.open_revision(revision))} for revision in revisions]


def erase_record(client: Client) -> int:
    """Delete the client's facts history and the row (Art. 17); inside the caller's write transaction. Whatever
    else is kept beside the facts (the search tokens) goes here too. Returns the number of revisions deleted."""
    SearchToken.delete().where(SearchToken.client == client).execute()
    removed = FactsRevision.delete().where(FactsRevision.client == client).execute()
    Client.delete().where(Client.id == client.id).execute()
    return removed


def client_for(user: User, client_id) -> Client:
    """The client with ``client_id`` if ``user`` is its counsellor; otherwise ``NotFound``, and the attempt is
    audited (a foreign id and a missing one look the same to the caller)."""
    try:
        number = int(client_id)
        client = (Client.get_or_none((Client.id == number) & (Client.counsellor == user))
                  if 0 < number < MAX_ID else None)
    except (TypeError, ValueError):
        client = None
    if client is None:
        audit.record(user, "client.access_denied", "client", client_id)
        raise NotFound(client_id)
    return client


