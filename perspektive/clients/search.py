"""A counsellor's client list: her own clients with the number of open cases, and a search over them by reference,
name, date of birth and nationality. The next deadline of each row (``next_due``) is the follow-ups' to fill in
(``followups.next_due_by_client``, one grouped query): this capability does not know them.

The open cases per client come from a correlated subquery in the one query that lists the clients, so the list
costs one query however many clients and cases there are. The search itself runs over the decoded
facts in Python, not in SQL: names live in the facts (which ``records`` may encrypt at rest), and a counsellor
types "muller" for "Müller" and "sahin" for "Şahin", which SQL ``LIKE`` does not match on SQLite or PostgreSQL
alike. A counsellor has a few hundred clients at most, so the filter is cheap.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from perspektive.accounts.models import User
from perspektive.law import COUNTRY_NAMES, Person
from perspektive.typed import fold, parse_day, spellings

from . import records
from .cases import CLOSED_CASE_STATES
from .models import Case, Client


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


def overview(counsellor: User, term: str = "") -> list[ClientRow]:
    """``counsellor``'s clients, most recently changed first; with ``term``, only those it matches (every word
    of it must match the reference, a name, the date of birth or the nationality)."""
    open_cases = (Case.select(fn.COUNT(Case.id))
                  .where((Case.client == Client.id) & Case.status.not_in(list(CLOSED_CASE_STATES))))
    query = (Client.select(Client, open_cases.alias("open_cases"))
             .where(Client.counsellor == counsellor).order_by(Client.updated_at.desc(), Client.id.desc()))
    words = [fold(word) for word in term.split()]
    rows = []
    for client in query:
        person = records.load_facts(client).person
        if all(_matches(word, client, person) for word in words):
            rows.append(ClientRow(client, person, None, client.open_cases or 0))
    return rows


def _matches(word: str, client: Client, person: Person) -> bool:
    try:
        day = parse_day(word)
    except ValueError:
        day = None
    if day is not None:
        return day == person.date_of_birth
    names = " ".join(n for n in (person.given_name, person.family_name) if n)
    if any(word in spelling for spelling in spellings(names)):
        return True
    if len(word) >= 3 and word in fold(client.reference):
        return True
    code = client.nationality
    return word == fold(code) or (len(word) >= 3 and fold(COUNTRY_NAMES.get(code, "")).startswith(word))
