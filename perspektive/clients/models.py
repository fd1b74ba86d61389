"""A client, the history of their facts, their cases and consultations."""
from __future__ import annotations

import peewee as pw

from perspektive.accounts.models import User
from perspektive.db import BaseModel, utcnow

CASE_STATES = ("open", "submitted", "granted", "refused", "closed")

class Client(BaseModel):
    """A person. Facts live in ``facts_json`` and are read and written only through ``perspektive.records``."""

    counsellor = pw.ForeignKeyField(User, backref="clients", on_delete="RESTRICT")
    reference = pw.CharField(max_length=40, unique=True)
    nationality = pw.CharField(max_length=16, default="unknown", index=True)
    facts_json = pw.TextField()
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow, index=True)
    # Counts the writes of the facts: a form or API client sends the revision it read, and a write on an older
    # one is refused (``records.change_facts``) instead of silently reverting someone else's change.
    revision = pw.IntegerField(default=0)


class FactsRevision(BaseModel):
    client = pw.ForeignKeyField(Client, backref="revisions", on_delete="CASCADE")
    facts_json = pw.TextField()
    recorded_at = pw.DateTimeField(default=utcnow)
    recorded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")


class Case(BaseModel):
    client = pw.ForeignKeyField(Client, backref="cases", on_delete="CASCADE")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    workflow = pw.CharField(max_length=60, index=True)
    rules_version = pw.CharField(max_length=10)
    verdict = pw.CharField(max_length=20)
    status = pw.CharField(max_length=20, default="open", choices=[(s, s) for s in CASE_STATES])
    opened_on = pw.DateField()
    created_at = pw.DateTimeField(default=utcnow)


class Consultation(BaseModel):
    client = pw.ForeignKeyField(Client, backref="consultations", on_delete="CASCADE")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    held_on = pw.DateField()
    kind = pw.CharField(max_length=20, choices=[("first", "first"), ("follow_up", "follow_up")])
    duration_minutes = pw.IntegerField(null=True)
    attendees = pw.CharField(max_length=200, default="")  # comma-separated: CONSULTATION_ATTENDEES
    created_at = pw.DateTimeField(default=utcnow)


CONSULTATION_ATTENDEES = ("person", "volunteer", "employer", "social_work", "medical_service")



class SearchToken(BaseModel):
    """A keyed blind index of a client's name words, their prefixes and the date of birth: the search finds a
    client through these HMACs (``clients.sealed``) without decrypting anyone's facts."""

    client = pw.ForeignKeyField(Client, backref="search_tokens", on_delete="CASCADE")
    token = pw.CharField(max_length=64, index=True)
