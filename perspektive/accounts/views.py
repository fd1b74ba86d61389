"""Staff login: password, then a code from an authenticator app (TOTP) for every role; Flask-Login sessions
that die with logout, deactivation, idleness and age; throttled logins and codes.

Between the two steps the session holds only who passed the password and when; nobody is signed in until the
code is right. A user without a second factor enrols at that step (the first correct code confirms the secret);
an administrator's ``reset_second_factor`` sends a user through enrolment again.

The session cookie is signed, not encrypted, and a copy of it stays valid for as long as the server accepts it.
So it holds only the user id, the user's current ``session_token`` and two timestamps; the loader refuses it
when the token was rotated (logout, password change, deactivation), the account is inactive, or a timeout
passed. Bearer tokens for scripts are handled by the API blueprint, not here.
"""
from __future__ import annotations

import functools
import logging
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from perspektive import audit
from perspektive.db import utcnow, write_transaction

from . import throttle, totp
from .models import User
from .users import rotate_session, verify_password

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()
log = logging.getLogger("perspektive.auth")

LOGIN_FAILED = _l("Anmeldung fehlgeschlagen: Benutzername oder Passwort falsch. Nach mehreren Fehlversuchen ist "
                  "die Anmeldung für einige Minuten gesperrt.")
CODE_FAILED = _l("Der Code stimmt nicht oder wurde schon verwendet. Bitte den aktuellen Code aus der App eingeben.")


class Staff(User):
    """A ``User`` as Flask-Login sees it. Same table; ``get_id`` stays peewee's (the primary key)."""

    class Meta:
        table_name = User._meta.table_name

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return bool(self.active)


def me():
    """The signed-in user itself, not the proxy: it is stored in rows and compared in queries."""
    return current_user._get_current_object()


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Bitte melden Sie sich an.")
    login_manager.localize_callback = str  # the message in the request's language, flashed as plain text
    login_manager.login_message_category = "info"
    # "basic"/"strong" would put a hash of IP address and browser into the cookie; the token and the timeouts
    # below do the protecting instead.
    login_manager.session_protection = None
    app.register_blueprint(bp)


@login_manager.user_loader
def _load(user_id: str):
    user = Staff.get_or_none(Staff.id == _int(user_id))
    now = int(time.time())
    config = current_app.config
    valid = (
        user is not None and user.active and session.get("token") == user.session_token
        and now - int(session.get("seen_at", 0)) <= config["SESSION_IDLE_MINUTES"] * 60
        and now - int(session.get("login_at", 0)) <= config["SESSION_ABSOLUTE_HOURS"] * 3600
    )
    if not valid:
        session.clear()
        return None
    session["seen_at"] = now
    return user


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def role_required(*roles: str):
    """Logged in (else the login page) and one of ``roles`` (else 403)."""

    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: never ``//host``, ``/\\host``, a scheme or a host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None  # browsers drop tabs/newlines and read "\" as "/": "/\t/evil.tld" becomes "//evil.tld"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """First step: name and password. The session then only remembers who is half signed in; the user is
    signed in after the second factor (``second_factor``)."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url or url_for("web.index"))
        return render_template("login.html", next_url=next_url)
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")
    user = authenticate(username, password, request.remote_addr)
    if user is None:
        return render_template("login.html", next_url=next_url, error=LOGIN_FAILED)
    session.clear()  # a fresh cookie: nothing from before the login survives (session fixation)
    session.update(pending_user=user.id, pending_token=user.session_token, pending_at=int(time.time()),
                   pending_next=next_url)
    return redirect(url_for("auth.second_factor"))


