"""The German web face for counsellors: their clients, the facts of one client, the paths open to them, letters.

Views only parse the request, call one capability (``records``, the engine, ``letters``) and render. Everything
is escaped by Jinja's autoescape; no template marks user data ``|safe``, and no page needs JavaScript (the CSP
allows none inline anyway).
"""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import records
from ..engine import current_engine
from ..fact_labels import label_of
from ..fact_view import fact_sections
from ..facts import CaseFacts, FactsError, parse_facts
from ..letters import LETTERS, LetterError
from ..periods import de, today_in_germany
from ..rules import in_order_of_use
from .auth import role_required
from .shared import letter_download, own_client

bp = Blueprint("web", __name__)

LETTER_NAMES = {"antrag": "Antrag", "checkliste": "Checkliste"}


# --- assessment wording -----------------------------------------------------------------------------------------

@bp.app_template_filter("verdict")
def verdict_text(assessment) -> str:
    return {
        "eligible": "Offen",
        "eligible_from": f"Offen ab {de(assessment.earliest_date)}",
        "not_eligible": "Blockiert",
        "incomplete": "Unvollständig",
    }.get(assessment.verdict, assessment.verdict)


bp.add_app_template_filter(label_of, "fact_label")

# --- views ------------------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    if current_user.role == "counsellor":
        return redirect(url_for("web.clients"))
    if current_user.role == "administrator" and "admin.index" in current_app.view_functions:
        return redirect(url_for("admin.index"))
    return render_template("home.html")


def _me():
    """The logged-in user itself, not the proxy: it is stored in rows and compared in queries."""
    return current_user._get_current_object()


def _client_list_page(pasted: str = "", errors: list[dict] | None = None):
    rows = [(client, records.load_facts(client).person) for client in records.clients_of(_me())]
    return render_template("clients.html", rows=rows, pasted=pasted, errors=errors or [])


@bp.get("/clients")
@role_required("counsellor")
def clients():
    return _client_list_page()


@bp.post("/clients")
@role_required("counsellor")
def import_client():
    """Create a client from pasted facts JSON; on errors the form comes back with the text kept."""
    pasted = request.form.get("facts_json", "")
    try:
        facts = parse_facts(_parse_json(pasted))
    except FactsError as exc:
        return _client_list_page(pasted, exc.errors), 422
    client = records.create_client(facts, _me())
    flash(f"Mandant/in {client.reference} angelegt. (Client created.)", "info")
    return redirect(url_for("web.client", client_id=client.id))


def _parse_json(text: str):
    try:
        return json.loads(text)
    except ValueError as exc:
        where = f" (Zeile {exc.lineno}, Spalte {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise FactsError([{"field": "JSON", "reason": f"kein gültiges JSON{where} (invalid JSON)"}]) from None


@bp.get("/clients/<int:client_id>", endpoint="client")
@role_required("counsellor")
def client_page(client_id: int):
    client = own_client(_me(), client_id)
    facts = records.load_facts(client)
    engine = current_engine()
    engine.reload_if_changed()
    on = today_in_germany()
    assessments = in_order_of_use(engine.assess(facts, on))
    return render_template("client.html", client=client, person=facts.person, sections=fact_sections(facts),
                           assessments=assessments, notes=engine.notes(facts, assessments), on=on,
                           followups=[f for f in engine.followups(facts, on) if f.due >= on],
                           letters=[(letter, LETTER_NAMES.get(letter, letter)) for letter in LETTERS])


@bp.post("/clients/<int:client_id>/letters/<workflow_id>/<letter>", endpoint="letter")
@role_required("counsellor")
def download_letter(client_id: int, workflow_id: str, letter: str):
    """Render, keep and send a letter. POST only: generating and storing a document is a change of state."""
    client = own_client(_me(), client_id)
    if letter not in LETTERS or workflow_id not in current_engine().workflows:
        abort(404)
    try:
        return letter_download(workflow_id, records.load_facts(client), today_in_germany(), letter, _me(), client)
    except LetterError as exc:
        # A page, not a flash: flashes travel in the (unencrypted) session cookie and the reason may quote facts.
        back = url_for("web.client", client_id=client.id)
        return render_template("error.html", code=422, title="Das Schreiben konnte nicht erstellt werden "
                               "(Letter failed)", detail=str(exc), back=back), 422
