"""The administrators' console: the dashboard and the authority contacts with their pinned keys here; accounts
(``accounts``), workflows and letter templates (``workflows``) and the audit trail (``audit_log``) in their own
modules, all on the ``Secured`` base (``secured``).

Flask-Admin gives the routing under /admin and the access hook; the pages are the project's own templates on
``base.html``, because Flask-Admin's ``master.html`` carries inline scripts that the CSP refuses. Flask-Admin lets
everyone in unless told otherwise (security-checklist row 13), so every view of the console inherits ``Secured``
(tests/test_admin_console.py walks them all). CSRFProtect is global and checks every POST before a view runs; the
forms carry the token themselves (no ``SecureForm``: it would add a second token field).

Views parse the form and call one capability of ``perspektive.referrals``; the key policy and the fingerprint
check live there. Errors come back on the page with the form kept (HTTP 422), success redirects with a flash.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_babel import gettext as _

from perspektive.accounts import me
from perspektive.accounts.models import User
from perspektive.db import utcnow
from perspektive.followups import GROUPS, team_counts
from perspektive.law import current_engine, today_in_germany
from perspektive.referrals import (
    MAX_KEY_LENGTH,
    ContactError,
    KeyPolicyError,
    add_contact,
    confirm_fingerprint,
    expiring_keys,
    group_fingerprint,
    import_key,
    key_problem,
    remove_key,
    responsible_for,
    set_active,
    update_contact,
)
from perspektive.referrals.models import AuthorityContact, Referral

from .secured import Secured

FAILED_REFERRALS_SHOWN = 50


class Dashboard(Secured, AdminIndexView):
    """What needs an administrator: keys ending soon, keys not confirmed, referrals that failed, and the open
    follow-ups per counsellor (counts only)."""

    def __init__(self):
        super().__init__(name="Übersicht", endpoint="admin", url="/admin")
        # No static route: the pages use the app's own stylesheet, and a route under /admin that no access check
        # guards would be one exception too many.
        self.static_folder = None

    @expose("/")
    def index(self):
        unconfirmed = (AuthorityContact.select()
                       .where(AuthorityContact.active
                              & (AuthorityContact.fingerprint.is_null() | AuthorityContact.confirmed_at.is_null()))
                       .order_by(AuthorityContact.name))
        # Metadata only: the referral's contact, never its client (no join, no client name on this page).
        failed = (Referral.select(Referral.id, Referral.created_at, Referral.last_error, AuthorityContact.name)
                  .join(AuthorityContact).where(Referral.status == "failed")
                  .order_by(Referral.created_at.desc()).limit(FAILED_REFERRALS_SHOWN))
        return self.render("admin_dashboard.html", expiring=expiring_keys(), unconfirmed=list(unconfirmed),
                           failed=list(failed), now=utcnow(), team=team_counts(today_in_germany()),
                           followup_groups=GROUPS)


class ContactsView(Secured, BaseView):
    """Authority contacts: list and create; per contact its key (import, confirm, remove), details, on/off."""

    def __init__(self):
        super().__init__(name="Behördenkontakte", endpoint="admin_contacts", url="contacts")

    # --- pages ------------------------------------------------------------------------------------------------

    @expose("/")
    def index(self):
        return self._list_page()

    @expose("/<int:contact_id>")
    def contact(self, contact_id: int):
        return self._contact_page(_contact(contact_id))

    # --- changes (POST only; CSRFProtect checks the token before any of these runs) ----------------------------

    @expose("/", methods=("POST",))
    def create(self):
        values = dict(_contact_fields(), armor=request.form.get("armor", ""))
        try:
            armor = _key_text()
            made = add_contact(name=values["name"], email=values["email"], department=values["department"],
                                        workflows=values["workflows"], armor=armor,
                                        user=_portal_user(values["user_id"]), actor=me())
        except (ContactError, KeyPolicyError) as exc:
            return self._list_page(values, str(exc)), 422
        if made.fingerprint:
            flash(_("Kontakt %(name)s angelegt. Bitte jetzt den Fingerabdruck bestätigen.", name=made.name), "info")
        else:
            flash(_("Kontakt %(name)s angelegt. Noch ohne Schlüssel.", name=made.name), "info")
        return self._to(made)

    @expose("/<int:contact_id>/edit", methods=("POST",))
    def edit(self, contact_id: int):
        contact = _contact(contact_id)
        values = _contact_fields()
        try:
            update_contact(contact, name=values["name"], email=values["email"],
                                    department=values["department"], workflows=values["workflows"],
                                    user=_portal_user(values["user_id"], contact), actor=me())
        except ContactError as exc:
            contact = _contact(contact_id)  # the stored state, not the refused input
            return self._contact_page(contact, "edit", str(exc), values), 422
        flash(_("Kontakt %(name)s gespeichert.", name=contact.name), "info")
        return self._to(contact)

    @expose("/<int:contact_id>/key", methods=("POST",))
    def import_key(self, contact_id: int):
        contact = _contact(contact_id)
        try:
            import_key(contact, _key_text(required=True), me())
        except (ContactError, KeyPolicyError) as exc:
            return self._contact_page(_contact(contact_id), "key", str(exc),
                                      {"armor": request.form.get("armor", "")}), 422
        if contact.confirmed_at:
            flash(_("Schlüssel aktualisiert; Fingerabdruck unverändert und weiterhin bestätigt."), "info")
        else:
            flash(_("Schlüssel importiert. Bitte den Fingerabdruck mit dem Kontakt abgleichen und bestätigen."),
                  "info")
        return self._to(contact)

    @expose("/<int:contact_id>/confirm", methods=("POST",))
    def confirm(self, contact_id: int):
        contact = _contact(contact_id)
        typed = request.form.get("fingerprint", "")[:200]
        try:
            confirm_fingerprint(contact, typed, me())
        except ContactError as exc:
            return self._contact_page(_contact(contact_id), "confirm", str(exc), {"fingerprint": typed}), 422
        flash(_("Fingerabdruck für %(name)s bestätigt.", name=contact.name), "info")
        return self._to(contact)

    @expose("/<int:contact_id>/remove-key", methods=("POST",))
    def remove_key(self, contact_id: int):
        contact = _contact(contact_id)
        remove_key(contact, me())
        flash(_("Schlüssel von %(name)s entfernt.", name=contact.name), "info")
        return self._to(contact)

    @expose("/<int:contact_id>/active", methods=("POST",))
    def set_active(self, contact_id: int):
        contact = _contact(contact_id)
        active = request.form.get("active") == "1"
        set_active(contact, active, me())
        if active:
            flash(_("Kontakt %(name)s aktiviert.", name=contact.name), "info")
        else:
            flash(_("Kontakt %(name)s deaktiviert.", name=contact.name), "info")
        return self._to(contact)

    # --- rendering --------------------------------------------------------------------------------------------

    def _to(self, contact: AuthorityContact):
        return redirect(url_for(".contact", contact_id=contact.id), code=303)

    def _list_page(self, values: dict | None = None, error: str | None = None):
        rows = list(AuthorityContact.select().order_by(AuthorityContact.active.desc(), AuthorityContact.name))
        return self.render("admin_contacts.html", rows=rows, values=values or {}, error=error,
                           **self._choices(), **_helpers())

    def _contact_page(self, contact: AuthorityContact, form: str | None = None, error: str | None = None,
                      values: dict | None = None):
        """The contact's page; ``form`` names the form that failed, ``values`` what was typed into it."""
        edit = {"name": contact.name, "email": contact.email, "department": contact.department,
                "workflows": responsible_for(contact), "user_id": str(contact.user_id or "")}
        if form == "edit":
            edit = values
        return self.render("admin_contact.html", contact=contact, form=form, error=error, values=values or {},
                           edit=edit, problem=key_problem(contact), **self._choices(contact), **_helpers())

    @staticmethod
    def _choices(contact: AuthorityContact | None = None) -> dict:
        return {"workflows": list(current_engine().workflows.values()), "portal_users": _portal_users(contact)}


