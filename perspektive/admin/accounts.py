"""Staff accounts in the administrators' console: list, create, edit, new password, reset of the second factor.

Accounts are made by ``create_user`` (the password policy lives there), sessions end through
``rotate_session``, the second factor is reset by ``reset_second_factor``. The page never shows a
password hash or a TOTP secret, and a password typed into a refused form is not sent back. An administrator can
neither deactivate nor demote herself: the console would lock her out, and possibly everyone.
"""
from __future__ import annotations

import re

from flask import abort, flash, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from peewee import fn

from perspektive import audit
from perspektive.accounts import (
    ROLE_NAMES,
    UserError,
    check_password_policy,
    create_user,
    end_api_token,
    me,
    reset_second_factor,
    role_for_the_log,
    rotate_session,
    set_password,
)
from perspektive.accounts.models import ROLES, User
from perspektive.audit import AuditEvent
from perspektive.db import utcnow, write_transaction

from .secured import Secured

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,79}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class UsersView(Secured, BaseView):
    def __init__(self):
        super().__init__(name="Konten", endpoint="admin_users", url="users")

    @expose("/")
    def index(self):
        return self._list_page()

    @expose("/<int:user_id>")
    def user(self, user_id: int):
        return self._user_page(_user(user_id))

    @expose("/", methods=("POST",))
    def create(self):
        values = _fields(("username", "display_name", "email", "phone", "role"))
        errors = _account_errors(values)
        if not USERNAME.fullmatch(values["username"]):
            errors["username"] = _("Benutzername: 2 bis 80 Zeichen aus Buchstaben, Ziffern, Punkt, Binde- und "
                                   "Unterstrich.")
        elif User.get_or_none(User.username == values["username"]):
            errors["username"] = _("Dieser Benutzername ist vergeben.")
        errors.update(_password_errors(values["username"], values["display_name"]))
        if errors:
            return self._list_page(values, errors), 422
        try:
            made = create_user(values["username"], role=values["role"], password=request.form["password"],
                               display_name=values["display_name"], email=values["email"], phone=values["phone"],
                               actor=me())
        except UserError as exc:  # a race with another administrator for the same name
            return self._list_page(values, {"username": str(exc)}), 422
        flash(_("Konto angelegt."), "info")
        return redirect(url_for(".user", user_id=made.id), code=303)

    @expose("/<int:user_id>/edit", methods=("POST",))
    def edit(self, user_id: int):
        user = _user(user_id)
        values = _fields(("display_name", "email", "phone", "role"))
        values["active"] = request.form.get("active") == "1"
        errors = _account_errors(values)
        if user.id == me().id:
            if values["role"] != "administrator":
                errors["role"] = _("Sie können sich nicht selbst die Rolle Verwaltung entziehen – das muss eine "
                                   "andere Administratorin oder ein anderer Administrator tun.")
            if not values["active"]:
                errors["active"] = _("Sie können Ihr eigenes Konto nicht deaktivieren.")
        if errors:
            return self._user_page(user, "edit", values, errors), 422
        _update(user, values)
        flash(_("Konto gespeichert."), "info")
        return redirect(url_for(".user", user_id=user.id), code=303)

    @expose("/<int:user_id>/password", methods=("POST",))
    def password(self, user_id: int):
        user = _user(user_id)
        errors = _password_errors(user.username, user.display_name)
        if errors:
            return self._user_page(user, "password", {}, errors), 422
        _set_password(user, request.form["password"])
        flash(_("Neues Passwort gesetzt; alle Sitzungen des Kontos sind beendet."), "info")
        return redirect(url_for(".user", user_id=user.id), code=303)

    @expose("/<int:user_id>/second-factor", methods=("POST",))
    def second_factor(self, user_id: int):
        user = _user(user_id)
        reset_second_factor(user, me())
        flash(_("Zweiter Faktor zurückgesetzt: bei der nächsten Anmeldung wird er neu eingerichtet."), "info")
        return redirect(url_for(".user", user_id=user.id), code=303)

    # --- rendering --------------------------------------------------------------------------------------------

    def _list_page(self, values: dict | None = None, errors: dict | None = None):
        rows = list(User.select().order_by(User.active.desc(), User.role, User.username))
        return self.render("admin_users.html", rows=rows, last_failed=_last_failed_logins(), values=values or {},
                           errors=errors or {}, roles=ROLES, role_names=ROLE_NAMES, now=utcnow())

    def _user_page(self, user: User, form: str | None = None, values: dict | None = None,
                   errors: dict | None = None):
        """``form`` names the form that was refused; the edit form then shows what was typed."""
        edit = values if form == "edit" else {"display_name": user.display_name, "email": user.email,
                                              "phone": user.phone, "role": user.role, "active": user.active}
        return self.render("admin_user.html", user=user, edit=edit, form=form, errors=errors or {},
                           last_failed=_last_failed_logins().get(str(user.id)), roles=ROLES, role_names=ROLE_NAMES,
                           is_me=user.id == me().id, now=utcnow())


# --- the capability behind the forms ------------------------------------------------------------------------------

def _user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    return user


def _fields(names) -> dict:
    return {name: request.form.get(name, "").strip()[:200] for name in names}


def _account_errors(values: dict) -> dict:
    errors = {}
    if not values["display_name"]:
        errors["display_name"] = _("Bitte einen Namen angeben.")
    if values["email"] and not EMAIL.fullmatch(values["email"]):
        errors["email"] = _("Keine gültige E-Mail-Adresse.")
    if len(values["phone"]) > 80:
        errors["phone"] = _("Höchstens %(count)s Zeichen.", count=80)
    if values["role"] not in ROLES:
        errors["role"] = _("Bitte eine Rolle wählen.")
    return errors


def _password_errors(username: str, display_name: str) -> dict:
    password = request.form.get("password", "")
    try:
        check_password_policy(password, username, display_name)
    except UserError as exc:
        return {"password": f"{exc}."}
    if password != request.form.get("password_repeat", ""):
        return {"password_repeat": _("Die beiden Passwörter stimmen nicht überein.")}
    return {}


_FIELD_WORDS = {"display_name": "Name", "email": "E-Mail", "phone": "Telefon", "role": "Rolle", "active": "aktiv"}


def _update(user: User, values: dict) -> None:
    """Save the changes; deactivating ends every session and the API token of the account. The audit names fields, not values."""
    changed = [name for name in ("display_name", "email", "phone", "role", "active")
               if getattr(user, name) != values[name]]
    if not changed:
        return
    deactivated = user.active and not values["active"]
    with write_transaction():
        for name in changed:
            setattr(user, name, values[name])
        user.save()
        if deactivated:
            end_api_token(user)
            rotate_session(user)
        audit.record(me(), "user.update", "user", user.id,
                     f"geändert: {', '.join(_FIELD_WORDS[name] for name in changed)}; "
                     f"Rolle: {role_for_the_log(user.role)}; aktiv: {'ja' if user.active else 'nein'}")


def _set_password(user: User, password: str) -> None:
    """A new password ends every session of the account – except the administrator's own current one."""
    set_password(user, password, me())
    if user.id == me().id:
        session["token"] = user.session_token


def _last_failed_logins() -> dict[str, object]:
    """User id (as the audit trail stores it) -> the time of the latest failed login, in one query."""
    query = (AuditEvent.select(AuditEvent.object_id, fn.MAX(AuditEvent.at).alias("last"))
             .where((AuditEvent.action == "auth.login_failed") & (AuditEvent.object_id != ""))
             .group_by(AuditEvent.object_id))
    return {row.object_id: row.last for row in query}
