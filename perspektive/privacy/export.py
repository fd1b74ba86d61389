"""Art. 15 DSGVO: everything stored about one person, as a zip of JSON files and the generated documents, with a
German README that explains each file to the client in plain words.

The facts come through ``clients`` (which may decrypt them), the documents through ``documents``; everything else
is read from the capabilities' models. Referrals are listed with their recipient (name, organisation, key
fingerprint, when sent), never with the ciphertext. The audit entries are those naming the client or one of its
cases, consultations, documents, releases, referrals or follow-ups, from the day the client was recorded on (an
id of an erased client may be given again on SQLite: older entries are someone else's).
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from perspektive.audit import AuditEvent
from perspektive.clients import export_facts, facts_history
from perspektive.clients.models import Case, Client, Consultation
from perspektive.conferences import agenda_of_client
from perspektive.conferences.models import AgendaItem
from perspektive.documents import open_checklist_note, read_document
from perspektive.documents.models import ChecklistTick, Document
from perspektive.followups.models import FollowUpRecord
from perspektive.plans import plans_of
from perspektive.referrals.models import AuthorityContact, Consent, Referral

from .readme import README


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _extension(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK"):
        return ".docx"
    return ".txt"


def _person(client: Client) -> dict:
    counsellor = client.counsellor
    return {"reference": client.reference, "recorded_at": _iso(client.created_at),
            "facts_changed_at": _iso(client.updated_at), "nationality": client.nationality,
            "counsellor": {"name": counsellor.display_name, "email": counsellor.email}}


def _cases(client: Client) -> list[dict]:
    cases = []
    for case in Case.select().where(Case.client == client).order_by(Case.id):
        ticks = ChecklistTick.select().where(ChecklistTick.case == case).order_by(ChecklistTick.item)
        cases.append({"id": case.id, "workflow": case.workflow, "rules_version": case.rules_version,
                      "verdict_when_opened": case.verdict, "status": case.status, "opened_on": _iso(case.opened_on),
                      "checklist": [{"item": t.item, "done": t.done, "note": open_checklist_note(t),
                                     "expires_on": _iso(t.expires_on), "updated_at": _iso(t.updated_at)}
                                    for t in ticks]})
    return cases


def _consultations(client: Client) -> list[dict]:
    return [{"id": c.id, "held_on": _iso(c.held_on), "kind": c.kind, "duration_minutes": c.duration_minutes,
             "attendees": [a for a in c.attendees.split(",") if a], "counsellor": c.counsellor.display_name}
            for c in Consultation.select().where(Consultation.client == client).order_by(Consultation.id)]


def _referrals(client: Client) -> tuple[list[dict], list[dict]]:
    consents = [{"id": c.id, "recipient": c.recipient.name, "given_on": _iso(c.given_on),
                 "documents": [d for d in c.scope.split(",") if d], "withdrawn_on": _iso(c.withdrawn_on)}
                for c in Consent.select().where(Consent.client == client).order_by(Consent.id)]
    referrals = []
    query = (Referral.select(Referral, AuthorityContact).join(AuthorityContact)
             .where(Referral.client == client).order_by(Referral.created_at))
    for r in query:
        referrals.append({
            "id": r.id, "workflow": r.workflow, "documents": [d for d in r.documents.split(",") if d],
            "status": r.status, "created_at": _iso(r.created_at), "sent_at": _iso(r.sent_at),
            "acknowledged_at": _iso(r.acknowledged_at),
            "attachments": json.loads(r.manifest or "[]"),
            "recipient": {"name": r.contact.name, "organisation": r.contact.department, "email": r.contact.email,
                          "key_fingerprint": r.contact.fingerprint}})
    return consents, referrals


def _followups(client: Client) -> list[dict]:
    return [{"id": f.id, "workflow": f.workflow, "kind": f.kind, "due": _iso(f.due), "text": f.text,
             "citation": f.citation, "basis": f.basis, "state": f.state, "state_note": f.note,
             "previous_due": _iso(f.previous_due), "change_note": f.change_note,
             "next_reminder_on": _iso(f.next_reminder_on), "reminded_on": _iso(f.reminded_on)}
            for f in FollowUpRecord.select().where(FollowUpRecord.client == client).order_by(FollowUpRecord.id)]


def _conferences(client: Client) -> list[dict]:
    return [{"number": item.number, "meeting": item.meeting.title, "meeting_on": _iso(item.meeting.held_on),
             "workflow": item.workflow, "question": item.question_text, "status": item.status,
             **item.outcome_data, "responsible": item.responsible, "due_on": _iso(item.due_on),
             "recommendation_followed": item.followed} for item in agenda_of_client(client)]


def object_ids(client: Client) -> dict[str, set[str]]:
    """Every id under which the audit trail can name this person's records."""
    def ids(query) -> set[str]:
        return {str(row[0]) for row in query.tuples()}

    return {
        "client": {str(client.id)},
        "case": ids(Case.select(Case.id).where(Case.client == client)),
        "consultation": ids(Consultation.select(Consultation.id).where(Consultation.client == client)),
        "document": ids(Document.select(Document.id).where(Document.client == client)),
        "consent": ids(Consent.select(Consent.id).where(Consent.client == client)),
        "referral": ids(Referral.select(Referral.id).where(Referral.client == client)),
        "followup": ids(FollowUpRecord.select(FollowUpRecord.id).where(FollowUpRecord.client == client)),
        "agenda_item": ids(AgendaItem.select(AgendaItem.id).where(AgendaItem.client == client)),
    }