# --- form parsing -------------------------------------------------------------------------------------------------

def _contact(contact_id: int) -> AuthorityContact:
    contact = AuthorityContact.get_or_none(AuthorityContact.id == contact_id)
    if contact is None:
        abort(404)
    return contact


def _contact_fields() -> dict:
    form = request.form
    return {"name": form.get("name", "")[:200], "email": form.get("email", "")[:200],
            "department": form.get("department", "")[:200], "workflows": form.getlist("workflows"),
            "user_id": form.get("user_id", "")}


def _portal_users(contact: AuthorityContact | None = None) -> list[User]:
    """Active accounts with the authority_contact role, plus the contact's current account even if inactive, so
    that saving the edit form does not silently drop it."""
    users = list(User.select().where((User.role == "authority_contact") & User.active).order_by(User.display_name))
    if contact is not None and contact.user is not None and contact.user.id not in {u.id for u in users}:
        users.append(contact.user)
    return users


def _portal_user(user_id: str, contact: AuthorityContact | None = None) -> User | None:
    if not user_id:
        return None
    for user in _portal_users(contact):
        if str(user.id) == user_id:
            return user
    raise ContactError(_("Unbekanntes Portal-Konto."))


def _key_text(required: bool = False) -> str:
    """The public key from the textarea or from an uploaded .asc file (not both); uploads must be text."""
    pasted = request.form.get("armor", "").strip()
    upload = request.files.get("key_file")
    if upload is not None and upload.filename:
        if pasted:
            raise ContactError(_("Bitte den Schlüssel entweder einfügen oder als Datei hochladen, nicht beides."))
        data = upload.stream.read(MAX_KEY_LENGTH + 1)
        if len(data) > MAX_KEY_LENGTH:
            raise KeyPolicyError(_("Die Schlüsseldatei ist zu groß."))
        try:
            pasted = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            pasted = None
        if pasted is None or "\x00" in pasted:
            raise ContactError(_("Die Datei ist kein Text. Bitte den öffentlichen Schlüssel ASCII-armiert "
                                 "exportieren (gpg --armor --export …)."))
    if required and not pasted:
        raise ContactError(_("Bitte einen öffentlichen Schlüssel einfügen oder hochladen."))
    return pasted


def _helpers() -> dict:
    provisions = current_engine().provisions()
    return {"grouped": group_fingerprint,
            "provisions_of": lambda c: [provisions.get(w, w) for w in responsible_for(c)]}
