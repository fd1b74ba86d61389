"""Which clients the daily sweep must recompute: those whose follow-ups may have changed since they were last
computed. A client's rows depend on their facts, their cases, the rules, and the calendar; each has a stamp that
the database can compare without opening anyone's facts:

- facts: ``Client.revision``, counted up by every write of the facts;
- cases: the number of the client's cases, the latest case's id, and the sum of the closed cases' ids (the rows
  depend on the latest case per workflow and whether it is closed; a closed case is never opened again, so any
  change of these shows in the three numbers);
- rules: ``Engine.fingerprint`` of the day (a workflow file replaced, a plugin changed, a rule starting or ending);
- the calendar: the next day on which a row's due day or reminder day is reached or passed (``recheck_day``).

A client without a stamp (new, or from before migration 15) is recomputed, and so is everyone the first time.
The hook (``plugin``) recomputes a client at once when the facts or a case change; the sweep then recomputes them
again once, which is cheap and catches a change written any other way (an import, a restore, a lost hook).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from perspektive.clients import CLOSED_CASE_STATES
from perspektive.clients.models import Case, Client
from perspektive.db import utcnow

from .models import FollowUpRecord, FollowUpStamp


@dataclass(frozen=True)
class Seen:
    """A client's stamps as read before recomputing them (so a change made meanwhile shows in the next sweep)."""

    client_id: int
    facts_revision: int
    cases: int
    latest_case: int
    closed_cases: int


def _case_totals():
    closed = pw.Case(None, [(Case.status.in_(list(CLOSED_CASE_STATES)), Case.id)], 0)
    return (Case.select(Case.client.alias("client_id"), pw.fn.COUNT(Case.id).alias("cases"),
                        pw.fn.MAX(Case.id).alias("latest_case"), pw.fn.SUM(closed).alias("closed_cases"))
            .group_by(Case.client).alias("case_totals"))


def stale(rules: str, today: dt.date, after_id: int = 0, limit: int = 500) -> list[Seen]:
    """The next ``limit`` clients (by id, after ``after_id``) whose follow-ups may have changed. One query over
    the clients' ids and revisions, the stamps and the cases' ids and states: no facts."""
    totals = _case_totals()
    cases = pw.fn.COALESCE(totals.c.cases, 0)
    latest = pw.fn.COALESCE(totals.c.latest_case, 0)
    closed = pw.fn.COALESCE(totals.c.closed_cases, 0)
    stamp = FollowUpStamp
    changed = (stamp.client.is_null() | (stamp.rules != rules) | (stamp.recheck_on <= today)
               | (stamp.facts_revision != Client.revision) | (stamp.cases != cases)
               | (stamp.latest_case != latest) | (stamp.closed_cases != closed))
    query = (Client.select(Client.id, Client.revision, cases, latest, closed)
             .join(stamp, pw.JOIN.LEFT_OUTER, on=(stamp.client == Client.id))
             .join(totals, pw.JOIN.LEFT_OUTER, on=(totals.c.client_id == Client.id), src=Client)
             .where((Client.id > after_id) & changed).order_by(Client.id).limit(limit).tuples())
    return [Seen(client_id, revision, int(n), int(m), int(k)) for client_id, revision, n, m, k in query]


def recheck_day(client_id: int, today: dt.date) -> dt.date | None:
    """The next day after ``today`` on which the calendar alone may change the client's rows: a due day (an
    open row becomes overdue the day after, a row whose basis is gone is kept from its due day on) or a reminder
    day; ``None`` when no row lies ahead."""
    days = set()
    for due, reminder in (FollowUpRecord.select(FollowUpRecord.due, FollowUpRecord.next_reminder_on)
                          .where(FollowUpRecord.client == client_id).tuples()):
        days.update((due, due + dt.timedelta(days=1)))
        if reminder is not None:
            days.add(reminder)
    ahead = [d for d in days if d > today]
    return min(ahead) if ahead else None


def write(seen: Seen, rules: str, today: dt.date) -> None:
    values = {"facts_revision": seen.facts_revision, "cases": seen.cases, "latest_case": seen.latest_case,
              "closed_cases": seen.closed_cases, "rules": rules, "recheck_on": recheck_day(seen.client_id, today),
              "computed_at": utcnow()}
    (FollowUpStamp.insert(client=seen.client_id, **values)
     .on_conflict(conflict_target=[FollowUpStamp.client], update=values).execute())
