"""The way out of the Chancen-Aufenthaltserlaubnis (§ 104c): a deadline that belongs to no single workflow.

A holder's permit can only be followed by a permit under § 25a or § 25b (§ 104c Abs. 2 AufenthG in the version in
force since 31.12.2025), and only an application for those keeps the permit in force (§ 81 Abs. 4). The privileged
transition rules (§ 25a Abs. 5, 6, § 25b Abs. 7, 8) apply until 30.06.2027. The note names the permit's expiry and
that outer limit, next to whichever of the two paths is open or will open.
"""
from __future__ import annotations

import datetime as dt

from perspektive import hookimpl
from perspektive.periods import add_months, de

TRANSITION_ENDS = dt.date(2027, 6, 30)
PERMIT_MONTHS = 18  # old § 104c Abs. 3: granted for 18 months, not extendable (secondary sources)


def _permit(facts):
    periods = [p for p in facts.status_history or () if p.status == "chancen_aufenthaltserlaubnis"]
    return periods[-1] if periods else None


@hookimpl
def perspective_notes(facts, assessments):
    permit = _permit(facts)
    if permit is None or not assessments:
        return []
    on = assessments[0].assessed_on
    expires = permit.to or add_months(permit.from_, PERMIT_MONTHS) - dt.timedelta(days=1)
    if expires < on or on > TRANSITION_ENDS:
        return []
    paths = {a.workflow: a for a in assessments if a.workflow in ("section_25a", "section_25b")}
    state = "; ".join(f"{a.provision}: {_verdict(a)}" for a in paths.values()) or "§ 25a/§ 25b nicht geprüft"
    estimated = "" if permit.to else " (geschätzt: Erteilung plus 18 Monate)"
    return [{
        "text": f"Chancen-Aufenthaltserlaubnis gültig bis {de(expires)}{estimated}. Sie kann nur als "
                f"Aufenthaltserlaubnis nach § 25a oder § 25b verlängert werden; nur ein solcher Antrag vor Ablauf "
                f"erhält die Erlaubnis (Fiktionswirkung). Die Übergangsregeln für Inhaber gelten bis "
                f"{de(TRANSITION_ENDS)}. Stand: {state}.",
        "citation": "§ 104c Abs. 2 AufenthG, § 81 Abs. 4 AufenthG, § 25a Abs. 5, 6, § 25b Abs. 7, 8 AufenthG",
        "workflows": sorted(paths) or ["section_25a", "section_25b"],
    }]


def _verdict(assessment) -> str:
    if assessment.verdict == "eligible":
        return "offen"
    if assessment.verdict == "eligible_from":
        return f"offen ab {de(assessment.earliest_date)}"
    return {"not_eligible": "blockiert", "incomplete": "Angaben fehlen"}.get(assessment.verdict, assessment.verdict)
