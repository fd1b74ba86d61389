"""The command line for authority contacts and referrals: ``flask --app app contacts …`` and ``… referrals …``."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from perspektive.accounts import counsellor_named
from perspektive.accounts.models import User
from perspektive.commandline import IsoDate, RecordId, fail
from perspektive.db import db
from perspektive.law import quantity, today_in_germany

from .consents import DOCUMENT_KINDS
from .models import REFERRAL_STATES

contacts_cli = AppGroup("contacts", help="Behördenkontakte und ihre Schlüssel.")
referrals_cli = AppGroup("referrals", help="Fallübermittlungen an Behördenkontakte.")


# --- authority contacts -----------------------------------------------------------------------------------------

def _read_key_file(path: str) -> str:
    from .contacts import MAX_KEY_LENGTH

    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(MAX_KEY_LENGTH + 1)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: nicht lesbar ({exc.__class__.__name__})")


def _portal_user(username: str | None) -> User | None:
    if not username:
        return None
    user = User.get_or_none(User.username == username)
    if user is None:
        fail(f"unbekannter Benutzer {username!r}")
    if user.role != "authority_contact":
        fail(f"der Benutzer {username!r} hat die Rolle {user.role}, ein Portal-Konto eines Behördenkontakts braucht "
              "die Rolle authority_contact")
    return user


def _contact(contact_id: int):
    from .models import AuthorityContact

    contact = AuthorityContact.get_or_none(AuthorityContact.id == contact_id)
    if contact is None:
        fail(f"kein Behördenkontakt mit der Id {contact_id}")
    return contact


@contacts_cli.command("add", help="Behördenkontakt mit öffentlichem Schlüssel anlegen; gibt die Id aus.")
@click.option("--name", required=True, help="Vor- und Nachname")
@click.option("--email", required=True, help="E-Mail-Adresse, an die verschlüsselt gesendet wird")
@click.option("--department", default="", help="Abteilung / Sachgebiet")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False),
              help="ASCII-armierter öffentlicher Schlüssel (.asc)")
@click.option("--workflows", default="", help="zuständig für diese Workflows, z. B. section_25a,section_25b")
@click.option("--confirm-fingerprint", "fingerprint", default=None,
              help="Fingerabdruck, wie vom Kontakt (z. B. am Telefon) genannt; bestätigt den Schlüssel")
@click.option("--user", "username", default=None, help="Portal-Konto (Rolle authority_contact)")
def contacts_add(name, email, department, key_file, workflows, fingerprint, username):
    from .contacts import ContactError, add_contact, confirm_fingerprint
    from .openpgp import KeyPolicyError

    armor = _read_key_file(key_file)
    with db.connection_context():
        user = _portal_user(username)
        try:
            contact = add_contact(name=name, email=email, department=department, workflows=workflows, armor=armor,
                                  user=user, actor="cli")
        except (ContactError, KeyPolicyError) as exc:
            fail(f"{exc} Es wurde nichts gespeichert.")
        if fingerprint is not None:
            try:
                confirm_fingerprint(contact, fingerprint, "cli")
            except ContactError as exc:
                fail(f"{exc} Der Kontakt wurde mit der Id {contact.id} angelegt, sein Schlüssel ist aber NICHT "
                      f"bestätigt; bestätigen mit: flask --app app contacts confirm {contact.id} --fingerprint …")
    click.echo(contact.id)


def _contact_entry(contact) -> dict:
    from .contacts import key_problem, responsible_for
    from .openpgp import group_fingerprint

    return {
        "id": contact.id,
        "name": contact.name,
        "department": contact.department,
        "email": contact.email,
        "workflows": responsible_for(contact),
        "fingerprint": group_fingerprint(contact.fingerprint) if contact.fingerprint else None,
        "key_summary": contact.key_summary or None,
        "key_expires_on": contact.key_expires_at.date().isoformat() if contact.key_expires_at else None,
        "confirmed": contact.confirmed_at is not None,
        "active": contact.active,
        "problem": key_problem(contact),
    }


@contacts_cli.command("list", help="Behördenkontakte mit Schlüssel, Ablaufdatum und Bestätigung auflisten.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def contacts_list(fmt):
    from .models import AuthorityContact

    with db.connection_context():
        entries = [_contact_entry(c) for c in
                   AuthorityContact.select().order_by(AuthorityContact.name, AuthorityContact.id)]
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    if not entries:
        click.echo("Keine Behördenkontakte.")
    for entry in entries:
        department = f" ({entry['department']})" if entry["department"] else ""
        click.echo(f"{entry['id']}  {entry['name']}{department} <{entry['email']}>")
        click.echo(f"    Workflows:     {', '.join(entry['workflows']) or '–'}")
        click.echo(f"    Fingerabdruck: {entry['fingerprint'] or '– (kein Schlüssel)'}")
        expires = entry["key_expires_on"] or "unbefristet"
        click.echo(f"    Schlüssel:     {entry['key_summary'] or '–'}, gültig bis {expires}")
        click.echo(f"    Bestätigt:     {'ja' if entry['confirmed'] else 'nein'}")
        click.echo(f"    Problem:       {entry['problem'] or '–'}")


@contacts_cli.command("confirm", help="Den Fingerabdruck des Schlüssels bestätigen, wie ihn der Kontakt genannt hat.")
@click.argument("contact_id", type=RecordId())
@click.option("--fingerprint", required=True, help="40 Hexadezimalzeichen; Leerzeichen und Doppelpunkte erlaubt")
def contacts_confirm(contact_id, fingerprint):
    from .contacts import ContactError, confirm_fingerprint
    from .openpgp import group_fingerprint

    with db.connection_context():
        contact = _contact(contact_id)
        try:
            confirm_fingerprint(contact, fingerprint, "cli")
        except ContactError as exc:
            fail(str(exc))
        click.echo(f"Schlüssel von {contact.name} bestätigt: {group_fingerprint(contact.fingerprint)}")


# --- referrals ----------------------------------------------------------------------------------------------------

def _read_note(note: str | None, note_file: str | None) -> str:
    if note is not None and note_file is not None:
        fail("bitte entweder --note oder --note-file angeben")
    if note_file is None:
        return note or ""
    try:
        if note_file == "-":
            return sys.stdin.read()
        return Path(note_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{note_file}: nicht lesbar ({exc.__class__.__name__})")


@referrals_cli.command("send", help="Entbindung erfassen und die Fallübermittlung in die Warteschlange stellen; gibt "
                                    "die Id aus.")
@click.option("--client", "client_id", type=RecordId(), required=True, help="Id der Mandantin oder des Mandanten")
@click.option("--contact", "contact_id", type=RecordId(), required=True, help="Id des Behördenkontakts")
@click.option("--consent-on", type=IsoDate(), required=True, help="Tag der Schweigepflichtentbindung (JJJJ-MM-TT)")
@click.option("--note", default=None, help="Nachricht an den Kontakt (steht in der Shell-History: besser --note-file)")
@click.option("--note-file", default=None, type=click.Path(dir_okay=False, allow_dash=True),
              help="Nachricht aus einer Datei lesen ('-': von stdin)")
@click.option("--document", "documents", multiple=True, type=click.Choice(DOCUMENT_KINDS),
              help="Unterlage (mehrfach möglich; Standard: letter und checklist – die Fallzusammenfassung nur, "
                   "wenn ausdrücklich gewählt)")
@click.option("--category", "categories", multiple=True,
              help="Datenkategorie, die die Fallzusammenfassung enthalten darf (mehrfach möglich: person, stay, "
                   "identity, language, work, family, convictions, training; Standard: was der Weg braucht)")
@click.option("--workflow", default=None, help="Weg, z. B. section_25b (Standard: der erste Weg der Mandantin oder des "
                                                "Mandanten, für den der Kontakt zuständig ist)")
@click.option("--counsellor", default=None, help="Absender: Benutzername (Standard: die zuständige Beraterin / "
                                                  "der zuständige Berater)")
def referrals_send(client_id, contact_id, consent_on, note, note_file, documents, workflow, counsellor, categories):
    from perspektive.clients.models import Client

    from .consents import ConsentError, record_consent
    from .outbox import ReferralError, proposed_workflow
    from .tasks import queue_referral

    note = _read_note(note, note_file)
    documents = [k for k in DOCUMENT_KINDS if k in documents] if documents else ["letter", "checklist"]
    categories = list(categories) or None
    today = today_in_germany()
    with db.connection_context():
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            fail(f"keine Mandantin und kein Mandant mit der Id {client_id}")
        contact = _contact(contact_id)
        sender = counsellor_named(counsellor) if counsellor else client.counsellor
        workflow = workflow or proposed_workflow(client, contact, today)
        try:
            consent = record_consent(client, contact, consent_on, documents, "cli", today, categories=categories)
        except ConsentError as exc:
            fail(f"{exc} Es wurde nichts gespeichert.")
        try:
            referral = queue_referral(client=client, contact=contact, counsellor=sender, documents=documents,
                                      note=note, workflow=workflow, categories=categories, on=today, actor="cli")
        except (ReferralError, ConsentError) as exc:
            fail(f"{exc} (Die Entbindung wurde als Nr. {consent.id} gespeichert; die Übermittlung nicht.)")
    click.echo(referral.id)


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment else None


@referrals_cli.command("list", help="Fallübermittlungen mit Status auflisten (ohne Namen oder Fakten).")
@click.option("--status", type=click.Choice(REFERRAL_STATES), default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def referrals_list(status, fmt):
    from .models import AuthorityContact, Referral

    with db.connection_context():
        query = (Referral.select(Referral, AuthorityContact).join(AuthorityContact)
                 .order_by(Referral.created_at.desc(), Referral.id))
        if status:
            query = query.where(Referral.status == status)
        entries = [{
            "id": r.id, "client_id": r.client_id, "contact_id": r.contact_id, "contact_name": r.contact.name,
            "workflow": r.workflow, "documents": r.documents.split(","), "status": r.status, "attempts": r.attempts,
            "created_at": _utc(r.created_at), "sent_at": _utc(r.sent_at),
            "acknowledged_at": _utc(r.acknowledged_at), "last_error": r.last_error or None,
        } for r in query]
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    if not entries:
        click.echo("Keine Fallübermittlungen.")
    for e in entries:
        click.echo(f"{e['id']}  {e['status']:<8}  Versuche {e['attempts']}  Person {e['client_id']}  an "
                   f"{e['contact_name']} ({e['contact_id']})  {e['workflow'] or '–'}: {', '.join(e['documents'])}")
        click.echo(f"    angelegt {e['created_at']}  gesendet {e['sent_at'] or '–'}  "
                   f"bestätigt {e['acknowledged_at'] or '–'}")
        if e["last_error"]:
            click.echo(f"    letzter Fehler: {e['last_error']}")


@referrals_cli.command("sweep", help="Fällige oder liegengebliebene Übermittlungen erneut in die Warteschlange "
                                     "stellen (läuft sonst jede Minute im Huey-Consumer).")
def referrals_sweep():
    from .tasks import sweep

    with db.connection_context():
        count = sweep()
    click.echo(f"{quantity(count, 'Übermittlung', 'Übermittlungen')} in die Warteschlange gestellt.")


COMMANDS = (contacts_cli, referrals_cli)
