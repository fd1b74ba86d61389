"""What the HTTP faces share: the signed-in user, a foreign client, and a letter download."""
from __future__ import annotations

import datetime as dt
from io import BytesIO

from flask import abort, send_file
from flask_login import current_user

from .. import records
from ..facts import CaseFacts
from ..letters import letter_filename, render_letter

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def me():
    """The logged-in user itself, not the proxy: it is stored in rows and compared in queries."""
    return current_user._get_current_object()


def own_client(user, client_id):
    """``user``'s client; anyone else's is a plain 404, as a missing one is (``records`` audits the attempt)."""
    try:
        return records.client_for(user, client_id)
    except records.NotFound:
        abort(404)


def letter_download(workflow_id: str, facts: CaseFacts, on: dt.date, letter: str, user, client=None):
    """The .docx as a download; kept as a Document of ``client`` when there is one."""
    data = render_letter(workflow_id, facts, on, letter, counsellor=user)
    if client is not None:
        records.store_document(client, workflow_id, letter, data, user)
    response = send_file(BytesIO(data), mimetype=DOCX, as_attachment=True,
                         download_name=letter_filename(workflow_id, letter, on), max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
