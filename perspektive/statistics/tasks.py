"""The statistics' Huey task: each night, rows left by erased clients lose the old client, case and consultation
ids (``sync.detach_erased``). The erasure itself (``privacy``) sits beside this capability and does not import it;
the figures stay the same either way, this only ends the link to a number that once named a person."""
from __future__ import annotations

from huey import crontab

from perspektive.db import db, write_transaction
from perspektive.tasks import app_context, huey

from .sync import detach_erased


@huey.periodic_task(crontab(hour="3", minute="41"))
def detach_erased_clients() -> int:
    with app_context(), db.connection_context(), write_transaction():
        return detach_erased()
