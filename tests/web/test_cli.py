"""The command-line face: parsing and formatting; the capabilities behind it are tested in their own modules."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from perspektive import create_app
from perspektive.audit import AuditEvent
from perspektive.clients.models import Client
from perspektive.db import db
from tests.conftest import DEMO, PASSWORD, ROOT, SHIPPED


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_facts_schema_prints_json_schema(runner):
    result = runner.invoke(args=["facts", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Perspektive case facts"


def test_assess_prints_the_contract(runner):
    result = runner.invoke(args=["assess", str(DEMO / "dawit.json"), "--on", "2026-11-21", "--workflow", "section_25b"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["assessed_on"] == "2026-11-21"
    [only] = document["results"]
    assert (only["workflow"], only["verdict"], only["earliest_date"], only["rules_version"]) == \
        ("section_25b", "eligible_from", "2027-08-16", "2022-12-31")
    residence = next(c for c in only["criteria"] if c["id"] == "residence")
    assert residence["met"] is False and residence["met_from"] == "2027-08-16"
    assert residence["citation"].startswith("§ 25b Abs. 1 S. 2 Nr. 1")


def test_assess_without_workflow_assesses_every_workflow_in_force(runner):
    result = runner.invoke(args=["assess", str(DEMO / "amina.json"), "--on", "2026-11-21"])
    assert result.exit_code == 0
    results = {r["workflow"]: r["verdict"] for r in json.loads(result.output)["results"]}
    assert "section_104c" not in results  # the grant rule ended on 30.12.2025
    assert set(results) >= {"section_25a", "section_25b", "section_25_5", "section_60c", "section_16g",
                            "section_19d", "section_60d"}


@pytest.mark.parametrize("args,message", [
    (["--on", "21.11.2026"], "ist kein Datum der Form JJJJ-MM-TT"),
    (["--workflow", "section_99"], "unbekannter Workflow 'section_99'"),
])
def test_assess_refuses_bad_options(runner, args, message):
    result = runner.invoke(args=["assess", str(DEMO / "amina.json"), *args])
    assert result.exit_code == 2 and message in result.output


def test_invalid_facts_file_names_field_and_reason(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"status_history": [{"status": "duldung", "from": "2020-01-01", "to": "2019-01-01"}]}))
    result = runner.invoke(args=["assess", str(bad)])
    assert result.exit_code == 2
    assert "bad.json: status_history.0: das Ende liegt vor dem Beginn" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{\"person\": ")
    result = runner.invoke(args=["assess", str(broken)])
    assert result.exit_code == 2 and "kein gültiges JSON (Zeile 1" in result.output


def test_clients_import_and_export_round_trip(runner, counsellor, tmp_path):
    imported = runner.invoke(args=["clients", "import", str(DEMO / "amina.json")])
    assert imported.exit_code == 0, imported.output
    client_id = int(imported.output.strip())
    exported = runner.invoke(args=["clients", "export", str(client_id), "-o", str(tmp_path / "out.zip")])
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        [name] = [n for n in archive.namelist() if n.endswith("/fakten.json")]
        facts = json.loads(archive.read(name))
    assert facts["person"]["family_name"] == "Yousef"
    assert facts["status_history"][1] == {"status": "duldung", "from": "2021-03-15"}
    with db.connection_context():
        assert Client.get_by_id(client_id).counsellor_id == counsellor.id
        actions = [e.action for e in AuditEvent.select()]
    assert "client.create" in actions and "client.export" in actions


def test_clients_import_needs_a_counsellor_when_there_are_several(runner, counsellor, make_user):
    make_user("zweiter")
    result = runner.invoke(args=["clients", "import", str(DEMO / "amina.json")])
    assert result.exit_code == 2 and "--counsellor" in result.output
    result = runner.invoke(args=["clients", "import", str(DEMO / "amina.json"), "--counsellor", "zweiter"])
    assert result.exit_code == 0


def test_workflows_check_lists_ok_and_errors(tmp_path):
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    (workflows / "section_25b.toml").write_text((SHIPPED / "workflows" / "section_25b.toml").read_text())
    (workflows / "section_25c.toml").write_text(
        'id = "section_25c"\nprovision = "§ 25c AufenthG"\ntitle = "x"\nin_force_from = 2030-01-01\nrequest = "x"\n'
        '[[criteria]]\nid = "a"\ntype = "facts"\nlabel = "A"\ncitation = "§ 25c AufenthG"\nvalid_from = "2030-01-01"\n')
    app = create_app({"WORKFLOWS_DIR": str(workflows), "DATA_DIR": str(tmp_path / "data"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    result = app.test_cli_runner().invoke(args=["workflows", "check"])
    assert result.exit_code == 1
    assert "ok      section_25b" in result.output and "2022-12-31" in result.output
    assert "FEHLER  section_25c.toml: section_25c.toml: criteria[0].valid_from: erwartet ein Datum" in result.output


def test_workflows_check_is_clean_for_the_repository(runner):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 0, result.output
    assert "FEHLER" not in result.output


def test_letter_and_checklist_commands_write_docx(runner, tmp_path, counsellor):
    for command, name in (("letter", "antrag.docx"), ("checklist", "checkliste.docx")):
        target = tmp_path / name
        result = runner.invoke(args=[command, str(DEMO / "amina.json"), "--workflow", "section_25b", "-o", str(target),
                                     "--counsellor", counsellor.username])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as docx:
            assert "Yousef" in docx.read("word/document.xml").decode()
    result = runner.invoke(args=["letter", str(DEMO / "amina.json"), "--workflow", "section_99", "-o",
                                 str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and not (tmp_path / "x.docx").exists()


def test_users_create_and_token(runner):
    result = runner.invoke(args=["users", "create", "neu", "--role", "counsellor", "--name", "Neue Beraterin",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["users", "create", "kurz", "--role", "counsellor", "--name", "K",
                                "--password-stdin"], input="kurz\n")
    assert short.exit_code == 2 and "mindestens 12 Zeichen" in short.output
    token = runner.invoke(args=["users", "token", "neu"])
    assert token.exit_code == 0 and token.output.startswith("pk_")
    # probe finding 8: the token says when it ends, as a German date
    assert re.search(r"gültig bis \d\d\.\d\d\.\d{4} \d\d:\d\d UTC", token.stderr), token.stderr


def test_demo_loads_once(runner):
    assert "angelegt" in runner.invoke(args=["demo"]).output
    assert "schon vorhanden" in runner.invoke(args=["demo"]).output
    with db.connection_context():
        assert Client.select().count() == len(list((ROOT / "perspektive" / "demo_data").glob("*.json")))


def test_the_demo_authority_can_receive_and_decrypt_a_referral(app, runner, smtp):
    """`make run` should let a counsellor follow a referral to the end: a confirmed demo contact whose secret key
    is at hand."""
    import shutil
    import subprocess
    import tempfile

    from perspektive import referrals
    from perspektive.accounts.models import User
    from perspektive.referrals.consents import record_consent
    from perspektive.referrals.models import AuthorityContact

    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    with db.connection_context():
        contact = AuthorityContact.get(AuthorityContact.email == "behoerde@abh.example")
        assert contact.user.username == "behoerde" and contact.confirmed_at is not None
        client = Client.select().first()
        record_consent(client, contact, dt.date(2026, 11, 20), ["summary"], client.counsellor, dt.date(2026, 11, 21))
        referral = referrals.queue_referral(client=client, contact=contact, counsellor=client.counsellor,
                                            documents=["summary"], note="Demo", workflow="section_25b")
        assert User.get(User.username == "behoerde").role == "authority_contact"
    assert referral.status == "sent", referral.last_error
    home = tempfile.mkdtemp(prefix="d", dir="/tmp")  # a copy with a short path for gpg-agent's socket
    shutil.copytree(Path(app.config["DATA_DIR"]) / "demo-authority-gnupg", home, dirs_exist_ok=True)
    decrypted = subprocess.run(["gpg", "--homedir", home, "--batch", "--decrypt"], capture_output=True,
                               input=referral.ciphertext.encode())
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True)
    assert decrypted.returncode == 0 and b"Fallzusammenfassung" in decrypted.stdout


def test_assess_without_workflow_leaves_out_provisions_not_yet_in_force(runner):
    result = runner.invoke(args=["assess", str(DEMO / "amina.json"), "--on", "2015-07-31"])
    assert result.exit_code == 0
    # only the two provisions in force since 2005 (§ 23a, § 25 Abs. 5)
    assert sorted(r["workflow"] for r in json.loads(result.output)["results"]) == ["section_23a", "section_25_5"]
    single = runner.invoke(args=["assess", str(DEMO / "amina.json"), "--on", "2015-07-31", "--workflow",
                                 "section_25b"])
    assert json.loads(single.output)["results"][0]["verdict"] == "not_eligible"
