"""Rows 28 and 29 of shared/security-checklist.md with a real ``huey_consumer`` process, the real gpg binary and a
real SMTP server: the mail server is down, then the consumer is killed (SIGKILL) in the middle of a send, then
restarted; the sweep brings back what Huey lost. Every referral must end sent, a resent copy must be the same bytes
with the same Message-ID, and the queue must never hold names or the note.

The test process queues into the storage the consumer reads: ``perspektive.tasks.huey`` is built at import from
the configuration, i.e. SqliteHuey at ``$PERSPEKTIVE_DATA_DIR/huey.db`` (set by conftest, inherited by the consumer)
or RedisHuey at ``$PERSPEKTIVE_REDIS_URL`` (CI). Switching ``huey.immediate`` off swaps its MemoryStorage back for
that storage (``Huey.immediate`` setter -> ``create_storage``).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import email
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest
from huey.storage import RedisStorage, SqliteStorage

from perspektive import referrals
from perspektive.clients.records import create_client
from perspektive.db import db, utcnow
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.referrals.consents import DOCUMENT_KINDS, record_consent
from perspektive.referrals.models import Outbox, Referral
from perspektive.referrals.openpgp import stop_agent
from perspektive.tasks import huey
from tests.common.smtp_sink import Received, Sink, free_port, start_sink
from tests.conftest import ROOT, demo_facts

REFERRALS = 5
LEASE_SECONDS = 3
NOTE = "Bitte um Rückruf wegen Frau Yousef, Aktenzeichen GEHEIM-4711-Notiz."
SECRETS = (b"Yousef", b"Amina", b"GEHEIM-4711", NOTE.encode())
CONSUMER = ROOT / ".venv" / "bin" / "huey_consumer"


@dataclass
class KilledClientSink(Sink):
    """Holds the first message inside DATA, as a mail server that has queued the message but whose "250" never
    reaches the client: the client is killed meanwhile. The message counts as delivered once the connection drops
    (aiosmtpd then cancels the handler) or once the test releases it."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    held: bool = False

    async def handle_DATA(self, server, session, envelope):
        if self.held:
            return await super().handle_DATA(server, session, envelope)
        self.held = True
        self.entered.set()
        try:
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        finally:
            with self.lock:
                self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _consumer_command() -> list[str]:
    executable = CONSUMER if CONSUMER.exists() else Path(sys.executable).with_name("huey_consumer")
    # One thread worker; quick polling for SqliteHuey; no periodic tasks, so that only the test sweeps.
    return [str(executable), "app.huey", "-w", "1", "-k", "thread", "-n", "-d", "0.1", "-m", "0.5"]


