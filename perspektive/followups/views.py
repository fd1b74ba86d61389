"""The counsellor's follow-ups: what is overdue, due this week, this month and later; one follow-up in detail;
marking it done, dismissing it (with a reason) or opening it again.

A counsellor sees the follow-ups of their own clients only; someone else's is a 404, like a missing one
(``records.record_for`` audits the attempt). The team table shows counts per counsellor, no clients.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from perspektive.accounts import me, role_required
from perspektive.clients import NotFound
from perspektive.law import current_engine, de, today_in_germany

from . import records
from .records import GROUPS, STATE_NAMES, FollowUpError
from .tasks import schedule

bp = Blueprint("followups", __name__, template_folder="templates")

DONE_MESSAGES = {"done": _l("Frist erledigt."), "dismissed": _l("Frist verworfen."),
                 "open": _l("Frist wieder offen.")}


def _own(record_id: int):
    try:
        return records.record_for(me(), record_id)
    except NotFound:
        abort(404)


def _span(start, end) -> str:
    if start is None:
        return f"bis {de(end)}"
    if end is None:
        return f"ab {de(start)}"
    return f"{de(start)} – {de(end)}"


@bp.get("/followups")
@role_required("counsellor")
def index():
    today = today_in_germany()
    rows = {name: [] for name, _title in GROUPS}
    for record in records.of_counsellor(me()):  # joined with the client: no query per row
        rows[records.bucket_of(record.due, today)].append(record)
    spans = records.buckets(today)
    groups = [{"name": name, "title": title, "span": _span(*spans[name]), "rows": rows[name]}
              for name, title in GROUPS]
    return render_template("followups.html", groups=groups, team=records.team_counts(today),
                           followup_groups=GROUPS, today=today, provisions=current_engine().provisions())


@bp.get("/followups/<int:record_id>", endpoint="detail")
@role_required("counsellor")
def detail(record_id: int):
    return _detail_page(_own(record_id))


def _detail_page(record, form: dict | None = None, error: str | None = None):
    reminder_days = records.reminder_days(record.due, records.days_before(record))
    return render_template("followup.html", record=record, provisions=current_engine().provisions(), state_names=STATE_NAMES,
                           state_by=record.state_by.display_name if record.state_by_id else "System",
                           reminder_days=reminder_days, form=form or {"state": "", "note": ""}, error=error)


@bp.post("/followups/<int:record_id>/state", endpoint="set_state")
@role_required("counsellor")
def set_state(record_id: int):
    record = _own(record_id)
    form = {"state": request.form.get("state", ""), "note": request.form.get("note", "")[:500]}
    if form["state"] not in STATE_NAMES:
        abort(400)
    try:
        to_schedule = records.set_state(record, form["state"], me(), form["note"])
    except FollowUpError as exc:
        # A page, not a flash: flashes travel in the (unencrypted) session cookie and the note is free text.
        return _detail_page(record, form, str(exc)), 422
    schedule(to_schedule)
    flash(str(DONE_MESSAGES[form["state"]]), "info")
    return redirect(url_for("followups.detail", record_id=record.id))
