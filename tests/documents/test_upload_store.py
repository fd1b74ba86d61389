"""Uploads kept in the database (issue 17): several servers, each with a data directory of its own, share one
database; what an administrator uploads through one is served by every other one and by the task consumer without
a restart, with its history (who, when) in the console, older versions can be restored, and an installation whose
uploads were only files has them imported once."""
from __future__ import annotations

import datetime as dt
import io
import re
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from perspektive import create_app, tasks
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db, task_connection
from perspektive.documents import render_letter, upload_store
from perspektive.documents.models import ProvisionUpload
from perspektive.law import current_engine
from perspektive.law.facts import parse_facts
from tests.conftest import SHIPPED, BrowserClient, csrf_token, demo_facts, login
from tests.documents.test_workflow_upload import (
    _bad_key,
    console_app,
    docx_with,
    example,
    generic_templates,
    text,
    upload,
)

ON = dt.date(2026, 11, 21)


@pytest.fixture
def app(tmp_path):
    yield from console_app(tmp_path / "a")


def other_server(app, tmp_path: Path, name: str):
    """Another server on the same database: a data directory of its own, with only what the package ships."""
    server = create_app({"DATA_DIR": str(tmp_path / name), "DATABASE_URL": app.config["DATABASE_URL"]})
    server.config["TESTING"] = True
    server.test_client_class = BrowserClient
    return server


def signed_in(server, username: str):
    http = server.test_client()
    assert login(http, username).status_code == 302
    return http


def in_consumer(work):
    """Run ``work`` as the consumer runs a task: in a thread of its own, outside any request or app context, in the
    app its entry module built (the last one created), on a connection of its own."""
    outcome = {}

    def run():
        try:
            with tasks.app_context(), task_connection():
                outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def letter_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def replace_template(http, workflow_id: str, letter: str, content: bytes):
    token = csrf_token(text(http.get("/admin/templates/")))
    return http.post(f"/admin/templates/{workflow_id}/{letter}", data={
        "csrf_token": token, "template": (io.BytesIO(content), f"{letter}.docx")}, content_type="multipart/form-data")


def versions_table(http, workflow_id: str) -> list[list[str]]:
    """The rows of the version history as the administrator reads them (cell texts)."""
    page = text(http.get(f"/admin/workflows/{workflow_id}/versionen"))
    rows = []
    for row in re.findall(r'<tr id="version-\d+">(.*?)</tr>', page, re.DOTALL):
        cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
        rows.append([re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells])
    return rows


def restore_button(http, workflow_id: str, file_name: str, version: int):
    page = text(http.get(f"/admin/workflows/{workflow_id}/versionen"))
    letter = file_name.removesuffix(".docx") if file_name.endswith(".docx") else ""
    with db.connection_context():
        row = ProvisionUpload.get(ProvisionUpload.workflow_id == workflow_id, ProvisionUpload.letter == letter,
                                  ProvisionUpload.version == version)
    assert f'action="/admin/workflows/versionen/{row.id}"' in page
    return http.post(f"/admin/workflows/versionen/{row.id}", data={"csrf_token": csrf_token(page),
                                                                  "workflow_id": workflow_id})


def docx_bytes_of(http, workflow_id: str, file_name: str, version: int) -> bytes:
    with db.connection_context():
        return bytes(ProvisionUpload.get(ProvisionUpload.workflow_id == workflow_id,
                                         ProvisionUpload.letter == file_name.removesuffix(".docx"),
                                         ProvisionUpload.version == version).content)


# --- several servers ----------------------------------------------------------------------------------------------