def _start_consumer(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(_consumer_command(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _kill(consumer: subprocess.Popen | None) -> None:
    if consumer is not None and consumer.poll() is None:
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=10)


def _raw_storage() -> bytes:
    """Huey's storage as stored (queue, schedule, results), the way ``strings`` or ``redis-cli`` would see it."""
    storage = huey.storage
    if isinstance(storage, RedisStorage):
        conn = storage.conn
        return b"\n".join([*conn.lrange(storage.queue_key, 0, -1), *conn.zrange(storage.schedule_key, 0, -1),
                           *(k + b"=" + v for k, v in conn.hgetall(storage.result_key).items())])
    # The database file and its write-ahead log, read by another process: closing a descriptor of our own on them
    # would drop this process's POSIX locks, and SQLite would then delete the WAL under the open Huey connection
    # (sqlite.org/howtocorrupt.html, 2.2).
    files = [str(p) for p in (Path(storage.filename), Path(storage.filename + "-wal")) if p.exists()]
    return subprocess.run(["cat", *files], check=True, capture_output=True).stdout


def _wait_for(condition, timeout: float, what: str, consumer=None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if consumer is not None and consumer.poll() is not None:
            pytest.fail(f"consumer exited ({consumer.returncode}) while waiting for {what}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{_tail(log)}")
        time.sleep(0.1)


def _tail(log: Path | None) -> str:
    with db.connection_context():
        rows = [f"{r.id} {r.status} attempts={r.attempts} {r.last_error!r}" for r in Referral.select()]
        rows += [f"outbox {o.referral_id} next={o.next_attempt_at} lease={o.lease_until}" for o in Outbox.select()]
    text = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    return "\n".join(rows + [text])


def _statuses(ids) -> dict[str, str]:
    with db.connection_context():
        return {r.id: r.status for r in Referral.select().where(Referral.id.in_(ids))}


def _message_id(received: Received) -> str:
    return email.message_from_bytes(received.data, policy=policy.default)["Message-ID"]


@pytest.fixture
def gnupg_home():
    """The consumer's keyring: a short path under /tmp (gpg-agent's socket path must stay short)."""
    home = tempfile.mkdtemp(prefix="gc", dir="/tmp")
    yield home
    stop_agent(home)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def shared_queue(app):
    """``perspektive.tasks.huey`` on its real storage, emptied before and after; immediate again afterwards."""
    huey.immediate = False
    if isinstance(huey.storage, SqliteStorage):
        assert huey.storage.filename == str(Path(os.environ["PERSPEKTIVE_DATA_DIR"]) / "huey.db")
    else:
        assert isinstance(huey.storage, RedisStorage) and os.environ.get("PERSPEKTIVE_REDIS_URL")
    huey.flush()
    try:
        yield huey
    finally:
        huey.flush()
        huey.immediate = True


def test_smtp_down_then_a_killed_consumer_loses_nothing_and_duplicates_are_identical(
        app, shared_queue, contact, counsellor, pgp_key, gnupg_home, tmp_path):
    port = free_port()  # nothing listens here yet: the mail server is down
    env = {**os.environ,
           "PERSPEKTIVE_DATABASE_URL": app.config["DATABASE_URL"],
           "PERSPEKTIVE_HUEY_IMMEDIATE": "false",
           "PERSPEKTIVE_GNUPG_HOME": gnupg_home,
           "PERSPEKTIVE_SMTP_HOST": "127.0.0.1", "PERSPEKTIVE_SMTP_PORT": str(port),
           "PERSPEKTIVE_SMTP_SECURITY": "none", "PERSPEKTIVE_SMTP_TIMEOUT_SECONDS": "10",
           "PERSPEKTIVE_REFERRAL_LEASE_SECONDS": str(LEASE_SECONDS), "PERSPEKTIVE_REFERRAL_RETRY_SECONDS": "1",
           "PERSPEKTIVE_REFERRAL_MAX_ATTEMPTS": "100"}
    env.pop("PERSPEKTIVE_CONFIG", None)  # the consumer runs with the production defaults plus the above
    log = tmp_path / "consumer.log"
    consumer = controller = None
    try:
        today = today_in_germany()
        with db.connection_context():
            client = create_client(parse_facts(demo_facts("amina")), counsellor)
            record_consent(client, contact, today - dt.timedelta(days=1), DOCUMENT_KINDS, counsellor, today)
            ids = [referrals.queue_referral(client=client, contact=contact, counsellor=counsellor,
                                            documents=DOCUMENT_KINDS, note=NOTE, workflow="section_25b",
                                            on=today).id for _ in range(REFERRALS)]
        assert set(_statuses(ids).values()) == {"queued"}

        # Row 28, Huey's part: the queued tasks carry the referral's id and nothing else.
        # The client's own follow-ups (the passport's expiry) wait there too, as a reminder with a row id.
        pending = shared_queue.pending()
        assert sorted(t.args for t in pending if t.name == "deliver_referral") == sorted((i,) for i in ids)
        assert all(t.name == "send_followup_reminder" and isinstance(t.args[0], int)
                   for t in pending if t.name != "deliver_referral")
        raw = _raw_storage()
        assert all(referral_id.encode() in raw for referral_id in ids)
        assert not [secret for secret in SECRETS if secret in raw]

        # 1. The mail server is down: every referral is encrypted, fails to send, and waits for its retry.
        consumer = _start_consumer(env, log)
        _wait_for(lambda: set(_statuses(ids).values()) == {"retrying"}, 30, "every referral retrying", consumer, log)
        with db.connection_context():
            for referral in Referral.select().where(Referral.id.in_(ids)):
                assert "Mailserver nicht erreichbar" in referral.last_error and referral.ciphertext
                assert Outbox.get(Outbox.referral == referral).note is None  # plaintext gone once encrypted

        # 2. The mail server is back, but the consumer dies (SIGKILL) while the first message is inside DATA.
        sink = KilledClientSink()
        controller, _ = start_sink(port, sink)
        assert sink.entered.wait(30), f"no retry reached the mail server:\n{_tail(log)}"
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=10)
        sink.release.set()
        _wait_for(lambda: len(sink.messages) == 1, 10, "the held message")
        cut_off = _message_id(sink.messages[0])
        [interrupted] = [i for i in ids if cut_off == f"<{i}@fluechtlingsrat.example>"]
        assert _statuses([interrupted])[interrupted] == "retrying"  # the worker died before it could mark it
        with db.connection_context():
            lease_until = Outbox.get(Outbox.referral == interrupted).lease_until
        assert lease_until is not None  # the dead worker's claim; its task is gone from Huey
        # The retries wait in Huey's schedule meanwhile: ids there too, still no names, no note.
        assert shared_queue.scheduled_count() + shared_queue.pending_count() >= 1
        raw = _raw_storage()
        assert not [secret for secret in SECRETS if secret in raw]

        # 3. Restart. The others come back from Huey's schedule; the interrupted one only through the sweep,
        #    once the dead worker's lease has run out. Further sweeps stand in for the periodic one.
        consumer = _start_consumer(env, log)
        time.sleep(max(0.0, (lease_until - utcnow()).total_seconds()) + 0.2)
        with db.connection_context():
            assert referrals.sweep() >= 1
        last_sweep = time.monotonic()

        def all_sent():
            nonlocal last_sweep
            if set(_statuses(ids).values()) == {"sent"}:
                return True
            if time.monotonic() - last_sweep > LEASE_SECONDS:
                with db.connection_context():
                    referrals.sweep()
                last_sweep = time.monotonic()
            return False

        _wait_for(all_sent, 60, "every referral sent", consumer, log)
    finally:
        _kill(consumer)
        if controller is not None:
            controller.stop()

    with db.connection_context():
        assert Outbox.select().count() == 0  # nothing stuck in the outbox
        for referral in Referral.select().where(Referral.id.in_(ids)):
            assert referral.status == "sent" and referral.sent_at and referral.attempts >= 2

    copies = defaultdict(list)
    for received in sink.messages:
        assert received.rcpt_tos == ["m.meier@abh.example"]
        copies[_message_id(received)].append(received.data)
    assert set(copies) == {f"<{i}@fluechtlingsrat.example>" for i in ids}  # each at least once, nothing else
    for message_id, datas in copies.items():
        assert all(data == datas[0] for data in datas), f"copies of {message_id} differ"
    resent = copies[f"<{interrupted}@fluechtlingsrat.example>"]
    assert len(resent) >= 2  # the copy the killed worker never heard of, and the resend
    key = pgp_key("brainpoolP256r1", "m.meier@abh.example")
    inner = email.message_from_bytes(
        key.decrypt(list(email.message_from_bytes(resent[0], policy=policy.default).iter_parts())[1].get_content()),
        policy=policy.default)
    assert next(inner.iter_parts()).get_content().rstrip("\r\n") == NOTE

    output = log.read_bytes()
    assert b"deliver_referral" in output  # the consumer logged its work ...
    assert not [secret for secret in SECRETS if secret in output]  # ... without names or the note
