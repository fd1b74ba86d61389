"""A case: one path a counsellor has chosen for a client, from opening to its outcome.

A case records the verdict and rules version it was opened under. While it is open or submitted, the workflow's
follow-ups belong to it; once it is granted, refused or closed, they are dismissed with that reason (and come back
if a new case for the path is opened). Every change is announced (``records.announce_change``) in the same
transaction, so the follow-ups recompute with it.
"""
from __future__ import annotations

from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.db import write_transaction
from perspektive.law import current_engine, today_in_germany

from .models import CASE_STATES, Case, Client
from .records import NotFound, after_commit, announce_change, load_facts

CLOSED_CASE_STATES = {"granted": "erteilt", "refused": "abgelehnt", "closed": "geschlossen"}
STATE_NAMES = {"open": "offen", "submitted": "beantragt", **CLOSED_CASE_STATES}


class CaseError(ValueError):
    """A change the counsellor has to correct; the message says what."""


def of_client(client: Client) -> list[Case]:
    return list(Case.select().where(Case.client == client).order_by(Case.id.desc()))


def open_case(client: Client, workflow_id: str, counsellor: User) -> Case:
    engine = current_engine()
    if workflow_id not in engine.workflows:
        raise CaseError(_("Unbekannter Weg."))
    if Case.select().where((Case.client == client) & (Case.workflow == workflow_id)
                           & Case.status.not_in(list(CLOSED_CASE_STATES))).exists():
        raise CaseError(_("Für diesen Weg ist bereits ein Fall offen."))
    today = today_in_germany()
    facts = load_facts(client)
    assessment = engine.assess(facts, today, workflow_id)[0]
    with write_transaction():
        case = Case.create(client=client, counsellor=counsellor, workflow=workflow_id, opened_on=today,
                           rules_version=assessment.rules_version or "", verdict=assessment.verdict)
        audit.record(counsellor, "case.open", "case", case.id, workflow_id)
        after = announce_change(client, facts, why=f"Fall {engine.provisions()[workflow_id]} eröffnet")
    after_commit(after)
    return case


def set_status(case: Case, status: str, counsellor: User) -> Case:
    if status not in CASE_STATES:
        raise CaseError(_("Unbekannter Stand „%(state)s“.", state=status))
    if case.status in CLOSED_CASE_STATES:
        raise CaseError(_("Der Fall ist abgeschlossen; für den Weg bitte einen neuen Fall eröffnen."))
    engine = current_engine()
    provision = engine.provisions().get(case.workflow, case.workflow)
    with write_transaction():
        case.status = status
        case.save()
        audit.record(counsellor, f"case.{status}", "case", case.id, case.workflow)
        after = announce_change(case.client, None, why=f"Fall {provision} {STATE_NAMES[status]}")
    after_commit(after)
    return case


def case_for(client: Client, case_id) -> Case:
    """One of the client's cases; another client's case is not found."""
    try:
        case = Case.get_or_none((Case.id == int(case_id)) & (Case.client == client))
    except (TypeError, ValueError):
        case = None
    if case is None:
        raise NotFound(case_id)
    return case
