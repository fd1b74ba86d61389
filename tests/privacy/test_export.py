"""Art. 15: the export of everything stored about one person, from the client page, the console and the CLI."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from perspektive.audit import AuditEvent
from perspektive.db import db
from perspektive.documents.models import Document
from perspektive.documents.store import read_document
from tests.conftest import csrf_token, login

from .conftest import FAMILY, GIVEN, NEW_ADDRESS, NOTE, OLD_ADDRESS, REFERRAL_NOTE


def members(data: bytes, reference: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.removeprefix(f"{reference}/"): archive.read(name) for name in archive.namelist()}


def read_json(files, name):
    return json.loads(files[name].decode("utf-8"))


def post(http, path, page="/clients"):
    token = csrf_token(http.get(page).get_data(as_text=True))
    return http.post(path, data={"csrf_token": token})


def test_the_export_holds_every_record_of_the_person_and_a_readme(full_client, contact, logged_in):
    client = full_client.client
    answer = post(logged_in, f"/clients/{client.id}/auskunft", f"/clients/{client.id}")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert f"auskunft-{client.reference}.zip" in answer.headers["Content-Disposition"]
    files = members(answer.data, client.reference)

    readme = files["README.txt"].decode("utf-8")
    assert "Artikel 15 DSGVO" in readme and client.reference in readme
    for name in files:
        if "/" not in name and name != "README.txt":
            assert name in readme, f"README does not explain {name}"
    assert read_json(files, "fakten.json")["person"]["given_name"] == GIVEN
    history = read_json(files, "fakten_verlauf.json")
    assert [h["facts"]["person"]["address"] for h in history] == [OLD_ADDRESS, NEW_ADDRESS]
    assert history[0]["recorded_by"] == "beraterin"
    [case] = read_json(files, "faelle.json")
    assert case["workflow"] == "section_25b" and {"item": "passport", "note": NOTE}.items() <= \
        next(t for t in case["checklist"] if t["item"] == "passport").items()
    [consultation] = read_json(files, "beratungen.json")
    assert consultation["kind"] == "first" and consultation["duration_minutes"] == 45
    [document] = read_json(files, "dokumente.json")
    with db.connection_context():
        stored = read_document(Document.get_by_id(document["id"]))
    assert files[document["file"]] == stored and document["file"].endswith(".docx")
    [referral] = read_json(files, "weiterleitungen.json")
    assert referral["recipient"] == {"name": "Max Meier", "organisation": "Sachgebiet Bleiberecht",
                                     "email": "m.meier@abh.example", "key_fingerprint": contact.fingerprint}
    assert referral["sent_at"] and referral["status"] == "sent"
    assert "ciphertext" not in referral and b"BEGIN PGP MESSAGE" not in answer.data
    assert REFERRAL_NOTE.encode() not in answer.data  # the note was only ever kept encrypted
    [consent] = read_json(files, "schweigepflichtentbindungen.json")
    assert consent["recipient"] == "Max Meier"
    followups = read_json(files, "fristen.json")
    assert any(f["kind"] == "last_day_before_27" and f["next_reminder_on"] for f in followups)
    actions = [e["action"] for e in read_json(files, "protokoll.json")]
    for action in ("client.create", "client.update_facts", "case.open", "consultation.record", "document.create",
                   "consent.record", "referral.queue", "referral.send_attempt"):
        assert action in actions
    assert read_json(files, "person.json")["counsellor"]["name"] == "Berta Beraterin"
    with db.connection_context():
        assert AuditEvent.select().where((AuditEvent.action == "client.export")
                                         & (AuditEvent.object_id == str(client.id))
                                         & (AuditEvent.actor == "beraterin")).count() == 1


def test_only_the_clients_counsellor_and_administrators_may_export(full_client, app, http, make_user,
                                                                   authority_user, administrator):
    client = full_client.client
    make_user("kollege", display_name="Karl Kollege")
    assert login(http, "kollege").status_code == 302
    assert post(http, f"/clients/{client.id}/auskunft").status_code == 404
    assert post(http, "/clients/999999/auskunft").status_code == 404
    http = app.test_client()
    assert login(http, authority_user.username).status_code == 302
    assert post(http, f"/clients/{client.id}/auskunft", "/portal/").status_code == 403
    assert http.get("/admin/privacy/").status_code == 403
    http = app.test_client()
    assert login(http, administrator.username).status_code == 302
    answer = post(http, f"/clients/{client.id}/auskunft", "/admin/")
    assert answer.status_code == 200 and GIVEN.encode() in members(answer.data, client.reference)["fakten.json"]
    token = csrf_token(http.get("/admin/privacy/").get_data(as_text=True))
    answer = http.post("/admin/privacy/export", data={"csrf_token": token, "client_id": str(client.id)})
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with db.connection_context():
        exporters = [e.actor for e in AuditEvent.select().where(AuditEvent.action == "client.export")]
        denied = AuditEvent.select().where(AuditEvent.action == "client.access_denied").count()
    assert exporters == ["verwaltung", "verwaltung"] and denied >= 1


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_the_cli_exports_one_person_or_everyone_and_refuses_with_exit_2(full_client, runner, tmp_path):
    client = full_client.client
    target = tmp_path / "one.zip"
    result = runner.invoke(args=["clients", "export", str(client.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    files = members(target.read_bytes(), client.reference)
    assert read_json(files, "fakten.json")["person"]["family_name"] == FAMILY
    assert target.stat().st_mode & 0o077 == 0

    folder = tmp_path / "alle"
    result = runner.invoke(args=["clients", "export", "--all", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == [f"auskunft-{client.reference}.zip"]

    assert runner.invoke(args=["clients", "export", "4711", "-o", str(target)]).exit_code == 2
    assert runner.invoke(args=["clients", "export", "-o", str(target)]).exit_code == 2
    both = runner.invoke(args=["clients", "export", str(client.id), "--all", "-o", str(folder)])
    assert both.exit_code == 2 and "entweder" in both.output
