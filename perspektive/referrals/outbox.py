"""Referrals to authority contacts through a transactional outbox (shared/security-checklist.md, rows 24-30).

1. ``record_referral`` checks the contact's key and the client's consent, then writes the referral and its outbox
   row in one transaction; ``tasks.queue_referral`` then queues the Huey task with the referral's id.
2. ``deliver`` (the task) claims the outbox row with a lease, renders the documents, encrypts the note and the
   attachments to the contact's pinned fingerprint and stores the ciphertext in the same transaction that wipes the
   note: from then on the server holds only ciphertext. It sends the PGP/MIME message with the referral's id as
   Message-ID and marks the referral sent. Mail errors retry with growing delays, up to ``REFERRAL_MAX_ATTEMPTS``;
   key and document errors fail at once. A failure is shown to the counsellor and announced to administrators.
3. The sweep (periodic, ``tasks.sweep``) re-queues every row whose lease ran out or that Huey lost: a worker killed mid-send leaves
   its lease behind, and Huey drops a task it had dequeued. SMTP can not be exactly-once, so a resend can deliver a
   second copy; it is byte for byte the same message, with the same Message-ID.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import uuid

import peewee as pw
from flask import current_app
from flask_babel import gettext as _

from perspektive import audit, mailer, sealing
from perspektive.accounts import notify_administrators
from perspektive.accounts.models import User
from perspektive.clients import load_facts
from perspektive.clients.models import Client
from perspektive.db import utcnow, write_transaction
from perspektive.documents import LetterError, summary_categories_for
from perspektive.law import current_engine, in_order_of_use, today_in_germany

from . import preview
from .consents import ConsentError, consent_covering, data_categories, document_kinds, valid_consents
from .contacts import key_problem, keyring, responsible_for
from .models import AuthorityContact, Consent, Outbox, Referral
from .openpgp import KeyProblem
from .pgpmime import encrypted_message, inner_entity

log = logging.getLogger("perspektive.referrals")

LETTER_OF_KIND = preview.LETTER_OF_KIND
MAX_NOTE_LENGTH = 10_000
MAX_RETRY_DELAY = 3600
# What failed, as the audit detail of the last attempt names it (German, as every detail).
FAILURE_KINDS = {"key": "Schlüssel", "document": "Unterlage", "mail": "Versand"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReferralError(ValueError):
    """The referral can not be queued; the message says why."""


class NotFound(LookupError):
    """No such referral for this user."""


def check(*, client: Client, contact: AuthorityContact, documents, note: str = "", workflow: str | None = None,
          categories=None, on: dt.date) -> tuple[list[str], list[str], Consent]:
    """The document kinds, the summary's data categories and the release covering them, or a ``ReferralError``.

    Without ``categories`` a summary holds what the path draws on (``documents.summary_categories_for``) as far as
    the latest release covers it; categories named explicitly must all be covered, or the referral is refused."""
    try:
        kinds = document_kinds(documents)
        if not kinds:
            raise ReferralError(_("Bitte mindestens eine Unterlage wählen."))
        _check_note(note)
        problem = key_problem(contact)
        if problem:
            raise ReferralError(_("An %(name)s kann nicht übermittelt werden: %(problem)s", name=contact.name,
                                  problem=problem))
        _check_workflow(workflow, kinds)
        cats = []
        if "summary" in kinds:
            if categories is None:
                cats = summary_categories_for(load_facts(client), workflow, on)
                latest = valid_consents(client, contact, on)
                if latest and "summary" in latest[0].scope.split(","):
                    cats = [c for c in cats if c in latest[0].categories.split(",")]
            else:
                cats = data_categories(categories)
            if not cats:
                raise ReferralError(_("Die Fallzusammenfassung hätte keinen Inhalt: bitte mindestens eine "
                                      "Datenkategorie wählen, die die Entbindung umfasst."))
        consent = consent_covering(client, contact, kinds, on, cats)
    except ConsentError as exc:
        raise ReferralError(str(exc)) from None
    return kinds, cats, consent


def plan(*, client: Client, contact: AuthorityContact, counsellor: User, documents, note: str = "",
         workflow: str | None = None, categories=None, on: dt.date | None = None) -> preview.Planned:
    """What the referral would carry, for the counsellor's preview; nothing is stored or sent."""
    on = on or today_in_germany()
    kinds, cats, _consent = check(client=client, contact=contact, documents=documents, note=note, workflow=workflow,
                                  categories=categories, on=on)
    return preview.plan(client, contact_id=contact.id, workflow=workflow or None, kinds=kinds, categories=cats,
                        note=canonical_text(note), on=on, counsellor=counsellor)


