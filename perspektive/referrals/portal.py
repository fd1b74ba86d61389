"""The portal of the authority contacts: the referrals addressed to them, as ciphertext to fetch, and their receipt.

A contact sees only what was sent to the contacts whose portal account they are; someone else's referral is a 404,
exactly like a missing one (``outbox.addressed_to_one`` audits the attempt). The portal shows no client data:
the server holds only the ciphertext, which the contact decrypts with their own key.
"""
from __future__ import annotations

import json
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
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
    return {"referral": referral, "reference": reference(referral),
            "provision": workflow.provision if workflow else "", "files": files}


@bp.get("/")
@role_required("authority_contact")
def index():
    workflows = current_engine().workflows
    rows = [_row(referral, workflows) for referral in outbox.addressed_to(me())]
    return render_template("portal.html", rows=rows)


@bp.get("/referrals/<referral_id>", endpoint="referral")
@role_required("authority_contact")
def referral_page(referral_id: str):
    return render_template("portal.html", rows=[_row(_mine(referral_id), current_engine().workflows)],
                           single=True)


@bp.get("/referrals/<referral_id>.asc", endpoint="download")
@role_required("authority_contact")
def download(referral_id: str):
    """The encrypted message as it was sent, for ``gpg --decrypt``."""
    referral = _mine(referral_id)
    if not referral.ciphertext:
        abort(404)
    audit.record(me(), "referral.download", "referral", referral.id)
    response = send_file(BytesIO(referral.ciphertext.encode()), mimetype="application/pgp-encrypted",
                         as_attachment=True, max_age=0,
                         download_name=f"uebermittlung-{reference(referral)}.asc")
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
