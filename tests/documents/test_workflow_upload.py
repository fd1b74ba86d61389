"""Adding a provision without code: the worked example of docs/adding-a-provision.md uploaded through the console,
broken uploads that change nothing, replacing, default templates, files dropped in by hand, and the template page.

Each test runs on its own copies of workflows/ and letter_templates/, so uploads never touch the repository."""
from __future__ import annotations

import html
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from perspektive import create_app
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.documents import template_checks, upload_store
from perspektive.documents import upload as workflow_upload
from perspektive.law.facts import parse_facts
from perspektive.migrations import migrate
from perspektive.referrals.openpgp import stop_agent
from tests.conftest import ROOT, SHIPPED, _drop_all, csrf_token, demo_facts, login

DOC = ROOT / "docs" / "adding-a-provision.md"
GENERIC = SHIPPED / "letter_templates" / "section_19d"  # the generic Antrag and Checkliste the doc recommends


def console_app(tmp_path: Path):
    """An app like conftest's, on copies of the workflows and the letter templates."""
    workflows, letters = tmp_path / "workflows", tmp_path / "letter_templates"
    shutil.copytree(SHIPPED / "workflows", workflows)
    shutil.copytree(SHIPPED / "letter_templates", letters, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    overrides = {"DATA_DIR": str(tmp_path / "data"), "WORKFLOWS_DIR": str(workflows),
                 "LETTER_TEMPLATES_DIR": str(letters)}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        overrides["DATABASE_URL"] = f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(overrides)
    app.config["TESTING"] = True
    app.config["CONSOLE_OVERRIDES"] = overrides  # for a second app on the same directories
    with app.app_context():
        db.connect(reuse_if_open=True)
        _drop_all(db.obj)
        migrate()
        db.close()
        yield app
    if not db.is_closed():
        db.close()
    stop_agent(app.config["GNUPG_HOME"] or Path(app.config["DATA_DIR"]) / "gnupg")


@pytest.fixture
def app(tmp_path):
    yield from console_app(tmp_path)


def example() -> tuple[str, str]:
    """(file name, TOML) of the worked example in the administrators' guide."""
    match = re.search(r"<!-- worked-example: (section_\w+\.toml) -->\s*```toml\n(.*?)```", DOC.read_text("utf-8"),
                      re.DOTALL)
    assert match, "docs/adding-a-provision.md has no worked example"
    return match[1], match[2]


def docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(client, name: str, toml: str | bytes, replace: bool = False, **templates: bytes):
    page = client.get("/admin/workflows/")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)),
            "workflow_file": (io.BytesIO(toml.encode() if isinstance(toml, str) else toml), name)}
    if replace:
        data["replace"] = "1"
    for letter, content in templates.items():
        data[letter] = (io.BytesIO(content), f"{letter}.docx")
    return client.post("/admin/workflows/", data=data, content_type="multipart/form-data")


def generic_templates() -> dict[str, bytes]:
    return {letter: (GENERIC / f"{letter}.docx").read_bytes() for letter in ("antrag", "checkliste")}


def text(response) -> str:
    return response.get_data(as_text=True)


def problems_of(response) -> str:
    """The table of problems of a refused upload."""
    page = text(response)
    start = page.index('id="problems"')
    return html.unescape(page[start:page.index("</table>", start)])


def snapshot(app) -> dict[str, bytes]:
    """Every file the console could write: workflows, templates, archives."""
    files = {}
    for key in ("WORKFLOWS_DIR", "LETTER_TEMPLATES_DIR", "DATA_DIR"):
        root = Path(app.config[key])
        for path in sorted(root.rglob("*")):
            if path.is_file() and "gnupg" not in path.parts and not path.name.startswith(("huey", "perspektive.db")):
                files[str(path)] = path.read_bytes()
    return files


def audit_actions(prefix: str) -> list[tuple[str, str, str]]:
    with db.connection_context():
        return [(e.actor, e.action, e.object_id) for e in
                AuditEvent.select().where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)]


