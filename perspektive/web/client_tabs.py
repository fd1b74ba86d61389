"""The client's pages: a short overview and one tab per kind of work, each a route and a template.

The overview (``client.html``) answers "where do we stand": the person, one line per path (verdict, the day it
opens, a link to its details), the next deadlines and the open cases. Everything else has its own page, so that
no page grows with the client's history beyond a few screens: the facts one group at a time, the paths with their
criteria and letters, all deadlines with the closed ones, the consultations, and consents and referrals.

A new tab is a route here (or in the capability it belongs to), a template extending ``client_base.html`` and an
entry in ``TABS``. Each tab costs a fixed handful of queries however long the client's history: every list on it
is one query, and rows never fetch what they refer to one by one.
"""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from perspektive import plans, referrals
from perspektive.accounts import me, role_required
from perspektive.clients import (
    CASE_STATE_NAMES,
    CLOSED_CASE_STATES,
    CONSULTATION_ATTENDEE_NAMES,
    CONSULTATION_KINDS,
    blank_consultation_form,
    cases_of,
    consultations_of,
    country_name,
    fact_sections,
    language_name,
    load_facts,
    own_client,
    status_timeline,
)
from perspektive.clients.models import CASE_STATES
from perspektive.db import utcnow
from perspektive.documents import LETTERS, summary_categories
from perspektive.followups import followups_of
from perspektive.law import (
    LETTER_NAMES,
    current_engine,
    in_order_of_use,
    perspectives,
    today_in_germany,
)
from perspektive.referrals import (
    DOCUMENT_NAMES,
    consents_of,
    contacts_for_workflow,
    key_problem,
    referrals_of,
    responsible_for,
)

from .pages import bp

# (tab id, endpoint, title): the order of the tab bar on every client page.
TABS = (
    ("overview", "web.client", _l("Überblick")),
    ("facts", "web.client_facts", _l("Fakten")),
    ("paths", "web.client_paths", _l("Wege und Schreiben")),
    ("deadlines", "web.client_deadlines", _l("Fristen")),
    ("consultations", "web.client_consultations", _l("Beratungen")),
    ("referrals", "web.client_referrals", _l("Übermittlung")),
)
NEXT_DEADLINES = 5  # on the overview; the deadlines tab has them all
# The case summary is sent only when chosen (data minimisation): by default the letter and the checklist.
DEFAULT_REFERRAL_DOCUMENTS = ("letter", "checklist")


@bp.get("/clients/<int:client_id>", endpoint="client")
@role_required("counsellor")
def overview(client_id: int):
    return render_tab(own_client(me(), client_id), "overview")


@bp.get("/clients/<int:client_id>/fakten", endpoint="client_facts")
@bp.get("/clients/<int:client_id>/fakten/<group>", endpoint="client_facts")
@role_required("counsellor")
def facts_tab(client_id: int, group: str | None = None):
    return render_tab(own_client(me(), client_id), "facts", group=group)


@bp.get("/clients/<int:client_id>/wege", endpoint="client_paths")
@role_required("counsellor")
def paths_tab(client_id: int):
    return render_tab(own_client(me(), client_id), "paths")


@bp.get("/clients/<int:client_id>/wege/<workflow_id>", endpoint="client_path")
@role_required("counsellor")
def path_page(client_id: int, workflow_id: str):
    return render_tab(own_client(me(), client_id), "paths", workflow=workflow_id)


@bp.get("/clients/<int:client_id>/fristen", endpoint="client_deadlines")
@role_required("counsellor")
def deadlines_tab(client_id: int):
    return render_tab(own_client(me(), client_id), "deadlines")


@bp.get("/clients/<int:client_id>/beratungen", endpoint="client_consultations")
@role_required("counsellor")
def consultations_tab(client_id: int):
    return render_tab(own_client(me(), client_id), "consultations")


@bp.get("/clients/<int:client_id>/uebermittlung", endpoint="client_referrals")
@role_required("counsellor")
def referrals_tab(client_id: int):
    return render_tab(own_client(me(), client_id), "referrals")


