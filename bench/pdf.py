"""PDF in ``make bench`` (also ``python -m bench.pdf``): a letter converted through the warm LibreOffice
(``documents.warm_office``) vs a cold ``soffice --convert-to`` of the same .docx, as ``documents.pdf`` did it for
every PDF before. Goal: warm under a quarter of cold. The warm LibreOffice's first start is timed on its own."""
from __future__ import annotations

import io
import statistics
import time

from docx import Document

from perspektive.documents import pdf, warm_office

REPEAT = 7
GOAL = 0.25


def _letter() -> bytes:
    document = Document()
    document.add_heading("Antrag auf Erteilung einer Aufenthaltserlaubnis nach § 25b AufenthG", 1)
    for number in range(40):
        document.add_paragraph(f"Absatz {number + 1}: Frau Beispiel lebt seit dem 01.06.2018 in Dresden, "
                               "arbeitet sozialversicherungspflichtig und spricht Deutsch auf dem Niveau B1.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_rows() -> None:
    if not pdf.available():
        print("pdf: LibreOffice (soffice) is not installed: no figures")
        return
    data = _letter()
    warm_office.office.stop()
    begin = time.perf_counter()
    pdf.docx_to_pdf(data, warm=True)
    first = time.perf_counter() - begin
    if warm_office.office.pid is None:
        print("pdf: no warm LibreOffice (the system's python3 has no uno: apt-get install python3-uno)")
        return
    warm, cold = [], []
    for _ in range(REPEAT):  # interleaved, so that both meet the same load on a noisy machine
        begin = time.perf_counter()
        pdf.docx_to_pdf(data, warm=True)
        warm.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        pdf.docx_to_pdf(data)
        cold.append(time.perf_counter() - begin)
    warm_office.office.stop()
    w, c = statistics.median(warm), statistics.median(cold)
    print(f"{'PDF, warm LibreOffice':<34} {w * 1e3:9.1f} ms ({min(warm) * 1e3:.0f}–{max(warm) * 1e3:.0f})   "
          f"{'cold soffice --convert-to':<30} {c * 1e3:9.1f} ms   ratio {w / c:5.2f} "
          f"({'met' if w / c < GOAL else 'MISSED'}: goal < {GOAL})")
    print(f"  (the warm LibreOffice's own start, paid by the first PDF of a worker: {first * 1e3:.0f} ms)")


if __name__ == "__main__":
    pdf_rows()
