"""Art. 17 DSGVO: erase one person, and name the recipients of earlier referrals who must be told (Art. 19).

Everything of the person goes in one write transaction: facts and their history (through ``clients``), cases and
their checklist states, consultations, generated documents (files and rows, through ``documents``), follow-ups,
releases from confidentiality, referrals and their outbox rows. What stays:

- the audit trail, which never held personal data: its entries name the client, case, document … by id only, and
  a new entry records the erasure and, per recipient to inform, the contact's id and the referral's day;
- an ``ErasedClient`` tombstone for the statistics (nationality, quarter, counts; a random pseudonym).

The queued tasks (reminders, deliveries) are revoked and the database's free space reclaimed by the caller
(``privacy.tasks``), which owns the queue; this module only writes rows.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from perspektive import audit
from perspektive.clients import erase_record
from perspektive.clients.models import Case, Client, Consultation
from perspektive.db import write_transaction
from perspektive.documents import delete_client_documents
from perspektive.documents.models import ChecklistTick
from perspektive.followups.models import FollowUpRecord
from perspektive.law import de, quantity
from perspektive.referrals.models import AuthorityContact, Consent, Outbox, Referral

from .models import ErasedClient

REASONS = ("request", "retention")
# The reason as the audit detail names it (German, as every detail).
REASON_WORDS = {"request": "Löschung auf Verlangen", "retention": "Löschfrist abgelaufen"}


class ErasureRefused(ValueError):
    """The confirmation does not match the client's reference."""


@dataclass(frozen=True)
class Recipient:
    """A contact who received a referral about the person (Art. 19: to be told of the erasure)."""

    name: str
    organisation: str
    email: str
    fingerprint: str
    sent_at: dt.datetime


@dataclass
class Erasure:
    client_id: int
    pseudonym: str
    recipients: list[Recipient] = field(default_factory=list)
    followup_ids: list[int] = field(default_factory=list)
    referral_ids: list[str] = field(default_factory=list)


def recipients_of(client: Client) -> list[Recipient]:
    """Everyone a referral about the client was sent to, oldest first."""
    query = (Referral.select(Referral.sent_at, AuthorityContact).join(AuthorityContact)
             .where((Referral.client == client) & Referral.sent_at.is_null(False)).order_by(Referral.sent_at))
    return [Recipient(r.contact.name, r.contact.department, r.contact.email, r.contact.fingerprint or "",
                      r.sent_at) for r in query]


def _quarter(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def erase(client: Client, confirm: str, actor, reason: str = "request") -> Erasure:
    """Erase ``client`` if ``confirm`` is its reference (else ``ErasureRefused``, nothing deleted)."""
    if confirm != client.reference:
        raise ErasureRefused(client.id)
    assert reason in REASONS
    pseudonym = f"gelöscht-{secrets.token_hex(6)}"
    with write_transaction():
        client = Client.get_by_id(client.id)
        sent = list(Referral.select(Referral.id, Referral.contact, Referral.sent_at)
                    .where((Referral.client == client) & Referral.sent_at.is_null(False)).order_by(Referral.sent_at))
        erasure = Erasure(client.id, pseudonym, recipients_of(client))
        erasure.followup_ids = [i for (i,) in FollowUpRecord.select(FollowUpRecord.id)
                                .where(FollowUpRecord.client == client).tuples()]
        erasure.referral_ids = [i for (i,) in Referral.select(Referral.id).where(Referral.client == client).tuples()]
        case_ids = [i for (i,) in Case.select(Case.id).where(Case.client == client).tuples()]
        consultations = Consultation.select().where(Consultation.client == client).count()
        ErasedClient.create(client_id=client.id, pseudonym=pseudonym, nationality=client.nationality,
                            recorded_quarter=_quarter(client.created_at.date()), cases=len(case_ids),
                            consultations=consultations, reason=reason)
        if erasure.referral_ids:
            Outbox.delete().where(Outbox.referral.in_(erasure.referral_ids)).execute()
        Referral.delete().where(Referral.client == client).execute()
        Consent.delete().where(Consent.client == client).execute()
        FollowUpRecord.delete().where(FollowUpRecord.client == client).execute()
        if case_ids:
            ChecklistTick.delete().where(ChecklistTick.case.in_(case_ids)).execute()
        documents = delete_client_documents(client)
        Case.delete().where(Case.client == client).execute()
        Consultation.delete().where(Consultation.client == client).execute()
        erase_record(client)
        counts = (quantity(len(case_ids), "Fall", "Fälle"), quantity(consultations, "Beratung", "Beratungen"),
                  quantity(documents, "Dokument", "Dokumente"),
                  quantity(len(erasure.referral_ids), "Übermittlung", "Übermittlungen"))
        audit.record(actor, "client.erase", "client", client.id,
                     f"{REASON_WORDS[reason]}: {pseudonym}; {', '.join(counts)}")
        for referral in sent:  # the day as the list of recipients to inform shows it
            audit.record(actor, "client.erase_inform", "contact", referral.contact_id,
                         f"{pseudonym}: Übermittlung {referral.id} gesendet am {de(referral.sent_at.date())}")
    return erasure
