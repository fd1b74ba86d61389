"""A client's planned events: one row per client, the list sealed at rest like the facts (they are personal data:
an exam, a job, a passport application)."""
from __future__ import annotations

import peewee as pw

from perspektive.clients.models import Client
from perspektive.db import BaseModel, utcnow


class ClientPlans(BaseModel):
    client = pw.ForeignKeyField(Client, backref="plans", unique=True, on_delete="CASCADE")
    events_json = pw.TextField()  # sealed: table "client_plans", column "events_json", row id = the client's id
    updated_at = pw.DateTimeField(default=utcnow)
