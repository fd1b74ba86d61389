"""Reminders through real ``huey_consumer`` processes on the configured queue (SqliteHuey in the test data
directory, or RedisHuey when PERSPEKTIVE_REDIS_URL is set, as CI's second run does) and real SMTP servers on
127.0.0.1: a consumer killed in the middle of sending a reminder loses its task, and the next consumer's start-up
sweep sends the reminder once the dead worker's lease has run out; duplicate tasks on two consumers send one mail.

The consumers run on the real clock, so the reminder is made due today: the client turns 27 in 20 days, both
reminder days (180 and 30 days before) have passed, and the reminder is "send now" whatever the hour.
The SQLite locking trap described in test_referral_consumer.py applies: this process reaches huey.db only through
Huey's own connection while a consumer runs.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest
from huey.storage import RedisStorage, SqliteStorage

from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db, utcnow
from perspektive.followups.models import FollowUpRecord
from perspektive.followups.reminders import due_now
from perspektive.followups.tasks import send_followup_reminder, sweep_reminder_leases
from perspektive.law.facts import parse_facts
from perspektive.law.periods import de, today_in_germany
from perspektive.tasks import huey
from tests.common.smtp_sink import Sink, start_sink
from tests.conftest import ROOT
from tests.referrals.test_referral_consumer import _consumer_command, _kill, _raw_storage

KIND = "last_day_before_27"
LEASE_SECONDS = 3
DUPLICATES = 20
PUBLIC_URL = "https://perspektive.beratung.example"
GIVEN, FAMILY, FILE_NUMBER = "Leyla", "Haddad", "DD-0815-27"


@pytest.fixture
def shared_queue(app):
    """``perspektive.tasks.huey`` on the storage the consumers read, empty before and after; immediate afterwards."""
    huey.immediate = False
    if os.environ.get("PERSPEKTIVE_REDIS_URL"):
        assert isinstance(huey.storage, RedisStorage)
    else:
        assert isinstance(huey.storage, SqliteStorage)
        assert huey.storage.filename == str(Path(os.environ["PERSPEKTIVE_DATA_DIR"]) / "huey.db")
    huey.flush()
    try:
        yield huey
    finally:
        huey.flush()
        huey.immediate = True


def _client_due_in(days: int, counsellor):
    """A client whose last day before the 27th birthday is ``days`` from today, and that row."""
    birthday = today_in_germany() + dt.timedelta(days=days + 1)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += dt.timedelta(days=1)
    born = birthday.replace(year=birthday.year - 27)
    facts = {"person": {"given_name": GIVEN, "family_name": FAMILY, "date_of_birth": born.isoformat(),
                        "nationality": "SY", "abh_file_number": FILE_NUMBER}}
    with db.connection_context():
        client = create_client(parse_facts(facts), counsellor)
        record = FollowUpRecord.get((FollowUpRecord.client == client) & (FollowUpRecord.kind == KIND))
    return client, record, born


def _secrets(client, born) -> list[bytes]:
    due = born.replace(year=born.year + 27) - dt.timedelta(days=1)
    return [s.encode() for s in (GIVEN, FAMILY, FILE_NUMBER, client.reference, born.isoformat(), de(born),
                                 due.isoformat(), de(due))]


def _row(record) -> FollowUpRecord:
    with db.connection_context():
        return FollowUpRecord.get_by_id(record.id)


def _environment(app, smtp_port: int, lease_seconds: int = LEASE_SECONDS) -> dict:
    env = {**os.environ,
           "PERSPEKTIVE_DATABASE_URL": app.config["DATABASE_URL"],
           "PERSPEKTIVE_HUEY_IMMEDIATE": "false",
           "PERSPEKTIVE_SMTP_HOST": "127.0.0.1", "PERSPEKTIVE_SMTP_PORT": str(smtp_port),
           "PERSPEKTIVE_SMTP_SECURITY": "none", "PERSPEKTIVE_SMTP_TIMEOUT_SECONDS": "30",
           "PERSPEKTIVE_REMINDER_LEASE_SECONDS": str(lease_seconds), "PERSPEKTIVE_PUBLIC_URL": PUBLIC_URL}
    env.pop("PERSPEKTIVE_CONFIG", None)  # production defaults plus the above
    return env


def _start(env: dict, log: Path, *extra: str) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([*_consumer_command(), *extra], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def _wait_for(condition, timeout: float, what: str, consumers=(), log: Path | None = None):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        for consumer in consumers:
            if consumer.poll() is not None:
                pytest.fail(f"consumer exited ({consumer.returncode}) while waiting for {what}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{_tail(log)}")
        time.sleep(0.1)
    return result


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-3000:] if log and log.exists() else ""


@dataclass
class StalledSink(Sink):
    """A mail server that takes the message and then hangs without answering; released, it refuses (451)."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    stalled: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.stalled.append(envelope.content)
        self.entered.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return "451 4.3.0 Bitte später erneut versuchen"


