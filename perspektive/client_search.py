"""A counsellor's client list: her own clients with the next open follow-up and the number of open cases, and a
search over them by reference, name, date of birth and nationality.

The two figures per client come from correlated subqueries in the one query that lists the clients, so the list
costs one query however many clients, cases and follow-ups there are. The search itself runs over the decoded
facts in Python, not in SQL: names live in the facts (which ``records`` may encrypt at rest), and a counsellor
types "muller" for "Müller" and "sahin" for "Şahin", which SQL ``LIKE`` does not match on SQLite or PostgreSQL
alike. A counsellor has a few hundred clients at most, so the filter is cheap.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from . import records
from .facts import Person
from .followup_records import CLOSED_CASE_STATES
from .letters import COUNTRY_NAMES
from .models import Case, Client, FollowUpRecord, User
from .typed import fold, parse_day, spellings


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
    next_due = (FollowUpRecord.select(fn.MIN(FollowUpRecord.due))
                .where((FollowUpRecord.client == Client.id) & (FollowUpRecord.state == "open")))
    open_cases = (Case.select(fn.COUNT(Case.id))
                  .where((Case.client == Client.id) & Case.status.not_in(list(CLOSED_CASE_STATES))))
    query = (Client.select(Client, next_due.alias("next_due"), open_cases.alias("open_cases"))
             .where(Client.counsellor == counsellor).order_by(Client.updated_at.desc(), Client.id.desc()))
    words = [fold(word) for word in term.split()]
    rows = []
    for client in query:
        person = records.load_facts(client).person
        if all(_matches(word, client, person) for word in words):
            rows.append(ClientRow(client, person, _day(client.next_due), client.open_cases or 0))
    return rows


def _day(value) -> dt.date | None:
    """A date from a subquery: SQLite hands it back as text, PostgreSQL as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


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
