"""The spouse or partner as a person of their own (issue 16): the requirements § 60d Abs. 1 sets for "der
Ausländer und sein Ehegatte oder Lebenspartner" (Nr. 1 identity, Nr. 8 extremism, Nr. 11 integration course; Nr. 7
convictions is in section_60d.py), and the integration course broken off without the person's fault.

Before these facts existed nothing about the spouse was recorded and these requirements were left to the
counsellor (UNVERIFIED notes in the workflow file). So while nothing about the spouse is recorded, a criterion here
stays met and says it was not checked: facts recorded before keep their verdicts. Once something is recorded, a
missing answer makes the criterion open, as for the person.
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import CriterionType, Outcome, Params, de, hookimpl

NOT_RECORDED = "Angaben zum Ehe-/Lebenspartner nicht erfasst – nicht geprüft, bitte gesondert klären"


def _spouse(facts):
    """The spouse's facts, or ``None`` when there is none or nothing about them is recorded."""
    if facts.household.spouse_or_partner is False:
        return None
    spouse = facts.spouse
    return None if spouse == type(spouse)() else spouse


class SpouseParams(Params):
    pass


def evaluate_spouse_identity(params: SpouseParams, facts, on: dt.date) -> Outcome:
    """§ 60d Abs. 1 Nr. 1, Abs. 4: the spouse's identity clarified by the application, or all reasonable steps
    taken (then the authority may grant, Abs. 4)."""
    spouse = _spouse(facts)
    if spouse is None:
        return Outcome(True, "kein Ehe-/Lebenspartner im Haushalt" if facts.household.spouse_or_partner is False
                       else NOT_RECORDED)
    if spouse.identity_clarified_on is not None and spouse.identity_clarified_on <= on:
        return Outcome(True, f"Identität des Ehe-/Lebenspartners geklärt am {de(spouse.identity_clarified_on)}")
    if spouse.identity_reasonable_measures_taken:
        return Outcome(True, "Identität des Ehe-/Lebenspartners nicht geklärt, aber alle zumutbaren Maßnahmen "
                             "ergriffen (§ 60d Abs. 4)", discretionary=True)
    if spouse.identity_reasonable_measures_taken is None:
        return Outcome(None, "Identität des Ehe-/Lebenspartners: Klärung oder zumutbare Maßnahmen unbekannt",
                       missing_facts=("spouse.identity_clarified_on",))
    return Outcome(False, "Identität des Ehe-/Lebenspartners nicht geklärt und nicht alle zumutbaren Maßnahmen "
                          "ergriffen")


def evaluate_spouse_extremism(params: SpouseParams, facts, on: dt.date) -> Outcome:
    """§ 60d Abs. 1 Nr. 8: no links to extremist or terrorist organisations, the spouse included."""
    spouse = _spouse(facts)
    if spouse is None:
        return Outcome(True, "kein Ehe-/Lebenspartner im Haushalt" if facts.household.spouse_or_partner is False
                       else NOT_RECORDED)
    found = spouse.extremism_indications
    if found is None:
        return Outcome(None, "Ehe-/Lebenspartner: Anhaltspunkte für Extremismus unbekannt",
                       missing_facts=("spouse.extremism_indications",))
    return Outcome(not found, f"Ehe-/Lebenspartner: Anhaltspunkte für Extremismus: {'ja' if found else 'nein'}")


def _course(obliged, completed, abort_not_own_fault, who: str) -> Outcome:
    if obliged is False:
        return Outcome(True, f"{who}: keine Teilnahmepflicht")
    if completed:
        return Outcome(True, f"{who}: Integrationskurs abgeschlossen")
    if abort_not_own_fault:
        return Outcome(True, f"{who}: Integrationskurs ohne eigenes Verschulden abgebrochen")
    if obliged is None or completed is None:
        return Outcome(None, f"{who}: Teilnahmepflicht oder Abschluss unbekannt")
    return Outcome(False, f"{who}: zur Teilnahme verpflichtet, Kurs nicht abgeschlossen"
                          + ("" if abort_not_own_fault is False else " (ob der Abbruch unverschuldet war, ist nicht "
                                                                     "erfasst)"))


def evaluate_integration_course(params: SpouseParams, facts, on: dt.date) -> Outcome:
    """§ 60d Abs. 1 Nr. 11: a course the person or the spouse had to attend was completed, or broken off without
    their fault."""
    parts = [_course(facts.integration_course_obliged, facts.integration_course_completed,
                     facts.integration_course.abort_not_own_fault, "Person")]
    spouse = _spouse(facts)
    if spouse is not None:
        parts.append(_course(spouse.integration_course_obliged, spouse.integration_course_completed,
                             spouse.integration_course_abort_not_own_fault, "Ehe-/Lebenspartner"))
    detail = "; ".join(p.detail for p in parts)
    if any(p.met is False for p in parts):
        return Outcome(False, detail)
    if any(p.met is None for p in parts):
        return Outcome(None, detail, missing_facts=("integration_course_obliged", "integration_course_completed"))
    return Outcome(True, detail)


@hookimpl
def register_criterion_types():
    return {
        "spouse_identity": CriterionType("spouse_identity", SpouseParams, evaluate_spouse_identity,
                                         "Identität des Ehe-/Lebenspartners geklärt (§ 60d Abs. 1 Nr. 1 AufenthG)"),
        "spouse_extremism": CriterionType("spouse_extremism", SpouseParams, evaluate_spouse_extremism,
                                          "keine Extremismus-Anhaltspunkte beim Ehe-/Lebenspartner"),
        "integration_course_person_or_spouse": CriterionType(
            "integration_course_person_or_spouse", SpouseParams, evaluate_integration_course,
            "Integrationskurs bei Teilnahmepflicht abgeschlossen oder unverschuldet abgebrochen, auch des "
            "Ehe-/Lebenspartners"),
    }
