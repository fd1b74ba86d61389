"""The statistics' answers to two hooks, registered by ``create_app`` beside the follow-ups:

- ``client_changed``: the client's coarse rows are rewritten in the same transaction as the change, so a figure
  never lags the facts;
- ``followups``: a granted permit's "valid until" becomes a renewal follow-up. The extension must be applied for
  before the permit runs out, so that it continues to count as valid until the authority decides (§ 81 Abs. 4
  S. 1 AufenthG). It concerns every path (``workflow = ""``): the case it came from is closed once granted, and a
  closed case dismisses its own path's follow-ups."""
from __future__ import annotations

from perspektive.law import current_engine, hookimpl

from .models import CaseOutcome, StatPerson
from .sync import sync_client

RENEWAL_TEXT = "Aufenthaltserlaubnis nach {provision} läuft ab: Verlängerung vor Ablauf beantragen"


@hookimpl
def client_changed(client, facts, why):
    sync_client(client, facts)
    return None


@hookimpl
def followups(facts, assessments, on, client):
    if client is None:
        return []

    provisions = current_engine().provisions()
    granted = (CaseOutcome.select(CaseOutcome.case_id, CaseOutcome.permit_provision, CaseOutcome.permit_valid_until)
               .join(StatPerson).where((StatPerson.client_id == client.id) & (CaseOutcome.outcome == "granted")
                                       & CaseOutcome.permit_valid_until.is_null(False)
                                       & CaseOutcome.case_id.is_null(False)))
    return [{"id": f"verlaengerung-{o.case_id}", "workflow": "", "due": o.permit_valid_until,
             "text": RENEWAL_TEXT.format(provision=provisions.get(o.permit_provision, o.permit_provision)),
             "citation": "§ 81 Abs. 4 S. 1 AufenthG",
             "basis": "„gültig bis“ der erteilten Erlaubnis, erfasst beim Ergebnis des Falls",
             "remind_days_before": [90, 30]} for o in granted]
