"""Huey tasks: in immediate mode, and once through a real consumer process on the configured queue
(SqliteHuey by default, RedisHuey when PERSPEKTIVE_REDIS_URL is set)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest

from perspektive import create_app
from perspektive.accounts.users import create_user
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db, utcnow
from perspektive.documents.models import Document
from perspektive.documents.store import store_document
from perspektive.documents.tasks import purge_expired_documents
from perspektive.law.facts import parse_facts
from perspektive.migrations import migrate
from perspektive.tasks import huey
from tests.conftest import PASSWORD, ROOT, _drop_all, demo_facts


def _documents(counsellor):
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    old = store_document(client, "section_25b", "antrag", b"PK old letter", counsellor)
    Document.update(created_at=utcnow() - dt.timedelta(days=31)).where(Document.id == old.id).execute()
    new = store_document(client, "section_25b", "antrag", b"PK new letter", counsellor)
    return old, new


def test_purge_removes_only_documents_past_retention(app, dbconn, counsellor):
    old, new = _documents(counsellor)
    data_dir = app.config["DATA_DIR"]
    assert purge_expired_documents().get() == 1
    assert [d.id for d in Document.select()] == [new.id]
    assert not os.path.exists(os.path.join(data_dir, "documents", old.storage_key))
    assert os.path.exists(os.path.join(data_dir, "documents", new.storage_key))
    purge = AuditEvent.get(AuditEvent.action == "document.retention_purge")
    assert purge.detail == "1 Dokument gelöscht"  # German, as the audit page shows it


@pytest.fixture
def consumer_app(tmp_path):
    """An app sharing the Huey storage the module-level ``huey`` was built with (the session data dir)."""
    overrides = {"DATA_DIR": os.environ["PERSPEKTIVE_DATA_DIR"], "HUEY_IMMEDIATE": False}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        overrides["DATABASE_URL"] = f"sqlite:///{tmp_path / 'consumer.db'}"
    app = create_app(overrides)
    with app.app_context():
        with db.connection_context():
            _drop_all(db.obj)
            migrate()
        yield app
    huey.immediate = True


def test_real_consumer_runs_the_task_and_arguments_hold_no_personal_data(consumer_app):
    huey.immediate = False
    with db.connection_context():
        counsellor = create_user("consumer-test", role="counsellor", password=PASSWORD, display_name="C")
        old, new = _documents(counsellor)
    huey.flush()  # the client's follow-up reminders (her passport's expiry) are not this test's
    env = {**os.environ, "PERSPEKTIVE_DATABASE_URL": consumer_app.config["DATABASE_URL"],
           "PERSPEKTIVE_DATA_DIR": consumer_app.config["DATA_DIR"], "PERSPEKTIVE_HUEY_IMMEDIATE": "false"}
    env.pop("PERSPEKTIVE_CONFIG", None)
    result = purge_expired_documents()
    queued = huey.storage.enqueued_items()
    assert len(queued) == 1 and not any(b"Amina" in raw or b"Yousef" in raw for raw in queued)
    consumer = subprocess.Popen([sys.executable, "-m", "huey.bin.huey_consumer", "app.huey", "-w", "1", "-k", "thread",
                                 "-m", "0.2", "-q"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    try:
        assert result.get(blocking=True, timeout=60) == 1
    finally:
        consumer.send_signal(signal.SIGINT)
        output = consumer.communicate(timeout=30)[0].decode(errors="replace")
    with db.connection_context():
        assert [d.id for d in Document.select()] == [new.id]
    assert "Amina" not in output and "Yousef" not in output


def test_the_nightly_tasks_forget_old_login_failures_and_expired_documents(app, dbconn, counsellor):
    from perspektive.accounts.models import LoginAttempt
    from perspektive.accounts.tasks import forget_old_login_failures
    from perspektive.documents.tasks import nightly_document_purge

    LoginAttempt.create(username="x", at=utcnow() - dt.timedelta(days=2))
    recent = LoginAttempt.create(username="x", at=utcnow())
    old, new = _documents(counsellor)
    forget_old_login_failures()
    nightly_document_purge()
    assert [a.id for a in LoginAttempt.select()] == [recent.id]
    assert [d.id for d in Document.select()] == [new.id]
