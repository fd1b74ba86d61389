"""The authority contacts' side of the case conferences, in their portal: the meetings they are invited to, and
each case's pseudonymised sheet there (as a page and as .docx). Only the contacts invited to a meeting read its
sheets; anyone else gets a 404, like a missing id (``agenda.item_for_contact`` audits it)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from perspektive.accounts import me, role_required
from perspektive.clients import NotFound
from perspektive.law import current_engine, today_in_germany

from . import agenda
from .downloads import sheet_download
from .sheet import sheet_context

bp = Blueprint("conference_portal", __name__, url_prefix="/portal/meetings", template_folder="templates")


def _readable(item_id: int):
    try:
        return agenda.item_for_contact(me(), item_id)
    except NotFound:
        abort(404)


@bp.get("/")
@role_required("authority_contact")
def index():
    invited = agenda.meetings_for_contact(me())
    rows = [(meeting, agenda.items_of(meeting), agenda.earlier_items(meeting, invited)) for meeting in invited]
    return render_template("portal_meetings.html", rows=rows, provisions=current_engine().provisions(),
                           responsible=agenda.RESPONSIBLE_NAMES)


@bp.get("/items/<int:item_id>")
@role_required("authority_contact")
def item(item_id: int):
    found, contact = _readable(item_id)
    shown = agenda.file_number_released(found, [contact], today_in_germany())
    return render_template("portal_sheet.html", item=found, sheet=sheet_context(found, shown))


@bp.get("/items/<int:item_id>.docx")
@role_required("authority_contact")
def download(item_id: int):
    found, contact = _readable(item_id)
    return sheet_download(found, agenda.file_number_released(found, [contact], today_in_germany()))
