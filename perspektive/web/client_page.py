"""What a counsellor does from the client's pages (``client_tabs`` shows them): open a case and change its state,
record a consultation, a release from confidentiality and a referral to the Ausländerbehörde, replace the facts as
JSON (for experts), and download letters. After each change the browser goes to the tab that shows it; a refused
form comes back on its tab with the values kept and the reason. The grouped facts forms and the form for a new
client are the clients' own (``clients.views``).
"""
from __future__ import annotations

import datetime as dt
import json
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from perspektive import clients, referrals
from perspektive.accounts import me, role_required
from perspektive.clients import (
    CASE_STATE_NAMES,
    CaseError,
    ConsultationError,
    NotFound,
    case_for,
    export_facts,
    load_facts,
    own_client,
    set_case_status,
)
from perspektive.documents import LETTERS, LetterError, letter_download, summary_categories
from perspektive.law import (
    FactsError,
    current_engine,
    parse_facts,
    today_in_germany,
)
from perspektive.referrals import (
    DOCUMENT_NAMES,
    ConsentError,
    ReferralError,
    consents_of,
    queue_referral,
)
from perspektive.referrals.models import AuthorityContact, Consent
from perspektive.typed import parse_day

from .client_list import _parse_json
from .client_tabs import render_tab
from .pages import bp


def _client_page(client, tab: str = "overview", **state) -> str:
    """A client tab again after a refused form, with that form's values and the reason (``client_tabs``)."""
    return render_tab(client, tab, **state)


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
    return redirect(url_for("web.client_deadlines", client_id=client.id))


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


class FormError(ValueError):
    """A form value the counsellor has to correct; the message says which and how."""


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
    return redirect(url_for("web.client_referrals", client_id=client.id))


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
        return _client_page(client, "referrals", consent_form=form, consent_error=str(exc)), 422
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
        return _client_page(client, "referrals", referral_form=form, referral_error=str(exc)), 422
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
        return _client_page(client, "consultations", consultation_form=form, consultation_errors=exc.errors), 422
    flash(_("Beratung erfasst."), "info")
    return redirect(url_for("web.client_consultations", client_id=client.id))


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
        back = url_for("web.client_path", client_id=client.id, workflow_id=workflow_id)
        return render_template("error.html", code=422, title=_("Das Schreiben konnte nicht erstellt werden"),
                               detail=str(exc), back=back), 422
