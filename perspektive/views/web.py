"""The German web face for counsellors: their clients, the facts of one client, the paths open to them, letters.

Views only parse the request, call one capability (``records``, the engine, ``letters``) and render. Everything
is escaped by Jinja's autoescape; no template marks user data ``|safe``, and no page needs JavaScript (the CSP
allows none inline anyway).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import records
from ..engine import current_engine
from ..fact_labels import VALUE_LABELS, label_of
from ..facts import CaseFacts, FactsError, parse_facts
from ..letters import LETTERS, LetterError
from ..periods import de, today_in_germany
from .auth import role_required
from .shared import letter_download, own_client

bp = Blueprint("web", __name__)

LETTER_NAMES = {"antrag": "Antrag", "checkliste": "Checkliste"}


# --- facts as the client page shows them ------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """A list fact (``status_history`` ...) shown as a table: (heading, attribute) per column. In the ``to``
    column an empty value means "still running", not "unknown"."""

    path: str
    columns: tuple[tuple[str, str], ...]

    def cells(self, row) -> list[str]:
        return [show(getattr(row, attr)) if attr != "to" or row.to else "laufend" for _, attr in self.columns]


SECTIONS: tuple[tuple[str, tuple[str | Table, ...]], ...] = (
    ("Person", ("person.given_name", "person.family_name", "person.date_of_birth", "person.gender",
                "person.nationality", "person.language", "person.address", "person.abh_file_number")),
    ("Aufenthalt & Status-Verlauf", (
        "entry_date",
        Table("status_history", (("Status", "status"), ("von", "from_"), ("bis", "to"))),
        "asylum_rejected_manifestly_unfounded", "expulsion_order", "concrete_removal_measures",
        "departure_impossible.impossible", "departure_impossible.end_foreseeable",
        "departure_impossible.own_fault")),
    ("Identität", ("identity.clarified_on", "identity.passport_valid_until", "identity.reasonable_measures_taken",
                   "identity.measures_taken_on", "own_identity_deception", "obstructs_removal")),
    ("Sprache & Integration", (
        "german.oral", "german.written", "basic_knowledge_of_order", "fdgo_declaration",
        "integration_prognosis_positive", "integration_course_obliged", "integration_course_completed",
        "school.successful_years_in_germany", "school.qualification_in_germany", "in_education")),
    ("Arbeit & Lebensunterhalt", (
        Table("employment", (("von", "from_"), ("bis", "to"), ("Stunden/Woche", "hours_per_week"),
                             ("sozialversicherungspflichtig", "socially_insured"),
                             ("entspricht der Qualifikation", "matches_qualification"))),
        "employment_ban_60a_6", "livelihood.secured", "livelihood.predominantly_secured",
        "livelihood.positive_prognosis", "livelihood.monthly_means_eur", "training.kind", "training.start_date",
        "training.end_date", "training.registration_applied", "training.school_based",
        "training.started_during_asylum", "training.completed_on", "housing_sufficient",
        "prevented_by_illness_disability_or_age")),
    ("Familie", (
        "household.spouse_or_partner", "household.lives_with_parents",
        Table("household.minor_children", (("Geburtsdatum", "date_of_birth"),
                                           ("Schulbesuch nachgewiesen", "school_attendance_proven"))))),
    ("Verurteilungen", (
        Table("convictions", (("Datum", "date"), ("vorsätzlich", "intentional"),
                              ("nur ausländerrechtliche Straftat", "foreigner_only_offence"),
                              ("Tagessätze", "fine_daily_rates"), ("Freiheitsstrafe (Monate)", "prison_months"),
                              ("zur Bewährung", "suspended"), ("Jugendstrafe", "youth_custody"),
                              ("andere jugendrechtliche Sanktion", "juvenile_sanction"))),
        "extremism_indications")),
)


def show(value) -> str:
    """A fact as a counsellor reads it; ``None`` is "unbekannt", which is not "nein"."""
    if value is None:
        return "unbekannt"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.date):
        return de(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return str(value)


def _get(facts: CaseFacts, path: str):
    value = facts
    for part in path.split("."):
        value = getattr(value, part)
    return value


def fact_sections(facts: CaseFacts) -> list[dict]:
    """The facts grouped for the client page: each item is a row (label, value) or a table."""
    sections = []
    for title, items in SECTIONS:
        entries = []
        for item in items:
            if isinstance(item, Table):
                rows = _get(facts, item.path)
                entries.append({"label": label_of(item.path), "headings": [h for h, _ in item.columns],
                                "rows": None if rows is None else [item.cells(row) for row in rows]})
            else:
                value = _get(facts, item)
                entries.append({"label": label_of(item), "value": show(value), "known": value is not None})
        sections.append({"title": title, "entries": entries})
    return sections


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

_VERDICT_ORDER = {"eligible": 0, "eligible_from": 1, "incomplete": 2, "not_eligible": 3}


def in_order_of_use(assessments) -> list:
    """Open paths first, then those that open later (soonest first), then the undecided, then the blocked."""
    return sorted(assessments, key=lambda a: (_VERDICT_ORDER.get(a.verdict, 4), a.earliest_date or dt.date.min))


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