# --- the worked example ---------------------------------------------------------------------------------------

def test_the_worked_example_goes_live_for_counsellors_without_a_restart(app, admin_http, counsellor):
    name, toml = example()
    assert name == "section_16g_8.toml"
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    second = create_app(app.config["CONSOLE_OVERRIDES"])  # another worker, started before the upload
    second.test_client_class = type(admin_http)
    counsellor_http = app.test_client()
    assert login(counsellor_http, counsellor.username).status_code == 302
    before = text(counsellor_http.get(f"/clients/{client.id}"))
    assert "§ 16g Abs. 8 AufenthG" not in before and "§ 16g AufenthG" in before

    response = upload(admin_http, name, toml, **generic_templates())
    assert response.status_code == 303, text(response)
    assert response.headers["Location"] == "/admin/workflows/#wf-section_16g_8"
    listing = text(admin_http.get(response.headers["Location"]))
    assert "Workflow section_16g_8 (§ 16g Abs. 8 AufenthG) hinzugefügt" in listing
    row = listing[listing.index('id="wf-section_16g_8"'):]
    row = row[:row.index("</tr>")]
    assert "geladen" in row and "01.03.2024" in row and "6 Hinweise" in row
    assert "<code>antrag.docx</code>: vorhanden" in row and "<code>checkliste.docx</code>: vorhanden" in row

    assert "§ 16g Abs. 8 AufenthG" in text(counsellor_http.get(f"/clients/{client.id}"))
    page = text(counsellor_http.get(f"/clients/{client.id}/wege/section_16g_8"))
    assert "§ 16g Abs. 8 AufenthG" in page
    assert "Aufenthaltserlaubnis zur Beschäftigung nach erfolgreicher Berufsausbildung (§ 16g)" in page
    section = page[page.index('id="wf-section_16g_8"'):]
    assert "Blockiert" in section[:section.index("</section>")]  # Amina holds a Duldung, no completed training
    other_worker = second.test_client()
    assert login(other_worker, counsellor.username).status_code == 302
    assert "§ 16g Abs. 8 AufenthG" in text(other_worker.get(f"/clients/{client.id}"))

    letter = counsellor_http.post(f"/clients/{client.id}/letters/section_16g_8/antrag",
                                  data={"csrf_token": csrf_token(page)})
    assert letter.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(letter.data)).paragraphs)
    assert "Antrag auf Erteilung einer Aufenthaltserlaubnis zur Ausübung einer der erworbenen beruflichen " \
           "Qualifikation entsprechenden Beschäftigung nach § 16g Abs. 8 AufenthG" in body

    assert (Path(app.config["WORKFLOWS_DIR"]) / name).read_text("utf-8") == toml
    folder = Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_16g_8"
    assert sorted(p.name for p in folder.iterdir()) == ["antrag.docx", "checkliste.docx"]
    assert audit_actions("workflow.") == [("verwaltung", "workflow.install", "section_16g_8")]


def test_a_client_who_meets_every_condition_sees_the_example_path_open(app, admin_http, counsellor):
    assert upload(admin_http, *example(), **generic_templates()).status_code == 303
    facts = demo_facts("amina")
    facts.update(
        status_history=[{"status": "duldung", "from": "2019-05-02", "to": "2023-07-31"},
                        {"status": "aufenthaltserlaubnis", "from": "2023-08-01", "to": None}],
        training={"kind": "qualified", "start_date": "2023-08-01", "end_date": "2026-07-31",
                  "completed_on": "2026-07-10"},
        employment=[{"from": "2026-08-01", "to": None, "hours_per_week": 39, "socially_insured": True,
                     "matches_qualification": True}],
        german={"oral": "B1", "written": "B1"}, housing_sufficient=True,
        livelihood={"secured": True, "predominantly_secured": True, "monthly_means_eur": 2300})
    with db.connection_context():
        client = create_client(parse_facts(facts), counsellor)
    login(http := app.test_client(), counsellor.username)
    page = text(http.get(f"/clients/{client.id}/wege/section_16g_8"))
    section = page[page.index('id="wf-section_16g_8"'):]
    assert "Offen" in section[:section.index("</section>")]


