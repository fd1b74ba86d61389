"""Reminder mails for follow-ups, end to end: rows written by ``records``, Huey tasks in immediate mode, mails
received by a real SMTP server on 127.0.0.1 (the ``smtp`` sink).

A fixed clock stands for "now": the days (``periods.now_in_germany``), the eta that ``reminders.schedule`` computes,
and Huey's own clock (``utcnow`` in ``huey.api`` and ``huey.utils``: when a task is due, when a retry is due), so
that a task scheduled for a reminder day runs when the test moves the clock there (``run_until``: what the
consumer's scheduler does at that moment). Leases use the real clock.

The test client's only follow-up is the last day before the 27th birthday (§ 25a, reminders 180 and 30 days
before), so its due day is chosen through the date of birth.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
from dataclasses import dataclass, field

import pytest

from perspektive import followups as reminders
from perspektive.audit import AuditEvent
from perspektive.clients.models import Client
from perspektive.clients.records import create_client, update_facts
from perspektive.db import db, utcnow
from perspektive.followups import reminders as reminder_mails
from perspektive.followups import tasks as followup_tasks
from perspektive.followups.models import FollowUpRecord
from perspektive.followups.records import reminder_days, set_state
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY, de
from perspektive.tasks import huey
from tests.common.smtp_sink import Received, Sink, free_port, start_sink

D = dt.date.fromisoformat
KIND = "last_day_before_27"
PUBLIC_URL = "https://perspektive.beratung.example/"
GIVEN, FAMILY = "Leyla", "Haddad"
ADDRESS, FILE_NUMBER = "Hechtstraße 12, 01097 Dresden", "DD-0815-27"
WORKERS = 8


class Clock:
    """The test's "now" in Germany; ``utc`` is the same moment as Huey keeps it (naive UTC)."""

    def __init__(self):
        self.now = dt.datetime(2027, 1, 4, 9, 0, tzinfo=GERMANY)

    def set(self, day: dt.date, hour: int = 9, minute: int = 0) -> None:
        self.now = dt.datetime.combine(day, dt.time(hour, minute), GERMANY)

    def utc(self) -> dt.datetime:
        return self.now.astimezone(dt.timezone.utc).replace(tzinfo=None)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: clock.now)
    monkeypatch.setattr("perspektive.followups.tasks.now_in_germany", lambda: clock.now)
    monkeypatch.setattr("huey.api.utcnow", clock.utc)
    monkeypatch.setattr("huey.utils.utcnow", clock.utc)
    return clock


@pytest.fixture
def mail(app, smtp, dbconn, clock, queue):
    """Everything a reminder needs: the SMTP sink, an open connection, the clock, the queue, the public URL."""
    app.config["PUBLIC_URL"] = PUBLIC_URL
    return smtp


def run_until(clock: Clock, day: dt.date, hour: int = 9, minute: int = 0) -> None:
    """Move the clock and run every scheduled task whose eta has come, as the consumer's scheduler would."""
    clock.set(day, hour, minute)
    for _ in range(10):  # a task may schedule another (a retry) that is due at once
        due = huey.read_schedule(clock.utc())
        if not due:
            return
        for task in due:
            huey.execute(task)


def facts_due(due: dt.date) -> dict:
    """A client whose 27th birthday is the day after ``due``."""
    born = (due + dt.timedelta(days=1)).replace(year=due.year - 27)
    return {"person": {"given_name": GIVEN, "family_name": FAMILY, "date_of_birth": born.isoformat(),
                       "nationality": "SY", "address": ADDRESS, "abh_file_number": FILE_NUMBER}}


def new_client(due: dt.date, counsellor) -> tuple[Client, FollowUpRecord]:
    client = create_client(parse_facts(facts_due(due)), counsellor)
    return client, FollowUpRecord.get((FollowUpRecord.client == client) & (FollowUpRecord.kind == KIND))


def fresh(record: FollowUpRecord) -> FollowUpRecord:
    return FollowUpRecord.get_by_id(record.id)


def mails_for(sink: Sink, record: FollowUpRecord) -> list[Received]:
    link = re.compile(rf"/followups/{record.id}\b")
    return [m for m in sink.messages if link.search(m.message.get_body(("plain",)).get_content())]


def audit_actions(record: FollowUpRecord) -> list[str]:
    return [e.action for e in AuditEvent.select().where((AuditEvent.object_type == "followup")
                                                        & (AuditEvent.object_id == str(record.id)))
            .order_by(AuditEvent.id)]


