"""§ 25b AufenthG: what the workflow file cannot say as data.

- the Abs. 6 route (30 months of Beschäftigungsduldung while the § 60d conditions still hold), a criterion type;
- one school-certificate item per school-age child, and the written-German evidence for the Abs. 6 route;
- the ancillary request for the family members of Abs. 4 in the letter.
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import (
    LEVELS,
    CriterionType,
    EmploymentParams,
    Outcome,
    Params,
    StatusDurationParams,
    evaluate_employment,
    evaluate_status_duration,
    family_request,
    hookimpl,
    school_certificate_items,
)

WORKFLOW = "section_25b"


class RouteParams(Params):
    months: int = 30
    min_hours_per_week: float = 20


def evaluate_route(params: RouteParams, facts, on: dt.date) -> Outcome:
    """§ 25b Abs. 6: 30 months of § 60d Duldung, § 60d still met (work ≥ 20 h, livelihood), written A2 if obliged."""
    held = evaluate_status_duration(StatusDurationParams(statuses=["beschaeftigungsduldung"], months=params.months),
                                    facts, on)
    if held.met is not True and not held.time_will_meet:
        return held
    parts = [held]
    parts.append(evaluate_employment(EmploymentParams(min_hours_per_week=params.min_hours_per_week), facts, on))
    secured = facts.livelihood.secured
    parts.append(Outcome(secured, f"Lebensunterhalt durch die Beschäftigung gesichert: "
                                  f"{ {True: 'ja', False: 'nein', None: 'unbekannt'}[secured] }",
                         missing_facts=("livelihood.secured",) if secured is None else ()))
    parts.extend(_written_german(facts))
    detail = "; ".join(p.detail for p in parts)
    if any(p.met is False and not p.time_will_meet for p in parts):
        return Outcome(False, detail)
    if any(p.met is None for p in parts):
        return Outcome(None, detail, missing_facts=tuple(f for p in parts for f in p.missing_facts))
    if held.time_will_meet:
        return Outcome(False, detail, met_from=held.met_from)
    return Outcome(True, detail)


def _written_german(facts) -> list[Outcome]:
    """Abs. 6: written A2 of the person *or* the spouse, if an integration course was open to them. Whether it was
    open is ``integration_course.possible`` when recorded, else (as before issue 16) the duty to attend."""
    possible = facts.integration_course.possible
    if possible is None:
        possible = facts.integration_course_obliged
    if possible is None:
        return [Outcome(None, "Integrationskursmöglichkeit unbekannt", missing_facts=("integration_course.possible",))]
    if not possible:
        return []
    levels = {"Person": facts.german.written, "Ehe-/Lebenspartner": facts.spouse.german_written}
    known = [level for level in levels.values() if level is not None]
    shown = ", ".join(f"{who}: {level or 'unbekannt'}" for who, level in levels.items()
                      if who == "Person" or level is not None)
    ok = True if any(LEVELS.index(v) >= LEVELS.index("A2") for v in known) else (None if not known else False)
    return [Outcome(ok, f"schriftliche Deutschkenntnisse ({shown}; A2 der Person oder des Ehe-/Lebenspartners "
                        "nötig, da ein Integrationskurs möglich war)",
                    missing_facts=("german.written",) if ok is None else ())]


@hookimpl
def register_criterion_types():
    return {"beschaeftigungsduldung_route": CriterionType(
        "beschaeftigungsduldung_route", RouteParams, evaluate_route,
        "§ 25b Abs. 6: 30 Monate Beschäftigungsduldung und § 60d weiter erfüllt")}


@hookimpl
def checklist_items(workflow, facts, assessment):
    if workflow.id != WORKFLOW:
        return []
    on = assessment.assessed_on
    items = school_certificate_items(facts, on, "für § 25b Abs. 1 S. 2 Nr. 5 AufenthG: tatsächlicher Schulbesuch")
    if facts.status_on(on) == "beschaeftigungsduldung":
        items.append({
            "id": "beschaeftigungsduldung_route",
            "text": {"de": "Beschäftigungsduldung (seit mindestens 30 Monaten), Arbeitgeberbescheinigung, Lohnabrechnungen; "
                           "bei Möglichkeit eines Integrationskurses Nachweis A2 schriftlich",
                     "en": "Employment toleration (held for at least 30 months), employer's confirmation, pay slips; "
                           "written A2 certificate if an integration course was available"},
            "why": "für § 25b Abs. 6 AufenthG: Weg über die Beschäftigungsduldung",
        })
    return items


@hookimpl
def letter_context(workflow, facts, assessment, letter):
    if workflow.id != WORKFLOW or letter != "antrag":
        return {}
    return {"family_request": family_request(facts, "§ 25b Abs. 4 AufenthG", "§ 25b Abs. 4 AufenthG")}
