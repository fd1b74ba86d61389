"""Follow-ups as rows: what is due for whom, kept in step with the facts, the cases and the calendar.

``sync_client`` recomputes a client's follow-ups (``Engine.followups``) and reconciles them with the stored rows:

- a new follow-up gets a row, but only if it is not already past (a milestone reached years ago is no task);
- a follow-up whose date moved keeps its row, with the old date and the reason in ``previous_due``/``change_note``;
  a row marked done for the old date is open again (it was done for a date that no longer holds);
- a follow-up that is no longer computed (its basis is gone, the rule ended, its case closed) is dismissed by the
  system, with the reason; if its basis comes back, the row opens again. A row a counsellor dismissed stays so.
  Once its day has come, only a closed case dismisses it: the rest is the counsellor's to close (a milestone on
  ``earliest_date`` is no longer computed from the very day the path opens, which is when it is due).

Reminder days are the rule's "days before" moved back to a working day, up to the due day; ``next_reminder_on``
is the next one not yet sent (a day in the past means "send now"). Sending is ``reminders``' job.
"""
from __future__ import annotations

import datetime as dt

import peewee as pw
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import fn

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients import CLOSED_CASE_STATES
from perspektive.clients.models import Case, Client
from perspektive.db import utcnow, write_transaction
from perspektive.documents import expiry_followups
from perspektive.law import FollowUp, current_engine, de, non_working_reason, today_in_germany

from . import stamps
from .models import FollowUpRecord

STATE_NAMES = {"open": "offen", "done": "erledigt", "dismissed": "verworfen"}
GROUPS = (("overdue", _l("Überfällig")), ("week", _l("Diese Woche")), ("month", _l("Diesen Monat")),
          ("later", _l("Später")))


class FollowUpError(ValueError):
    """A change of state the counsellor has to correct; the message says what."""


def reminder_days(due: dt.date, days_before: list[int]) -> list[dt.date]:
    """The days to remind on, earliest first: each falls back to the working day before, so a reminder meant for
    a Saturday or a Saxon public holiday reaches the counsellor on the last working day before it."""
    days = set()
    for before in days_before:
        day = due - dt.timedelta(days=before)
        while non_working_reason(day):
            day -= dt.timedelta(days=1)
        days.add(day)
    return sorted(days)


def days_before(record: FollowUpRecord) -> list[int]:
    return [int(d) for d in record.remind_days_before.split(",") if d]


def next_reminder(record: FollowUpRecord, today: dt.date) -> dt.date | None:
    """The next reminder day not yet sent for an open row, or ``None``. No reminder after the due day: from then
    on the dashboard shows the row as overdue."""
    if record.state != "open" or record.due < today:
        return None
    pending = [d for d in reminder_days(record.due, days_before(record))
               if record.reminded_on is None or d > record.reminded_on]
    return pending[0] if pending else None


def refresh_reminder(record: FollowUpRecord, today: dt.date) -> bool:
    """Set ``next_reminder_on`` from the row as it is now; True when a new wake-up call must be scheduled."""
    before = record.next_reminder_on
    record.next_reminder_on = next_reminder(record, today)
    return record.next_reminder_on is not None and record.next_reminder_on != before


def reminder_sent(record: FollowUpRecord, today: dt.date) -> None:
    """Mark every reminder day up to today as sent (one mail covers the days a late reminder skipped)."""
    past = [d for d in reminder_days(record.due, days_before(record)) if d <= today]
    record.reminded_on = past[-1] if past else today
    record.next_reminder_on = next_reminder(record, today)


def _case_per_workflow(client: Client) -> dict[str, Case]:
    """The latest case of each workflow: it decides whether the workflow's follow-ups still count."""
    latest: dict[str, Case] = {}
    for case in Case.select().where(Case.client == client).order_by(Case.id):
        latest[case.workflow] = case
    return latest


def _closed_reason(case: Case, provisions: dict[str, str], today: dt.date) -> str:
    provision = provisions.get(case.workflow, case.workflow)
    return f"Fall {provision} {CLOSED_CASE_STATES[case.status]} (Stand {de(today)})"