def reminder_tasks(record: FollowUpRecord | None = None) -> list:
    tasks = [t for t in huey.scheduled() if t.name.endswith("send_followup_reminder")]
    return [t for t in tasks if record is None or t.args == (record.id,)]


def eta_in_germany(task) -> dt.datetime:
    return task.eta.replace(tzinfo=dt.timezone.utc).astimezone(GERMANY)


def assert_ids_only() -> None:
    """Every task waiting in Huey carries a row id and nothing else (Huey stores arguments unencrypted)."""
    for task in huey.scheduled() + huey.pending():
        assert len(task.args) == 1 and type(task.args[0]) is int and not task.kwargs, task
    for data in huey.storage.scheduled_items() + huey.storage.enqueued_items():
        assert GIVEN.encode() not in data and FAMILY.encode() not in data


# --- reminder days ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("due, before, expected", [
    ("2028-06-14", [180, 30], ["2027-12-17", "2028-05-15"]),  # Friday and Monday: working days stay
    ("2028-11-20", [30], ["2028-10-20"]),                      # Saturday 21.10. -> Friday
    ("2028-11-21", [30], ["2028-10-20"]),                      # Sunday 22.10. -> Friday
    ("2028-12-22", [30], ["2028-11-21"]),                      # Buß- und Bettag (a holiday only in Saxony)
    ("2028-05-17", [180, 30], ["2027-11-19", "2028-04-13"]),   # Ostermontag, Sunday, Saturday, Karfreitag -> Thu
    ("2028-06-19", [2, 1], ["2028-06-16"]),                    # Saturday and Sunday: one reminder on Friday
    ("2027-12-27", [1, 2, 3], ["2027-12-24"]),                 # 2. Weihnachtstag (Sunday), 1. (Saturday)
])
def test_a_reminder_day_off_work_moves_back_to_the_working_day_before(due, before, expected):
    assert reminder_days(D(due), before) == [D(day) for day in expected]


def test_the_rows_reminders_follow_the_working_days_around_easter(mail, clock, counsellor):
    """Due Wednesday 17.05.2028: 30 days before is Ostermontag, so the second reminder comes on the Thursday before
    Karfreitag; the first (180 days before) on Friday 19.11.2027."""
    clock.set(D("2027-11-01"))
    _, record = new_client(D("2028-05-17"), counsellor)
    assert record.next_reminder_on == D("2027-11-19")
    [task] = reminder_tasks(record)
    assert eta_in_germany(task) == dt.datetime(2027, 11, 19, 8, 0, tzinfo=GERMANY)  # REMINDER_HOUR German time

    run_until(clock, D("2027-11-19"), 7, 59)
    assert mails_for(mail, record) == []
    run_until(clock, D("2027-11-19"), 8, 0)
    assert len(mails_for(mail, record)) == 1
    record = fresh(record)
    assert (record.reminded_on, record.next_reminder_on) == (D("2027-11-19"), D("2028-04-13"))
    assert record.reminder_lease_until is None

    # The consumer's day on 13.04.2028: the daily sweep (04:41 UTC) and whatever Huey has scheduled until noon.
    run_until(clock, D("2028-04-13"), 6, 41)
    assert reminders.sweep()["clients"] == 1
    run_until(clock, D("2028-04-13"), 12, 0)
    assert len(mails_for(mail, record)) == 2
    record = fresh(record)
    assert (record.reminded_on, record.next_reminder_on) == (D("2028-04-13"), None)
    for day in ("2028-04-14", "2028-05-16", "2028-05-17"):  # Karfreitag, later days, the due day: nothing more
        run_until(clock, D(day), 7)
        reminders.sweep()
        run_until(clock, D(day), 12)
    assert len(mails_for(mail, record)) == 2
    assert_ids_only()


def test_after_a_reminder_the_next_one_is_scheduled_for_its_day(mail, clock, counsellor):
    """Huey holds a wake-up call for every open row's next reminder, not only for the first: the second reminder
    goes out at REMINDER_HOUR on its day without waiting for a sweep."""
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    run_until(clock, D("2027-12-17"), 8)
    assert dt.datetime(2028, 5, 15, 8, 0, tzinfo=GERMANY) in [eta_in_germany(t) for t in reminder_tasks(record)]
    run_until(clock, D("2028-05-15"), 8)
    assert len(mails_for(mail, record)) == 2