def _pending_user() -> Staff | None:
    """The user who passed the password step within ``SECOND_FACTOR_MINUTES`` and is still allowed in."""
    started = int(session.get("pending_at", 0))
    if time.time() - started > current_app.config["SECOND_FACTOR_MINUTES"] * 60:
        return None
    user = Staff.get_or_none(Staff.id == _int(session.get("pending_user")))
    if user is None or not user.active or user.session_token != session.get("pending_token"):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """Second step: a code from the authenticator app. A user without one enrols here first: the page shows a
    new secret as QR code, and the first correct code confirms it."""
    user = _pending_user()
    if user is None:
        if request.method == "GET" and current_user.is_authenticated:
            return redirect(url_for("web.index"))  # a GET never ends a session, only the POST of a code
        if request.method == "POST":
            session.clear()
        flash(_("Bitte melden Sie sich erneut an."), "info")
        return redirect(url_for("auth.login"))
    enrolling = user.totp_confirmed_at is None
    if enrolling and not user.totp_secret:
        with write_transaction():
            user.totp_secret = totp.new_secret()
            user.save()
    if request.method == "GET":
        return _second_factor_page(user, enrolling)
    counted = throttle.counters("code", user.username, request.remote_addr)
    admitted = throttle.admit(counted)
    throttled = admitted is None
    step = None if throttled else totp.verify(user.totp_secret, request.form.get("code", ""),
                                              after=user.totp_last_step)
    if step is not None and not _claim_step(user, step, enrolling):
        step = None  # another sign-in used this code a moment ago
    if step is None:
        reason = "throttled_code" if throttled else "wrong_code"
        _record_failure(user, reason, [] if throttled else counted)
        if throttled:
            session.clear()
            return render_template("login.html", next_url=None, error=LOGIN_FAILED), 429
        return _second_factor_page(user, enrolling, error=CODE_FAILED), 422
    with write_transaction():
        throttle.withdraw(admitted)
        throttle.forget(user.username)
        User.update(failed_logins=0, locked_until=None).where(User.id == user.id).execute()
    if enrolling:
        audit.record(user, "auth.second_factor_enrolled", "user", user.id)
    next_url = safe_next(session.get("pending_next"))
    session.clear()
    login_user(user)
    session.pop("_id", None)  # Flask-Login's hash of IP address and user agent: not needed, see init_app
    now = int(time.time())
    session.update(token=user.session_token, login_at=now, seen_at=now)
    audit.record(user, "auth.login", "user", user.id)
    return redirect(next_url or url_for("web.index"))


def _claim_step(user: Staff, step: int, enrolling: bool) -> bool:
    """Record ``step`` as used unless it, or a later one, already is: one UPDATE that compares and sets, so two
    sign-ins racing with the same code can not both pass (the first confirms an authenticator being enrolled)."""
    changes = {User.totp_last_step: step}
    if enrolling:
        changes[User.totp_confirmed_at] = utcnow()
    unused = User.totp_last_step.is_null() | (User.totp_last_step < step)
    with write_transaction():
        claimed = User.update(changes).where((User.id == user.id) & unused).execute()
    return claimed == 1


def _second_factor_page(user: Staff, enrolling: bool, error: str | None = None) -> str:
    enrolment = None
    if enrolling:
        uri = totp.provisioning_uri(user.totp_secret, user.username)
        enrolment = {"qr": totp.qr_data_uri(uri), "secret": totp.grouped(user.totp_secret)}
    return render_template("login_code.html", enrolment=enrolment, error=error)


def authenticate(username: str, password: str, address: str | None) -> Staff | None:
    """The active user with this name and password, unless the name or the client address has to wait (see
    ``throttle``); every refusal looks the same and is recorded."""
    user = Staff.get_or_none(Staff.username == username) if username else None
    counted = throttle.counters("password", username, address)
    admitted = throttle.admit(counted)
    throttled = admitted is None
    password_ok = verify_password(user, password) if user else _burn_time(password)
    if user is not None and user.active and password_ok and not throttled:
        throttle.withdraw(admitted)  # no failure; the earlier ones are forgotten once the code is right too
        return user
    reason = "throttled" if throttled else "unknown_user" if user is None else \
        "inactive" if not user.active else "wrong_password"
    _record_failure(user, reason, [] if throttled else counted)
    return None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def _burn_time(password: str) -> bool:
    """Check against a throw-away hash when the name is unknown, so that both failures take the same time."""
    check_password_hash(_dummy_hash(), password)
    return False


def _record_failure(user: Staff | None, reason: str, counted: list) -> None:
    """The failure was counted when it was admitted (``counted``: its counters; empty when it came too early and
    counts for nothing); the account shows until when it has to wait. Log and audit the user id at most."""
    with write_transaction():
        if user is not None:
            # UPDATE, not save(): the row may have changed since it was read (the used time step, see _claim_step)
            changes = {User.failed_logins: User.failed_logins + 1}
            if counted:
                wait = throttle.wait_seconds(counted[:1])
                changes[User.locked_until] = utcnow() + timedelta(seconds=wait) if wait else None
            User.update(changes).where(User.id == user.id).execute()
    object_id = user.id if user is not None else ""
    audit.record("anonymous", "auth.login_failed", "user", object_id, reason)
    log.warning("login failed (%s) for user id %s", reason, object_id or "-")


@bp.post("/logout")
@login_required
def logout():
    """Rotating the token ends every session of this user, including copies of the cookie."""
    user = current_user._get_current_object()
    rotate_session(user)
    audit.record(user, "auth.logout", "user", user.id)
    logout_user()
    session.clear()
    flash(_("Sie wurden abgemeldet."), "info")
    return redirect(url_for("auth.login"))
