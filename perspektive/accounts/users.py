"""Staff accounts: creation, password checks and API tokens. Passwords are hashed with scrypt (werkzeug)."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from perspektive import audit, mailer
from perspektive.db import utcnow, write_transaction

from . import passwords
from .models import ROLES, User

log = logging.getLogger("perspektive.mail")

# What a page calls each role; the key itself (``ROLES``) is stored and never shown.
ROLE_NAMES = {"counsellor": _l("Beratung"), "administrator": _l("Verwaltung"),
              "authority_contact": _l("Behördenkontakt")}


def role_for_the_log(role: str) -> str:
    """The role as the audit log names it: in German, whatever the language of the page that changed it."""
    with force_locale("de"):
        return str(ROLE_NAMES.get(role, role))


class UserError(ValueError):
    pass


def check_password_policy(password: str, username: str = "", display_name: str = "") -> None:
    """Raise ``UserError`` saying why unless ``password`` keeps the policy (``passwords``) for this person."""
    reason = passwords.problem(password, username, display_name)
    if reason:
        raise UserError(reason)


def create_user(username: str, *, role: str, password: str, display_name: str, email: str = "",
                phone: str = "", actor=None) -> User:
    if role not in ROLES:
        raise UserError(f"unbekannte Rolle {role!r} (erlaubt: {', '.join(ROLES)})")
    if User.get_or_none(User.username == username):
        raise UserError(_("Benutzername „%(name)s“ ist vergeben", name=username))
    check_password_policy(password, username, display_name)
    user = User.create(username=username, role=role, display_name=display_name, email=email, phone=phone,
                       password_hash=generate_password_hash(password), session_token=secrets.token_hex(16))
    audit.record(actor or "cli", "user.create", "user", user.id, f"Rolle: {role_for_the_log(role)}")
    return user


def set_password(user: User, password: str, actor) -> None:
    """A new password (within the policy); it ends every session and the API token of the account."""
    check_password_policy(password, user.username, user.display_name)
    with write_transaction():
        user.password_hash = generate_password_hash(password)
        end_api_token(user)
        rotate_session(user)
        audit.record(actor, "user.password_set", "user", user.id)


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def rotate_session(user: User) -> None:
    """Invalidate every session of ``user`` (logout, password change, deactivation)."""
    user.session_token = secrets.token_hex(16)
    user.save()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User) -> str:
    """A new bearer token for scripts, good for ``API_TOKEN_DAYS`` days; only its hash is stored, so it is shown
    once. An earlier token of the user ends."""
    token = "pk_" + secrets.token_urlsafe(32)
    user.api_token_hash = _token_digest(token)
    user.api_token_expires_at = utcnow() + dt.timedelta(days=current_app.config["API_TOKEN_DAYS"])
    user.save()
    audit.record(user, "user.api_token", "user", user.id)
    return token


def end_api_token(user: User) -> None:
    """The user's bearer token no longer works (password change, deactivation, reset of the second factor)."""
    user.api_token_hash = user.api_token_expires_at = None
    user.save()


def user_for_token(token: str) -> User | None:
    """The active user whose unexpired token this is."""
    if not token.startswith("pk_"):
        return None
    user = User.get_or_none(User.api_token_hash == _token_digest(token))
    if user is None or not user.active or user.api_token_expires_at is None:
        return None
    return user if user.api_token_expires_at > utcnow() else None


def reset_second_factor(user: User, actor) -> None:
    """Forget the user's authenticator (lost phone): the next login enrols a new one. Ends every session and the
    API token."""
    with write_transaction():
        user.totp_secret = None
        user.totp_confirmed_at = None
        user.totp_last_step = None
        end_api_token(user)
        rotate_session(user)
        audit.record(actor, "user.second_factor_reset", "user", user.id)


def notify_administrators(subject: str, text: str) -> int:
    """A plain notice to every active administrator with an address. Notices never hold client data; a failure
    is logged, not raised, because the notice accompanies something already recorded elsewhere."""
    from perspektive.accounts.models import User

    config = current_app.config
    addresses = [u.email for u in User.select().where((User.role == "administrator") & User.active & (User.email != ""))]
    if not addresses:
        return 0
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(addresses)
    message["Subject"] = f"[Perspektive] {subject}"
    message.set_content(text)
    try:
        mailer.send(message.as_bytes(), addresses, config)
    except mailer.MailError as exc:
        log.warning("administrator notice not sent: %s", exc)
        return 0
    return len(addresses)
