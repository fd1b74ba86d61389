"""The hand-over of a departing counsellor's clients to another counsellor, by an administrator.

A client belongs to one counsellor (``Client.counsellor``): that decides who sees the client, whose list and
calendar feed show its follow-ups, and to whom reminder mails go (the reminder reads the counsellor when it is
sent, so reminders already queued go to the new counsellor too). Open cases move with their client; closed cases,
consultations and the audit trail keep who did the work.
"""
from __future__ import annotations

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients import CLOSED_CASE_STATES
from perspektive.clients.models import Case, Client
from perspektive.db import write_transaction
from perspektive.law import quantity


class HandoverError(ValueError):
    """The hand-over cannot be done as asked; the message says why (German)."""


def hand_over(departing: User, successor: User, actor) -> int:
    """Move every client of ``departing`` to ``successor``; returns how many moved."""
    if departing.id == successor.id:
        raise HandoverError("Abgebende und übernehmende Person sind dieselbe.")
    if successor.role != "counsellor" or not successor.active:
        raise HandoverError(f"{successor.username} ist keine aktive Beraterin / kein aktiver Berater.")
    with write_transaction():
        ids = [i for (i,) in Client.select(Client.id).where(Client.counsellor == departing).tuples()]
        if ids:
            Client.update(counsellor=successor).where(Client.id.in_(ids)).execute()
            (Case.update(counsellor=successor)
             .where(Case.client.in_(ids) & Case.status.not_in(list(CLOSED_CASE_STATES))).execute())
        for client_id in ids:
            audit.record(actor, "client.handover", "client", client_id,
                         f"{departing.username} -> {successor.username}")
        audit.record(actor, "user.handover", "user", departing.id,
                     f"{quantity(len(ids), 'Person', 'Personen')} an {successor.username}")
    return len(ids)
