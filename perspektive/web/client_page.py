"""The page of one client: the person and the paths open to her or him (Perspektiven), cases, follow-ups as
stored with moved and dropped ones and the reason, consultations, the release from confidentiality and referrals
to the Ausländerbehörde, the facts by group with the stay as a timeline; the facts as JSON for experts, and
letters. The grouped facts forms and the form for a new client are the clients' own (``clients.views``).

The client page is read between two appointments, so it costs a fixed handful of queries however long the
client's history: every list on it is one query, and rows never fetch what they refer to one by one.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from perspektive import clients, plans, referrals
from perspektive.accounts import me, role_required
from perspektive.clients import (
    CASE_STATE_NAMES,
    CLOSED_CASE_STATES,
    CONSULTATION_ATTENDEE_NAMES,
    CONSULTATION_KINDS,
    CaseError,
    ConsultationError,
    NotFound,
    blank_consultation_form,
    case_for,
    cases_of,
    consultations_of,
    export_facts,
    fact_sections,
    load_facts,
    own_client,
    set_case_status,
    status_timeline,
)
from perspektive.clients.models import CASE_STATES
from perspektive.db import utcnow
from perspektive.documents import (
    LETTERS,
    LetterError,
    letter_download,
    summary_categories,
)
from perspektive.followups import followups_of
from perspektive.law import (
    COUNTRY_NAMES,
    LANGUAGE_NAMES,
    LETTER_NAMES,
    FactsError,
    current_engine,
    in_order_of_use,
    parse_facts,
    perspectives,
    today_in_germany,
)
from perspektive.referrals import (
    DOCUMENT_NAMES,
    ConsentError,
    ReferralError,
    consents_of,
    contacts_for_workflow,
    key_problem,
    queue_referral,
    referrals_of,
    responsible_for,
)
from perspektive.referrals.models import AuthorityContact, Consent
from perspektive.typed import parse_day

from .client_list import _parse_json
from .pages import bp


@bp.get("/clients/<int:client_id>", endpoint="client")
@role_required("counsellor")
def client_page(client_id: int):
    return _client_page(own_client(me(), client_id))


def _client_page(client, *, consent_form: dict | None = None, consent_error: str | None = None,
                 referral_form: dict | None = None, referral_error: str | None = None,
                 case_error: str | None = None, consultation_form: dict | None = None,
                 consultation_errors: dict | None = None) -> str:
    """The client page; after a refused form, with that form's values and the reason."""
    facts = load_facts(client)
    engine = current_engine()
    on = today_in_germany()
    assessments = in_order_of_use(engine.assess(facts, on))
    provisions = engine.provisions()
    planned = plans.plans_of(client)
    whatif = {"plans": planned, "paths": perspectives(engine, facts, planned, on) if planned else []}
    consulted = consultations_of(client)
    return render_template("client.html", client=client, person=facts.person, age=facts.age_on(on),
                           country=COUNTRY_NAMES.get(facts.person.nationality or "", facts.person.nationality),
                           language=LANGUAGE_NAMES.get(facts.person.language or "", facts.person.language),
                           sections=[{**s, "title": _(s["title"])} for s in fact_sections(facts)],
                           timeline=status_timeline(facts, on),
                           assessments=assessments, notes=engine.notes(facts, assessments), on=on,
                           whatif=whatif,
                           followups=_followup_section(client), provisions=provisions,
                           cases=_case_section(client, assessments), case_error=case_error,
                           consultations={"rows": consulted, "kinds": CONSULTATION_KINDS,
                                          "attendees": CONSULTATION_ATTENDEE_NAMES,
                                          "form": consultation_form or blank_consultation_form(on, consulted),
                                          "errors": consultation_errors or {}},
                           letters=[(letter, LETTER_NAMES.get(letter, letter)) for letter in LETTERS],
                           referral=_referral_section(client, assessments, on, consent_form, referral_form),
                           consent_error=consent_error, referral_error=referral_error)


def _followup_section(client) -> dict:
    """The client's stored follow-ups in one query: the open ones, soonest first, and those done or dropped, so
    that a deadline that disappeared still says why."""
    rows = list(followups_of(client))
    return {"open": [r for r in rows if r.state == "open"], "closed": [r for r in rows if r.state != "open"]}


def _case_section(client, assessments) -> dict:
    """The client's cases, newest first, and the paths a new case can be opened for (none still running)."""
    rows = cases_of(client)
    running = {c.workflow for c in rows if c.status not in CLOSED_CASE_STATES}
    return {"rows": rows, "openable": [a for a in assessments if a.workflow not in running],
            "states": CASE_STATE_NAMES, "closed_states": CLOSED_CASE_STATES,
            "choices": CASE_STATES}


