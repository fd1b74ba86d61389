"""Reminder mails for follow-ups: scheduled in Huey for the reminder day (``followups.tasks``), re-created by the
sweep when Huey lost one.

The row is the record (``FollowUpRecord.next_reminder_on``), the Huey task only a wake-up call carrying the row id:
a task that finds nothing due does nothing, so stale and duplicate tasks are harmless. A worker claims the row with
a lease before it sends, so two workers never mail the same reminder; a worker that dies leaves the lease to run
out and the sweep every minute (``lapsed``) queues the reminder again. SMTP cannot be exactly-once: a worker killed
after the server took the mail sends it again, with the same Message-ID (row id and reminder day), so that mail
clients show one mail.

The mail says only that a deadline of a kind is coming and links to it: no name, no reference, no date (a date
derived from a birthday identifies the person), nothing from the facts. The counsellor signs in to see the rest.
"""
from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage

from flask import current_app

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients.models import Client
from perspektive.db import utcnow, write_transaction
from perspektive.law import GERMANY, today_in_germany
from perspektive.mailer import MailError, send

from .models import FollowUpRecord
from .records import next_reminder, reminder_sent

log = logging.getLogger("perspektive.reminders")


def send_at(day: dt.date) -> dt.datetime:
    """The moment a reminder for ``day`` is due: REMINDER_HOUR German time, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(current_app.config["REMINDER_HOUR"]), GERMANY)


def _unleased(now: dt.datetime):
    """No worker holds the row: no lease, or one that has run out."""
    return FollowUpRecord.reminder_lease_until.is_null() | (FollowUpRecord.reminder_lease_until <= now)


def _claim(record_id: int, today: dt.date) -> FollowUpRecord | None:
    now = utcnow()
    with write_transaction():
        record = FollowUpRecord.get_or_none(FollowUpRecord.id == record_id)
        if record is None or record.next_reminder_on is None or record.next_reminder_on > today:
            return None
        due = next_reminder(record, today)
        if due != record.next_reminder_on:  # state or date changed since it was queued
            record.next_reminder_on = due
            record.save()
            return None
        # Compare and set, not read then write: on PostgreSQL several workers can all have read "no lease"; the
        # UPDATE re-checks the row once the first claim is committed, so only one of them matches.
        lease_until = now + dt.timedelta(seconds=current_app.config["REMINDER_LEASE_SECONDS"])
        claimed = FollowUpRecord.update(reminder_lease_until=lease_until).where(
            (FollowUpRecord.id == record.id) & (FollowUpRecord.next_reminder_on == record.next_reminder_on)
            & _unleased(now)).execute()
        if not claimed:
            return None
        record.reminder_lease_until = lease_until
        return record


def message_id(record: FollowUpRecord) -> str:
    """The same for every copy of one reminder (row id and reminder day), new for the next reminder day."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "perspektive.invalid"
    return f"<followup-{record.id}-{record.next_reminder_on:%Y%m%d}@{domain}>"


def reminder_message(record: FollowUpRecord, counsellor: User) -> EmailMessage:
    """The mail: the kind of deadline, its citation and a link; nothing that identifies the client."""
    config = current_app.config
    link = f"{config['PUBLIC_URL'].rstrip('/')}/followups/{record.id}"
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = counsellor.email
    message["Subject"] = "[Perspektive] Erinnerung an eine Frist"
    message["Message-ID"] = message_id(record)
    message.set_content(
        "Guten Tag,\n\n"
        "in Perspektive steht eine Frist an, um die Sie sich kümmern:\n\n"
        f"  {record.text}\n  ({record.citation})\n\n"
        f"Einzelheiten nach der Anmeldung: {link}\n\n"
        "Diese Nachricht enthält absichtlich keine Angaben zur Person.\n")
    return message


def send_reminder(record_id: int) -> str:
    """Send the reminder that is due for a row, if any; returns what happened (for logs and tests)."""
    today = today_in_germany()
    record = _claim(record_id, today)
    if record is None:
        return "nothing due"
    counsellor = User.select().join(Client, on=Client.counsellor == User.id).where(
        Client.id == record.client_id).get()
    try:
        if counsellor.email and counsellor.active:
            send(reminder_message(record, counsellor).as_bytes(), [counsellor.email])
            outcome = "sent"
        else:
            outcome = "no address"  # the dashboard still shows it; the audit says why no mail went out
    except MailError:
        with write_transaction():
            FollowUpRecord.update(reminder_lease_until=None).where(FollowUpRecord.id == record.id).execute()
        audit.record(None, "followup.reminder_failed", "followup", record.id)
        raise
    with write_transaction():
        record = FollowUpRecord.get_by_id(record.id)
        reminder_sent(record, today)
        record.reminder_lease_until = None
        record.save()
        audit.record(None, f"followup.reminder_{outcome.replace(' ', '_')}", "followup", record.id)
    return outcome


def due_now(today: dt.date | None = None, now: dt.datetime | None = None) -> list[int]:
    """Open rows whose reminder day has come and that no live worker holds."""
    today, now = today or today_in_germany(), now or utcnow()
    return [row_id for (row_id,) in FollowUpRecord.select(FollowUpRecord.id).where(
        (FollowUpRecord.state == "open") & (FollowUpRecord.next_reminder_on <= today) & _unleased(now)).tuples()]


def lapsed(today: dt.date | None = None, now: dt.datetime | None = None) -> list[int]:
    """Open rows whose reminder day has come and whose worker's lease ran out: it died while sending."""
    today, now = today or today_in_germany(), now or utcnow()
    return [row_id for (row_id,) in FollowUpRecord.select(FollowUpRecord.id).where(
        (FollowUpRecord.state == "open") & (FollowUpRecord.next_reminder_on <= today)
        & (FollowUpRecord.reminder_lease_until <= now)).tuples()]
