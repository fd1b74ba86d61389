"""The way out of the Chancen-Aufenthaltserlaubnis (§ 104c): a deadline that belongs to no single workflow.

A holder's permit can only be followed by a permit under § 25a or § 25b (§ 104c Abs. 2 AufenthG in the version in
force since 31.12.2025), and only an application for those keeps the permit in force (§ 81 Abs. 4). The privileged
transition rules (§ 25a Abs. 5, 6, § 25b Abs. 7, 8) apply until 30.06.2027. The note names the permit's expiry and
that outer limit, next to whichever of the two paths is open or will open.

The follow-up on the permit's expiry is declared in workflows/section_25b.toml (``chancen_permit_expires``, from the
recorded end of the permit). When no end is recorded, this plugin estimates it under the same id (grant plus 18
months, old § 104c Abs. 3, known only from guides [G]); entering the real end moves the same row.
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import VALUE_LABELS, add_months, de, hookimpl

TRANSITION_ENDS = dt.date(2027, 6, 30)
PERMIT_MONTHS = 18  # old § 104c Abs. 3: granted for 18 months, not extendable (secondary sources)


def _permit(facts):
    periods = [p for p in facts.status_history or () if p.status == "chancen_aufenthaltserlaubnis"]
    return periods[-1] if periods else None


def _expires(permit) -> dt.date:
    """The recorded end, or the estimate: the last day of 18 months from the grant."""
    return permit.to or add_months(permit.from_, PERMIT_MONTHS) - dt.timedelta(days=1)


@hookimpl
def perspective_notes(facts, assessments):
    permit = _permit(facts)
    if permit is None or not assessments:
        return []
    on = assessments[0].assessed_on
    expires = _expires(permit)
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


@hookimpl
def followups(facts, on):
    """The estimated expiry of a Chancen permit whose end is not recorded (until the transition ends)."""
    permit = _permit(facts)
    if permit is None or permit.to is not None or on > TRANSITION_ENDS:
        return []
    expires = _expires(permit)
    return [{
        "id": "chancen_permit_expires",
        "workflow": "section_25b",
        "due": expires,
        "text": "Chancen-Aufenthaltserlaubnis läuft voraussichtlich ab (Ablaufdatum nicht erfasst, geschätzt): "
                "Ablaufdatum aus dem Titel eintragen und vorher Antrag nach § 25a oder § 25b stellen (nur dieser "
                "Antrag erhält die Erlaubnis)",
        "citation": "§ 104c Abs. 2, § 81 Abs. 4 AufenthG; § 104c Abs. 3 a. F. (18 Monate, nur Sekundärquellen)",
        "basis": f"Beginn {VALUE_LABELS[permit.status]} {de(permit.from_)} plus {PERMIT_MONTHS} Monate, minus 1 Tag "
                 "(geschätzt, Ende nicht erfasst)",
        "remind_days_before": [56, 28],
    }]


def _verdict(assessment) -> str:
    if assessment.verdict == "eligible":
        return "offen"
    if assessment.verdict == "eligible_from":
        return f"offen ab {de(assessment.earliest_date)}"
    return {"not_eligible": "blockiert", "incomplete": "Angaben fehlen"}.get(assessment.verdict, assessment.verdict)
