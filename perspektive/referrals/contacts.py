"""Authority contacts: who they are, which workflows they handle, and the public key pinned to each of them.

A key goes through two steps before it is used. Import checks the policy (``openpgp.inspect_armor``) and pins the
fingerprint; confirmation records that an administrator compared that fingerprint with the contact, e.g. by phone,
by typing it in. Replacing a key with one of another fingerprint needs a new confirmation; an update of the same key
(a later expiry date, a revocation) keeps it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts import ROLE_NAMES, notify_administrators
from perspektive.accounts.models import User
from perspektive.db import utcnow, write_transaction
from perspektive.law import current_engine

from .models import AuthorityContact
from .openpgp import KeyInfo, KeyPolicyError, Keyring, group_fingerprint, inspect_armor, normalise_fingerprint

MAX_KEY_LENGTH = 200_000


class ContactError(ValueError):
    """Bad input for a contact; the message says what to change."""


def keyring() -> Keyring:
    config = current_app.config
    home = config["GNUPG_HOME"] or str(Path(config["DATA_DIR"]) / "gnupg")
    return Keyring(home, config["SIGNING_KEY"], config["SIGNING_KEY_PASSPHRASE"])


def _workflow_list(workflows) -> str:
    ids = [w.strip() for w in (workflows.split(",") if isinstance(workflows, str) else workflows or []) if w.strip()]
    known = current_engine().workflows
    unknown = [w for w in ids if w not in known]
    if unknown:
        raise ContactError(_("Unbekannte Workflows: %(unknown)s (bekannt: %(known)s).", unknown=", ".join(unknown),
                             known=", ".join(known)))
    return ",".join(dict.fromkeys(ids))


def _check_fields(name: str, email: str, user: User | None) -> None:
    if user is not None and user.role != "authority_contact":
        raise ContactError(_("Das Portal-Konto muss die Rolle „%(role)s“ haben.",
                             role=ROLE_NAMES["authority_contact"]))
    if not name.strip():
        raise ContactError(_("Name fehlt."))
    if email.count("@") != 1 or any(ch.isspace() or ch in "<>,;\"" for ch in email) or len(email) > 200:
        raise ContactError(_("Keine gültige E-Mail-Adresse."))


def add_contact(*, name: str, email: str, department: str = "", workflows="", armor: str = "",
                user: User | None = None, actor=None) -> AuthorityContact:
    """A new contact; with ``armor`` its key is checked and pinned (not yet confirmed)."""
    _check_fields(name, email, user)
    info = _inspect(armor) if armor else None
    with write_transaction():
        contact = AuthorityContact.create(name=name.strip(), email=email.strip(), department=department.strip(),
                                          workflows=_workflow_list(workflows), user=user)
        audit.record(actor or "cli", "contact.create", "authority_contact", contact.id)
        if info:
            _pin(contact, armor, info, actor)
    return contact


def update_contact(contact: AuthorityContact, *, name: str, email: str, department: str, workflows,
                   user: User | None, actor) -> AuthorityContact:
    _check_fields(name, email, user)
    with write_transaction():
        contact.name, contact.email, contact.department = name.strip(), email.strip(), department.strip()
        contact.workflows, contact.user = _workflow_list(workflows), user
        contact.save()
        audit.record(actor, "contact.update", "authority_contact", contact.id)
    return contact


def _inspect(armor: str) -> KeyInfo:
    if len(armor) > MAX_KEY_LENGTH:
        raise KeyPolicyError(_("Die Schlüsseldatei ist zu groß."))
    return inspect_armor(armor, utcnow())


def import_key(contact: AuthorityContact, armor: str, actor) -> KeyInfo:
    """Check ``armor`` and pin it to ``contact``; ``KeyPolicyError`` says why a key is refused."""
    info = _inspect(armor)
    with write_transaction():
        _pin(contact, armor, info, actor)
    return info


def _pin(contact: AuthorityContact, armor: str, info: KeyInfo, actor) -> None:
    if contact.fingerprint != info.fingerprint:
        contact.confirmed_at = contact.confirmed_by = None
    contact.fingerprint, contact.public_key = info.fingerprint, armor.strip() + "\n"
    contact.key_summary, contact.key_expires_at, contact.key_imported_at = info.summary, info.expires_at, utcnow()
    contact.save()
    audit.record(actor or "cli", "contact.key_import", "authority_contact", contact.id,
                 f"{info.fingerprint} {info.summary}")


def confirm_fingerprint(contact: AuthorityContact, typed: str, actor) -> None:
    """Confirm the pinned key when ``typed`` (as read out by the contact) is its fingerprint."""
    if not contact.fingerprint:
        raise ContactError(_("Für diesen Kontakt ist kein Schlüssel hinterlegt."))
    try:
        value = normalise_fingerprint(typed)
    except ValueError as exc:
        raise ContactError(str(exc)) from None
    if value != contact.fingerprint:
        audit.record(actor or "cli", "contact.key_confirm_mismatch", "authority_contact", contact.id)
        raise ContactError(_("Der eingegebene Fingerabdruck stimmt nicht mit dem Schlüssel überein. Schlüssel "
                             "nicht bestätigt."))
    with write_transaction():
        contact.confirmed_at = utcnow()
        contact.confirmed_by = actor if isinstance(actor, User) else None
        contact.save()
        audit.record(actor or "cli", "contact.key_confirm", "authority_contact", contact.id, contact.fingerprint)


def key_problem(contact: AuthorityContact, now: dt.datetime | None = None) -> str | None:
    """Why ``contact`` can not receive a referral now, from the stored facts alone (no gpg call), or None."""
    now = now or utcnow()
    if not contact.active:
        return _("Der Kontakt ist deaktiviert.")
    if not contact.public_key or not contact.fingerprint:
        return _("Für diesen Kontakt ist kein Schlüssel hinterlegt.")
    if contact.confirmed_at is None:
        return _("Der Fingerabdruck des Schlüssels ist noch nicht bestätigt.")
    if contact.key_expires_at and contact.key_expires_at <= now:
        return _("Der Schlüssel ist am %(day)s abgelaufen.", day=f"{contact.key_expires_at:%d.%m.%Y}")
    return None


def expiring_keys(days: int | None = None, now: dt.datetime | None = None) -> list[AuthorityContact]:
    """Active contacts whose key ends within ``days`` (default ``KEY_EXPIRY_WARNING_DAYS``) or has ended."""
    now = now or utcnow()
    days = current_app.config["KEY_EXPIRY_WARNING_DAYS"] if days is None else days
    return list(AuthorityContact.select().where(
        AuthorityContact.active & AuthorityContact.key_expires_at.is_null(False)
        & (AuthorityContact.key_expires_at <= now + dt.timedelta(days=days))).order_by(AuthorityContact.key_expires_at))


def for_workflow(workflow: str | None) -> list[AuthorityContact]:
    """Active contacts, those responsible for ``workflow`` first (they are the ones to propose)."""
    contacts = list(AuthorityContact.select().where(AuthorityContact.active).order_by(AuthorityContact.name))
    return sorted(contacts, key=lambda c: workflow not in responsible_for(c))


def responsible_for(contact: AuthorityContact) -> list[str]:
    return [w for w in contact.workflows.split(",") if w]



def expiring_keys_notice() -> int:
    """Mail administrators the contacts whose keys end soon; returns how many contacts were listed."""
    contacts = expiring_keys()
    if contacts:
        lines = [f"- {c.name} ({c.department or 'ohne Abteilung'}): Schlüssel {group_fingerprint(c.fingerprint)} "
                 f"endet am {c.key_expires_at:%d.%m.%Y}" for c in contacts]
        notify_administrators("Schlüssel von Behördenkontakten laufen ab",
                              "Bitte neue Schlüssel anfordern, importieren und den Fingerabdruck bestätigen:\n\n"
                              + "\n".join(lines) + "\n")
    return len(contacts)


def remove_key(contact: AuthorityContact, actor) -> None:
    """Forget the pinned key and its confirmation: nothing reaches the contact until a new key is confirmed."""
    with write_transaction():
        old = contact.fingerprint or ""
        contact.fingerprint = contact.public_key = None
        contact.key_summary, contact.key_expires_at, contact.key_imported_at = "", None, None
        contact.confirmed_at = contact.confirmed_by = None
        contact.save()
        audit.record(actor or "cli", "contact.key_remove", "authority_contact", contact.id, old)


def set_active(contact: AuthorityContact, active: bool, actor) -> None:
    """Switch a contact on or off; an inactive contact is neither proposed nor sent to (``key_problem``)."""
    with write_transaction():
        contact.active = bool(active)
        contact.save()
        audit.record(actor or "cli", "contact.activate" if active else "contact.deactivate", "authority_contact",
                     contact.id)
