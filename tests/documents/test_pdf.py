"""PDF from .docx by LibreOffice headless (installed on this machine): a real conversion, refused input, a missing
or failing LibreOffice, the time limit, parallel conversions, and no file left behind."""
from __future__ import annotations

import io
import os
import tempfile
import threading
import time
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from perspektive.documents import pdf
from perspektive.documents.pdf import PdfError

pytestmark = pytest.mark.skipif(not pdf.available(), reason="LibreOffice (soffice) is not installed")


def a_docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Temporary files of the conversion go here, so a test can see that none is left."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def fake_soffice(tmp_path: Path, monkeypatch, body: str) -> Path:
    """A ``soffice`` first on PATH that runs ``body`` (sh); it writes its process ids to the returned file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(f'#!/bin/sh\necho $$ >> "$FAKE_PIDS"\n{body}\n')
    script.chmod(0o755)
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pids


def gone(pid: int) -> bool:
    """No such process any more (or only a zombie waiting for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_a_docx_becomes_a_pdf_with_its_text(private_tmp):
    converted = pdf.docx_to_pdf(a_docx("Antrag für Frau Amina Yousef", "Müller & Söhne <GmbH> – Straße 5"))
    assert converted.startswith(b"%PDF")
    text = pdf_text(converted)
    assert "Amina Yousef" in text and "Müller & Söhne <GmbH> – Straße 5" in text
    assert list(private_tmp.iterdir()) == []  # the work directory with the plaintext .docx is gone


def test_two_conversions_at_the_same_time_do_not_collide():
    """Each has its own LibreOffice profile; with a shared one the second would fail or wait on the first."""
    results, errors = {}, []

    def convert(name):
        try:
            results[name] = pdf_text(pdf.docx_to_pdf(a_docx(f"Schreiben {name}")))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=convert, args=(name,)) for name in ("eins", "zwei")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "Schreiben eins" in results["eins"] and "Schreiben zwei" in results["zwei"]


@pytest.mark.parametrize("data", [b"kein docx, nur Text", b"", b"PK\x03\x04 kaputt", a_docx("x")[:400]])
def test_input_that_is_not_a_docx_is_refused_clearly(private_tmp, data):
    """Not even plain text is converted: LibreOffice would otherwise print it as a page."""
    with pytest.raises(PdfError) as refused:
        pdf.docx_to_pdf(data)
    assert str(refused.value) == "LibreOffice konnte das Dokument nicht lesen, es ist keine gültige .docx-Datei."
    assert list(private_tmp.iterdir()) == []


def test_without_libreoffice_pdf_is_not_available_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not pdf.available()
    with pytest.raises(PdfError, match="LibreOffice ist auf dem Server nicht installiert"):
        pdf.docx_to_pdf(a_docx("x"))


def test_a_conversion_over_the_time_limit_is_stopped_with_everything_it_started(tmp_path, monkeypatch):
    pids = fake_soffice(tmp_path, monkeypatch, 'sleep 60 &\necho $! >> "$FAKE_PIDS"\nwait')
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "work"))
    (tmp_path / "work").mkdir()
    started = time.monotonic()
    with pytest.raises(PdfError) as refused:
        pdf.docx_to_pdf(a_docx("x"), timeout=1)
    assert time.monotonic() - started < 10
    assert "Zeitlimit von 1 Sekunden überschritten" in str(refused.value)
    running = [int(pid) for pid in pids.read_text().split()]
    assert len(running) == 2  # the wrapper script and the converter it started
    deadline = time.monotonic() + 5
    while not all(map(gone, running)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(gone, running))
    assert list((tmp_path / "work").iterdir()) == []


def test_libreoffice_failing_is_reported_without_its_output(tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, 'echo "/tmp/geheim/Yousef.docx: Fehler" >&2\nexit 3')
    with pytest.raises(PdfError) as refused:
        pdf.docx_to_pdf(a_docx("x"))
    assert str(refused.value) == "LibreOffice ist mit Fehler 3 beendet worden."


def test_output_that_is_not_a_pdf_is_refused(tmp_path, monkeypatch):
    """A converter that writes something else under the expected name: nothing that is not a PDF is served."""
    fake_soffice(tmp_path, monkeypatch, 'for last; do :; done\nout="$(dirname "$last")/out"\n'
                                        'printf "<html>" > "$out/dokument.pdf"')
    with pytest.raises(PdfError, match="kein gültiges PDF"):
        pdf.docx_to_pdf(a_docx("x"))
