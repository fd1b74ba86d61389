"""The case page: a counsellor's workplace for one chosen path of one client.

What the path says today (verdict and explanation), the checklist with what was received, noted and when each
document expires, the letters as .docx and PDF, the case's follow-ups and its referrals. Every change is a small
POST form that works without JavaScript and comes back to the item it changed; a refused value re-renders the page
with status 422, the value as typed and the reason next to the field (never a flash: flashes travel in the
readable session cookie). Another counsellor's case is a 404, like a missing one.

The page costs a fixed number of queries, whatever the number of items, follow-ups or referrals: the client, the
case, the checklist rows, the follow-ups, and the referrals joined with their contact.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from perspektive.accounts import me, role_required
from perspektive.clients import (
    CASE_STATE_NAMES,
    CLOSED_CASE_STATES,
    NotFound,
    case_for,
    load_facts,
    own_client,
)
from perspektive.clients.models import CASE_STATES
from perspektive.documents import (
    LETTERS,
    ChecklistError,
    LetterError,
    PdfError,
    UnknownItem,
    checklist_anchor,
    checklist_of,
    letter_download,
    pdf_available,
    pdf_download,
    set_item_done,
    set_item_expiry,
    set_item_note,
    unargued_requirements,
)
from perspektive.followups import followups_of
from perspektive.law import LETTER_NAMES, UnknownWorkflow, current_engine, today_in_germany
from perspektive.referrals import referrals_of
from perspektive.statistics import (
    OUTCOME_NAMES,
    REFUSAL_NAMES,
    OutcomeError,
    form_of,
    outcome_of,
    record_outcome,
)

bp = Blueprint("cases", __name__)

# The form field of each change, as the checklist module names it in a ChecklistError.
FIELDS = {"done": "done", "note": "note", "expiry": "expires_on"}


def _own_case(client_id: int, case_id: int):
    client = own_client(me(), client_id)
    try:
        return client, case_for(client, case_id)
    except NotFound:
        abort(404)


def _page(client, case, *, refused: dict | None = None, letter_error: str | None = None,
          outcome_form: dict | None = None, outcome_errors: dict | None = None):
    """The case page; ``refused`` is a checklist value sent and refused: item, field, value as typed, message."""
    engine = current_engine()
    on = today_in_germany()
    facts = load_facts(client)
    try:
        workflow = engine.workflow(case.workflow)
        [assessment] = engine.assess(facts, on, case.workflow)
    except UnknownWorkflow:
        workflow = assessment = None
    letters = [(letter, LETTER_NAMES.get(letter, letter)) for letter in (workflow.letters if workflow else ())]
    return render_template(
        "case.html", client=client, case=case, person=facts.person, on=on, workflow=workflow,
        provision=workflow.provision if workflow else case.workflow, assessment=assessment,
        items=checklist_of(case, facts, assessment, on), refused=refused or {},
        letters=letters, letter_error=letter_error, pdf_available=pdf_available(),
        # What the Antrag leaves out because it is not met or not known: the counsellor is told before downloading.
        unargued=unargued_requirements(workflow, assessment) if "antrag" in dict(letters) else [],
        followups=list(followups_of(client, case.workflow)),
        referrals=referrals_of(client, case.workflow), provisions=engine.provisions(),
        states=CASE_STATE_NAMES, choices=CASE_STATES, closed=case.status in CLOSED_CASE_STATES,
        outcome=outcome_form or form_of(outcome_of(case)), outcome_errors=outcome_errors or {},
        outcome_names=OUTCOME_NAMES, refusal_names=REFUSAL_NAMES)


@bp.get("/clients/<int:client_id>/cases/<int:case_id>", endpoint="page")
@role_required("counsellor")
def case_page(client_id: int, case_id: int):
    return _page(*_own_case(client_id, case_id))


@bp.post("/clients/<int:client_id>/cases/<int:case_id>/checklist/<any(done, note, expiry):field>", endpoint="item")
@role_required("counsellor")
def change_item(client_id: int, case_id: int, field: str):
    """Tick off or untick an item, or set its note or expiry day; back to the item, or 422 with the value kept.
    The item's id comes in the form, not the path (``perspektive.checklists``: it may hold a date of the person)."""
    client, case = _own_case(client_id, case_id)
    item, value = request.form.get("item", ""), request.form.get(FIELDS[field], "")
    try:
        if field == "done":
            set_item_done(case, item, request.form.get("done") == "1", me())
        elif field == "note":
            set_item_note(case, item, value, me())
        else:
            set_item_expiry(case, item, value, me())
    except UnknownItem:
        abort(404)
    except ChecklistError as exc:
        refused = {"item": item, "field": exc.field, "value": value, "message": str(exc)}
        return _page(client, case, refused=refused), 422
    return redirect(url_for("cases.page", client_id=client.id, case_id=case.id, _anchor=checklist_anchor(item)))


@bp.post("/clients/<int:client_id>/cases/<int:case_id>/letters/<letter>/<any(docx, pdf):kind>", endpoint="letter")
@role_required("counsellor")
def download_letter(client_id: int, case_id: int, letter: str, kind: str):
    """The letter as .docx (kept as a Document) or as PDF (see ``perspektive.pdf``: only its .docx is kept).
    POST: generating and storing a document is a change of state."""
    client, case = _own_case(client_id, case_id)
    if letter not in LETTERS or case.workflow not in current_engine().workflows:
        abort(404)
    facts, on = load_facts(client), today_in_germany()
    try:
        if kind == "docx":
            return letter_download(case.workflow, facts, on, letter, me(), client, case)
        return pdf_download(case.workflow, facts, on, letter, me(), client, case)
    except (LetterError, PdfError) as exc:
        return _page(client, case, letter_error=str(exc)), 422


@bp.post("/clients/<int:client_id>/cases/<int:case_id>/outcome", endpoint="outcome")
@role_required("counsellor")
def save_outcome(client_id: int, case_id: int):
    """The case's outcome (filed, decided, permit, refusal reasons); 422 with every value kept and the reasons
    next to the fields."""
    client, case = _own_case(client_id, case_id)
    form = {key: request.form.get(key, "") for key in
            ("outcome", "filed_on", "decided_on", "permit_provision", "permit_valid_until")}
    form["reasons"] = request.form.getlist("reasons")
    try:
        record_outcome(case, form, me(), current_engine().provisions())
    except OutcomeError as exc:
        return _page(client, case, outcome_form=form, outcome_errors=exc.errors), 422
    return redirect(url_for("cases.page", client_id=client.id, case_id=case.id, _anchor="ergebnis"))
