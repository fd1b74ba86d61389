"""The JSON API under ``/api/v1`` for counsellors: assessments, letters, clients (the lists, cases, consultations
and ``/openapi.json`` in ``api_lists``; the description in ``api_schema`` and docs/api.md), referrals (a preview of
what will be sent, then its confirmation).

``GET /clients/<id>`` sends the facts' revision as ``ETag``; ``PUT /clients/<id>/facts`` must send it back in
``If-Match`` (428 without, 412 when someone changed the facts in between: nothing is overwritten). It replaces a
client's facts and answers with the follow-ups as recomputed; a moved
one carries ``previous_due`` and ``change_note``, a dropped one is no longer in the open list (``GET
/clients/<id>/followups`` lists it with ``state`` and ``state_note``).

Two ways in. A script sends ``Authorization: Bearer pk_...`` (``accounts.issue_api_token``); a browser page uses its
session cookie and must then send the page's CSRF token in ``X-CSRFToken`` with every POST, since a cookie is
sent along with forged cross-site requests too and a bearer token is not. The blueprint is exempt from the
form-based CSRFProtect and does this check itself.

Errors in the input answer ``{"errors": [{"field": ..., "reason": ...}]}``: 400 when the body is not JSON, 422
when it is but a value is wrong. Fields inside ``facts`` are named by their path in the facts
(``status_history.0``), the other fields by their key (``on``, ``workflow``, ``letter``, ``client_id``). Messages
are German, or English with ``Accept-Language: en``; the law's reasons about the facts themselves stay German.
"""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, abort, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.validators import ValidationError

from perspektive import audit, clients, referrals
from perspektive.accounts import user_for_token
from perspektive.clients import Conflict, change_facts, export_facts, load_facts, own_client
from perspektive.documents import LETTERS, LetterError, letter_download
from perspektive.followups import followups_of
from perspektive.law import (
    FactsError,
    UnknownWorkflow,
    assessment_document,
    current_engine,
    parse_facts,
    today_in_germany,
)
from perspektive.referrals.models import AuthorityContact
from perspektive.typed import MAX_JSON_DEPTH, JsonTooDeep, load_json

from .csrf import csrf
from .ids import MAX_ID

MAX_BODY_MB = 2  # MAX_CONTENT_LENGTH in app.py; MB = 1,000,000 bytes, as every limit the pages name

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InputError(Exception):
    def __init__(self, field: str, reason: str, status: int = 422):
        super().__init__(reason)
        self.errors, self.status = [{"field": field, "reason": reason}], status


@bp.errorhandler(InputError)
def _input_error(exc: InputError):
    return {"errors": exc.errors}, exc.status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    return {"errors": [{"field": "", "reason": _("Anfrage zu groß (höchstens %(megabytes)s MB)",
                                                 megabytes=MAX_BODY_MB)}]}, 413


@bp.errorhandler(FactsError)
def _facts_error(exc: FactsError):
    return {"errors": exc.errors}, 422


@bp.errorhandler(LetterError)
def _letter_error(exc: LetterError):
    """Facts a letter cannot hold (the reason names the fact) or a broken template; either way nothing was made."""
    return {"errors": [{"field": "", "reason": str(exc)}]}, 422


@bp.before_request
def _authenticate():
    """Bearer token or session (+ CSRF header on POST); counsellors only. The API's description is public."""
    if request.endpoint == "api.openapi":
        return None
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        user = user_for_token(credentials.strip())
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                validate_csrf(request.headers.get("X-CSRFToken"))
            except ValidationError:
                return {"errors": [{"field": "X-CSRFToken", "reason": _("CSRF-Token fehlt oder ungültig")}]}, 400
    else:
        user = None
    if user is None:
        return {"error": _("Anmeldung erforderlich")}, 401
    if user.role != "counsellor":
        abort(403)
    g.api_user = user


def _body() -> dict:
    if not request.is_json:
        raise InputError("", _("Erwartet JSON mit Content-Type: application/json"), 400)
    try:
        data = load_json(request.get_data(as_text=True))
    except JsonTooDeep:
        raise InputError("", _("zu tief verschachtelt (höchstens %(depth)s Ebenen)", depth=MAX_JSON_DEPTH),
                         400) from None
    except ValueError:
        raise InputError("", _("kein gültiges JSON"), 400) from None
    if not isinstance(data, dict):
        raise InputError("", _("erwartet ein JSON-Objekt"))
    return data