def test_an_upload_through_one_server_is_served_by_the_others_and_the_consumer(app, admin_http, counsellor,
                                                                                tmp_path):
    second = other_server(app, tmp_path, "b")  # started before the upload, on a disk of its own
    assert not (Path(second.config["WORKFLOWS_DIR"]) / "section_16g_8.toml").exists()
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    on_b = signed_in(second, counsellor.username)
    assert "§ 16g Abs. 8 AufenthG" not in text(on_b.get(f"/clients/{client.id}"))

    name, toml = example()
    templates = {**generic_templates(), "antrag": docx_with("Erste Fassung nach {{ workflow.provision }}")}
    assert upload(admin_http, name, toml, **templates).status_code == 303

    page = text(on_b.get(f"/clients/{client.id}/wege/section_16g_8"))
    assert "Aufenthaltserlaubnis zur Beschäftigung nach erfolgreicher Berufsausbildung (§ 16g)" in page
    letter = on_b.post(f"/clients/{client.id}/letters/section_16g_8/antrag", data={"csrf_token": csrf_token(page)})
    assert letter.status_code == 200
    assert "Erste Fassung nach § 16g Abs. 8 AufenthG" in letter_text(letter.data)

    consumer = other_server(app, tmp_path, "c")  # the consumer's own process, on a third disk
    assert tasks._bound_app is consumer

    def antrag():
        assert current_engine() is consumer.extensions["perspektive"]
        return letter_text(render_letter("section_16g_8", parse_facts(demo_facts("amina")), ON, "antrag"))

    assert "Erste Fassung nach § 16g Abs. 8 AufenthG" in in_consumer(antrag)

    # A template replaced through the first server: the next letter on the others is the new one.
    assert replace_template(admin_http, "section_16g_8", "antrag",
                            docx_with("Zweite Fassung nach {{ workflow.provision }}")).status_code == 303
    page = text(on_b.get(f"/clients/{client.id}/wege/section_16g_8"))
    letter = on_b.post(f"/clients/{client.id}/letters/section_16g_8/antrag", data={"csrf_token": csrf_token(page)})
    assert "Zweite Fassung nach § 16g Abs. 8 AufenthG" in letter_text(letter.data)
    assert "Zweite Fassung nach § 16g Abs. 8 AufenthG" in in_consumer(antrag)

    # The command line of a server that served no request since: it checks what the database holds.
    third = other_server(app, tmp_path, "d")
    checked = third.test_cli_runner().invoke(args=["workflows", "check"])
    assert checked.exit_code == 0 and "ok      section_16g_8" in checked.output, checked.output


def test_a_refused_upload_reaches_no_server(app, admin_http, counsellor, tmp_path):
    second = other_server(app, tmp_path, "b")
    name, toml = example()
    refused = upload(admin_http, name, _bad_key(toml), **generic_templates())
    assert refused.status_code == 422
    with db.connection_context():
        assert ProvisionUpload.select().count() == 0
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    assert "§ 16g Abs. 8 AufenthG" not in text(signed_in(second, counsellor.username).get(f"/clients/{client.id}"))
    assert not (Path(second.config["WORKFLOWS_DIR"]) / name).exists()


# --- the history ----------------------------------------------------------------------------------------------

def test_the_history_says_who_uploaded_what_and_when(app, admin_http):
    name, toml = example()
    assert upload(admin_http, name, toml, **generic_templates()).status_code == 303
    assert upload(admin_http, name, toml.replace("(§ 16g)\"", "(§ 16g, Fassung 2)\""), replace=True).status_code == 303
    listing = text(admin_http.get("/admin/workflows/"))
    assert 'href="/admin/workflows/section_16g_8/versionen"' in listing

    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y")
    rows = versions_table(admin_http, "section_16g_8")
    assert [(r[0], r[1], r[2], r[4], r[6]) for r in rows] == [
        ("section_16g_8.toml", "2", "Vera Verwaltung", "hochgeladen", "gilt"),
        ("section_16g_8.toml", "1", "Vera Verwaltung", "hochgeladen", "Wiederherstellen"),
        ("antrag.docx", "1", "Vera Verwaltung", "hochgeladen", "gilt"),
        ("checkliste.docx", "1", "Vera Verwaltung", "hochgeladen", "gilt"),
    ]
    for row in rows:
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", row[3]) and row[3][:10] == today

    # A shipped template replaced by hand in the console: the shipped one is the version before, from no one.
    assert replace_template(admin_http, "section_25b", "antrag", docx_with("{{ workflow.provision }}")).status_code == 303
    rows = versions_table(admin_http, "section_25b")
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [("antrag.docx", "2", "Vera Verwaltung", "hochgeladen"),
                                                      ("antrag.docx", "1", "–", "vorher vorhandene Datei")]