# --- broken uploads change nothing -----------------------------------------------------------------------------

def _broken_type(toml: str) -> str:
    return toml.replace('type = "job_matching_qualification"', 'type = "beschaeftigung_passend"', 1)


def _bad_key(toml: str) -> str:
    return toml.replace('citation = "§ 16g Abs. 8 S. 1, Abs. 5 S. 2 AufenthG"',
                        'citation = "§ 16g Abs. 8 S. 1, Abs. 5 S. 2 AufenthG"\nzitat = "doppelt"', 1)


@pytest.mark.parametrize("change, file, key, message", [
    (_broken_type, "section_16g_8.toml", "criteria[2].type", "unbekannter Kriterientyp „beschaeftigung_passend“"),
    (_bad_key, "section_16g_8.toml", "criteria[0].zitat", "unbekannter Schlüssel"),
    (lambda t: t.replace("valid_from = 2024-03-01", 'valid_from = "2024-03-01"', 1), "section_16g_8.toml",
     "criteria[0].valid_from", "erwartet ein Datum"),
    (lambda t: t.replace('[[criteria]]', '[[criteria]', 1), "section_16g_8.toml", "(Datei)", "kein gültiges TOML"),
    (lambda t: t.replace('fact = "housing_sufficient"', 'fact = "wohnung"', 1), "section_16g_8.toml",
     "criteria[3].params", "unbekannter Fakt 'wohnung'"),
])
def test_a_broken_workflow_file_is_refused_with_file_and_key(app, admin_http, change, file, key, message):
    before = snapshot(app)
    name, toml = example()
    response = upload(admin_http, name, change(toml), **generic_templates())
    assert response.status_code == 422
    page = text(response)
    problems = problems_of(response)
    assert f"<td><code>{file}</code></td><td><code>{key}</code></td>" in problems
    assert message in problems
    assert "Nichts wurde gespeichert" in page
    assert snapshot(app) == before
    assert "§ 16g Abs. 8 AufenthG" not in page[:page.index('id="upload"')]
    assert audit_actions("workflow.") == []


@pytest.mark.parametrize("payload, message, detail", [
    ("{% if person.full_name %}Antrag für {{ person.full_name }}", "fehlerhaft", "TemplateSyntaxError"),
    ("{{ person.full_name }} {{ ''.__class__.__mro__ }}", "unzulässigen Zugriff", "SecurityError"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "unzulässigen Zugriff", "SecurityError"),
    ("{{ person.lieblingsfarbe }}", "fehlerhaft", "UndefinedError"),
])
def test_a_template_that_does_not_render_in_the_sandbox_is_refused(app, admin_http, payload, message, detail):
    before = snapshot(app)
    templates = generic_templates()
    templates["antrag"] = docx_with("Sehr geehrte Damen und Herren,", payload)
    response = upload(admin_http, *example(), **templates)
    assert response.status_code == 422
    problems = problems_of(response)
    assert "<td><code>antrag.docx</code></td><td><code>Vorlage</code></td>" in problems
    assert message in problems and detail in problems
    assert "checkliste.docx" not in problems  # the good one passed
    assert snapshot(app) == before
    assert audit_actions("workflow.") == []


def test_all_problems_of_one_upload_are_listed_together(app, admin_http):
    before = snapshot(app)
    name, toml = example()
    response = upload(admin_http, name, _broken_type(toml), antrag=b"%PDF-1.7 kein docx",
                      checkliste=docx_with("{{ ''.__class__ }}"))
    assert response.status_code == 422
    problems = problems_of(response)
    assert "criteria[2].type" in problems
    assert "<td><code>antrag.docx</code></td><td><code>(Datei)</code></td><td>Keine Word-Datei (.docx)" in problems
    assert "<td><code>checkliste.docx</code></td><td><code>Vorlage</code></td><td>Noch nicht ausgefüllt" \
        in problems
    assert snapshot(app) == before


