"""The counsellors' pages for case conferences: the meetings, putting a case on the agenda, the sheet to
download, and what was agreed after the meeting. A counsellor sees and changes only the items of their own
clients; another's is a 404, like a missing one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from perspektive.accounts import me, role_required
from perspektive.clients import NotFound, case_for, own_client
from perspektive.law import current_engine, today_in_germany
from perspektive.referrals.models import AuthorityContact
from perspektive.typed import parse_day

from . import agenda
from .downloads import sheet_download
from .models import Meeting

bp = Blueprint("conferences", __name__, url_prefix="/conferences", template_folder="templates")


def _own_item(item_id: int):
    try:
        return agenda.item_for_counsellor(me(), item_id)
    except NotFound:
        abort(404)


def _day(text: str):
    try:
        return parse_day(text or "")
    except ValueError:
        return None


@bp.get("/")
@role_required("counsellor")
def index():
    contacts = list(AuthorityContact.select().where(AuthorityContact.active == True)  # noqa: E712
                    .order_by(AuthorityContact.name))
    return render_template("conferences.html", meetings=agenda.meetings(), contacts=contacts,
                           today=today_in_germany())


@bp.post("/meetings")
@role_required("counsellor")
def create_meeting():
    day = _day(request.form.get("held_on", ""))
    ids = [int(i) for i in request.form.getlist("contacts") if i.isdigit()]
    contacts = list(AuthorityContact.select().where(AuthorityContact.id.in_(ids))) if ids else []
    if day is None or day < today_in_germany():
        flash(_("Bitte einen Tag des Treffens angeben, der nicht in der Vergangenheit liegt."), "error")
        return redirect(url_for("conferences.index"))
    try:
        meeting = agenda.create_meeting(day, contacts, me(), request.form.get("title", ""))
    except agenda.AgendaError as error:
        flash(str(error), "error")
        return redirect(url_for("conferences.index"))
    return redirect(url_for("conferences.meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>")
@role_required("counsellor")
def meeting(meeting_id: int):
    found = Meeting.get_or_none(Meeting.id == meeting_id) or abort(404)
    return render_template("meeting.html", meeting=found, items=agenda.items_of(found, me()),
                           earlier=agenda.earlier_items(found), invited=agenda.invited(found),
                           provisions=current_engine().provisions(), responsible=agenda.RESPONSIBLE_NAMES)


@bp.route("/clients/<int:client_id>/cases/<int:case_id>/agenda", methods=["GET", "POST"])
@role_required("counsellor")
def put_on_agenda(client_id: int, case_id: int):
    client = own_client(me(), client_id)
    try:
        case = case_for(client, case_id)
    except NotFound:
        abort(404)
    coming = agenda.upcoming()
    error, question = None, request.form.get("question", "")
    if request.method == "POST":
        chosen = next((m for m in coming if str(m.id) == request.form.get("meeting")), None)
        try:
            item = agenda.put_on_agenda(client, case, question, me(), chosen)
        except agenda.AgendaError as refused:
            error = str(refused)
        else:
            flash(_("Fall %(number)s steht auf der Tagesordnung.", number=item.number), "info")
            return redirect(url_for("conferences.meeting", meeting_id=item.meeting_id))
    provision = current_engine().provisions().get(case.workflow, case.workflow)
    return render_template("put_on_agenda.html", client=client, case=case, provision=provision, meetings=coming,
                           error=error, question=question), (422 if error else 200)


@bp.get("/items/<int:item_id>/sheet.docx")
@role_required("counsellor")
def sheet(item_id: int):
    item = _own_item(item_id)
    invited = agenda.invited(item.meeting)
    return sheet_download(item, agenda.file_number_released(item, invited, today_in_germany()))


@bp.post("/items/<int:item_id>/outcome")
@role_required("counsellor")
def outcome(item_id: int):
    item = _own_item(item_id)
    due_text = request.form.get("due_on", "").strip()
    due = _day(due_text) if due_text else None
    try:
        if due_text and due is None:
            raise agenda.AgendaError(_("Bitte ein gültiges Datum angeben, z. B. 21.11.2026."))
        agenda.record_outcome(item, me(), view=request.form.get("view", ""),
                              recommendation=request.form.get("recommendation", ""),
                              next_steps=request.form.get("next_steps", ""),
                              responsible=request.form.get("responsible", ""), due_on=due)
    except agenda.AgendaError as error:
        flash(str(error), "error")
    else:
        flash(_("Ergebnis der Besprechung von %(number)s gespeichert.", number=item.number), "info")
    return redirect(url_for("conferences.meeting", meeting_id=item.meeting_id) + f"#item-{item.id}")


@bp.post("/items/<int:item_id>/followed")
@role_required("counsellor")
def followed(item_id: int):
    item = _own_item(item_id)
    value = {"yes": True, "no": False}.get(request.form.get("followed", ""))
    try:
        agenda.set_followed(item, value, me())
    except agenda.AgendaError as error:
        flash(str(error), "error")
    return redirect(url_for("conferences.meeting", meeting_id=item.meeting_id) + f"#item-{item.id}")