def sync_client(client: Client, facts=None, why: str = "Fakten geändert") -> list[int]:
    """Recompute the client's follow-ups and store the differences; returns the ids of the rows whose next
    reminder changed (the caller schedules them once the transaction is committed, see ``tasks.schedule``)."""
    from perspektive.clients import load_facts

    engine = current_engine()
    today = today_in_germany()
    facts = facts if facts is not None else load_facts(client)
    computed: dict[tuple[str, str], FollowUp] = {(f.workflow, f.id): f for f in
                                                 engine.followups(facts, today, client=client)}
    provisions = engine.provisions()
    changed: list[int] = []
    with write_transaction():
        cases = _case_per_workflow(client)
        running = {w: c for w, c in cases.items() if c.status not in CLOSED_CASE_STATES}
        computed.update({(f.workflow, f.id): f for f in expiry_followups(running)})
        rows = {(r.workflow, r.kind): r for r in FollowUpRecord.select().where(FollowUpRecord.client == client)
                if not r.kind.startswith(AGREED)}  # agreed by people, not computed: the rules leave them be
        for key in rows.keys() | computed.keys():
            row, followup = rows.get(key), computed.get(key)
            case = cases.get(key[0])
            closed = case is not None and case.status in CLOSED_CASE_STATES
            if followup is not None and not closed:
                row = _apply(row, followup, client, case, today, why)
            elif row is not None and (closed or row.due > today):
                _retire(row, _closed_reason(case, provisions, today) if closed else
                        f"entfallen: {why}, die Grundlage trägt nicht mehr (Stand {de(today)})")
            if row is None:
                continue
            reschedule = refresh_reminder(row, today)
            if row.is_dirty() or row.id is None:
                row.save()
            if reschedule:
                changed.append(row.id)
    return changed


def _apply(row: FollowUpRecord | None, followup: FollowUp, client: Client, case: Case | None, today: dt.date,
           why: str) -> FollowUpRecord | None:
    fields = {"text": followup.text[:500], "citation": followup.citation[:200], "basis": followup.basis[:500],
              "remind_days_before": ",".join(map(str, followup.remind_days_before)),
              "case_id": case.id if case is not None else None}
    if row is None:
        if followup.due < today:
            return None
        return FollowUpRecord(client=client, workflow=followup.workflow, kind=followup.id, due=followup.due,
                              **fields)
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    if row.due != followup.due:
        row.previous_due, row.due, row.reminded_on, row.changed_at = row.due, followup.due, None, utcnow()
        row.change_note = f"Datum geändert von {de(row.previous_due)} auf {de(row.due)}: {why}"[:500]
        if row.state == "done":
            _set_state(row, "open", None, f"wieder offen: erledigt war die Frist zum {de(row.previous_due)}")
    if row.state == "dismissed" and row.state_by_id is None:  # the system's dismissal; the basis is back
        _set_state(row, "open", None, f"wieder offen: {why}, die Grundlage trägt wieder (Stand {de(today)})")
    return row


def _retire(row: FollowUpRecord, reason: str) -> None:
    if row.state == "open":
        _set_state(row, "dismissed", None, reason)


def _set_state(row: FollowUpRecord, state: str, user: User | None, note: str) -> None:
    row.state, row.state_by, row.state_at, row.note = state, user, utcnow(), note[:500]


def set_state(record: FollowUpRecord, state: str, user: User, note: str = "") -> list[int]:
    """A counsellor marks a follow-up done or dismissed, or opens it again; returns rows to schedule."""
    if state not in STATE_NAMES:
        raise FollowUpError(_("Unbekannter Stand „%(state)s“: offen, erledigt oder verworfen.", state=state))
    if state == "dismissed" and not note.strip():
        raise FollowUpError(_("Bitte kurz begründen, warum die Frist nicht mehr gilt."))
    with write_transaction():
        _set_state(record, state, user, note.strip() or STATE_NAMES[state])
        reschedule = refresh_reminder(record, today_in_germany())
        record.save()
        audit.record(user, f"followup.{state}", "followup", record.id, f"{record.workflow}/{record.kind}")
    return [record.id] if reschedule else []


AGREED = "agreed:"


def add_agreed(client: Client, key: str, due: dt.date, text: str, citation: str, actor: User) -> list[int]:
    """A follow-up people agreed on (a case conference's next step), not computed from the facts: kind
    ``agreed:<key>``, so ``sync_client`` keeps it. Recording it again for the same key moves its date. ``text``
    goes into reminder mails: no personal data. Returns the rows to schedule (``tasks.schedule``)."""
    today = today_in_germany()
    kind = (AGREED + key)[:80]
    with write_transaction():
        row = FollowUpRecord.get_or_none((FollowUpRecord.client == client) & (FollowUpRecord.workflow == "")
                                         & (FollowUpRecord.kind == kind))
        if row is None:
            row = FollowUpRecord(client=client, workflow="", kind=kind, due=due, remind_days_before="7,1",
                                 text=text[:500], citation=citation[:200], basis=text[:500])
        elif row.due != due:
            row.previous_due, row.due, row.reminded_on, row.changed_at = row.due, due, None, utcnow()
            row.change_note = f"Datum geändert von {de(row.previous_due)} auf {de(due)}"[:500]
            row.text = text[:500]
        reschedule = refresh_reminder(row, today)
        row.save()
        audit.record(actor, "followup.agreed", "followup", row.id, kind)
    return [row.id] if reschedule else []


