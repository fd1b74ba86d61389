"""The follow-ups' Huey tasks: a reminder's wake-up call on its day; every minute, the reminders of workers that died
while sending (their lease ran out); and the sweep (daily and at consumer start) that recomputes every client and
re-queues what Huey lost. This module owns the queueing; the domain modules (``records``, ``reminders``) never
touch the queue."""
from __future__ import annotations

import logging
import threading

from huey import crontab

from perspektive.db import task_connection
from perspektive.law import now_in_germany
from perspektive.tasks import app_context, huey

from . import reminders
from .models import FollowUpRecord
from .records import sync_all

log = logging.getLogger("perspektive.reminders")


def schedule(record_ids: list[int]) -> None:
    """Queue a wake-up for each row's next reminder; if the queue is down, the sweep queues it later."""
    # A list, not a cursor: in immediate mode the task runs right here and closes this thread's connection.
    rows = list(FollowUpRecord.select(FollowUpRecord.id, FollowUpRecord.next_reminder_on).where(
        FollowUpRecord.id.in_(record_ids) & FollowUpRecord.next_reminder_on.is_null(False)).tuples())
    for record_id, day in rows:
        try:
            send_followup_reminder.schedule((record_id,), eta=max(reminders.send_at(day), now_in_germany()))
        except Exception as exc:  # noqa: BLE001 - the row is the record, not the queue
            log.warning("could not queue reminder %s (%s); the sweep will", record_id, exc.__class__.__name__)


def send_reminder(record_id: int) -> str:
    """Send the reminder due for a row, if any, then queue the wake-up call for its next reminder day."""
    outcome = reminders.send_reminder(record_id)
    if outcome != "nothing due":
        schedule([record_id])
    return outcome


def sweep() -> dict:
    """Recompute every client's follow-ups, then queue each reminder that is due and was not sent."""
    clients, changed = sync_all()
    due = reminders.due_now()
    # A reminder of an earlier day goes now; one of today waits for REMINDER_HOUR (the sweep runs before it).
    schedule(sorted(set(changed) | set(due)))
    return {"clients": clients, "scheduled": len(changed), "queued": len(due)}


def sweep_leases() -> int:
    """Queue each due reminder whose worker's lease ran out; returns how many. No client is recomputed."""
    lapsed = reminders.lapsed()
    schedule(lapsed)
    return len(lapsed)


@huey.task(retries=2, retry_delay=900)
def send_followup_reminder(record_id: int) -> str:
    """Mail the reminder due for one follow-up, if one is (see ``send_reminder``); safe to run twice."""
    with app_context(), task_connection():
        return send_reminder(record_id)


@huey.task()
def sweep_followups() -> dict:
    """Recompute all follow-ups and queue every reminder that is due and was not sent (Huey may lose tasks)."""
    with app_context(), task_connection():
        return sweep()


@huey.periodic_task(crontab(minute="*"))
def sweep_reminder_leases() -> int:
    """A worker killed while sending leaves its lease: once it has run out, the reminder goes out again (with the
    same Message-ID) within a minute, not at the next daily sweep."""
    with app_context(), task_connection():
        return sweep_leases()


@huey.periodic_task(crontab(hour="4", minute="41"))
def daily_followup_sweep() -> None:
    """Before the working day (05:41/06:41 German time), so the day's reminders are queued by REMINDER_HOUR."""
    sweep_followups.call_local()


_started = threading.Lock()
_swept_at_start = False


@huey.on_startup()
def sweep_followups_at_start() -> None:
    """A consumer that was down may have lost reminders: queue one sweep per consumer process, not per worker."""
    global _swept_at_start
    with _started:
        if _swept_at_start:
            return
        _swept_at_start = True
    sweep_followups()