@pytest.mark.parametrize("name", ["../section_99.toml", "section_99.txt", "Section_99.toml", "evil.toml",
                                  "section_99/../../x.toml", "section_99.toml\x00.docx"])
def test_the_file_name_must_be_a_workflow_id(app, admin_http, name):
    before = snapshot(app)
    toml = example()[1].replace('id = "section_16g_8"', 'id = "section_99"')
    response = upload(admin_http, name, toml, **generic_templates())
    assert response.status_code == 422
    assert "Der Dateiname muss die Workflow-Id" in text(response)
    assert snapshot(app) == before


def test_the_page_lists_the_criterion_types_a_file_may_use(app, admin_http):
    page = text(admin_http.get("/admin/workflows/"))
    types = page[page.index('id="types"'):]
    assert "<h2>Kriterientypen</h2>" in types and "<code>residence_period</code>" in types


def test_no_file_chosen(app, admin_http):
    page = text(admin_http.get("/admin/workflows/"))
    response = admin_http.post("/admin/workflows/", data={"csrf_token": csrf_token(page)},
                               content_type="multipart/form-data")
    assert response.status_code == 422 and "Bitte eine Workflow-Datei (.toml) auswählen" in text(response)


def test_the_id_inside_must_match_the_file_name(app, admin_http):
    response = upload(admin_http, "section_99.toml", example()[1], **generic_templates())
    assert response.status_code == 422
    assert "<td><code>section_99.toml</code></td><td><code>id</code></td><td>muss dem Dateinamen entsprechen" \
        in text(response)


def test_oversized_empty_and_non_utf8_files_are_refused(app, admin_http):
    name, toml = example()
    big = toml + "#" * workflow_upload.MAX_WORKFLOW_BYTES
    assert "größer als 200 kB" in text(upload(admin_http, name, big))
    assert "Die Datei ist leer" in text(upload(admin_http, name, ""))
    assert "nicht UTF-8" in text(upload(admin_http, name, toml.encode("utf-16")))
    huge = generic_templates()
    huge["antrag"] = b"PK" + b"\0" * template_checks.MAX_TEMPLATE_BYTES
    assert "größer als 1 MB" in text(upload(admin_http, name, toml, **huge))


# --- replacing ------------------------------------------------------------------------------------------------

def test_an_existing_id_needs_replace_and_the_old_file_is_archived(app, admin_http, counsellor):
    taken = upload(admin_http, "section_25b.toml", (SHIPPED / "workflows" / "section_25b.toml").read_text("utf-8"))
    assert taken.status_code == 422 and "Einen Workflow section_25b gibt es schon" in text(taken)

    name, toml = example()
    assert upload(admin_http, name, toml, **generic_templates()).status_code == 303
    changed = toml.replace("(§ 16g)\"", "(§ 16g, Fassung 2)\"")
    again = upload(admin_http, name, changed)
    assert again.status_code == 422 and "gibt es schon" in text(again)
    assert 'name="replace" value="1">' in text(again)  # not ticked, and still not ticked

    replaced = upload(admin_http, name, changed, replace=True)
    assert replaced.status_code == 303
    assert "ersetzt; er steht ab sofort" in text(admin_http.get("/admin/workflows/"))
    assert (Path(app.config["WORKFLOWS_DIR"]) / name).read_text("utf-8") == changed
    # The old file is kept as the version before; the templates were not uploaded again: they keep their one.
    with db.connection_context():
        kept = {(v.file_name, v.version): bytes(upload_store.version(v.id).content)
                for v in upload_store.history("section_16g_8")}
    assert kept == {(name, 2): changed.encode(), (name, 1): toml.encode(),
                    ("antrag.docx", 1): generic_templates()["antrag"],
                    ("checkliste.docx", 1): generic_templates()["checkliste"]}
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    login(http := app.test_client(), counsellor.username)
    assert "(§ 16g, Fassung 2)" in text(http.get(f"/clients/{client.id}"))
    assert [a for _, a, _ in audit_actions("workflow.")] == ["workflow.install", "workflow.replace"]


