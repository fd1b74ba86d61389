"""Reading and writing a client's planned events, sealed and bound to the client's id (so a row copied onto another
client does not open). Plans are kept apart from the facts: no letter, checklist or referral reads them."""
from __future__ import annotations

import json

from perspektive import audit, sealing
from perspektive.db import utcnow, write_transaction
from perspektive.law import PlannedEvent

from .models import ClientPlans

TABLE, COLUMN = "client_plans", "events_json"


def plans_of(client) -> list[PlannedEvent]:
    row = ClientPlans.get_or_none(ClientPlans.client == client.id)
    if row is None:
        return []
    data = json.loads(sealing.open_value(row.events_json, TABLE, COLUMN, client.id))
    return sorted((PlannedEvent.model_validate(item) for item in data), key=lambda p: p.on)


def save_plans(client, plans: list[PlannedEvent], actor) -> None:
    """Replace the client's plans (an empty list deletes the row)."""
    text = json.dumps([p.model_dump(mode="json", exclude_none=True) for p in sorted(plans, key=lambda p: p.on)],
                      ensure_ascii=False, sort_keys=True)
    with write_transaction():
        ClientPlans.delete().where(ClientPlans.client == client.id).execute()
        if plans:
            ClientPlans.create(client=client.id, events_json=sealing.seal(text, TABLE, COLUMN, client.id),
                               updated_at=utcnow())
        audit.record(actor, "client.plans", "client", client.id)