def test_the_morning_sweep_leaves_todays_reminder_for_the_reminder_hour(mail, clock, counsellor):
    """The daily sweep runs at 04:41 UTC (05:41/06:41 German time); a reminder of that day still goes out at
    REMINDER_HOUR (8:00), as configured, not before."""
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    huey.flush()  # Huey lost the wake-up call: only the sweep knows about the reminder
    run_until(clock, D("2027-12-17"), 5, 41)
    assert reminders.sweep()["queued"] == 1
    assert mails_for(mail, record) == []
    run_until(clock, D("2027-12-17"), 7, 59)
    assert mails_for(mail, record) == []
    run_until(clock, D("2027-12-17"), 8, 0)
    assert len(mails_for(mail, record)) == 1


# --- the mail --------------------------------------------------------------------------------------------------

def test_the_mail_reaches_the_counsellor_with_rule_and_link_but_nothing_about_the_person(mail, clock, counsellor):
    clock.set(D("2027-12-01"))
    client, record = new_client(D("2028-06-14"), counsellor)
    run_until(clock, D("2027-12-17"), 8)

    [received] = mails_for(mail, record)
    assert received.rcpt_tos == ["berta@fluechtlingsrat.example"]
    message = received.message
    assert message["To"] == "berta@fluechtlingsrat.example"
    assert message["Subject"] == "[Perspektive] Erinnerung an eine Frist"
    body = message.get_body(("plain",)).get_content()
    assert record.text in body and record.citation in body
    assert f"https://perspektive.beratung.example/followups/{record.id}\n" in body
    born = D("2001-06-15")
    secrets = [GIVEN, FAMILY, client.reference, ADDRESS, FILE_NUMBER, born.isoformat(), de(born),
               "2028-06-14", de(D("2028-06-14")), "14.06.", "15.06."]
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    assert [s for s in secrets if s in body or s in headers] == []
    assert [s for s in secrets if s.encode() in received.data] == []
    assert audit_actions(record)[-1] == "followup.reminder_sent"


def test_a_counsellor_without_an_address_gets_no_mail_and_the_audit_says_so(mail, clock, make_user):
    no_address = make_user("ohne-adresse", display_name="Olaf Ohneadresse", email="")
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), no_address)
    run_until(clock, D("2027-12-17"), 8)
    assert mail.messages == []
    assert audit_actions(record)[-1] == "followup.reminder_no_address"
    record = fresh(record)  # counted as done for the day: the dashboard shows the row, the sweep does not retry
    assert (record.reminded_on, record.next_reminder_on) == (D("2027-12-17"), D("2028-05-15"))
    assert reminders.sweep()["queued"] == 0


# --- late rows, closed rows, moved dates -----------------------------------------------------------------------

def test_a_row_created_inside_the_window_gets_one_reminder_now_not_one_per_missed_day(mail, clock, counsellor):
    """Created on 20.05.2028: both reminder days (17.12.2027, 15.05.2028) have passed; one mail, at once."""
    clock.set(D("2028-05-20"), 10, 30)
    _, record = new_client(D("2028-06-14"), counsellor)
    assert len(mails_for(mail, record)) == 1  # Huey got it with eta "now" and ran it
    record = fresh(record)
    assert (record.reminded_on, record.next_reminder_on) == (D("2028-05-15"), None)
    assert reminders.sweep() == {"clients": 1, "scheduled": 0, "queued": 0}
    run_until(clock, D("2028-06-14"), 12)
    assert len(mails_for(mail, record)) == 1


def test_a_row_created_between_reminder_days_gets_one_now_and_the_next_on_its_day(mail, clock, counsellor):
    clock.set(D("2028-01-10"))
    _, record = new_client(D("2028-06-14"), counsellor)
    assert len(mails_for(mail, record)) == 1
    record = fresh(record)
    assert (record.reminded_on, record.next_reminder_on) == (D("2027-12-17"), D("2028-05-15"))
    run_until(clock, D("2028-05-12"), 12)  # the Friday before: nothing yet, even with a sweep
    reminders.sweep()
    assert len(mails_for(mail, record)) == 1
    run_until(clock, D("2028-05-15"), 6, 41)
    reminders.sweep()
    run_until(clock, D("2028-05-15"), 12)
    assert len(mails_for(mail, record)) == 2
    assert fresh(record).next_reminder_on is None