def _facts(body: dict):
    if body.get("facts") is None:
        raise InputError("facts", _("Pflichtangabe fehlt"))
    return parse_facts(body["facts"])


def _day(body: dict) -> dt.date:
    raw = body.get("on")
    if raw is None:
        return today_in_germany()
    try:
        if isinstance(raw, str) and ISO_DAY.match(raw):
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise InputError("on", _("kein gültiges Datum (JJJJ-MM-TT)"))


def _workflow(body: dict, required: bool) -> str | None:
    raw = body.get("workflow")
    if raw is None and not required:
        return None
    engine = current_engine()
    try:
        return engine.workflow(raw if isinstance(raw, str) else "").id
    except UnknownWorkflow:
        known = ", ".join(sorted(engine.workflows)) or _("keine")
        raise InputError("workflow", _("unbekannter Workflow (bekannt: %(known)s)", known=known)) from None


@bp.post("/assessments")
def assessments():
    body = _body()
    facts, on, workflow = _facts(body), _day(body), _workflow(body, required=False)
    engine = current_engine()
    results = engine.assess(facts, on, workflow)
    return assessment_document(results, on, engine.notes(facts, results))


@bp.post("/letters")
def letters():
    """The letter as .docx, from ``facts`` or from a stored client (``client_id``, then also kept as a Document)."""
    body = _body()
    workflow, on, letter = _workflow(body, required=True), _day(body), body.get("letter")
    if letter not in LETTERS:
        raise InputError("letter", _("unzulässiger Wert (erlaubt: %(allowed)s)", allowed=", ".join(LETTERS)))
    client, facts = _client_or_facts(body)
    return letter_download(workflow, facts, on, letter, g.api_user, client)


def _client_or_facts(body: dict):
    """Exactly one of ``facts`` and ``client_id`` (a client of the caller's): (client or None, facts)."""
    client_id = body.get("client_id")
    if (body.get("facts") is None) == (client_id is None):
        raise InputError("facts", _("entweder facts oder client_id angeben"))
    if client_id is None:
        return None, _facts(body)
    if not isinstance(client_id, int) or isinstance(client_id, bool) or not 0 < client_id < MAX_ID:
        raise InputError("client_id", _("erwartet eine ganze Zahl von 1 bis %(largest)s", largest=MAX_ID - 1))
    client = own_client(g.api_user, client_id)
    return client, load_facts(client)


@bp.post("/clients")
def create_client():
    """``{"facts": {...}}``; other top-level keys are ignored. The owner is always the caller, whatever is sent."""
    client = clients.create_client(_facts(_body()), g.api_user)
    return {"id": client.id, "reference": client.reference}, 201


@bp.get("/clients/<int:client_id>")
def get_client(client_id: int):
    """The same shape that ``POST /clients`` takes, plus id and reference: an export can be imported again."""
    client = own_client(g.api_user, client_id)
    audit.record(g.api_user, "client.export", "client", client.id)
    return {"id": client.id, "reference": client.reference, "facts": export_facts(client)}, {"ETag": _etag(client)}


def _etag(client) -> str:
    """The facts' revision as a strong entity tag: a write sends it back in ``If-Match``."""
    return f'"{client.revision}"'


def _revision_matched() -> int:
    """The revision named in ``If-Match``: required (428), since a write without it would overwrite whatever was
    stored in between; a value that is not one of our tags is stale (412)."""
    if "If-Match" not in request.headers:
        raise InputError("If-Match", _("If-Match fehlt: erst GET /clients/<id> lesen und dessen ETag mitsenden"),
                         428)
    for tag in request.if_match.as_set():
        if tag.isascii() and tag.isdigit() and len(tag) < 19:
            return int(tag)
    return -1