# --- facts and cases: each change recomputes the follow-ups (``update_facts``, ``cases``) ---------------

def _facts_page(client, text: str, errors: list[dict] | None = None, revision: int | None = None) -> str:
    return render_template("facts_edit.html", client=client, text=text, errors=errors or [],
                           revision=client.revision if revision is None else revision)


@bp.get("/clients/<int:client_id>/facts", endpoint="edit_facts")
@role_required("counsellor")
def edit_facts(client_id: int):
    client = own_client(me(), client_id)
    return _facts_page(client, json.dumps(export_facts(client), ensure_ascii=False, indent=2))


@bp.post("/clients/<int:client_id>/facts", endpoint="update_facts")
@role_required("counsellor")
def update_facts(client_id: int):
    """Replace the facts; on errors the form comes back with the text kept and every bad field named."""
    client = own_client(me(), client_id)
    text, sent = request.form.get("facts_json", ""), request.form.get("revision", "")
    revision = int(sent) if sent.isascii() and sent.isdigit() and len(sent) < 19 else None
    try:
        facts = parse_facts(_parse_json(text))
    except FactsError as exc:
        return _facts_page(client, text, exc.errors, revision), 422
    try:
        clients.change_facts(client, revision, lambda _stored: facts, me())
    except clients.Conflict as conflict:
        changed = ", ".join(change.label for change in conflict.changes) or _("unbekannt")
        error = {"field": "", "reason": _("Nicht gespeichert: inzwischen von jemand anderem geändert "
                                          "(%(changed)s). Ihr Text steht unten; erneut speichern ersetzt die "
                                          "Fakten durch ihn.", changed=changed)}
        return _facts_page(client, text, [error], conflict.revision), 409
    flash(_("Fakten gespeichert, Fristen neu berechnet."), "info")
    return redirect(url_for("web.client", client_id=client.id, _anchor="fristen"))


def _back_to_cases(client):
    return redirect(url_for("web.client", client_id=client.id, _anchor="faelle"))


@bp.post("/clients/<int:client_id>/cases", endpoint="open_case")
@role_required("counsellor")
def open_case(client_id: int):
    client = own_client(me(), client_id)
    try:
        case = clients.open_case(client, request.form.get("workflow", ""), me())
    except CaseError as exc:
        return _client_page(client, case_error=str(exc)), 422
    flash(_("Fall %(provision)s eröffnet.", provision=_provision(case.workflow)), "info")
    return _back_to_cases(client)


@bp.post("/clients/<int:client_id>/cases/<int:case_id>/status", endpoint="case_status")
@role_required("counsellor")
def case_status(client_id: int, case_id: int):
    client = own_client(me(), client_id)
    try:
        case = case_for(client, case_id)
    except NotFound:
        abort(404)
    try:
        set_case_status(case, request.form.get("status", ""), me())
    except CaseError as exc:
        return _client_page(client, case_error=str(exc)), 422
    flash(_("Fall %(provision)s: %(state)s.", provision=_provision(case.workflow),
            state=CASE_STATE_NAMES[case.status]), "info")
    return _back_to_cases(client)


def _provision(workflow_id: str) -> str:
    return current_engine().provisions().get(workflow_id, workflow_id)


# --- release from confidentiality and referrals -----------------------------------------------------------------

_ID = re.compile(r"[1-9][0-9]{0,17}")
# The case summary is sent only when chosen (data minimisation): by default the letter and the checklist.
DEFAULT_REFERRAL_DOCUMENTS = ("letter", "checklist")


class FormError(ValueError):
    """A form value the counsellor has to correct; the message says which and how."""


def _referral_section(client, assessments, on: dt.date, consent_form: dict | None,
                      referral_form: dict | None) -> dict:
    """What the referral section shows: consents, the two forms (defaults or the values sent), referrals."""
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
    engine = current_engine()
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
        "provisions": engine.provisions(),
    }


def _form_contact(value: str) -> AuthorityContact:
    """The contact a form names by id: none chosen is the counsellor's to fix, a malformed id is a bad
    request, an unknown one is not found."""
    value = value or ""
    if not value:
        raise FormError(_("Bitte eine Empfängerin / einen Empfänger wählen."))
    if not _ID.fullmatch(value):
        abort(400)
    contact = AuthorityContact.get_or_none(AuthorityContact.id == int(value))
    if contact is None:
        abort(404)
    return contact


def _form_day(value: str) -> dt.date:
    """A day as the date field sends it (2026-11-21) or as typed in German (21.11.2026); nothing else."""
    try:
        day = parse_day(value)
    except ValueError:
        day = None
    if day is None:
        raise FormError(_("Bitte ein gültiges Datum angeben, z. B. 21.11.2026."))
    return day


