"""A client's facts sealed at rest, and the blind index the search uses instead of reading them.

``records`` is the one module that writes and reads facts; it calls these helpers, so nothing else ever sees a
sealed value. Facts are bound to their table, column and row id (``perspektive.sealing``), so a row's facts copied
into another row do not open. The search tokens are HMACs of whole folded name words (``w:``), their prefixes of
three letters or more (``p:``) and the date of birth (``d:``); a row holds no word in the clear.
"""
from __future__ import annotations

import json
import re

from perspektive import sealing
from perspektive.law import CaseFacts, Person
from perspektive.typed import spellings

from .models import Client, FactsRevision, SearchToken

_WORD = re.compile(r"[^\W_]+")
MIN_PREFIX = 3


def dump(facts: CaseFacts) -> str:
    return json.dumps(facts.to_json_dict(), ensure_ascii=False, sort_keys=True)


def seal_client(client: Client, text: str) -> str:
    return sealing.seal(text, "client", "facts_json", client.id)


def open_client(client: Client) -> str:
    return sealing.open_value(client.facts_json, "client", "facts_json", client.id)


def seal_revision(revision: FactsRevision, text: str) -> str:
    return sealing.seal(text, "facts_revision", "facts_json", revision.id)


def open_revision(revision: FactsRevision) -> str:
    return sealing.open_value(revision.facts_json, "facts_revision", "facts_json", revision.id)


def words_of(text: str) -> list[str]:
    """The folded words of ``text``, each spelling (``Müller`` → ``muller``, ``mueller``)."""
    return sorted({w for spelling in spellings(text) for w in _WORD.findall(spelling)})


def index_terms(person: Person) -> set[str]:
    """What the blind index holds for a person, before the HMAC."""
    terms = set()
    names = " ".join(n for n in (person.given_name, person.family_name) if n)
    for word in words_of(names):
        terms.add("w:" + word)
        terms.update("p:" + word[:n] for n in range(MIN_PREFIX, len(word) + 1))
    if person.date_of_birth:
        terms.add("d:" + person.date_of_birth.isoformat())
    return terms


def write_tokens(client: Client, person: Person, keyring=None) -> None:
    """Replace the client's search tokens (inside the caller's write transaction), under the newest key."""
    SearchToken.delete().where(SearchToken.client == client).execute()
    rows = [{"client": client.id, "token": t} for t in sorted(sealing.blind_tokens(index_terms(person), keyring))]
    if rows:
        SearchToken.insert_many(rows).execute()


def query_tokens(term: str) -> set[str]:
    """The tokens one search term can match, under every known key (so the search works during a rotation)."""
    ring = sealing.current()
    tokens = set()
    for kid in ring.ids:
        tokens |= sealing.blind_tokens({term}, ring, kid)
    return tokens