@bp.put("/clients/<int:client_id>/facts")
def put_facts(client_id: int):
    """``{"facts": {...}}`` replaces the facts (the follow-ups are recomputed in the same transaction); the answer
    is that of ``GET /clients/<id>`` plus the client's open follow-ups."""
    client = own_client(g.api_user, client_id)  # first: another counsellor's client is 404 whatever the body
    expected = _revision_matched()
    facts = _facts(_body())
    try:
        change_facts(client, expected, lambda _stored: facts, g.api_user)
    except Conflict as conflict:
        reason = _("veraltet: die Fakten wurden inzwischen geändert (aktuelle Revision %(revision)s)",
                   revision=conflict.revision)
        return {"errors": [{"field": "If-Match", "reason": reason}], "revision": conflict.revision,
                "changed": [change.path for change in conflict.changes]}, 412, {"ETag": f'"{conflict.revision}"'}
    return ({"id": client.id, "reference": client.reference, "facts": export_facts(client),
             "followups": [_followup(r) for r in followups_of(client) if r.state == "open"]},
            {"ETag": _etag(client)})


@bp.get("/clients/<int:client_id>/followups")
def get_followups(client_id: int):
    """Every follow-up of the client, open, done and dismissed (``state_note`` says why), earliest first."""
    client = own_client(g.api_user, client_id)
    return {"id": client.id, "reference": client.reference,
            "followups": [_followup(r) for r in followups_of(client)]}


def _followup(record) -> dict:
    def iso(day):
        return day.isoformat() if day else None

    return {"id": record.id, "workflow": record.workflow, "kind": record.kind, "due": iso(record.due),
            "text": record.text, "citation": record.citation, "basis": record.basis, "state": record.state,
            "state_note": record.note, "previous_due": iso(record.previous_due),
            "change_note": record.change_note, "next_reminder_on": iso(record.next_reminder_on)}


# --- referrals: first the preview of what will be sent, then its confirmation ---------------------------------------

def _referral_args(client, body: dict) -> dict:
    """The referral as the body names it; the case summary only when ``documents`` names it (default: the letter
    and the checklist), its ``categories`` as given or, without them, what the path needs and the release covers."""
    contact_id = body.get("contact_id")
    if not isinstance(contact_id, int) or isinstance(contact_id, bool) or not 0 < contact_id < MAX_ID:
        raise InputError("contact_id", _("erwartet eine ganze Zahl von 1 bis %(largest)s", largest=MAX_ID - 1))
    contact = AuthorityContact.get_or_none(AuthorityContact.id == contact_id)
    if contact is None:
        raise InputError("contact_id", _("kein solcher Kontakt"), 404)
    note = body.get("note", "")
    if not isinstance(note, str):
        raise InputError("note", _("unzulässiger Wert"))
    lists = {"documents": body.get("documents", ["letter", "checklist"]), "categories": body.get("categories")}
    for key, value in lists.items():
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise InputError(key, _("unzulässiger Wert"))
    return {"client": client, "contact": contact, "counsellor": g.api_user, "note": note,
            "workflow": _workflow(body, required=True), **lists}


@bp.post("/clients/<int:client_id>/referrals/preview")
def preview_referral(client_id: int):
    """What the authority will read after decrypting; nothing is stored or sent. ``digest`` confirms it."""
    client = own_client(g.api_user, client_id)
    try:
        planned = referrals.plan_referral(**_referral_args(client, _body()))
    except referrals.ReferralError as exc:
        raise InputError("documents", str(exc)) from None
    return {"note": planned.note, "attachments": planned.listing(), "categories": planned.categories,
            "summary": planned.summary_lines or None, "digest": planned.digest}


@bp.post("/clients/<int:client_id>/referrals")
def send_referral(client_id: int):
    """Queue the referral whose preview ``confirm`` (its ``digest``) names; refused if the content changed."""
    client = own_client(g.api_user, client_id)
    body = _body()
    args = _referral_args(client, body)
    confirm = body.get("confirm")
    if not isinstance(confirm, str) or not confirm:
        raise InputError("confirm", _("fehlt: erst die Vorschau abrufen (POST …/referrals/preview) und deren digest "
                                      "als confirm mitsenden"))
    try:
        referral = referrals.queue_referral(**args, confirmed=confirm)
    except referrals.ReferralError as exc:
        raise InputError("documents", str(exc)) from None
    return {"id": referral.id, "status": referral.status, "documents": referral.documents.split(","),
            "categories": [c for c in referral.categories.split(",") if c]}, 201