def test_no_reminder_after_the_due_day(mail, clock, counsellor):
    """The consumer was down from January to June: on the due day the missed reminder still goes out, a day
    later it does not (the dashboard shows the row as overdue instead)."""
    clock.set(D("2028-01-10"))
    _, due_yesterday = new_client(D("2028-06-14"), counsellor)
    _, due_today = new_client(D("2028-06-15"), counsellor)
    assert len(mail.messages) == 2  # the first reminder of each, at once

    clock.set(D("2028-06-15"), 6, 41)
    assert reminders.sweep()["queued"] == 1
    run_until(clock, D("2028-06-15"), 12)
    assert len(mails_for(mail, due_today)) == 2
    assert len(mails_for(mail, due_yesterday)) == 1
    assert fresh(due_yesterday).next_reminder_on is None
    assert reminders.send_reminder(due_yesterday.id) == "nothing due"  # a stale task finds nothing
    run_until(clock, D("2028-07-01"), 12)
    assert reminders.sweep()["queued"] == 0
    assert len(mail.messages) == 3


@pytest.mark.parametrize("state, note", [("done", ""), ("dismissed", "Antrag nach § 25b gestellt")])
def test_a_done_or_dismissed_row_sends_nothing(mail, clock, counsellor, state, note):
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    assert reminder_tasks(record)  # the wake-up call is in Huey's schedule ...
    set_state(record, state, counsellor, note)
    assert fresh(record).next_reminder_on is None
    run_until(clock, D("2027-12-17"), 8)  # ... and finds nothing to do
    assert reminders.sweep()["queued"] == 0
    run_until(clock, D("2028-05-15"), 12)
    reminders.sweep()
    assert mail.messages == []
    assert fresh(record).reminded_on is None


def test_a_moved_due_date_starts_the_reminders_again(mail, clock, counsellor):
    clock.set(D("2027-12-01"))
    client, record = new_client(D("2028-06-14"), counsellor)
    run_until(clock, D("2027-12-17"), 8)
    assert len(mails_for(mail, record)) == 1

    # The date of birth was wrong: the last day moves from 14.06.2028 to 14.09.2028.
    clock.set(D("2027-12-20"))
    update_facts(client, parse_facts(facts_due(D("2028-09-14"))), counsellor)
    record = fresh(record)
    assert (record.due, record.previous_due, record.reminded_on) == (D("2028-09-14"), D("2028-06-14"), None)
    assert "14.06.2028" in record.change_note and "14.09.2028" in record.change_note
    # 180 days before is Saturday 18.03.2028: the first reminder for the new date comes on Friday 17.03.
    assert record.next_reminder_on == D("2028-03-17")
    assert dt.datetime(2028, 3, 17, 8, 0, tzinfo=GERMANY) in [eta_in_germany(t) for t in reminder_tasks(record)]

    run_until(clock, D("2028-03-17"), 8)
    assert len(mails_for(mail, record)) == 2  # the first reminder for the new date
    assert fresh(record).reminded_on == D("2028-03-17")
    run_until(clock, D("2028-05-15"), 12)  # the old second reminder day: nothing for the old date
    assert len(mails_for(mail, record)) == 2
    assert_ids_only()


# --- leases and failures ---------------------------------------------------------------------------------------

