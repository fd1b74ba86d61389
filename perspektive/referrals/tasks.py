"""The referrals' Huey tasks and the functions that queue them: a delivery per referral, and the sweep every
minute that re-queues what a dead worker or Huey lost. The domain (``outbox``) writes rows and reports what
happened; only this module touches the queue."""
from __future__ import annotations

import logging

from huey import crontab

from perspektive.db import task_connection
from perspektive.tasks import app_context, huey

from . import outbox
from .contacts import expiring_keys_notice
from .models import Referral

log = logging.getLogger("perspektive.referrals")


def enqueue(referral_id: str, delay: int | None = None) -> None:
    """Queue a delivery. If the queue is down, the row stays in the outbox and the sweep queues it later."""
    try:
        if delay:
            deliver_referral.schedule((referral_id,), delay=delay)
        else:
            deliver_referral(referral_id)
    except Exception as exc:  # noqa: BLE001 - any queue failure: the outbox row is the record, not the queue
        log.warning("could not queue referral %s (%s); the sweep will", referral_id, exc.__class__.__name__)


def queue_referral(**kwargs):
    """Record the referral and its outbox row (``outbox.record_referral``, same arguments), then queue it; the
    referral as it stands afterwards (delivered already where the queue runs tasks at once)."""
    referral = outbox.record_referral(**kwargs)
    enqueue(referral.id)
    return Referral.get_by_id(referral.id)


def deliver(referral_id: str) -> str:
    """Deliver one referral (``outbox.deliver``); a mail failure queues the next attempt after its delay."""
    outcome = outbox.deliver(referral_id)
    if outcome == "retrying":
        enqueue(referral_id, delay=outbox.retry_delay(referral_id))
    return outcome


def sweep() -> int:
    """Queue every outbox row that is due and not held by a live lease; returns how many."""
    due = outbox.due()
    for referral_id in due:
        enqueue(referral_id)
    return len(due)


@huey.task()
def deliver_referral(referral_id: str) -> str:
    """Encrypt and send one referral; safe to run twice."""
    with app_context(), task_connection():
        return deliver(referral_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Re-queue referrals whose worker died or whose task Huey lost (Huey does not guarantee delivery)."""
    with app_context(), task_connection():
        return sweep()


@huey.periodic_task(crontab(hour="7", minute="3"))
def warn_about_expiring_keys() -> int:
    """Tell administrators each morning which contact keys end within KEY_EXPIRY_WARNING_DAYS."""
    with app_context(), task_connection():
        return expiring_keys_notice()