def test_the_start_up_sweep_sends_the_reminder_a_killed_consumer_lost(app, shared_queue, counsellor,
                                                                      tmp_path):
    log = tmp_path / "consumer.log"
    stalled_controller, stalled = start_sink(handler=StalledSink())
    good_controller = consumer = None
    try:
        client, record, born = _client_due_in(20, counsellor)
        secrets = _secrets(client, born)
        assert record.next_reminder_on < today_in_germany() and record.reminded_on is None
        # create_client queued the wake-up call ("send now"): the row's id, nothing else.
        assert shared_queue.pending_count() + shared_queue.scheduled_count() == 1
        assert not [s for s in secrets if s in _raw_storage()]

        # 1. The consumer claims the reminder and is killed while the mail server holds the message.
        consumer = _start(_environment(app, stalled_controller.port), log)
        assert stalled.entered.wait(30), f"the reminder never reached the mail server:\n{_tail(log)}"
        lease = _wait_for(lambda: _row(record).reminder_lease_until, 5, "the lease", [consumer], log)
        _kill(consumer)
        stalled.release.set()
        stalled_controller.stop()
        stalled_controller = None
        assert stalled.stalled and not [s for s in secrets if s in stalled.stalled[0]]  # nor the cut-off copy

        row = _row(record)
        assert (row.next_reminder_on, row.reminded_on) == (record.next_reminder_on, None)  # still due, not sent
        assert row.reminder_lease_until == lease  # the dead worker's claim
        # Its task died with it: Huey holds no reminder for the row (only what else consumer 1 left, dropped here
        # so that the next consumer's own start-up sweep is the only way back).
        left = shared_queue.pending() + shared_queue.scheduled()
        assert not [t for t in left if t.name.endswith("send_followup_reminder")]
        assert not [s for s in secrets if s in _raw_storage()]
        shared_queue.flush()

        # 2. While the lease holds, a sweep leaves the row alone; once it has run out, a new consumer starts.
        with db.connection_context():
            assert record.id not in due_now()
        time.sleep(max(0.0, (lease - utcnow()).total_seconds()) + 0.3)
        good_controller, sink = start_sink(handler=Sink())
        consumer = _start(_environment(app, good_controller.port), log)
        _wait_for(lambda: sink.messages, 30, "the reminder mail", [consumer], log)
        _wait_for(lambda: _row(record).reminded_on, 10, "the row marked as reminded", [consumer], log)
        time.sleep(1)  # anything else queued (there should be nothing) would arrive now
    finally:
        _kill(consumer)
        for controller in (stalled_controller, good_controller):
            if controller is not None:
                controller.stop()

    [received] = sink.messages
    assert received.rcpt_tos == ["berta@fluechtlingsrat.example"]
    # The same reminder: the copy cut off by the kill had the same Message-ID (probe finding 5).
    assert received.message["Message-ID"] == message_from_bytes(stalled.stalled[0])["Message-ID"]
    body = received.message.get_body(("plain",)).get_content()
    assert f"{PUBLIC_URL}/followups/{record.id}\n" in body and record.citation in body
    assert not [s for s in secrets if s in received.data or s.decode() in body]
    row = _row(record)
    assert row.reminder_lease_until is None and row.next_reminder_on is None  # both reminder days covered
    with db.connection_context():
        actions = [e.action for e in AuditEvent.select().where((AuditEvent.object_type == "followup")
                                                                & (AuditEvent.object_id == str(record.id)))]
    assert actions.count("followup.reminder_sent") == 1
    output = log.read_bytes()
    assert b"sweep_followups" in output and b"send_followup_reminder" in output  # the consumers logged their work
    assert not [s for s in secrets if s in output]  # ... without names or dates of the person


