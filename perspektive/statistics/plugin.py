"""The statistics' answer to the ``client_changed`` hook: the client's coarse rows are rewritten in the same
transaction as the change, so a figure never lags the facts. Registered by ``create_app`` beside the follow-ups."""
from __future__ import annotations

from perspektive.law import hookimpl

from .sync import sync_client


@hookimpl
def client_changed(client, facts, why):
    sync_client(client, facts)
    return None