@dataclass
class HeldSink(Sink):
    """Keeps the first message inside DATA until the test releases it: a slow mail server."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        self.entered.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


def test_the_lease_keeps_a_second_worker_from_sending_the_same_reminder(app, dbconn, clock, queue, counsellor):
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    clock.set(D("2027-12-17"), 8)
    controller, sink = start_sink(handler=HeldSink())
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SECURITY="none")
    outcome = {}

    def first_worker():
        with app.app_context(), db.connection_context():
            outcome["first"] = reminders.send_reminder(record.id)

    worker = threading.Thread(target=first_worker)
    try:
        worker.start()
        assert sink.entered.wait(10)  # the first worker has claimed the row and is inside the send
        lease = fresh(record).reminder_lease_until
        assert lease is not None and lease > utcnow()
        assert reminders.send_reminder(record.id) == "nothing due"  # a second worker, a duplicate task
        assert reminders.send_reminder(record.id) == "nothing due"
        assert reminders.due_now() == []  # and the sweep leaves it alone
        sink.release.set()
        worker.join(10)
    finally:
        sink.release.set()
        controller.stop()
    assert outcome["first"] == "sent"
    assert len(mails_for(sink, record)) == 1
    record = fresh(record)
    assert record.reminder_lease_until is None and record.reminded_on == D("2027-12-17")


def test_workers_racing_for_one_reminder_send_one_mail(app, mail, clock, counsellor):
    """Eight workers pick up duplicate tasks for the same row at the same moment (on PostgreSQL they all read the
    row before any has written its lease): one claims it and sends, the others find nothing due."""
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    clock.set(D("2027-12-17"), 8)
    start = threading.Barrier(WORKERS)
    outcomes = []

    def worker():
        with app.app_context(), db.connection_context():
            start.wait(10)
            outcomes.append(reminders.send_reminder(record.id))

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["nothing due"] * (WORKERS - 1) + ["sent"]
    assert len(mails_for(mail, record)) == 1


def test_a_lease_that_ran_out_no_longer_blocks(mail, clock, counsellor):
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    clock.set(D("2027-12-17"), 8)
    FollowUpRecord.update(reminder_lease_until=utcnow() + dt.timedelta(minutes=5)).where(
        FollowUpRecord.id == record.id).execute()
    assert reminders.send_reminder(record.id) == "nothing due"
    assert reminders.send_reminder(record.id) == "nothing due"
    assert mail.messages == [] and reminders.due_now() == []
    # The worker holding it died: once its lease has run out, the sweep queues the reminder again.
    FollowUpRecord.update(reminder_lease_until=utcnow() - dt.timedelta(seconds=1)).where(
        FollowUpRecord.id == record.id).execute()
    assert reminders.due_now() == [record.id]
    assert reminders.sweep()["queued"] == 1
    assert len(mails_for(mail, record)) == 1


def test_a_mail_failure_keeps_the_reminder_due_and_the_sweep_queues_it_again(app, mail, clock, counsellor):
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there: the mail server is down

    clock.set(D("2027-12-17"), 8)
    for task in huey.read_schedule(clock.utc()):
        huey.execute(task)
    record = fresh(record)
    assert (record.next_reminder_on, record.reminded_on, record.reminder_lease_until) == \
        (D("2027-12-17"), None, None)
    assert audit_actions(record)[-1] == "followup.reminder_failed"
    assert reminder_tasks(record)  # Huey's retry waits in the schedule, with the id only
    assert_ids_only()
    assert reminders.due_now() == [record.id]
    assert reminders.sweep()["queued"] == 1  # still down: still due
    assert fresh(record).next_reminder_on == D("2027-12-17")

    app.config["SMTP_PORT"] = port  # the mail server is back
    assert reminders.sweep()["queued"] == 1
    assert len(mails_for(mail, record)) == 1
    record = fresh(record)
    assert (record.reminded_on, record.next_reminder_on) == (D("2027-12-17"), D("2028-05-15"))
    run_until(clock, D("2027-12-17"), 23)  # the retries run later and find nothing due
    assert len(mails_for(mail, record)) == 1


# --- a worker that died after sending (probe finding 5) -------------------------------------------------------

class WorkerKilled(BaseException):
    """The consumer's worker is killed (SIGKILL): nothing after this point runs, no handler catches it."""


def die_after_sending(monkeypatch, record: FollowUpRecord) -> None:
    """A worker claims the row, the mail server accepts the mail, and the worker dies before it marks the row."""
    def killed(*args):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr("perspektive.followups.reminders.reminder_sent", killed)
        with pytest.raises(WorkerKilled):
            reminder_mails.send_reminder(record.id)


def lease_runs_out(record: FollowUpRecord) -> None:
    """REMINDER_LEASE_SECONDS have passed (leases use the real clock; the row's lease is set back instead)."""
    FollowUpRecord.update(reminder_lease_until=utcnow() - dt.timedelta(seconds=1)).where(
        FollowUpRecord.id == record.id).execute()


def message_ids(sink: Sink, record: FollowUpRecord) -> list[str]:
    return [m.message["Message-ID"] for m in mails_for(sink, record)]


