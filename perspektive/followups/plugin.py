"""The follow-ups' answer to the ``client_changed`` hook: when a client's facts are stored or a case opens or
changes state, the client's follow-up rows are recomputed in the same transaction (a date never lags the facts),
and their reminders are queued once it has committed. Registered by ``create_app`` like a built-in plugin, so the
clients capability announces the change without knowing who listens."""
from __future__ import annotations

from perspektive.law import hookimpl

from .records import sync_client
from .tasks import schedule


@hookimpl
def client_changed(client, facts, why):
    changed = sync_client(client, facts, why=why)
    return lambda: schedule(changed)
