"""PDF through the LibreOffice a worker keeps running (``warm_office``): the same LibreOffice serves one conversion
after another, a dead or overrunning one is replaced by the next conversion, an unreadable file is refused
without ending it, and without ``uno`` for the system's Python the conversion is made cold, as before."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from perspektive.documents import pdf, warm_office
from perspektive.documents.pdf import PdfError
from tests.documents.test_pdf import a_docx, gone, pdf_text


@pytest.fixture(scope="module")
def office():
    yield warm_office.office
    warm_office.office.stop()


def group_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_one_warm_libreoffice_serves_conversion_after_conversion(office):
    first = pdf_text(pdf.docx_to_pdf(a_docx("Antrag für Frau Beispiel", "Müller & Söhne – Straße 5"), warm=True))
    pid = office.pid
    assert pid is not None
    assert "Antrag für Frau Beispiel" in first and "Müller & Söhne – Straße 5" in first
    assert len(group_members(pid)) >= 2  # the bridge and soffice.bin it started
    second = pdf_text(pdf.docx_to_pdf(a_docx("Zweites Schreiben"), warm=True))
    assert "Zweites Schreiben" in second
    assert office.pid == pid
    # Nothing of either letter is left on disk: each conversion's directory is gone at once.
    assert [p for p in office._home.rglob("*") if p.name.startswith(("dokument", "perspektive-pdf-"))] == []


def test_an_unreadable_file_is_refused_and_the_office_stays(office):
    pdf.docx_to_pdf(a_docx("warm"), warm=True)
    pid = office.pid
    with pytest.raises(PdfError) as refused:
        pdf.docx_to_pdf(b"PK\x03\x04 kaputt", warm=True)
    assert str(refused.value) == "LibreOffice konnte das Dokument nicht lesen, es ist keine gültige .docx-Datei."
    assert office.pid == pid


def test_a_dead_office_is_replaced_by_the_next_conversion(office):
    pdf.docx_to_pdf(a_docx("warm"), warm=True)
    pid = office.pid
    members = group_members(pid)
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while not all(map(gone, members)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Nach dem Neustart" in pdf_text(pdf.docx_to_pdf(a_docx("Nach dem Neustart"), warm=True))
    assert office.pid not in (None, pid)


def test_an_overrunning_conversion_is_stopped_with_its_office_and_the_next_one_works(office):
    pdf.docx_to_pdf(a_docx("warm"), warm=True)
    pid = office.pid
    members = group_members(pid)
    long_letter = a_docx(*[f"Absatz {i}: " + "Bleiberecht " * 60 for i in range(3000)])
    with pytest.raises(PdfError, match="Zeitlimit von 0.05 Sekunden überschritten"):
        pdf.docx_to_pdf(long_letter, timeout=0.05, warm=True)
    deadline = time.monotonic() + 5
    while not all(map(gone, members)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(gone, members))
    assert office.pid is None
    assert "Danach" in pdf_text(pdf.docx_to_pdf(a_docx("Danach"), warm=True))


def test_without_uno_the_pdf_is_made_cold(office, monkeypatch):
    office.stop()
    monkeypatch.setenv("PERSPEKTIVE_UNO_PYTHON", sys.executable)  # the virtual environment's: it has no uno
    assert "Kalt erzeugt" in pdf_text(pdf.docx_to_pdf(a_docx("Kalt erzeugt"), warm=True))
    assert office.pid is None
