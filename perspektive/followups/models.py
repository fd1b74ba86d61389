"""Follow-ups as rows, and the counsellors' calendar feeds."""
from __future__ import annotations

import peewee as pw

from perspektive import sealing
from perspektive.accounts.models import User
from perspektive.clients.models import Case, Client
from perspektive.db import BaseModel, utcnow

FOLLOWUP_STATES = ("open", "done", "dismissed")


class FollowUpRecord(BaseModel):
    """A follow-up of one client, kept so that a person acts on it: the date a workflow rule or plugin computed,
    its state, and the reminders sent for it.

    Rows are written only by ``perspektive.followup_records`` (recomputed when facts change, a case closes, and
    daily). ``kind`` is the rule id; ``(client, workflow, kind)`` is unique, so a moved date updates its row and
    ``previous_due``/``change_note`` tell the counsellor why. ``state_by`` is empty when the system closed the row
    (its basis is gone, its case closed). ``text`` and ``citation`` come from the rule and hold no personal data.
    """

    client = pw.ForeignKeyField(Client, backref="followups", on_delete="CASCADE")
    case = pw.ForeignKeyField(Case, null=True, backref="followups", on_delete="SET NULL")
    workflow = pw.CharField(max_length=60, default="")  # "" for a follow-up that concerns every path
    kind = pw.CharField(max_length=80)
    due = pw.DateField(index=True)
    text = pw.CharField(max_length=500)
    citation = pw.CharField(max_length=200)
    basis = pw.CharField(max_length=500)
    remind_days_before = pw.CharField(max_length=100)  # comma-separated, e.g. "60,14"
    state = pw.CharField(max_length=20, default="open", choices=[(s, s) for s in FOLLOWUP_STATES], index=True)
    state_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    state_at = pw.DateTimeField(null=True)
    state_note = pw.TextField(default="")  # sealed: why it was closed, in a counsellor's words (``note``)
    previous_due = pw.DateField(null=True)
    change_note = pw.CharField(max_length=500, default="")
    changed_at = pw.DateTimeField(null=True)
    next_reminder_on = pw.DateField(null=True, index=True)
    reminded_on = pw.DateField(null=True)  # the reminder day last sent for
    reminder_lease_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "workflow", "kind"), True),)

    @property
    def seal_id(self) -> str:
        """What ``state_note`` is bound to: the row's unique key (a new row has no id before it is saved)."""
        return f"{self.client_id}/{self.workflow}/{self.kind}"

    @property
    def note(self) -> str:
        """``state_note`` opened."""
        return sealing.open_value(self.state_note, "follow_up_record", "state_note", self.seal_id)

    @note.setter
    def note(self, text: str) -> None:
        self.state_note = sealing.seal(text, "follow_up_record", "state_note", self.seal_id)


class FollowUpStamp(BaseModel):
    """What a client's follow-up rows were last computed from, so that the daily sweep recomputes only the clients
    for whom something changed (``stamps``): the facts' revision, the cases (their number, the latest id, the sum
    of the closed ones' ids: a closed case never opens again), the rules (``Engine.fingerprint``), and the next
    day on which the calendar alone may change the rows (a due day or a reminder day). No personal data: counts,
    ids, a hash and a day."""

    client = pw.ForeignKeyField(Client, primary_key=True, on_delete="CASCADE", backref="followup_stamp")
    facts_revision = pw.IntegerField()
    cases = pw.IntegerField()
    latest_case = pw.IntegerField()
    closed_cases = pw.BigIntegerField()
    rules = pw.CharField(max_length=64)
    recheck_on = pw.DateField(null=True, index=True)
    computed_at = pw.DateTimeField(default=utcnow)


class CalendarFeed(BaseModel):
    """A counsellor's iCalendar feed: only the SHA-256 of its secret token is kept (the URL is shown once)."""

    user = pw.ForeignKeyField(User, unique=True, on_delete="CASCADE", backref="calendar_feed")
    token_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DateTimeField(default=utcnow)

