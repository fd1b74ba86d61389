"""The client's release from confidentiality (Schweigepflichtentbindung): without one that names the recipient and
covers the documents, no referral leaves the counselling."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients.models import Client
from perspektive.db import write_transaction
from perspektive.documents import summary_categories

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


def data_categories(values) -> list[str]:
    """The data categories in ``values`` (a list or a comma-separated text), in the page's order; unknown ones
    refused."""
    items = values.split(",") if isinstance(values, str) else list(values or [])
    chosen = {v.strip() for v in items if v and v.strip()}
    known = summary_categories()
    unknown = chosen - set(known)
    if unknown:
        raise ConsentError(_("Unbekannte Datenkategorien: %(unknown)s (möglich: %(known)s).",
                             unknown=", ".join(sorted(unknown)), known=", ".join(known)))
    return [c for c in known if c in chosen]


def category_names(ids) -> str:
    """Category ids as a counsellor reads them: "Person, Ausbildung"."""
    names = summary_categories()
    return ", ".join(_(names[c]) if c in names else c for c in ids)


def record_consent(client: Client, recipient: AuthorityContact, given_on: dt.date, documents, actor: User | str,
                   today: dt.date, categories=None) -> Consent:
    """Record that the client released ``documents`` to ``recipient`` on ``given_on`` (not in the future).

    A release of the case summary names the data categories (fact groups) it may hold; ``None`` means every
    category (the summary then still holds only what the chosen path needs)."""
    kinds = document_kinds(documents)
    if not kinds:
        raise ConsentError(_("Die Entbindung muss mindestens eine Unterlage umfassen."))
    if "summary" not in kinds:
        cats = []
    elif categories is None:
        cats = list(summary_categories())
    else:
        cats = data_categories(categories)
        if not cats:
            raise ConsentError(_("Bitte angeben, welche Angaben die Fallzusammenfassung enthalten darf "
                                 "(mindestens eine Datenkategorie)."))
    if given_on > today:
        raise ConsentError(_("Das Datum der Entbindung (%(day)s) liegt in der Zukunft.",
                             day=f"{given_on:%d.%m.%Y}"))
    same = Consent.get_or_none((Consent.client == client) & (Consent.recipient == recipient)
                               & (Consent.given_on == given_on) & (Consent.scope == ",".join(kinds))
                               & (Consent.categories == ",".join(cats))
                               & Consent.withdrawn_on.is_null())
    if same is not None:  # recorded already (a repeated command, a form sent twice)
        return same
    with write_transaction():
        consent = Consent.create(client=client, recipient=recipient, given_on=given_on, scope=",".join(kinds),
                                 categories=",".join(cats), recorded_by=actor if isinstance(actor, User) else None)
        audit.record(actor, "consent.record", "consent", consent.id, f"Person {client.id}, Kontakt {recipient.id}")
    return consent


def valid_consents(client: Client, recipient: AuthorityContact, on: dt.date) -> list[Consent]:
    """The consents of ``client`` towards ``recipient`` in force on ``on``, newest first."""
    return list(Consent.select().where((Consent.client == client) & (Consent.recipient == recipient)
                                       & (Consent.given_on <= on)
                                       & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on)))
                .order_by(Consent.given_on.desc(), Consent.id.desc()))


def consent_covering(client: Client, recipient: AuthorityContact, documents: list[str], on: dt.date,
                     categories=()) -> Consent:
    """The latest consent of ``client`` towards ``recipient`` that covers ``documents`` and, for the summary, the
    data ``categories`` on ``on``; otherwise a ``ConsentError`` that names what is not covered."""
    consents = valid_consents(client, recipient, on)
    for consent in consents:
        if set(documents) <= set(consent.scope.split(",")) and set(categories) <= set(consent.categories.split(",")):
            return consent
    if not consents:
        raise ConsentError(_("Es fehlt eine Schweigepflichtentbindung der Mandantin oder des Mandanten für diese "
                             "Empfängerin bzw. diesen Empfänger."))
    latest = consents[0]
    extra_documents = [k for k in documents if k not in latest.scope.split(",")]
    extra_categories = [c for c in categories if c not in latest.categories.split(",")]
    what = []
    if extra_documents:
        what.append(_("die Unterlagen %(names)s", names=", ".join(_(DOCUMENT_NAMES[k]) for k in extra_documents)))
    if extra_categories:
        what.append(_("die Angaben %(names)s in der Fallzusammenfassung", names=category_names(extra_categories)))
    raise ConsentError(_("Die Übermittlung enthält mehr, als die Schweigepflichtentbindung vom %(day)s umfasst: "
                         "%(what)s. Bitte weglassen oder eine erweiterte Entbindung erfassen. Es wurde nichts "
                         "gesendet.", day=f"{latest.given_on:%d.%m.%Y}", what="; ".join(what)))


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