def record_referral(*, client: Client, contact: AuthorityContact, counsellor: User, documents, note: str = "",
                    workflow: str | None = None, categories=None, on: dt.date | None = None, actor=None,
                    confirmed: str | None = None) -> Referral:
    """Write the referral and its outbox row in one transaction (``tasks.queue_referral`` queues the delivery).

    ``confirmed`` is the digest of the preview the counsellor confirmed; when given, the content must still be
    the same."""
    on = on or today_in_germany()
    kinds, cats, consent = check(client=client, contact=contact, documents=documents, note=note, workflow=workflow,
                                 categories=categories, on=on)
    if confirmed is not None and confirmed != plan(client=client, contact=contact, counsellor=counsellor,
                                                   documents=kinds, note=note, workflow=workflow, categories=cats,
                                                   on=on).digest:
        raise ReferralError(_("Der Inhalt hat sich seit der Vorschau geändert (Angaben oder Entbindung). Bitte die "
                              "Vorschau erneut prüfen; es wurde nichts gesendet."))
    file_number = load_facts(client).person.abh_file_number or None
    with write_transaction():
        referral = Referral.create(id=uuid.uuid4().hex, client=client, contact=contact, counsellor=counsellor,
                                   consent=consent, workflow=workflow or None, documents=",".join(kinds),
                                   categories=",".join(cats), documents_on=on)
        if file_number:
            referral.file_number = sealing.seal(file_number, "referral", "file_number", referral.id)
            referral.save()
        Outbox.create(referral=referral, note=seal_note(referral.id, canonical_text(note)))
        audit.record(actor or counsellor, "referral.queue", "referral", referral.id,
                     f"Kontakt {contact.id}; {','.join(kinds)}" + (f"; {','.join(cats)}" if cats else ""))
    return referral


def file_number(referral: Referral) -> str:
    """The authority's file number recorded with the referral, or ""."""
    if not referral.file_number:
        return ""
    return sealing.open_value(referral.file_number, "referral", "file_number", referral.id)


def seal_note(referral_id: str, note: str) -> str:
    """The note waits for its encryption sealed at rest, bound to its referral."""
    return sealing.seal(note, "outbox", "note", referral_id)


def open_note(outbox: Outbox) -> str:
    return sealing.open_value(outbox.note or "", "outbox", "note", outbox.referral_id)


def canonical_text(note: str) -> str:
    """MIME's canonical form of text (RFC 2046): lines end in CRLF, as browsers submit a textarea anyway. What the
    authority decrypts is then exactly this text."""
    return note.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def proposed_workflow(client: Client, contact: AuthorityContact, on: dt.date) -> str | None:
    """The first of the client's paths, in the order the client page shows them, that ``contact`` handles; else the
    first path overall."""
    paths = [a.workflow for a in in_order_of_use(current_engine().assess(load_facts(client), on))]
    handled = set(responsible_for(contact))
    return next((w for w in paths if w in handled), paths[0] if paths else None)


def _check_note(note: str) -> None:
    if len(note) > MAX_NOTE_LENGTH:
        raise ReferralError(_("Die Nachricht ist zu lang (höchstens %(count)s Zeichen).", count=MAX_NOTE_LENGTH))
    if _CONTROL.search(note):
        raise ReferralError(_("Die Nachricht enthält Steuerzeichen."))


def _check_workflow(workflow: str | None, kinds: list[str]) -> None:
    if workflow and workflow not in current_engine().workflows:
        raise ReferralError(_("Unbekannter Weg „%(workflow)s“.", workflow=workflow))
    if not workflow and kinds:
        raise ReferralError(_("Für Antrag, Checkliste oder Fallzusammenfassung bitte den Weg (Workflow) angeben."))


