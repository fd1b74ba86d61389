"""The portal of the authority contacts: the referrals addressed to them, to fetch as the e-mail or as an
encrypted file, their receipt, and how to read them with the tools an authority already has (``help``).

A contact sees only what was sent to the contacts whose portal account they are; someone else's referral is a 404,
exactly like a missing one (``outbox.addressed_to_one`` audits the attempt). The portal shows no names or facts,
only the authority's own file number where the counsellor recorded one (the authority gave it, and it is how the
authority files a case): the server holds only the ciphertext, which the contact decrypts with their own key.
"""
from __future__ import annotations

import json
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts import me, role_required
from perspektive.law import current_engine

from . import outbox

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")

def reference(referral) -> str:
    return referral.id[:8].upper()


def _mine(referral_id: str):
    """The referral if it is addressed to the current user; anything else is a 404."""
    try:
        return outbox.addressed_to_one(me(), referral_id)
    except outbox.NotFound:
        abort(404)


def _row(referral, workflows) -> dict:
    """What the portal shows of one referral: no client data, only the reference, path, sender and files."""
    workflow = workflows.get(referral.workflow) if referral.workflow else None
    files = json.loads(referral.manifest)  # written by outbox._encrypt: name, size, sha256
    return {"referral": referral, "reference": reference(referral), "file_number": outbox.file_number(referral),
            "provision": workflow.provision if workflow else "", "files": files}


def _normalised(file_number: str) -> str:
    """A file number as compared in the search: case, spaces and separators do not matter."""
    return "".join(ch for ch in file_number.casefold() if ch.isalnum())


@bp.get("/")
@role_required("authority_contact")
def index():
    """The referrals by the authority's file number (those without one last), newest first within a number; the
    search (``az``) finds one file number's referrals."""
    workflows = current_engine().workflows
    rows = [_row(referral, workflows) for referral in outbox.addressed_to(me())]
    wanted = _normalised(request.args.get("az", "")[:100])
    if wanted:
        rows = [row for row in rows if wanted in _normalised(row["file_number"])]
    rows.sort(key=lambda row: (not row["file_number"], _normalised(row["file_number"])))  # stable: newest first
    return render_template("portal.html", rows=rows, wanted=request.args.get("az", "")[:100])


@bp.get("/anleitung", endpoint="help")
@role_required("authority_contact")
def help_page():
    return render_template("portal_help.html")


@bp.get("/referrals/<referral_id>", endpoint="referral")
@role_required("authority_contact")
def referral_page(referral_id: str):
    return render_template("portal.html", rows=[_row(_mine(referral_id), current_engine().workflows)],
                           single=True)


@bp.get("/referrals/<referral_id>.asc", endpoint="download")
@role_required("authority_contact")
def download(referral_id: str):
    """The encrypted content as a file for Kleopatra (or ``gpg --decrypt``); decrypted, it is the e-mail's content
    in MIME form, hence the name ``….eml.asc``: what Kleopatra writes is a ``.eml`` any mail program opens."""
    referral = _mine(referral_id)
    if not referral.ciphertext:
        abort(404)
    return _send(referral, referral.ciphertext.encode(), "application/pgp-encrypted", "eml.asc")


@bp.get("/referrals/<referral_id>.eml", endpoint="message")
@role_required("authority_contact")
def message(referral_id: str):
    """The e-mail exactly as it was sent (still encrypted), for Thunderbird or Outlook if the mail is gone."""
    referral = _mine(referral_id)
    if not referral.ciphertext:
        abort(404)
    return _send(referral, outbox.wire_message(referral), "message/rfc822", "eml")


def _send(referral, data: bytes, mimetype: str, suffix: str):
    audit.record(me(), "referral.download", "referral", referral.id)
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, max_age=0,
                         download_name=f"uebermittlung-{reference(referral)}.{suffix}")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/referrals/<referral_id>/acknowledge", endpoint="acknowledge")
@role_required("authority_contact")
def acknowledge(referral_id: str):
    referral = _mine(referral_id)
    outbox.acknowledge(referral, me())
    flash(_("Empfang von Vorgang %(reference)s bestätigt.", reference=reference(referral)), "info")
    return redirect(url_for("portal.index"))