def _back_to_referrals(client):
    return redirect(url_for("web.client", client_id=client.id, _anchor="uebermittlung"))


@bp.post("/clients/<int:client_id>/consents", endpoint="record_consent")
@role_required("counsellor")
def record_consent(client_id: int):
    client = own_client(me(), client_id)
    form = {"given_on": request.form.get("given_on", ""), "contact": request.form.get("contact", ""),
            "documents": request.form.getlist("documents"), "categories": request.form.getlist("categories")}
    try:
        referrals.record_consent(client, _form_contact(form["contact"]), _form_day(form["given_on"]),
                                form["documents"], me(), today_in_germany(), categories=form["categories"])
    except (FormError, ConsentError) as exc:
        # A page, not a flash: flashes travel in the (unencrypted) session cookie.
        return _client_page(client, consent_form=form, consent_error=str(exc)), 422
    flash(_("Schweigepflichtentbindung erfasst."), "info")
    return _back_to_referrals(client)


@bp.post("/clients/<int:client_id>/consents/<int:consent_id>/withdraw", endpoint="withdraw_consent")
@role_required("counsellor")
def withdraw_consent(client_id: int, consent_id: int):
    client = own_client(me(), client_id)
    consent = consents_of(client).where(Consent.id == consent_id).first()
    if consent is None:
        abort(404)
    referrals.withdraw_consent(consent, today_in_germany(), me())
    flash(_("Schweigepflichtentbindung widerrufen."), "info")
    return _back_to_referrals(client)


@bp.post("/clients/<int:client_id>/referrals", endpoint="send_referral")
@role_required("counsellor")
def send_referral(client_id: int):
    """First the preview of exactly what will be sent (decrypted); only its confirmation queues the referral."""
    client = own_client(me(), client_id)
    form = {"workflow": request.form.get("workflow", ""), "contact": request.form.get("contact", ""),
            "documents": request.form.getlist("documents"), "note": request.form.get("note", "")}
    # Categories come from the preview (chosen there); from the client page's form the path's defaults apply.
    categories = request.form.getlist("categories") if request.form.get("categories_given") else None
    try:
        contact = _form_contact(form["contact"])
        args = {"client": client, "contact": contact, "counsellor": me(), "documents": form["documents"],
                "note": form["note"], "workflow": form["workflow"] or None, "categories": categories}
        if request.form.get("confirm") != "1":
            planned = referrals.plan_referral(**args)
            return render_template("referral_preview.html", client=client, contact=contact, form=form,
                                   planned=planned, categories=summary_categories(),
                                   chosen=planned.categories,
                                   provisions=current_engine().provisions(), document_names=DOCUMENT_NAMES)
        referral = queue_referral(**args, confirmed=request.form.get("digest", ""))
    except (FormError, ReferralError, LetterError) as exc:
        return _client_page(client, referral_form=form, referral_error=str(exc)), 422
    flash(_("Übermittlung %(reference)s eingereiht.", reference=referral.id[:8].upper()), "info")
    return _back_to_referrals(client)


# --- consultations ----------------------------------------------------------------------------------------------

@bp.post("/clients/<int:client_id>/consultations", endpoint="record_consultation")
@role_required("counsellor")
def record_consultation(client_id: int):
    client = own_client(me(), client_id)
    form = {"held_on": request.form.get("held_on", ""), "kind": request.form.get("kind", ""),
            "duration_minutes": request.form.get("duration_minutes", ""),
            "attendees": request.form.getlist("attendees")}
    try:
        clients.record_consultation(client, me(), **form)
    except ConsultationError as exc:
        return _client_page(client, consultation_form=form, consultation_errors=exc.errors), 422
    flash(_("Beratung erfasst."), "info")
    return redirect(url_for("web.client", client_id=client.id, _anchor="beratungen"))


@bp.post("/clients/<int:client_id>/letters/<workflow_id>/<letter>", endpoint="letter")
@role_required("counsellor")
def download_letter(client_id: int, workflow_id: str, letter: str):
    """Render, keep and send a letter. POST only: generating and storing a document is a change of state."""
    client = own_client(me(), client_id)
    if letter not in LETTERS or workflow_id not in current_engine().workflows:
        abort(404)
    try:
        return letter_download(workflow_id, load_facts(client), today_in_germany(), letter, me(), client)
    except LetterError as exc:
        # A page, not a flash: flashes travel in the (unencrypted) session cookie and the reason may quote facts.
        back = url_for("web.client", client_id=client.id)
        return render_template("error.html", code=422, title=_("Das Schreiben konnte nicht erstellt werden"),
                               detail=str(exc), back=back), 422