# --- delivery (runs in the task consumer) -----------------------------------------------------------------------

def message_id(referral: Referral) -> str:
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "perspektive.invalid"
    return f"<{referral.id}@{domain}>"


def _subject(referral: Referral) -> str:
    """No personal data: only the organisation's name and the referral's short reference."""
    return f"Fallübermittlung {current_app.config['ORGANISATION_NAME']} (Vorgang {referral.id[:8].upper()})"


def deliver(referral_id: str) -> str:
    """Deliver one referral if its outbox row is free to claim; returns what happened (for logs and tests)."""
    now = utcnow()
    if not _claim(referral_id, now):
        return "not_claimed"
    referral = Referral.get_by_id(referral_id)
    contact = referral.contact
    try:
        problem = key_problem(contact, now)
        if problem:
            raise KeyProblem(problem)
        ring = keyring()
        if referral.ciphertext is None:
            _encrypt(referral, ring, now)
        else:
            ring.check(contact.fingerprint, contact.public_key, now)  # revoked or expired since: do not send
        mailer.send(wire_message(referral), [contact.email])
    except KeyProblem as exc:
        return _fail(referral, f"Schlüssel: {exc}", "key")
    except LetterError as exc:
        return _fail(referral, f"Unterlage: {exc}", "document")
    except mailer.MailError as exc:
        return _retry_or_fail(referral, str(exc))
    return _mark_sent(referral)


def _claim(referral_id: str, now: dt.datetime) -> bool:
    """Take the outbox row for one lease, unless another worker holds it or its next attempt is not due."""
    lease = dt.timedelta(seconds=current_app.config["REFERRAL_LEASE_SECONDS"])
    with write_transaction():
        claimed = Outbox.update(lease_until=now + lease).where(
            (Outbox.referral == referral_id) & (Outbox.next_attempt_at <= now)
            & (Outbox.lease_until.is_null() | (Outbox.lease_until < now))).execute()
        if claimed:
            Referral.update(attempts=Referral.attempts + 1).where(Referral.id == referral_id).execute()
    return bool(claimed)


def _attachments(referral: Referral):
    categories = [c for c in referral.categories.split(",") if c]
    items, _content = preview.build(load_facts(referral.client), workflow=referral.workflow,
                                  kinds=referral.documents.split(","), categories=categories,
                                  on=referral.documents_on, counsellor=referral.counsellor, client=referral.client)
    return items


def _encrypt(referral: Referral, ring, now: dt.datetime) -> None:
    """Render, encrypt, and keep the ciphertext; the plaintext note goes in the same transaction."""
    outbox = Outbox.get(Outbox.referral == referral)
    attachments = _attachments(referral)
    contact = referral.contact
    ciphertext = ring.encrypt(inner_entity(open_note(outbox), attachments), contact.fingerprint,
                              contact.public_key, now)
    with write_transaction():
        referral.ciphertext, referral.built_at = ciphertext, now
        referral.manifest = json.dumps([{"name": a.filename, "size": len(a.data),
                                         "sha256": hashlib.sha256(a.data).hexdigest()} for a in attachments])
        referral.save()
        Outbox.update(note=None).where(Outbox.referral == referral).execute()


def wire_message(referral: Referral) -> bytes:
    """The PGP/MIME message as sent; the same bytes on every attempt."""
    return encrypted_message(referral.ciphertext, message_id=message_id(referral),
                             sender=current_app.config["MAIL_FROM"], recipient=referral.contact.email,
                             subject=_subject(referral), date=referral.built_at)


def _mark_sent(referral: Referral) -> str:
    with write_transaction():
        Outbox.delete().where(Outbox.referral == referral).execute()
        referral.status, referral.sent_at, referral.last_error = "sent", utcnow(), ""
        referral.save()
        audit.record(None, "referral.send_attempt", "referral", referral.id, f"Versuch {referral.attempts}: gesendet")
    return "sent"


