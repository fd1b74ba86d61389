"""The expiry of the papers a client carries as deadlines for every path: the national passport
(``identity.passport_valid_until``) and the paper of the current status (``valid_until`` of the last period of the
status history: the Duldung, the Bescheinigung über die Aufenthaltsgestattung). One follow-up each with
``workflow = ""``, so a closed case of one path does not dismiss it.

A lapsed Duldung paper does not end the suspension of removal, but without a valid paper the client cannot prove
it (at work, at a check); it is renewed at the authority before it lapses (§ 60a Abs. 4 AufenthG). The Gestattung
paper is renewed likewise (§ 63 Abs. 2 AsylG). The passport is the client's duty to hold and show (§ 3 Abs. 1,
§ 48 Abs. 1 AufenthG); an embassy appointment takes months, hence the early reminder. A permit's expiry is
``permit_renewal``'s (§ 81 Abs. 4 AufenthG), which reads ``valid_until`` too. Each day is the last day the paper
is valid, not a deadline that § 193 BGB moves.
"""
from __future__ import annotations

from perspektive.law import de, hookimpl

DULDUNG = {"duldung", "duldung_ungeklaerte_identitaet", "ausbildungsduldung", "beschaeftigungsduldung"}


@hookimpl
def followups(facts):
    found = []
    passport = facts.identity.passport_valid_until if facts.identity else None
    if passport is not None:
        found.append({
            "id": "passport_expires", "workflow": "", "due": passport,
            "text": "Nationalpass läuft ab: rechtzeitig einen Termin bei der Auslandsvertretung für den neuen Pass "
                    "vereinbaren und den neuen Pass der Ausländerbehörde vorlegen.",
            "citation": "§ 3 Abs. 1, § 48 Abs. 1 AufenthG",
            "basis": f"Pass gültig bis {de(passport)} (letzter Tag der Gültigkeit)",
            "remind_days_before": [90, 30],
        })
    periods = facts.status_history or ()
    current = periods[-1] if periods else None
    if current is not None and current.valid_until is not None:
        if current.status in DULDUNG:
            found.append({
                "id": "duldung_expires", "workflow": "", "due": current.valid_until,
                "text": "Duldungsbescheinigung läuft ab: vor dem Ablauf bei der Ausländerbehörde verlängern lassen.",
                "citation": "§ 60a Abs. 4 AufenthG",
                "basis": f"Duldung gültig bis {de(current.valid_until)} (letzter Tag der Gültigkeit)",
                "remind_days_before": [28, 7],
            })
        elif current.status == "gestattung":
            found.append({
                "id": "gestattung_expires", "workflow": "", "due": current.valid_until,
                "text": "Bescheinigung über die Aufenthaltsgestattung läuft ab: vor dem Ablauf verlängern lassen.",
                "citation": "§ 63 Abs. 2 AsylG",
                "basis": f"Gestattung gültig bis {de(current.valid_until)} (letzter Tag der Gültigkeit)",
                "remind_days_before": [28, 7],
            })
    return found
