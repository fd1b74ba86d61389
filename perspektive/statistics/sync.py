"""Keeping the statistics rows in step with a client: called inside the write transaction that changed the client
(``plugin.client_changed``) and, for every existing client, by migration 9 (``backfill``).

Per client this costs a fixed number of queries: the person row, the client's consultations and cases, and one
bulk insert each. Consultations cannot change once recorded, so their rows are replaced wholesale; a case's outcome
is the counsellor's and survives (only its path, opening day and counsellor follow the case).
"""
from __future__ import annotations

from peewee import fn

from perspektive.clients import load_facts
from perspektive.clients.models import Case, Client, Consultation
from perspektive.db import utcnow

from .bands import classes
from .models import ATTENDEES, CaseOutcome, StatConsultation, StatPerson

# A case's state before any outcome was recorded, as an outcome (a closed case ended without the reason known).
OUTCOME_OF_STATE = {"open": "open", "submitted": "open", "granted": "granted", "refused": "refused",
                    "closed": "closed"}


def _detach(person: StatPerson) -> None:
    """The client this row named was erased and its id is now another client's: keep the figures, drop the ids."""
    StatConsultation.update(consultation_id=None).where(StatConsultation.person == person).execute()
    CaseOutcome.update(case_id=None).where(CaseOutcome.person == person).execute()
    StatPerson.update(client_id=None, client_created=None).where(StatPerson.id == person.id).execute()


def detach_erased() -> int:
    """Every row whose client is gone (erased) loses its ids, so nothing links the figures to the old client id
    any more; the counts stay. Three UPDATEs, whatever the number of rows; returns how many persons."""
    gone = StatPerson.select(StatPerson.id).where(StatPerson.client_id.is_null(False)
                                                  & StatPerson.client_id.not_in(Client.select(Client.id)))
    people = [i for (i,) in gone.tuples()]
    if people:
        StatConsultation.update(consultation_id=None).where(StatConsultation.person.in_(people)).execute()
        CaseOutcome.update(case_id=None).where(CaseOutcome.person.in_(people)).execute()
        StatPerson.update(client_id=None, client_created=None).where(StatPerson.id.in_(people)).execute()
    return len(people)


def person_of(client: Client) -> StatPerson | None:
    """The client's row, if it has one (a row left by an erased client with the same id is detached first)."""
    person = StatPerson.get_or_none(StatPerson.client_id == client.id)
    if person is not None and person.client_created != client.created_at:
        _detach(person)
        return None
    return person


def _first_contact(client: Client):
    first = (Consultation.select(fn.MIN(Consultation.held_on)).where(Consultation.client == client).scalar())
    return first or client.created_at.date()


def sync_client(client: Client, facts=None) -> StatPerson:
    """Write the client's person, consultation and case rows from the client as it is now."""
    client = Client.get_by_id(client.id)
    facts = facts if facts is not None else load_facts(client)
    first = _first_contact(client)
    values = {**classes(facts, first), "counsellor": client.counsellor_id, "first_contact": first,
              "updated_at": utcnow()}
    person = person_of(client)
    if person is None:
        person = StatPerson.create(client_id=client.id, client_created=client.created_at, **values)
    else:
        StatPerson.update(**values).where(StatPerson.id == person.id).execute()
    _sync_consultations(client, person)
    _sync_cases(client, person)
    return person


def _sync_consultations(client: Client, person: StatPerson) -> None:
    StatConsultation.delete().where(StatConsultation.person == person).execute()
    rows = [{"person": person.id, "consultation_id": c.id, "counsellor": c.counsellor_id, "held_on": c.held_on,
             "kind": c.kind, **{f"by_{a}": a in c.attendees.split(",") for a in ATTENDEES}}
            for c in Consultation.select().where(Consultation.client == client)]
    if rows:
        StatConsultation.insert_many(rows).execute()


def _sync_cases(client: Client, person: StatPerson) -> None:
    known = {o.case_id: o for o in CaseOutcome.select().where(CaseOutcome.person == person)}
    new = []
    for case in Case.select().where(Case.client == client):
        outcome = known.get(case.id)
        if outcome is None:
            new.append({"case_id": case.id, "person": person.id, "counsellor": case.counsellor_id,
                        "path": case.workflow, "opened_on": case.opened_on,
                        "outcome": OUTCOME_OF_STATE.get(case.status, "open")})
        elif (outcome.path, outcome.opened_on, outcome.counsellor_id) != (case.workflow, case.opened_on,
                                                                          case.counsellor_id):
            CaseOutcome.update(path=case.workflow, opened_on=case.opened_on, counsellor=case.counsellor_id).where(
                CaseOutcome.id == outcome.id).execute()
    if new:
        CaseOutcome.insert_many(new).execute()


def backfill(batch: int = 200) -> int:
    """Rows for every client that has none yet (migration 9); returns how many were written."""
    done = 0
    last = 0
    while True:
        clients = list(Client.select().where(Client.id > last).order_by(Client.id).limit(batch))
        if not clients:
            return done
        for client in clients:
            sync_client(client)
            done += 1
        last = clients[-1].id