def test_duplicate_tasks_on_two_consumers_send_one_mail(app, shared_queue, counsellor, tmp_path):
    """create_client's wake-up call, two start-up sweeps and stray duplicates, on two consumers with four workers
    each: the lease lets one worker send; everyone else finds nothing due."""
    log = tmp_path / "consumers.log"
    controller, sink = start_sink(handler=Sink())
    consumers = []
    try:
        client, record, born = _client_due_in(20, counsellor)
        for _ in range(DUPLICATES):
            send_followup_reminder(record.id)
        env = _environment(app, controller.port, lease_seconds=300)
        consumers = [_start(env, log, "-w", "4") for _ in range(2)]
        _wait_for(lambda: _row(record).reminded_on, 30, "the reminder sent", consumers, log)
        _wait_for(lambda: shared_queue.pending_count() == 0, 30, "every task taken", consumers, log)
        time.sleep(1.5)  # the last tasks run
    finally:
        for consumer in consumers:
            _kill(consumer)
        controller.stop()
    assert len(sink.messages) == 1
    assert f"/followups/{record.id}\n" in sink.messages[0].message.get_body(("plain",)).get_content()
    assert not [s for s in _secrets(client, born) if s in sink.messages[0].data]


@dataclass
class HangingAfterDataSink(Sink):
    """A mail server that accepts the message (250) and then does not answer QUIT until released: the mail has
    gone out, but the worker is still inside the send when it is killed."""

    accepted: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        self.accepted.set()
        return answer

    async def handle_QUIT(self, server, session, envelope):
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return "221 Bye"


def test_the_minute_sweep_resends_a_killed_workers_reminder_with_the_same_message_id(app, shared_queue,
                                                                                     counsellor, tmp_path):
    """Probe finding 5, on real consumers: the mail server accepted the reminder, then the consumer was killed
    before the row was marked. A new consumer's start-up sweep leaves the row alone while the dead worker's lease
    holds; once it has run out, the minute sweep (``sweep_reminder_leases``, enqueued here as the consumer's
    scheduler does every minute) queues it, and the second copy carries the first one's Message-ID."""
    lease_seconds = 10  # long enough for the second consumer to start and sweep inside the lease
    log = tmp_path / "consumer.log"
    controller, sink = start_sink(handler=HangingAfterDataSink())
    consumer = None
    try:
        client, record, born = _client_due_in(20, counsellor)
        env = _environment(app, controller.port, lease_seconds)
        consumer = _start(env, log)
        assert sink.accepted.wait(30), f"the reminder never reached the mail server:\n{_tail(log)}"
        lease = _wait_for(lambda: _row(record).reminder_lease_until, 5, "the lease", [consumer], log)
        _kill(consumer)
        sink.release.set()
        row = _row(record)
        assert (row.reminded_on, row.reminder_lease_until) == (None, lease)  # the mail went, the row says no
        assert len(sink.messages) == 1
        shared_queue.flush()  # whatever the dead consumer left: only the sweeps bring the reminder back

        log = tmp_path / "second-consumer.log"
        consumer = _start(env, log)
        _wait_for(lambda: re.search(rb"sweep_followups: \S+ executed", log.read_bytes()), 30, "the start-up sweep",
                  [consumer], log)
        assert utcnow() < lease and len(sink.messages) == 1  # the lease held: the start-up sweep left it
        time.sleep(max(0.0, (lease - utcnow()).total_seconds()) + 0.3)
        sweep_reminder_leases()  # the minute's tick
        _wait_for(lambda: _row(record).reminded_on, 30, "the reminder sent again", [consumer], log)
        time.sleep(1)
    finally:
        _kill(consumer)
        sink.release.set()
        controller.stop()
    first, second = sink.messages
    assert first.message["Message-ID"] == second.message["Message-ID"] == \
        f"<followup-{record.id}-{record.next_reminder_on:%Y%m%d}@fluechtlingsrat.example>"
    assert not [s for s in _secrets(client, born) if s in second.data]