def test_an_older_version_can_be_restored_on_every_server(app, admin_http, counsellor, tmp_path):
    second = other_server(app, tmp_path, "b")
    name, toml = example()
    assert upload(admin_http, name, toml, **generic_templates()).status_code == 303
    changed = toml.replace("(§ 16g)\"", "(§ 16g, Fassung 2)\"")
    assert upload(admin_http, name, changed, replace=True).status_code == 303
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    on_b = signed_in(second, counsellor.username)
    assert "(§ 16g, Fassung 2)" in text(on_b.get(f"/clients/{client.id}"))

    restored = restore_button(admin_http, "section_16g_8", name, 1)
    assert restored.status_code == 303, text(restored)
    assert restored.headers["Location"] == "/admin/workflows/section_16g_8/versionen"
    assert "Wiederhergestellt als section_16g_8.toml v3 (§ 16g Abs. 8 AufenthG)" in text(
        admin_http.get(restored.headers["Location"]))
    page = text(on_b.get(f"/clients/{client.id}"))
    assert "(§ 16g, Fassung 2)" not in page and "Berufsausbildung (§ 16g)" in page
    assert (Path(second.config["WORKFLOWS_DIR"]) / name).read_text("utf-8") == toml
    rows = versions_table(admin_http, "section_16g_8")
    assert [(r[0], r[1], r[4], r[6]) for r in rows if r[0] == name] == [
        (name, "3", "Wiederherstellung von Version 1", "gilt"),
        (name, "2", "hochgeladen", "Wiederherstellen"),
        (name, "1", "hochgeladen", "Wiederherstellen")]
    with db.connection_context():
        assert [(e.action, e.detail) for e in AuditEvent.select().where(AuditEvent.action.startswith("workflow."))
                .order_by(AuditEvent.id)][-1] == ("workflow.replace", "templates=-; defaults=-; restored=v1")

    # A template, too: the first antrag comes back after a second one.
    assert replace_template(admin_http, "section_16g_8", "antrag", docx_with("Andere {{ workflow.id }}")).status_code \
        == 303
    on_b.get(f"/clients/{client.id}")
    on_disk_of_b = Path(second.config["LETTER_TEMPLATES_DIR"]) / "section_16g_8" / "antrag.docx"
    assert on_disk_of_b.read_bytes() == docx_bytes_of(admin_http, "section_16g_8", "antrag.docx", 2)
    assert restore_button(admin_http, "section_16g_8", "antrag.docx", 1).status_code == 303
    page = text(on_b.get(f"/clients/{client.id}/wege/section_16g_8"))
    assert on_disk_of_b.read_bytes() == generic_templates()["antrag"]
    letter = on_b.post(f"/clients/{client.id}/letters/section_16g_8/antrag", data={"csrf_token": csrf_token(page)})
    assert "Andere" not in letter_text(letter.data) and "§ 16g Abs. 8 AufenthG" in letter_text(letter.data)


def test_a_version_that_does_not_exist_is_refused(app, admin_http):
    page = text(admin_http.get("/admin/workflows/section_25b/versionen"))
    assert "Von diesem Workflow wurde noch nichts hochgeladen" in page
    answer = admin_http.post("/admin/workflows/versionen/4711", data={"csrf_token": csrf_token(page),
                                                                     "workflow_id": "section_25b"})
    assert answer.status_code == 422 and "Diese Version gibt es nicht." in text(answer)
    for url in ("/admin/workflows/..%2Fetc/versionen", "/admin/workflows/Section_25b/versionen"):
        assert admin_http.get(url).status_code == 404


# --- an installation from before the table ------------------------------------------------------------------------

