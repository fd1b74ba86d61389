"""The documents' Huey tasks: generated letters expire after DOCUMENT_RETENTION_DAYS (they can be generated again
from the facts)."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from huey import crontab

from perspektive.db import task_connection
from perspektive.tasks import app_context, huey

from .store import delete_documents_older_than


def _purge() -> int:
    with app_context():
        days = current_app.config["DOCUMENT_RETENTION_DAYS"]
        with task_connection():
            return delete_documents_older_than(dt.datetime.utcnow() - dt.timedelta(days=days))


@huey.task()
def purge_expired_documents() -> int:
    """Delete generated letters older than DOCUMENT_RETENTION_DAYS; returns how many."""
    return _purge()


@huey.periodic_task(crontab(hour="3", minute="17"))
def nightly_document_purge() -> None:
    """The same, every night."""
    _purge()
