"""The iCalendar feed of a counsellor's open follow-ups, and the page to create, rotate and revoke its URL.

Calendar apps cannot log in, so the feed URL itself is the secret: a random token (256 bits) in the query
string (access logs that record only the path keep it out), of which the server stores only the SHA-256.
The full URL is shown once, right after it was made; a lost URL is rotated, not looked up. An unknown,
malformed or revoked token, or an inactive account, is a plain 404 that says nothing about which it was.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts import me, role_required
from perspektive.accounts.models import User
from perspektive.db import utcnow, write_transaction
from perspektive.law import current_engine, today_in_germany

from .calendar_feed import build_calendar
from .models import CalendarFeed
from .records import of_counsellor

bp = Blueprint("calendar", __name__, template_folder="templates")

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _page(url: str | None = None, status: int = 200):
    feed = CalendarFeed.get_or_none(CalendarFeed.user == me())
    return render_template("calendar.html", feed=feed, url=url), status


@bp.get("/calendar", endpoint="page")
@role_required("counsellor")
def page():
    return _page()


@bp.post("/calendar", endpoint="create")
@role_required("counsellor")
def create():
    """Make a new secret URL; an existing one stops working at once."""
    user = me()
    token = secrets.token_urlsafe(32)
    with write_transaction():
        rotated = CalendarFeed.update(token_hash=_digest(token), created_at=utcnow()).where(
            CalendarFeed.user == user).execute()
        if not rotated:
            CalendarFeed.create(user=user, token_hash=_digest(token))
        audit.record(user, "calendar.rotate" if rotated else "calendar.create", "user", user.id)
    url = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("calendar.feed", token=token)
    # Shown on this page only, never in a flash: flashes travel in the session cookie.
    return _page(url)


@bp.post("/calendar/revoke", endpoint="revoke")
@role_required("counsellor")
def revoke():
    user = me()
    with write_transaction():
        deleted = CalendarFeed.delete().where(CalendarFeed.user == user).execute()
        if deleted:
            audit.record(user, "calendar.revoke", "user", user.id)
    flash(_("Kalender-Abo gelöscht: die Adresse funktioniert nicht mehr."), "info")
    return redirect(url_for("calendar.page"))


@bp.get("/calendar.ics", endpoint="feed")
def feed():
    """No login: the token is the credential. GET only, so CSRF protection does not apply."""
    token = request.args.get("token", "")
    if not TOKEN.fullmatch(token):
        abort(404)
    owner = (User.select().join(CalendarFeed, on=CalendarFeed.user == User.id)
             .where(CalendarFeed.token_hash == _digest(token)).get_or_none())
    if owner is None or not owner.active or owner.role != "counsellor":
        abort(404)
    body = build_calendar(of_counsellor(owner), current_app.config["PUBLIC_URL"], utcnow(),
                          covered=current_engine().birth_date_followups(), today=today_in_germany())
    response = Response(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'attachment; filename="perspektive-fristen.ics"'
    return response
