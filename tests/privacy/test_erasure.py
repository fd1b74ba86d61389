"""Art. 17: erasing a person with every kind of record leaves nothing of them in the database file (after the
free space is reclaimed), the documents folder or the queue; the recipients of earlier referrals are named
(Art. 19); the audit trail stays intact and keeps a pseudonymous entry; the statistics keep a tombstone."""
from __future__ import annotations

from pathlib import Path

import pytest

from perspektive import audit
from perspektive.audit import AuditEvent
from perspektive.clients.models import Case, Client, Consultation, FactsRevision
from perspektive.db import db, is_postgres
from perspektive.documents.models import ChecklistTick, Document
from perspektive.followups.models import FollowUpRecord
from perspektive.privacy.models import ErasedClient
from perspektive.referrals.models import Consent, Outbox, Referral
from perspektive.tasks import huey
from tests.conftest import csrf_token

from .conftest import reminder_tasks


def database_hits(app, needles: list[bytes]) -> list[bytes]:
    """The needles found in the database: SQLite's file and its WAL byte by byte; on PostgreSQL every row of
    every table as text (its files are not ours to read)."""
    if is_postgres():
        text = []
        for table in db.get_tables():
            text.extend(repr(row) for row in db.execute_sql(f'SELECT * FROM "{table}"').fetchall())
        haystack = "\n".join(text).encode()
    else:
        path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
        haystack = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    return [n for n in needles if n in haystack]


def queue_hits(needles: list[bytes]) -> list[bytes]:
    stored = huey.storage.scheduled_items() + huey.storage.enqueued_items()
    stored += [v if isinstance(v, bytes) else repr(v).encode() for v in huey.all_results().values()]
    return [n for n in needles if any(n in item for item in stored)]


def documents_left(app) -> list[Path]:
    folder = Path(app.config["DATA_DIR"]) / "documents"
    return [p for p in folder.iterdir()] if folder.exists() else []


def rows_of(client_id: int) -> dict[str, int]:
    return {
        "client": Client.select().where(Client.id == client_id).count(),
        "revisions": FactsRevision.select().where(FactsRevision.client == client_id).count(),
        "cases": Case.select().where(Case.client == client_id).count(),
        "ticks": ChecklistTick.select().count(),
        "consultations": Consultation.select().where(Consultation.client == client_id).count(),
        "documents": Document.select().where(Document.client == client_id).count(),
        "followups": FollowUpRecord.select().where(FollowUpRecord.client == client_id).count(),
        "consents": Consent.select().where(Consent.client == client_id).count(),
        "referrals": Referral.select().where(Referral.client == client_id).count(),
        "outbox": Outbox.select().count(),
    }


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_erasure_on_the_command_line_leaves_nothing_of_the_person(app, full_client, runner, contact):
    client = full_client.client
    with db.connection_context():
        followup_ids = [f.id for f in FollowUpRecord.select().where(FollowUpRecord.client == client)]
        before = rows_of(client.id)
        assert before.pop("outbox") == 0 and all(before.values()), before  # the referral was sent
        assert database_hits(app, [b"Max Meier"]) == [b"Max Meier"]  # the search reads what is stored
        sent_on = Referral.get_by_id(full_client.referral.id).sent_at.date()
    queued = reminder_tasks(followup_ids)
    assert queued, "the fixture's reminder is queued"
    assert len(documents_left(app)) == 1

    wrong = runner.invoke(args=["clients", "erase", str(client.id), "--confirm", "K-FALSCH"])
    assert wrong.exit_code == 2 and "nichts gelöscht" in wrong.output
    assert runner.invoke(args=["clients", "erase", "4711", "--confirm", "K-FALSCH"]).exit_code == 2
    with db.connection_context():
        assert rows_of(client.id)["client"] == 1

    result = runner.invoke(args=["clients", "erase", str(client.id), "--confirm", client.reference])
    assert result.exit_code == 0, result.output
    assert "Max Meier, Sachgebiet Bleiberecht <m.meier@abh.example>" in result.output
    assert contact.fingerprint in result.output and "Art. 19" in result.output

    with db.connection_context():
        assert not any(rows_of(client.id).values()), rows_of(client.id)
        assert database_hits(app, full_client.secrets + [client.reference.encode()]) == []
        [tomb] = ErasedClient.select()
        assert (tomb.client_id, tomb.nationality, tomb.cases, tomb.consultations, tomb.reason) == \
            (client.id, "SY", 1, 1, "request")
        assert tomb.pseudonym.startswith("gelöscht-") and tomb.pseudonym in result.output
        assert audit.verify_chain() is None
        erased = AuditEvent.get(AuditEvent.action == "client.erase")
        assert erased.object_id == str(client.id) and erased.actor == "cli"
        # In German and without the person: the pseudonym and what went, each count in its right number.
        assert erased.detail == (f"Löschung auf Verlangen: {tomb.pseudonym}; "
                                 "1 Fall, 1 Beratung, 1 Dokument, 1 Übermittlung")
        inform = AuditEvent.get(AuditEvent.action == "client.erase_inform")
        assert inform.object_type == "contact" and inform.object_id == str(contact.id)
        assert inform.detail == (f"{tomb.pseudonym}: Übermittlung {full_client.referral.id} "
                                 f"gesendet am {sent_on:%d.%m.%Y}")
        assert AuditEvent.select().where(AuditEvent.action == "client.create").count() == 1  # the trail stays
    assert documents_left(app) == []
    assert queue_hits(full_client.secrets) == []
    assert all(huey.is_revoked(task) for task in queued)


def test_erasure_in_the_console_is_confirmed_by_the_reference(app, full_client, admin_http, make_user):
    client = full_client.client
    page = admin_http.get(f"/admin/privacy/erase/{client.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and client.reference in html and "m.meier@abh.example" in html
    token = csrf_token(html)
    refused = admin_http.post(f"/admin/privacy/erase/{client.id}", data={"csrf_token": token, "reference": "K-0"})
    assert refused.status_code == 422 and "nichts gelöscht" in refused.get_data(as_text=True)
    with db.connection_context():
        assert Client.select().where(Client.id == client.id).exists()
    done = admin_http.post(f"/admin/privacy/erase/{client.id}",
                           data={"csrf_token": token, "reference": client.reference})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "gelöscht-" in html and "Max Meier" in html
    with db.connection_context():
        assert not Client.select().where(Client.id == client.id).exists()
        assert AuditEvent.get(AuditEvent.action == "client.erase").actor == "verwaltung"
        assert database_hits(app, full_client.secrets) == []
    assert admin_http.get(f"/admin/privacy/erase/{client.id}").status_code == 404
    log = admin_http.get("/admin/audit/").get_data(as_text=True)
    assert "1 Fall, 1 Beratung, 1 Dokument, 1 Übermittlung" in log and "gesendet am " in log
    assert " cases, " not in log and " consultations, " not in log


def test_only_administrators_reach_the_erasure(app, full_client, logged_in):
    client = full_client.client
    assert logged_in.get(f"/admin/privacy/erase/{client.id}").status_code == 403
    token = csrf_token(logged_in.get("/clients").get_data(as_text=True))
    answer = logged_in.post(f"/admin/privacy/erase/{client.id}",
                            data={"csrf_token": token, "reference": client.reference})
    assert answer.status_code == 403
    with db.connection_context():
        assert Client.select().where(Client.id == client.id).exists()