def test_a_failed_write_puts_back_what_was_there(app, admin_http, monkeypatch):
    name, toml = example()
    assert upload(admin_http, name, toml, **generic_templates()).status_code == 303
    before = snapshot(app)
    write = workflow_upload._atomic_write

    def disk_full_at_the_workflow_file(path, data):
        if path.suffix == ".toml":
            raise OSError(28, "No space left on device")
        write(path, data)

    monkeypatch.setattr(workflow_upload, "_atomic_write", disk_full_at_the_workflow_file)
    response = upload(admin_http, name, toml.replace("(§ 16g)", "(§ 16g, neu)"), replace=True,
                      antrag=docx_with("Neu: {{ workflow.provision }}"))
    assert response.status_code == 422
    assert "konnte nicht geschrieben werden; es wurde nichts geändert" in problems_of(response)
    assert snapshot(app) == before  # the old template is back
    with db.connection_context():  # and no version was stored for the other servers
        assert [(v.file_name, v.version) for v in upload_store.history("section_16g_8")] == [
            (name, 1), ("antrag.docx", 1), ("checkliste.docx", 1)]


# --- a workflow without its own templates -----------------------------------------------------------------------

def test_without_templates_the_upload_says_which_are_missing(app, admin_http):
    shutil.rmtree(Path(app.config["LETTER_TEMPLATES_DIR"]) / "_default", ignore_errors=True)  # no shared default
    before = snapshot(app)
    response = upload(admin_http, *example())
    assert response.status_code == 422
    page = text(response)
    for letter in ("antrag", "checkliste"):
        assert f"<td><code>{letter}.docx</code></td><td><code>letters</code></td><td>Vorlage fehlt" in page
    assert "Standardvorlage unter _default/ gibt es nicht" in page
    assert snapshot(app) == before


def test_without_templates_the_shared_default_is_copied(app, admin_http, counsellor):
    default = Path(app.config["LETTER_TEMPLATES_DIR"]) / "_default"
    shutil.copytree(GENERIC, default, dirs_exist_ok=True)
    response = upload(admin_http, *example())
    assert response.status_code == 303
    assert "Standardvorlage übernommen für: antrag, checkliste" in text(admin_http.get("/admin/workflows/"))
    copied = Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_16g_8" / "antrag.docx"
    assert copied.read_bytes() == (default / "antrag.docx").read_bytes()
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    login(http := app.test_client(), counsellor.username)
    page = text(http.get(f"/clients/{client.id}"))
    letter = http.post(f"/clients/{client.id}/letters/section_16g_8/checkliste", data={"csrf_token": csrf_token(page)})
    assert letter.status_code == 200 and letter.data[:2] == b"PK"


