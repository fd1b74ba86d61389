"""The client's release from confidentiality (Schweigepflichtentbindung): without one that names the recipient and
covers the documents, no referral leaves the counselling."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients.models import Client
from perspektive.db import write_transaction

from .models import AuthorityContact, Consent

DOCUMENT_KINDS = ("letter", "checklist", "summary")
DOCUMENT_NAMES = {"letter": "Antrag", "checklist": "Checkliste", "summary": "Fallzusammenfassung"}


class ConsentError(ValueError):
    """The consent is missing or does not cover what is to be sent; the message says what to record."""


def document_kinds(values) -> list[str]:
    """The document kinds in ``values`` (a list or a comma-separated text), in a fixed order; unknown ones refused."""
    items = values.split(",") if isinstance(values, str) else list(values or [])
    kinds = {v.strip() for v in items if v and v.strip()}
    unknown = kinds - set(DOCUMENT_KINDS)
    if unknown:
        raise ConsentError(_("Unbekannte Unterlagen: %(unknown)s (möglich: %(known)s).",
                             unknown=", ".join(sorted(unknown)), known=", ".join(DOCUMENT_KINDS)))
    return [k for k in DOCUMENT_KINDS if k in kinds]


def record_consent(client: Client, recipient: AuthorityContact, given_on: dt.date, documents, actor: User | str,
                   today: dt.date) -> Consent:
    """Record that the client released ``documents`` to ``recipient`` on ``given_on`` (not in the future)."""
    kinds = document_kinds(documents)
    if not kinds:
        raise ConsentError(_("Die Entbindung muss mindestens eine Unterlage umfassen."))
    if given_on > today:
        raise ConsentError(_("Das Datum der Entbindung (%(day)s) liegt in der Zukunft.",
                             day=f"{given_on:%d.%m.%Y}"))
    same = Consent.get_or_none((Consent.client == client) & (Consent.recipient == recipient)
                               & (Consent.given_on == given_on) & (Consent.scope == ",".join(kinds))
                               & Consent.withdrawn_on.is_null())
    if same is not None:  # recorded already (a repeated command, a form sent twice)
        return same
    with write_transaction():
        consent = Consent.create(client=client, recipient=recipient, given_on=given_on, scope=",".join(kinds),
                                 recorded_by=actor if isinstance(actor, User) else None)
        audit.record(actor, "consent.record", "consent", consent.id, f"client {client.id} contact {recipient.id}")
    return consent


def consent_covering(client: Client, recipient: AuthorityContact, documents: list[str],
                     on: dt.date) -> Consent:
    """The latest consent of ``client`` towards ``recipient`` that covers ``documents`` on ``on``."""
    consents = Consent.select().where((Consent.client == client) & (Consent.recipient == recipient)
                                      & (Consent.given_on <= on)
                                      & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on)))
    for consent in consents.order_by(Consent.given_on.desc(), Consent.id.desc()):
        if set(documents) <= set(consent.scope.split(",")):
            return consent
    raise ConsentError(_("Es fehlt eine Schweigepflichtentbindung der Mandantin / des Mandanten für diese "
                         "Empfängerin bzw. diesen Empfänger und diese Unterlagen."))


def of_client(client: Client):
    """The client's consents, newest first, with their recipients."""
    return (Consent.select(Consent, AuthorityContact).join(AuthorityContact).where(Consent.client == client)
            .order_by(Consent.given_on.desc(), Consent.id.desc()))


def withdraw(consent: Consent, on: dt.date, actor) -> None:
    """End the release from ``on``; a consent withdrawn already keeps its first date."""
    if consent.withdrawn_on is not None:
        return
    with write_transaction():
        consent.withdrawn_on = on
        consent.save()
        audit.record(actor, "consent.withdraw", "consent", consent.id)
