"""A generated .docx as PDF, converted by LibreOffice headless (``soffice --convert-to pdf``).

Each conversion runs in its own private temporary directory (mode 0700) with its own LibreOffice user profile
(``-env:UserInstallation``): two conversions at the same time would otherwise share the default profile, and the
second one fails or waits on the first one's lock. The import filter is fixed to Word 2007 XML, so anything that
is not a .docx is refused instead of being converted as plain text. LibreOffice runs in a process group of its
own, which is killed whole when the time limit is reached (``soffice`` is a wrapper script around
``soffice.bin``: killing only the direct child would leave the converter running).

The PDF is not kept: it is streamed to the counsellor and its temporary directory is removed as soon as the bytes
are read, even when the conversion fails or times out. What is kept is the .docx it was made from, as a
``Document`` like every generated letter, and it goes after ``DOCUMENT_RETENTION_DAYS`` like them. A stored PDF
would be a second plaintext copy of the same personal data for no gain: it can be made again from the .docx or
the facts in about a second and a half.

Pages and the API convert through a LibreOffice kept warm per worker (``warm_office``, ``PDF_WARM_OFFICE``); the
cold conversion above is the fallback when it cannot run.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import warm_office

DEFAULT_TIMEOUT_SECONDS = 60
PDF = "application/pdf"
NOT_A_DOCX = _l("LibreOffice konnte das Dokument nicht lesen, es ist keine gültige .docx-Datei.")


class PdfError(Exception):
    """The PDF could not be made. The message is in the page's language, safe to show: no path, no personal data."""


def binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """Whether LibreOffice is installed on this server (else only .docx can be offered)."""
    return binary() is not None


def docx_to_pdf(data: bytes, timeout: float = DEFAULT_TIMEOUT_SECONDS, warm: bool = False) -> bytes:
    """The PDF of the .docx ``data``; ``PdfError`` when LibreOffice is missing, fails or takes too long. With
    ``warm`` through the LibreOffice this worker keeps running (``warm_office``), else (or when it cannot run) in
    a LibreOffice started for this one conversion."""
    soffice = binary()
    if soffice is None:
        raise PdfError(_("PDF ist nicht möglich: LibreOffice ist auf dem Server nicht installiert."))
    if not data.startswith(b"PK\x03\x04"):  # a .docx is a zip; LibreOffice would open an empty file as a new one
        raise PdfError(str(NOT_A_DOCX))
    pdf = _warm(soffice, data, timeout) if warm else None
    if pdf is None:
        pdf = _cold(soffice, data, timeout)
    if not pdf.startswith(b"%PDF"):
        raise PdfError(_("LibreOffice hat kein gültiges PDF erzeugt."))
    return pdf


def _warm(soffice: str, data: bytes, timeout: float) -> bytes | None:
    """The PDF from the warm LibreOffice, or ``None`` when there is none to be had (then convert cold)."""
    try:
        return warm_office.office.convert(soffice, data, timeout)
    except warm_office.Unavailable:
        return None
    except warm_office.Unreadable:
        raise PdfError(str(NOT_A_DOCX)) from None
    except warm_office.Overran:
        raise PdfError(_overran(timeout)) from None


def _cold(soffice: str, data: bytes, timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="perspektive-pdf-") as work:
        work_dir = Path(work)
        source, out_dir = work_dir / "dokument.docx", work_dir / "out"
        source.write_bytes(data)
        out_dir.mkdir()
        command = [soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--invisible", "--norestore", "--nologo", "--nolockcheck", "--infilter=MS Word 2007 XML",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), str(source)]
        env = {**os.environ, "HOME": str(work_dir), "TMPDIR": str(work_dir)}
        _run(command, env, work_dir, timeout)
        result = out_dir / "dokument.pdf"
        if not result.is_file():
            raise PdfError(str(NOT_A_DOCX))
        return result.read_bytes()


def _overran(timeout: float) -> str:
    return _("Die Umwandlung in PDF hat das Zeitlimit von %(seconds)s Sekunden überschritten und wurde "
             "abgebrochen; bitte die .docx-Datei nehmen oder es später erneut versuchen.", seconds=f"{timeout:g}")


def _run(command: list[str], env: dict, cwd: Path, timeout: float) -> None:
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise PdfError(_overran(timeout)) from None
    except BaseException:  # an interrupted request must not leave a converter behind
        _kill_group(process)
        raise
    if process.returncode != 0:
        raise PdfError(_("LibreOffice ist mit Fehler %(code)s beendet worden.", code=process.returncode))


def _kill_group(process: subprocess.Popen) -> None:
    """Kill LibreOffice's process group (its own session: nothing else of ours is in it), then reap the child."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