def test_a_reminder_sent_again_after_a_dead_worker_has_the_same_message_id(mail, clock, counsellor, monkeypatch):
    """Probe finding 5: the worker died after the server had accepted the mail; the row still says "not sent", so
    the reminder goes out again. The second copy carries the first one's Message-ID (row id and reminder day), so
    that mail clients show it once; the next reminder day is a new mail with its own Message-ID."""
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    huey.flush()  # the wake-up calls: this test plays the workers itself
    clock.set(D("2027-12-17"), 8)
    die_after_sending(monkeypatch, record)
    row = fresh(record)
    assert (row.reminded_on, row.next_reminder_on) == (None, D("2027-12-17"))  # the mail went, the row says no
    assert row.reminder_lease_until > utcnow()  # the dead worker's claim
    assert len(mails_for(mail, record)) == 1

    lease_runs_out(record)
    assert reminders.send_reminder(record.id) == "sent"  # a worker picks the reminder up again
    first = f"<followup-{record.id}-20271217@fluechtlingsrat.example>"  # the domain of MAIL_FROM
    assert message_ids(mail, record) == [first, first]
    run_until(clock, D("2028-05-15"), 8)
    assert message_ids(mail, record) == [first, first, f"<followup-{record.id}-20280515@fluechtlingsrat.example>"]


def test_the_minute_sweep_queues_a_reminder_whose_lease_ran_out(mail, clock, counsellor, monkeypatch):
    """Probe finding 5: a dead worker's reminder comes back within a minute of its lease running out, from the
    periodic task that runs every minute, without the daily sweep (which recomputes every client)."""
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    huey.flush()
    clock.set(D("2027-12-17"), 9, 30)
    die_after_sending(monkeypatch, record)
    sweep = followup_tasks.sweep_reminder_leases
    assert all(sweep.s().validate_datetime(dt.datetime(2027, 12, 17, 8, minute)) for minute in range(60))

    def no_recomputing(*args, **kwargs):
        raise AssertionError("the minute sweep recomputed the clients")

    monkeypatch.setattr("perspektive.followups.tasks.sync_all", no_recomputing)
    monkeypatch.setattr("perspektive.followups.records.sync_client", no_recomputing)
    assert sweep.call_local() == 0  # the lease holds: the worker may still be sending
    lease_runs_out(record)
    assert sweep.call_local() == 1  # queued; Huey (immediate here) sends it at once
    assert len(mails_for(mail, record)) == 2
    row = fresh(record)
    assert (row.reminded_on, row.next_reminder_on, row.reminder_lease_until) == \
        (D("2027-12-17"), D("2028-05-15"), None)
    assert sweep.call_local() == 0  # sent: nothing left to queue
    assert audit_actions(record).count("followup.reminder_sent") == 1  # the dead worker audited nothing
    assert_ids_only()


def test_the_minute_sweep_leaves_a_live_lease_alone(mail, clock, counsellor, monkeypatch):
    """Probe finding 5: while a worker's lease holds, the minute sweep queues nothing and no worker takes the row
    over, even when the reminder is due; a row without a lease is not the minute sweep's business (its task waits
    in Huey for REMINDER_HOUR, or the daily sweep brings it back)."""
    clock.set(D("2027-12-01"))
    _, record = new_client(D("2028-06-14"), counsellor)
    _, unleased = new_client(D("2028-06-15"), counsellor)
    huey.flush()
    clock.set(D("2027-12-17"), 9, 30)
    lease = utcnow() + dt.timedelta(seconds=60)
    FollowUpRecord.update(reminder_lease_until=lease).where(FollowUpRecord.id == record.id).execute()
    for _ in range(3):
        assert followup_tasks.sweep_reminder_leases.call_local() == 0
    assert reminder_mails.send_reminder(record.id) == "nothing due"
    assert reminder_tasks() == [] and mail.messages == []
    assert fresh(record).reminder_lease_until == lease and fresh(unleased).reminder_lease_until is None


# --- Huey's arguments ------------------------------------------------------------------------------------------

def test_everything_queued_carries_row_ids_only(mail, clock, counsellor, make_user):
    clock.set(D("2027-11-01"))
    records = [new_client(D(due), counsellor)[1] for due in ("2028-06-14", "2028-05-17", "2029-04-29")]
    new_client(D("2028-06-14"), make_user("zweite", email="zweite@fluechtlingsrat.example"))
    assert reminders.sweep()["scheduled"] == 0 and mail.messages == []  # nothing new, nothing due yet
    tasks = reminder_tasks()
    assert sorted(t.args[0] for t in tasks) == sorted(
        r.id for r in FollowUpRecord.select().where(FollowUpRecord.next_reminder_on.is_null(False)))
    assert {t.args for t in reminder_tasks(records[0])} == {(records[0].id,)}
    assert_ids_only()