def sync_all(batch: int = 500) -> tuple[int, list[int]]:
    """Recompute the follow-ups of every client for whom something changed since the last time (daily: rules
    end, workflow files change, time moves on; ``stamps`` says who); returns the number of clients recomputed and
    the rows to schedule. With nothing changed it reads the stamps, not a single client's facts."""
    engine = current_engine()
    engine.reload_if_changed()
    today = today_in_germany()
    rules = engine.fingerprint(today)
    why = f"Neuberechnung am {de(today)} (Regeln geändert oder Zeit verstrichen)"
    clients, changed, last_id = 0, [], 0
    while True:
        page = stamps.stale(rules, today, after_id=last_id, limit=batch)
        if not page:
            return clients, changed
        by_id = {c.id: c for c in Client.select().where(Client.id.in_([seen.client_id for seen in page]))}
        for seen in page:
            client = by_id.get(seen.client_id)
            if client is None:  # erased meanwhile
                continue
            changed.extend(sync_client(client, why=why))
            stamps.write(seen, rules, today)
        clients += len(page)
        last_id = page[-1].client_id


def of_counsellor(user: User, states=("open",)):
    """The follow-ups of the counsellor's own clients, earliest first."""
    return (FollowUpRecord.select(FollowUpRecord, Client).join(Client)
            .where((Client.counsellor == user) & FollowUpRecord.state.in_(states))
            .order_by(FollowUpRecord.due, FollowUpRecord.id))


def of_client(client: Client, workflow: str | None = None):
    """The client's follow-ups, soonest first; with ``workflow``, that path's and those concerning every path."""
    query = FollowUpRecord.select().where(FollowUpRecord.client == client)
    if workflow is not None:
        query = query.where(FollowUpRecord.workflow.in_([workflow, ""]))
    return query.order_by(FollowUpRecord.due, FollowUpRecord.workflow, FollowUpRecord.id)


def record_for(user: User, record_id) -> FollowUpRecord:
    """A follow-up of one of the user's own clients; otherwise ``records.NotFound`` (audited)."""
    from perspektive.clients import NotFound

    try:
        record = of_counsellor(user, tuple(STATE_NAMES)).where(FollowUpRecord.id == int(record_id)).get_or_none()
    except (TypeError, ValueError):
        record = None
    if record is None:
        audit.record(user, "followup.access_denied", "followup", str(record_id)[:40])
        raise NotFound(record_id)
    return record


def buckets(today: dt.date) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """The dashboard's groups as (from, until) due days: overdue, this week (to Sunday), this month, later."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return {"overdue": (None, today - dt.timedelta(days=1)), "week": (today, week_end),
            "month": (week_end + dt.timedelta(days=1), month_end), "later": (month_end + dt.timedelta(days=1), None)}


def bucket_of(due: dt.date, today: dt.date) -> str:
    for name, (start, end) in buckets(today).items():
        if (start is None or due >= start) and (end is None or due <= end):
            return name
    raise AssertionError(due)


def team_counts(today: dt.date) -> list[dict]:
    """Open follow-ups per counsellor in each group (counts only: the team sees no other counsellor's clients).
    Counted by the database in one query: the dashboards ask on every request, the team has thousands of rows."""
    def count(start, end):
        due = FollowUpRecord.due
        within = (due <= end) if start is None else (due >= start) if end is None else due.between(start, end)
        return pw.fn.SUM(pw.Case(None, [(within, 1)], 0))

    groups = buckets(today)
    query = (User.select(User.display_name, *(count(*groups[name]).alias(name) for name, _title in GROUPS))
             .join(Client, on=Client.counsellor == User.id).join(FollowUpRecord)
             .where(FollowUpRecord.state == "open")
             .group_by(User.id, User.display_name).order_by(User.display_name, User.id).dicts())
    return [{"counsellor": row.pop("display_name"), **{name: int(n) for name, n in row.items()}} for row in query]


def next_due_of_client() -> pw.Node:
    """The earliest open follow-up of the client of each row of a query over ``Client`` (a correlated subquery, so
    a list of clients gets its deadlines in its own query); ``None`` for a client without one."""
    return (FollowUpRecord.select(fn.MIN(FollowUpRecord.due))
            .where((FollowUpRecord.client == Client.id) & (FollowUpRecord.state == "open")))
