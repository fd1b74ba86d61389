"""The data subject's rights where they touch the queue: an erasure also revokes the person's queued reminders and
deliveries and reclaims the database's free space, and retention runs daily as a Huey periodic task.

Task arguments stay ids only: the retention task takes none. This module owns the queue for this capability; the
domain modules (``erasure``, ``retention``) only write rows.
"""
from __future__ import annotations

import datetime as dt
import logging

import peewee as pw
from huey import crontab

from perspektive import audit
from perspektive.clients.models import Client
from perspektive.db import reclaim_free_space, task_connection
from perspektive.law import DAYS, quantity, today_in_germany
from perspektive.tasks import app_context, huey

from . import erasure, retention

log = logging.getLogger("perspektive.privacy")

_REMINDER_TASK = "send_followup_reminder"
_DELIVERY_TASK = "deliver_referral"


def forget_queued(followup_ids, referral_ids) -> int:
    """Revoke the queued reminder and delivery tasks of erased rows; returns how many. (They would find nothing to
    do; revoking them keeps the queue from waking for a person who is gone.)"""
    followups, referrals = {int(i) for i in followup_ids}, {str(i) for i in referral_ids}
    if not followups and not referrals:
        return 0
    revoked = 0
    try:
        queued = list(huey.scheduled()) + list(huey.pending())
    except Exception as exc:  # noqa: BLE001 - the queue being down does not undo an erasure
        log.warning("could not read the queue (%s); erased rows' tasks will find nothing", exc.__class__.__name__)
        return 0
    for task in queued:
        name, args = task.name.rpartition(".")[2], tuple(task.args or ())
        if args and ((name == _REMINDER_TASK and args[0] in followups)
                     or (name == _DELIVERY_TASK and args[0] in referrals)):
            huey.revoke_by_id(task.id, revoke_once=True)
            revoked += 1
    return revoked


def reclaim() -> bool:
    """Reclaim the database's free space; if another connection holds the file too long (SQLite), say so in the log
    and leave it to the nightly retention run, which reclaims every night. The erasure itself is committed."""
    try:
        reclaim_free_space()
    except pw.OperationalError as exc:
        log.warning("free space not reclaimed now (%s); the nightly retention run will", exc.__class__.__name__)
        return False
    return True


def erase_client(client: Client, confirm: str, actor, reason: str = "request") -> erasure.Erasure:
    """Erase one client (``erasure.erase``), revoke their queued tasks and make the deleted rows unreadable."""
    done = erasure.erase(client, confirm, actor, reason)
    forget_queued(done.followup_ids, done.referral_ids)
    reclaim()
    return done


def run_retention(today: dt.date, actor) -> list[erasure.Erasure]:
    """Erase every client due under the retention rule on ``today``; audited as one run."""
    done = []
    for item in retention.due(today):
        client = item.client
        done.append(erasure.erase(client, client.reference, actor, reason="retention"))
        forget_queued(done[-1].followup_ids, done[-1].referral_ids)
    audit.record(actor, "retention.run", "client", "", f"{quantity(len(done), 'Person', 'Personen')} gelöscht, "
                 f"Löschfrist {quantity(retention.retention_days(), *DAYS)}")
    reclaim()  # also what an erasure during the day could not reclaim
    return done


@huey.periodic_task(crontab(hour="2", minute="17"))
def daily_retention() -> int:
    """Each night (03:17/04:17 German time): erase the clients the retention rule makes due; safe to run twice."""
    with app_context(), task_connection():
        return len(run_retention(today_in_germany(), None))