def test_a_workflow_that_declares_no_letters_needs_no_templates(app, admin_http):
    name, toml = example()
    toml = toml.replace('title = "', 'letters = []\ntitle = "', 1)
    assert upload(admin_http, name, toml).status_code == 303
    assert not (Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_16g_8").exists()
    refused = upload(admin_http, name, toml, replace=True, antrag=generic_templates()["antrag"])
    assert refused.status_code == 422 and "sieht diese Briefart" in text(refused)


# --- files put into the directories by hand ------------------------------------------------------------------

def test_files_dropped_in_by_hand_show_their_status(app, admin_http):
    workflows = Path(app.config["WORKFLOWS_DIR"])
    name, toml = example()
    (workflows / "section_99.toml").write_text(_bad_key(toml).replace("section_16g_8", "section_99"), "utf-8")
    (workflows / name).write_text(toml, "utf-8")  # no templates
    page = text(admin_http.get("/admin/workflows/"))
    errors = page[page.index('id="errors"'):page.index('id="workflows"')]
    assert "<code>section_99.toml</code>" in errors and "<code>criteria[0].zitat</code>" in errors
    assert "<code>section_16g_8.toml</code>" in errors and "<code>letters</code>" in errors
    assert "Vorlage fehlt: letter_templates/section_16g_8/antrag.docx" in errors

    # The missing templates can be supplied on the template page; then the workflow loads.
    overview = text(admin_http.get("/admin/templates/"))
    assert 'id="tpl-section_16g_8"' in overview and "Vorlage fehlt." in overview
    assert "Die Workflow-Datei lädt nicht (criteria[0].zitat" in overview
    assert "; bitte zuerst diese Datei berichtigen." in overview
    for letter, content in generic_templates().items():
        response = admin_http.post(f"/admin/templates/section_16g_8/{letter}", data={
            "csrf_token": csrf_token(overview), "template": (io.BytesIO(content), f"{letter}.docx")},
            content_type="multipart/form-data")
        assert response.status_code == 303, text(response)
    page = text(admin_http.get("/admin/workflows/"))
    assert 'id="wf-section_16g_8"' in page and "<code>section_16g_8.toml</code>" not in page


# --- the template page ------------------------------------------------------------------------------------------

def test_templates_are_listed_with_size_date_and_whether_they_render(app, admin_http):
    path = Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_25b" / "checkliste.docx"
    path.write_bytes(docx_with("{{ person.gibt_es_nicht }}"))
    page = text(admin_http.get("/admin/templates/"))
    row = page[page.index('id="tpl-section_25b-antrag"'):]
    row = row[:row.index("</tr>")]
    size = (Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_25b" / "antrag.docx").stat().st_size
    assert f"{size / 1000:.1f} kB".replace(".", ",") in row and "füllt sich aus" in row
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", row)
    broken = page[page.index('id="tpl-section_25b-checkliste"'):]
    broken = broken[:broken.index("</tr>")]
    assert "fehlerhaft" in broken and "UndefinedError" in broken and "füllt sich aus" not in broken


def test_replacing_a_template_checks_it_and_archives_the_old_one(app, admin_http):
    folder = Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_25b"
    old = (folder / "antrag.docx").read_bytes()
    token = csrf_token(text(admin_http.get("/admin/templates/")))

    def send(content: bytes):
        return admin_http.post("/admin/templates/section_25b/antrag", data={
            "csrf_token": token, "template": (io.BytesIO(content), "antrag.docx")}, content_type="multipart/form-data")

    refused = send(docx_with("{{ ''.__class__.__mro__[1].__subclasses__() }}"))
    assert refused.status_code == 422
    assert "unzulässigen Zugriff" in text(refused) and "die bisherige gilt weiter" in text(refused)
    assert (folder / "antrag.docx").read_bytes() == old
    with db.connection_context():
        assert upload_store.history("section_25b") == []

    new = docx_with("Antrag für {{ person.full_name }} nach {{ workflow.provision }}")
    assert send(new).status_code == 303
    assert (folder / "antrag.docx").read_bytes() == new
    with db.connection_context():  # the shipped one it replaced is kept as the version before
        versions = [(v.file_name, v.version, v.source, bytes(upload_store.version(v.id).content))
                    for v in upload_store.history("section_25b")]
    assert versions == [("antrag.docx", 2, "upload", new), ("antrag.docx", 1, "previous", old)]
    assert "Vorlage antrag.docx für § 25b AufenthG ersetzt" in text(admin_http.get("/admin/templates/"))
    assert audit_actions("template.") == [("verwaltung", "template.replace", "section_25b/antrag")]
    assert not [p for p in folder.iterdir() if p.name.startswith(".upload-")]  # no temporary file left behind


def test_template_routes_accept_only_workflow_ids_and_letters(app, admin_http):
    token = csrf_token(text(admin_http.get("/admin/templates/")))
    for url in ("/admin/templates/..%2F..%2Fetc/antrag", "/admin/templates/section_25b/passwd",
                "/admin/templates/Section_25b/antrag"):
        response = admin_http.post(url, data={"csrf_token": token, "template": (io.BytesIO(b"x"), "a.docx")},
                                   content_type="multipart/form-data")
        assert response.status_code == 404, url
    unknown = admin_http.post("/admin/templates/section_99/antrag", data={
        "csrf_token": token, "template": (io.BytesIO(generic_templates()["antrag"]), "antrag.docx")},
        content_type="multipart/form-data")
    assert unknown.status_code == 422 and "Unbekannter Workflow" in text(unknown)
    assert not (Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_99").exists()


def test_a_template_that_never_finishes_is_stopped(app, admin_http):
    app.config["RENDER_TIMEOUT_SECONDS"] = 2
    before = snapshot(app)
    loops = docx_with("{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}")
    response = upload(admin_http, *example(), antrag=loops, checkliste=generic_templates()["checkliste"])
    assert response.status_code == 422
    assert "dauerte länger als 2 Sekunden und wurde abgebrochen" in text(response)
    assert snapshot(app) == before


@pytest.mark.parametrize("body, reason", [
    ('{% for i in range(100000 if person.given_name == "Karim" else 1) %}{{ "x" * 10000 }}{% endfor %}',
     "größer als 1 MB"),
    ('{% if person.family_name == "Tesfaye" %}{% for i in range(100000) %}{% for j in range(1000) %}{% endfor %}'
     '{% endfor %}{% endif %}', "dauerte länger als 2 Sekunden"),
], ids=["grows for karim", "loops for dawit"])
def test_a_template_that_runs_away_for_one_sample_client_only_is_refused(app, admin_http, body, reason):
    """Probe finding 4, checklist row 4: every demo client is a sample, so a template that loops or grows only for
    some names is caught at upload; it fills in for Amina, the one sample tried before."""
    app.config.update(RENDER_TIMEOUT_SECONDS=2, RENDER_MAX_OUTPUT_BYTES=1_000_000)
    before = snapshot(app)
    templates = generic_templates()
    templates["antrag"] = docx_with("Antrag für {{ person.full_name }}", body)
    response = upload(admin_http, *example(), **templates)
    assert response.status_code == 422
    problems = problems_of(response)
    assert "<td><code>antrag.docx</code></td><td><code>Vorlage</code></td>" in problems
    assert reason in problems
    sample = "karim" if "Karim" in body else "dawit"
    assert f"Beispiel „{sample}“" in problems and "amina" not in problems
    assert snapshot(app) == before


# --- shared/security-checklist.md rows 5-9: what a .docx may carry ------------------------------------------------

def rezipped(extra: dict[str, bytes] | None = None, change=None) -> bytes:
    """The generic Antrag with parts added, or with ``change(name, data)`` applied to each part."""
    out = io.BytesIO()
    with zipfile.ZipFile(GENERIC / "antrag.docx") as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(info.filename, data) if change else data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _with_doctype(name: str, data: bytes) -> bytes:
    if name != "word/document.xml":
        return data
    return data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)


def _with_external_template(name: str, data: bytes) -> bytes:
    if name != "word/_rels/document.xml.rels":
        return data
    link = (b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>')
    return data.replace(b"</Relationships>", link)


@pytest.mark.parametrize("row, docx, message", [
    ("5 zip bomb", rezipped({"word/media/big.bin.txt": b"0" * 25_000_000}), "entpackt zu mehr als 20 MB"),
    ("5 many members", rezipped({f"customXml/extra{i}.xml": b"<a/>" for i in range(600)}), "zu viele Teile"),
    ("6 DOCTYPE", rezipped(change=_with_doctype), "DOCTYPE"),
    ("7 macros", rezipped({"word/vbaProject.bin": b"\x00macro"}), "Makros"),
    ("8 external template", rezipped(change=_with_external_template), "externe Dateien"),
])
def test_templates_that_could_act_outside_the_letter_are_refused(app, admin_http, row, docx, message):
    before = snapshot(app)
    response = upload(admin_http, *example(), antrag=docx, checkliste=generic_templates()["checkliste"])
    assert response.status_code == 422, row
    assert message in problems_of(response)
    assert "root:" not in text(response)  # row 6: the file's contents never appear
    assert snapshot(app) == before
