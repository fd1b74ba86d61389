"""Retention: a client is erased ``CLIENT_RETENTION_DAYS`` (default 1095, three years) after the last contact.

The last contact is the latest of: the client was recorded or their facts changed (``Client.updated_at``), a
consultation was held or recorded, a case was opened or changed its state (the audit trail's ``case.*`` entries,
which also count checklist changes), a referral was made or sent. Looking at a record is no contact. An
administrator sees the list (``retention list``, the console) before anything is deleted; ``retention run`` and the
daily task erase the clients on it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from peewee import fn

from perspektive.audit import AuditEvent
from perspektive.clients.models import Case, Client, Consultation
from perspektive.referrals.models import Referral


@dataclass(frozen=True)
class Due:
    client: Client
    last_contact: dt.date


def _day(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


def last_contacts() -> dict[int, dt.date]:
    """The day of the last contact of every client (grouped queries, not one per client)."""
    last: dict[int, dt.date] = {}

    def take(client_id, value) -> None:
        day = _day(value)
        if day is not None and (client_id not in last or day > last[client_id]):
            last[client_id] = day

    for client_id, created, updated in Client.select(Client.id, Client.created_at, Client.updated_at).tuples():
        take(client_id, created)
        take(client_id, updated)
    grouped = [
        Consultation.select(Consultation.client, fn.MAX(Consultation.held_on)).group_by(Consultation.client),
        Consultation.select(Consultation.client, fn.MAX(Consultation.created_at)).group_by(Consultation.client),
        Case.select(Case.client, fn.MAX(Case.created_at)).group_by(Case.client),
        Referral.select(Referral.client, fn.MAX(Referral.created_at)).group_by(Referral.client),
        Referral.select(Referral.client, fn.MAX(Referral.sent_at)).group_by(Referral.client),
    ]
    for query in grouped:
        for client_id, value in query.tuples():
            take(client_id, value)
    case_client = {str(case_id): client_id for case_id, client_id in Case.select(Case.id, Case.client).tuples()}
    changes = (AuditEvent.select(AuditEvent.object_id, fn.MAX(AuditEvent.at))
               .where(AuditEvent.object_type == "case").group_by(AuditEvent.object_id))
    for case_id, value in changes.tuples():
        if case_id in case_client:
            take(case_client[case_id], value)
    return last


def retention_days() -> int:
    return int(current_app.config["CLIENT_RETENTION_DAYS"])


def due(today: dt.date, days: int | None = None) -> list[Due]:
    """The clients whose last contact lies ``days`` or more before ``today``, longest silent first."""
    days = retention_days() if days is None else days
    cutoff = today - dt.timedelta(days=days)
    last = last_contacts()
    silent = {client_id: day for client_id, day in last.items() if day <= cutoff}
    if not silent:
        return []
    clients = Client.select().where(Client.id.in_(list(silent)))
    return sorted((Due(client, silent[client.id]) for client in clients),
                  key=lambda d: (d.last_contact, d.client.id))
