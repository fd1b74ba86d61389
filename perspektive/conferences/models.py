"""The quarterly meetings with the Ausländerbehörde, who of the authority is invited, and the cases on their agenda.

An agenda item is known to the authority only by its random ``number``; the counsellor's question and the outcome
recorded after the meeting are free text about a person, so both are sealed (bound to the number) and listed in
``resealing.SEALED_COLUMNS``. Everything else on the row is coarse: the path, dates, who acts next, yes/no.
"""
from __future__ import annotations

import json

import peewee as pw

from perspektive import sealing
from perspektive.accounts.models import User
from perspektive.clients.models import Case, Client
from perspektive.db import BaseModel, utcnow
from perspektive.referrals.models import AuthorityContact

ITEM_STATES = ("on_agenda", "discussed")
RESPONSIBLE = ("counselling", "authority", "client")


class Meeting(BaseModel):
    """A quarterly meeting of the cooperation on a day."""

    held_on = pw.DateField(index=True)
    title = pw.CharField(max_length=200, default="Quartalstreffen")
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)


class Invitation(BaseModel):
    """An authority contact invited to a meeting: they may read that meeting's agenda sheets in the portal."""

    meeting = pw.ForeignKeyField(Meeting, backref="invitations", on_delete="CASCADE")
    contact = pw.ForeignKeyField(AuthorityContact, backref="invitations", on_delete="CASCADE")

    class Meta:
        indexes = ((("meeting", "contact"), True),)


class AgendaItem(BaseModel):
    """One case put on a meeting's agenda, with the question for the authority and, afterwards, its outcome."""

    meeting = pw.ForeignKeyField(Meeting, backref="items", on_delete="RESTRICT")
    client = pw.ForeignKeyField(Client, backref="agenda_items", on_delete="CASCADE")
    case = pw.ForeignKeyField(Case, null=True, on_delete="SET NULL")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    number = pw.CharField(max_length=16, unique=True)  # random, e.g. FB-7K3Q9X: all the authority sees
    workflow = pw.CharField(max_length=60)
    question = pw.TextField(default="")  # sealed
    outcome = pw.TextField(default="")  # sealed JSON: view, recommendation, next_steps
    status = pw.CharField(max_length=20, default="on_agenda", choices=[(s, s) for s in ITEM_STATES], index=True)
    responsible = pw.CharField(max_length=20, default="")  # RESPONSIBLE: who takes the next step
    due_on = pw.DateField(null=True)
    followed = pw.BooleanField(null=True)  # was the recommendation followed (recorded later)
    discussed_at = pw.DateTimeField(null=True, index=True)
    created_at = pw.DateTimeField(default=utcnow)

    @property
    def question_text(self) -> str:
        return sealing.open_value(self.question, "agenda_item", "question", self.number) if self.question else ""

    @question_text.setter
    def question_text(self, text: str) -> None:
        self.question = sealing.seal(text, "agenda_item", "question", self.number)

    @property
    def outcome_data(self) -> dict:
        if not self.outcome:
            return {}
        return json.loads(sealing.open_value(self.outcome, "agenda_item", "outcome", self.number))

    @outcome_data.setter
    def outcome_data(self, data: dict) -> None:
        self.outcome = sealing.seal(json.dumps(data, ensure_ascii=False), "agenda_item", "outcome", self.number)