def _retry_or_fail(referral: Referral, reason: str) -> str:
    config = current_app.config
    attempts = referral.attempts
    if attempts >= config["REFERRAL_MAX_ATTEMPTS"]:
        return _fail(referral, f"{reason} – aufgegeben nach {attempts} Versuchen.", "mail")
    delay = min(config["REFERRAL_RETRY_SECONDS"] * 2 ** (attempts - 1), MAX_RETRY_DELAY)
    with write_transaction():
        Outbox.update(lease_until=None, next_attempt_at=utcnow() + dt.timedelta(seconds=delay)).where(
            Outbox.referral == referral).execute()
        referral.status, referral.last_error = "retrying", reason
        referral.save()
        audit.record(None, "referral.send_attempt", "referral", referral.id,
                     f"Versuch {attempts}: Versand fehlgeschlagen, neuer Versuch in {delay} s")
    return "retrying"


def _fail(referral: Referral, reason: str, kind: str) -> str:
    """The end of the road: the reason is kept for the counsellor, and administrators hear of it."""
    with write_transaction():
        Outbox.delete().where(Outbox.referral == referral).execute()  # the plaintext note goes with it
        referral.status, referral.last_error = "failed", reason[:500]
        referral.save()
        audit.record(None, "referral.send_attempt", "referral", referral.id,
                     f"Versuch {referral.attempts}: fehlgeschlagen ({FAILURE_KINDS[kind]})")
    contact = referral.contact
    notify_administrators(
        "Fallübermittlung fehlgeschlagen",
        f"Die Fallübermittlung {referral.id} an {contact.name} ({contact.department or 'ohne Abteilung'}) ist "
        f"fehlgeschlagen.\n\nGrund: {reason}\n\nDie Beraterin / der Berater sieht den Grund beim Vorgang und kann "
        "neu übermitteln, sobald die Ursache behoben ist.\n")
    return "failed"


def due(now: dt.datetime | None = None) -> list[str]:
    """The referrals whose outbox row is due and not held by a live lease: a worker died, or Huey lost the task."""
    now = now or utcnow()
    return [row.referral_id for row in Outbox.select(Outbox.referral).where(
        (Outbox.next_attempt_at <= now) & (Outbox.lease_until.is_null() | (Outbox.lease_until < now)))]


def retry_delay(referral_id: str) -> int:
    """Seconds until the next attempt that ``deliver`` set for a referral it could not send."""
    row = Outbox.get_or_none(Outbox.referral == referral_id)
    if row is None:
        return 0
    return max(0, round((row.next_attempt_at - utcnow()).total_seconds()))


# --- reading and acknowledging ----------------------------------------------------------------------------------

def of_client(client: Client, workflow: str | None = None) -> list[Referral]:
    """The client's referrals (for one path, if given), newest first, with their contact and the portal user who
    acknowledged them joined in: a page listing them needs one query, not one per row."""
    acknowledger = User.alias()
    query = (Referral.select(Referral, AuthorityContact, acknowledger)
             .join(AuthorityContact).switch(Referral)
             .join(acknowledger, pw.JOIN.LEFT_OUTER, on=(Referral.acknowledged_by == acknowledger.id),
                   attr="acknowledged_by")
             .where(Referral.client == client))
    if workflow is not None:
        query = query.where(Referral.workflow == workflow)
    return list(query.order_by(Referral.created_at.desc()))


def addressed_to(user: User):
    """The sent referrals addressed to the contacts whose portal account is ``user``."""
    return (Referral.select(Referral, AuthorityContact).join(AuthorityContact)
            .where((AuthorityContact.user == user) & (Referral.status == "sent"))
            .order_by(Referral.sent_at.desc()))


def addressed_to_one(user: User, referral_id: str) -> Referral:
    """One referral addressed to ``user``; someone else's is ``NotFound``, exactly like a missing one."""
    valid = isinstance(referral_id, str) and re.fullmatch(r"[0-9a-f]{32}", referral_id)
    referral = addressed_to(user).where(Referral.id == referral_id).first() if valid else None
    if referral is None:
        audit.record(user, "referral.access_denied", "referral", str(referral_id)[:32])
        raise NotFound(referral_id)
    return referral


def acknowledge(referral: Referral, user: User) -> None:
    if referral.acknowledged_at is None:
        with write_transaction():
            referral.acknowledged_at, referral.acknowledged_by = utcnow(), user
            referral.save()
            audit.record(user, "referral.acknowledge", "referral", referral.id)
