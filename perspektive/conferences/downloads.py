"""The agenda sheet as a download: rendered on request, never stored (it is derived from the sealed facts)."""
from __future__ import annotations

from io import BytesIO

from flask import send_file

from perspektive import audit
from perspektive.accounts import me

from .sheet import render_sheet, sheet_context

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sheet_download(item, show_file_number: bool):
    data = render_sheet(sheet_context(item, show_file_number))
    audit.record(me(), "agenda.sheet", "agenda_item", item.id, item.number)
    response = send_file(BytesIO(data), mimetype=DOCX, as_attachment=True, max_age=0,
                         download_name=f"fallbesprechung-{item.number}.docx")
    response.headers["Cache-Control"] = "no-store"
    return response
