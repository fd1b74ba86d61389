"""A letter as an HTTP download (.docx or PDF), kept as a document of its client: the client page, the case page
and the API share these."""
from __future__ import annotations

import datetime as dt
from io import BytesIO

from flask import current_app, send_file

from perspektive.clients.models import Case
from perspektive.law import CaseFacts

from . import pdf
from .letters import file_reference, letter_filename, render_letter
from .store import store_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def case_of(client, workflow_id: str, case=None):
    """The case whose ticked items the letter lists: ``case``, else the client's newest case on this path."""
    if case is not None or client is None:
        return case
    return (Case.select().where((Case.client == client) & (Case.workflow == workflow_id))
            .order_by(Case.id.desc()).first())


def letter_download(workflow_id: str, facts: CaseFacts, on: dt.date, letter: str, user, client=None, case=None):
    """The .docx as a download; kept as a Document of ``client`` when there is one."""
    data = render_letter(workflow_id, facts, on, letter, counsellor=user, case=case_of(client, workflow_id, case))
    if client is not None:
        store_document(client, workflow_id, letter, data, user)
    response = send_file(BytesIO(data), mimetype=DOCX, as_attachment=True,
                         download_name=letter_filename(workflow_id, letter, on, _reference(facts, client)), max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_download(workflow_id: str, facts: CaseFacts, on: dt.date, letter: str, user, client, case=None):
    """The letter as PDF (LibreOffice, ``pdf``); only its .docx is kept, as for a .docx download."""
    data = render_letter(workflow_id, facts, on, letter, counsellor=user, case=case_of(client, workflow_id, case))
    timeout = current_app.config.get("PDF_TIMEOUT_SECONDS", pdf.DEFAULT_TIMEOUT_SECONDS)
    converted = pdf.docx_to_pdf(data, timeout=timeout, warm=current_app.config.get("PDF_WARM_OFFICE", True))
    store_document(client, workflow_id, letter, data, user)
    name = letter_filename(workflow_id, letter, on, _reference(facts, client)).removesuffix(".docx") + ".pdf"
    response = send_file(BytesIO(converted), mimetype=pdf.PDF, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _reference(facts: CaseFacts, client) -> str:
    """What a download is named after (``letters.file_reference``); without a client, the file number alone."""
    return file_reference(facts.person.abh_file_number, client.reference if client is not None else "")