def test_uploads_an_installation_had_as_files_are_imported_once(app, admin_http, counsellor, tmp_path):
    workflows, letters = Path(app.config["WORKFLOWS_DIR"]), Path(app.config["LETTER_TEMPLATES_DIR"])
    data_dir = Path(app.config["DATA_DIR"])
    name, toml = example()
    older = toml.replace("(§ 16g)\"", "(§ 16g, alt)\"")
    # What the file-based console left: the workflow, its templates, the replaced version in the archive, and a
    # shipped template replaced with the shipped one archived.
    (workflows / name).write_text(toml, "utf-8")
    for letter, content in generic_templates().items():
        (letters / "section_16g_8").mkdir(exist_ok=True)
        (letters / "section_16g_8" / f"{letter}.docx").write_bytes(content)
    (data_dir / "workflow_archive").mkdir()
    (data_dir / "workflow_archive" / "section_16g_8.20250102T030405123456Z.toml").write_text(older, "utf-8")
    shipped_antrag = (SHIPPED / "letter_templates" / "section_25b" / "antrag.docx").read_bytes()
    own_antrag = docx_with("Eigene Vorlage {{ workflow.provision }}")
    (letters / "section_25b" / "antrag.docx").write_bytes(own_antrag)
    (data_dir / "template_archive" / "section_25b").mkdir(parents=True)
    (data_dir / "template_archive" / "section_25b" / "antrag.20250102T030405123456Z.docx").write_bytes(shipped_antrag)

    create_app(app.config["CONSOLE_OVERRIDES"])  # the upgraded installation starts
    with db.connection_context():
        stored = {(r.workflow_id, r.file_name, r.version): (bytes(r.content), r.source, r.uploaded_by_id)
                  for r in ProvisionUpload.select()}
        first_toml = ProvisionUpload.get(ProvisionUpload.letter == "", ProvisionUpload.version == 1)
    assert stored == {
        ("section_16g_8", name, 1): (older.encode(), "import", None),
        ("section_16g_8", name, 2): (toml.encode(), "import", None),
        ("section_16g_8", "antrag.docx", 1): (generic_templates()["antrag"], "import", None),
        ("section_16g_8", "checkliste.docx", 1): (generic_templates()["checkliste"], "import", None),
        ("section_25b", "antrag.docx", 1): (shipped_antrag, "import", None),
        ("section_25b", "antrag.docx", 2): (own_antrag, "import", None),
    }  # what the package ships, unchanged, stays package data
    assert first_toml.uploaded_at == dt.datetime(2025, 1, 2, 3, 4, 5)
    rows = versions_table(admin_http, "section_16g_8")
    assert [r[3] for r in rows if r[0] == name][1] == "02.01.2025 04:04"
    assert {r[4] for r in rows} == {"aus dem Datenverzeichnis übernommen"}

    create_app(app.config["CONSOLE_OVERRIDES"])  # the next start imports nothing again
    with db.connection_context():
        assert ProvisionUpload.select().count() == 6
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    on_b = signed_in(other_server(app, tmp_path, "b"), counsellor.username)
    assert "§ 16g Abs. 8 AufenthG" in text(on_b.get(f"/clients/{client.id}"))


def test_with_a_sync_interval_a_server_asks_at_most_that_often(app, admin_http, counsellor, tmp_path):
    second = create_app({"DATA_DIR": str(tmp_path / "b"), "DATABASE_URL": app.config["DATABASE_URL"],
                         "UPLOAD_SYNC_SECONDS": 3600})
    second.test_client_class = BrowserClient
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    on_b = signed_in(second, counsellor.username)  # asks now, and then not for an hour
    assert upload(admin_http, *example(), **generic_templates()).status_code == 303
    assert "§ 16g Abs. 8 AufenthG" not in text(on_b.get(f"/clients/{client.id}"))
    second.extensions[upload_store.STATE].asked_at -= 3600  # the hour has passed
    assert "§ 16g Abs. 8 AufenthG" in text(on_b.get(f"/clients/{client.id}"))