def _audit(client: Client) -> list[dict]:
    events = []
    for object_type, ids in object_ids(client).items():
        if not ids:
            continue
        query = AuditEvent.select().where((AuditEvent.object_type == object_type)
                                          & AuditEvent.object_id.in_(sorted(ids))
                                          & (AuditEvent.at >= client.created_at))
        events.extend(query)
    return [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "object": f"{e.object_type} {e.object_id}",
             "detail": e.detail} for e in sorted(events, key=lambda e: e.id)]


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def export_client(client: Client) -> bytes:
    """The zip of everything stored about ``client``; the caller checks access and audits the export."""
    consents, referrals = _referrals(client)
    documents, files = [], {}
    for doc in Document.select().where(Document.client == client).order_by(Document.id):
        try:
            data = read_document(doc)
        except FileNotFoundError:
            data = None
        name = f"dokumente/{doc.id}-{doc.workflow}-{doc.kind}{_extension(data or b'')}" if data is not None else None
        documents.append({"id": doc.id, "workflow": doc.workflow, "kind": doc.kind, "created_at": _iso(doc.created_at),
                          "sha256": doc.sha256, "size": doc.size, "file": name})
        if name:
            files[name] = data
    parts = {
        "README.txt": README.format(reference=client.reference).encode("utf-8"),
        "person.json": _json(_person(client)),
        "fakten.json": _json(export_facts(client)),
        "fakten_verlauf.json": _json(facts_history(client)),
        "geplante_ereignisse.json": _json([p.model_dump(mode="json", exclude_none=True) for p in plans_of(client)]),
        "faelle.json": _json(_cases(client)),
        "beratungen.json": _json(_consultations(client)),
        "dokumente.json": _json(documents),
        "schweigepflichtentbindungen.json": _json(consents),
        "weiterleitungen.json": _json(referrals),
        "fristen.json": _json(_followups(client)),
        "fallbesprechungen.json": _json(_conferences(client)),
        "protokoll.json": _json(_audit(client)),
        **files,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(f"{client.reference}/{name}", data)
    return out.getvalue()


def export_filename(client: Client) -> str:
    return f"auskunft-{client.reference}.zip"


def write_export(client: Client, target: Path) -> Path:
    """Write the zip to ``target`` (mode 0600: it holds special-category data)."""
    target.write_bytes(b"")
    target.chmod(0o600)
    target.write_bytes(export_client(client))
    return target
