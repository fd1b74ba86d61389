"""A counsellor's client list: her own clients with the number of open cases, and a search over them by reference,
name, date of birth and nationality. The next deadline of each row (``next_due``) is the follow-ups' to say
(``followups.next_due_of_client``, an expression the caller hands in): this capability does not know them.

The open cases and the next deadline per client come from correlated subqueries in the one query that lists the
clients, so the list costs one query however many clients, cases and deadlines there are; of the sealed facts
only the person is read. Names and dates of birth live in the sealed facts,
so the search goes through the blind index (``sealed``): each word of the term, folded as the names were
("muller" for "Müller", "sahin" for "Şahin"), is matched as a whole word or, from three letters on, as the start
of a name word; a day as the date of birth. A part inside a word ("ller") is no longer found: that would need
the words themselves. Reference and nationality are clear columns and matched as before. Only the rows shown are
opened, to show their names.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Node, Value, fn

from perspektive.accounts.models import User
from perspektive.db import as_date
from perspektive.law import COUNTRY_NAMES, Person
from perspektive.typed import fold, parse_day

from . import records, sealed
from .cases import CLOSED_CASE_STATES
from .models import Case, Client, SearchToken


@dataclass(frozen=True)
class ClientRow:
    client: Client
    person: Person
    next_due: dt.date | None
    open_cases: int

    @property
    def country(self) -> str:
        """The nationality in German, with its code: ``Syrien (SY)``."""
        code = self.client.nationality
        name = COUNTRY_NAMES.get(code)
        return f"{name} ({code})" if name and len(code) == 2 else name or code


def overview(counsellor: User, term: str = "", next_due: Node = Value(None)) -> list[ClientRow]:
    """``counsellor``'s clients, most recently changed first; with ``term``, only those it matches (every word
    of it must match the reference, a name, the date of birth or the nationality). ``next_due``: the expression
    of a client's next deadline, read in the same query (by default none)."""
    open_cases = (Case.select(fn.COUNT(Case.id))
                  .where((Case.client == Client.id) & Case.status.not_in(list(CLOSED_CASE_STATES))))
    query = (Client.select(Client, open_cases.alias("open_cases"), next_due.alias("next_due"))
             .where(Client.counsellor == counsellor).order_by(Client.updated_at.desc(), Client.id.desc()))
    words = [(fold(word), _word_tokens(word)) for word in term.split()]
    clients = list(query)
    held: dict[int, set[str]] = {}
    if words:
        wanted = set().union(*(tokens for _, tokens in words))
        for row in (SearchToken.select(SearchToken.client, SearchToken.token)
                    .where(SearchToken.token.in_(sorted(wanted)) & SearchToken.client.in_([c.id for c in clients]))
                    .tuples()):
            held.setdefault(row[0], set()).add(row[1])
    rows = []
    for client in clients:
        if all(_matches(word, tokens, client, held.get(client.id, set())) for word, tokens in words):
            rows.append(ClientRow(client, records.load_person(client), as_date(client.next_due),
                                  client.open_cases or 0))
    return rows


def _word_tokens(word: str) -> frozenset[str]:
    """The blind-index tokens one typed word may match: its date of birth, or each part and spelling of it as a
    whole name word (one or two letters) or a name word's start (three or more)."""
    try:
        day = parse_day(word)
    except ValueError:
        day = None
    if day is not None:
        return frozenset(sealed.query_tokens("d:" + day.isoformat()))
    tokens = set()
    for part in sealed.words_of(word):
        kind = "p:" if len(part) >= sealed.MIN_PREFIX else "w:"
        tokens |= sealed.query_tokens(kind + part)
    return frozenset(tokens)


def _matches(word: str, tokens: frozenset[str], client: Client, held: set[str]) -> bool:
    if tokens & held:
        return True
    if len(word) >= 3 and word in fold(client.reference):
        return True
    code = client.nationality
    return word == fold(code) or (len(word) >= 3 and fold(COUNTRY_NAMES.get(code, "")).startswith(word))
