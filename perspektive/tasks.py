"""The Huey instance and its tasks. One module owns ``huey``; the consumer imports ``app`` (``huey_consumer app.huey``).

Task arguments are ids only, never personal data: Huey stores them pickled and unencrypted. Huey does not
guarantee delivery, so every task here is idempotent and periodic work is safe to run twice. Periodic times are
UTC (Huey's default).
"""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from .config import load_config


def build_huey(config: dict):
    if config["REDIS_URL"]:
        return RedisHuey("perspektive", url=config["REDIS_URL"], store_intermediate_errors=False,
                         immediate=config["HUEY_IMMEDIATE"])
    return SqliteHuey("perspektive", filename=str(Path(config["DATA_DIR"]) / "huey.db"),
                      store_intermediate_errors=False, immediate=config["HUEY_IMMEDIATE"])


huey = build_huey(load_config())
_consumer_app = None


def _app_context():
    """Inside a request or test the current app; in the consumer process one app built on first use."""
    global _consumer_app
    if has_app_context():
        return current_app.app_context()
    if _consumer_app is None:
        from . import create_app

        _consumer_app = create_app()
    return _consumer_app.app_context()


def _purge() -> int:
    from .models import db
    from .records import delete_documents_older_than

    with _app_context():
        days = current_app.config["DOCUMENT_RETENTION_DAYS"]
        with db.connection_context():
            return delete_documents_older_than(dt.datetime.utcnow() - dt.timedelta(days=days))


@huey.task()
def purge_expired_documents() -> int:
    """Delete generated letters older than DOCUMENT_RETENTION_DAYS (they can be generated again from the facts)."""
    return _purge()


@huey.periodic_task(crontab(hour="3", minute="17"))
def nightly_housekeeping() -> None:
    """Expired documents, and failed-login records older than a day (they only serve the login throttle)."""
    from .models import LoginAttempt, db, utcnow

    _purge()
    with _app_context(), db.connection_context():
        LoginAttempt.delete().where(LoginAttempt.at < utcnow() - dt.timedelta(days=1)).execute()


@huey.task()
def deliver_referral(referral_id: str) -> str:
    """Encrypt and send one referral (see ``referrals.deliver``); safe to run twice."""
    from .models import db
    from .referrals import deliver

    with _app_context(), db.connection_context():
        return deliver(referral_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Re-queue referrals whose worker died or whose task Huey lost (Huey does not guarantee delivery)."""
    from .models import db
    from .referrals import sweep

    with _app_context(), db.connection_context():
        return sweep()


@huey.periodic_task(crontab(hour="7", minute="3"))
def warn_about_expiring_keys() -> int:
    """Tell administrators each morning which contact keys end within KEY_EXPIRY_WARNING_DAYS."""
    from .contacts import expiring_keys_notice
    from .models import db

    with _app_context(), db.connection_context():
        return expiring_keys_notice()


@huey.task(retries=2, retry_delay=900)
def send_followup_reminder(record_id: int) -> str:
    """Mail the reminder due for one follow-up, if one is (see ``reminders.send_reminder``); safe to run twice."""
    from .models import db
    from .reminders import send_reminder

    with _app_context(), db.connection_context():
        return send_reminder(record_id)


@huey.task()
def sweep_followups() -> dict:
    """Recompute all follow-ups and queue every reminder that is due and was not sent (Huey may lose tasks)."""
    from .models import db
    from .reminders import sweep

    with _app_context(), db.connection_context():
        return sweep()


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