def render_tab(client, tab: str, *, group: str | None = None, workflow: str | None = None, **state) -> str:
    """One of the client's pages; ``state`` carries a refused form's values and reasons back to its tab."""
    facts = load_facts(client)
    engine = current_engine()
    on = today_in_germany()
    # Only the overview, the paths and the referrals show the Perspektiven: the other tabs do not assess at all.
    assessments = in_order_of_use(engine.assess(facts, on)) if tab in ("overview", "paths", "referrals") else []
    context = {"client": client, "person": facts.person, "age": facts.age_on(on), "on": on, "tab": tab,
               "tabs": TABS, "provisions": engine.provisions(),
               "country": country_name(facts.person.nationality), "language": language_name(facts.person.language)}
    if tab == "overview":
        followups = _followup_section(client)
        planned = plans.plans_of(client)  # "what if": the earliest day per path with the planned events
        context["whatif"] = {"plans": planned, "paths": perspectives(engine, facts, planned, on) if planned else []}
        context.update(assessments=assessments, notes=engine.notes(facts, assessments),
                       next_followups=followups["open"][:NEXT_DEADLINES], more_followups=len(followups["open"]),
                       cases=_case_section(client, assessments), case_error=state.get("case_error"))
        return render_template("client.html", **context)
    if tab == "facts":
        sections = fact_sections(facts, word=_)
        chosen = next((s for s in sections if s["id"] == group), None) if group else sections[0]
        if chosen is None:
            abort(404)
        return render_template("client_facts.html", sections=sections, section=chosen,
                               timeline=status_timeline(facts, on, word=_), **context)
    if tab == "paths":
        letters = [(letter, LETTER_NAMES.get(letter, letter)) for letter in LETTERS]
        if workflow is not None:
            chosen = next((a for a in assessments if a.workflow == workflow), None)
            if chosen is None:
                abort(404)
            return render_template("client_path.html", a=chosen, letters=letters, **context)
        return render_template("client_paths.html", assessments=assessments, letters=letters, **context)
    if tab == "deadlines":
        return render_template("client_deadlines.html", followups=_followup_section(client), **context)
    if tab == "consultations":
        consulted = consultations_of(client)
        context["consultations"] = {"rows": consulted, "kinds": CONSULTATION_KINDS,
                                    "attendees": CONSULTATION_ATTENDEE_NAMES,
                                    "form": state.get("consultation_form") or blank_consultation_form(on, consulted),
                                    "errors": state.get("consultation_errors") or {}}
        return render_template("client_consultations.html", **context)
    if tab == "referrals":
        referral = _referral_section(client, assessments, on, state.get("consent_form"), state.get("referral_form"))
        return render_template("client_referrals.html", assessments=assessments, referral=referral,
                               consent_error=state.get("consent_error"),
                               referral_error=state.get("referral_error"), **context)
    raise LookupError(tab)


def _followup_section(client) -> dict:
    """The client's stored follow-ups in one query: the open ones, soonest first, and those done or dropped, so
    that a deadline that disappeared still says why."""
    rows = list(followups_of(client))
    return {"open": [r for r in rows if r.state == "open"], "closed": [r for r in rows if r.state != "open"]}


def _case_section(client, assessments) -> dict:
    """The client's cases, newest first (the running ones above), and the paths a new case can be opened for."""
    rows = cases_of(client)
    running = {c.workflow for c in rows if c.status not in CLOSED_CASE_STATES}
    return {"rows": rows, "open_rows": [c for c in rows if c.status not in CLOSED_CASE_STATES],
            "closed_rows": [c for c in rows if c.status in CLOSED_CASE_STATES],
            "openable": [a for a in assessments if a.workflow not in running],
            "states": CASE_STATE_NAMES, "closed_states": CLOSED_CASE_STATES, "choices": CASE_STATES}


def _referral_section(client, assessments, on: dt.date, consent_form: dict | None,
                      referral_form: dict | None) -> dict:
    """What the referral tab shows: consents, the two forms (defaults or the values sent), referrals."""
    workflows = [a.workflow for a in assessments]
    if referral_form is None:
        asked = request.args.get("workflow", "")
        referral_form = {"workflow": asked if asked in workflows else (workflows[0] if workflows else ""),
                         "contact": "", "documents": list(DEFAULT_REFERRAL_DOCUMENTS), "note": ""}
    warn_until = utcnow() + dt.timedelta(days=current_app.config["KEY_EXPIRY_WARNING_DAYS"])
    choices = []
    for contact in contacts_for_workflow(referral_form["workflow"] or None):
        expiry = contact.key_expires_at
        choices.append({"contact": contact, "problem": key_problem(contact),
                        "responsible": responsible_for(contact),
                        "expires_soon": expiry if expiry is not None and expiry <= warn_until else None})
    if not referral_form["contact"]:  # propose the first contact responsible for the path who can receive
        workflow = referral_form["workflow"]
        proposed = next((c for c in choices if not c["problem"] and workflow in c["responsible"]), None)
        referral_form = {**referral_form, "contact": str(proposed["contact"].id) if proposed else ""}
    return {
        "consents": list(consents_of(client)),
        "consent_contacts": sorted((c["contact"] for c in choices), key=lambda contact: contact.name),
        "consent_form": consent_form or {"given_on": on.isoformat(), "contact": "",
                                         "documents": list(DEFAULT_REFERRAL_DOCUMENTS), "categories": []},
        "categories": summary_categories(),
        "category_names": referrals.category_names,
        "choices": choices,
        "referral_form": referral_form,
        "referrals": referrals_of(client),
        "document_names": DOCUMENT_NAMES,
        "provisions": current_engine().provisions(),
    }
