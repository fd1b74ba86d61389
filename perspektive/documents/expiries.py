"""A checklist document's expiry day as a deadline: every item of a running case with a recorded expiry day
(``ChecklistTick.expires_on``) becomes a follow-up of that case's path, so the counsellor is reminded to have it
renewed before it lapses, not only warned on the case page.

The follow-up's text is the item's text from the workflow file (no personal data: "Nationalpass", "Nachweis über
..."); the kind is ``document_expires_<item id>``. Setting or clearing an expiry day announces the change
(``set_expiry``), so the follow-ups are recomputed in the same transaction.
"""
from __future__ import annotations

import datetime as dt

from perspektive.clients import after_commit, announce_change
from perspektive.clients.models import Case
from perspektive.db import write_transaction
from perspektive.law import FollowUp, UnknownWorkflow, current_engine, de

from .models import ChecklistTick

KIND_PREFIX = "document_expires_"
REMIND_DAYS_BEFORE = (60, 14)  # a new passport or certificate takes weeks to months
CITATION = "§ 82 Abs. 1 AufenthG"


def _item_texts(workflow_id: str) -> dict[str, str]:
    try:
        workflow = current_engine().workflow(workflow_id)
    except UnknownWorkflow:
        return {}
    return {item.id: dict(item.text).get("de", item.id) for item in workflow.checklist}


def expiry_followups(cases: dict[str, Case]) -> list[FollowUp]:
    """The follow-ups for the expiry days recorded on the checklists of ``cases`` (the latest case of each path,
    as ``followups.records`` keeps them): one query."""
    if not cases:
        return []
    ids = [case.id for case in cases.values()]
    ticks = ChecklistTick.select().where(ChecklistTick.case.in_(ids) & ChecklistTick.expires_on.is_null(False))
    by_id = {case.id: case for case in cases.values()}
    texts: dict[str, dict[str, str]] = {}
    found = []
    for tick in ticks:
        workflow = by_id[tick.case_id].workflow
        text = texts.setdefault(workflow, _item_texts(workflow)).get(tick.item, tick.item)
        due: dt.date = tick.expires_on
        found.append(FollowUp(
            workflow=workflow, id=f"{KIND_PREFIX}{tick.item}"[:80], due=due,
            remind_from=due - dt.timedelta(days=max(REMIND_DAYS_BEFORE)),
            text=f"Unterlage läuft ab: {text} – vor dem Ablauf erneuern lassen und neu vorlegen.",
            citation=CITATION, basis=f"Ablaufdatum laut Checkliste: {de(due)}",
            remind_days_before=REMIND_DAYS_BEFORE))
    return found


def announce_expiry(case: Case, save) -> None:
    """Run ``save`` (the checklist row's write) and recompute the client's follow-ups in one transaction."""
    with write_transaction():
        save()
        after = announce_change(case.client, None, why="Ablaufdatum einer Unterlage geändert")
    after_commit(after)
