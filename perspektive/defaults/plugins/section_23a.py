"""§ 23a AufenthG: what the workflow file cannot say as data.

- ``no_fixed_removal_date``: the rule exclusion of Abs. 1 S. 3 is a *fixed* removal date. The facts only know
  whether concrete measures to end the stay are under way, which is broader, so those facts make the answer open
  (the counsellor asks the authority) instead of a wrong "no".
- ``hardship_reasons``: whether the reasons are urgent enough is the commission's finding alone (Abs. 2 S. 5). The
  criterion lists the recorded facts that can carry an Eingabe, so that the counsellor and the letter argue from
  them; without any such fact it stays open rather than "not met".
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import CriterionType, Outcome, Params, hookimpl, quantity


class NoParams(Params):
    pass


def evaluate_no_fixed_removal_date(params: NoParams, facts, on: dt.date) -> Outcome:
    if facts.concrete_removal_measures is False:
        return Outcome(True, "keine konkreten Maßnahmen zur Aufenthaltsbeendigung erfasst")
    if facts.concrete_removal_measures:
        return Outcome(None, "konkrete Maßnahmen zur Aufenthaltsbeendigung erfasst: bei der Ausländerbehörde klären, "
                       "ob bereits ein Rückführungstermin feststeht", missing_facts=("concrete_removal_measures",))
    return Outcome(None, "unbekannt, ob Maßnahmen zur Aufenthaltsbeendigung eingeleitet sind",
                   missing_facts=("concrete_removal_measures",))


def _full_years(since: dt.date, on: dt.date) -> int:
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


def hardship_grounds(facts, on: dt.date) -> list[str]:
    """The recorded facts that can carry an Eingabe, in the words of the criterion's detail."""
    grounds = []
    if facts.entry_date is not None and facts.entry_date <= on:
        years = _full_years(facts.entry_date, on)
        if years >= 5:
            grounds.append(f"seit {years} Jahren in Deutschland")
    if facts.school.successful_years_in_germany:
        years_at_school = quantity(facts.school.successful_years_in_germany, "Jahr", "Jahre")
        grounds.append(f"{years_at_school} erfolgreichen Schulbesuchs in Deutschland")
    if facts.school.qualification_in_germany:
        grounds.append("Schulabschluss in Deutschland")
    if facts.training.start_date is not None and facts.training.start_date <= on:
        grounds.append("Berufsausbildung")
    if any(job.from_ <= on and (job.to is None or job.to >= on) for job in facts.employment or ()):
        grounds.append("Beschäftigung")
    if facts.german.oral in ("B1", "B2", "C1", "C2"):
        grounds.append(f"Deutschkenntnisse auf Niveau {facts.german.oral}")
    if facts.household.minor_children:
        grounds.append("minderjährige Kinder")
    if facts.prevented_by_illness_disability_or_age:
        grounds.append("Krankheit, Behinderung oder Alter")
    if facts.departure_impossible.impossible:
        grounds.append("Ausreise unmöglich")
    return grounds


def evaluate_hardship_reasons(params: NoParams, facts, on: dt.date) -> Outcome:
    grounds = hardship_grounds(facts, on)
    if not grounds:
        return Outcome(None, "keine Gründe erfasst, die eine Eingabe tragen könnten (Aufenthaltsdauer, Schule, Arbeit, "
                       "Sprache, Familie, Gesundheit)", missing_facts=("entry_date",))
    return Outcome(True, "Gründe für die Eingabe: " + ", ".join(grounds) + "; ob sie dringend genug sind, stellt "
                   "die Härtefallkommission fest", discretionary=True)


@hookimpl
def register_criterion_types():
    return {
        "no_fixed_removal_date": CriterionType(
            "no_fixed_removal_date", NoParams, evaluate_no_fixed_removal_date,
            "kein konkret feststehender Rückführungstermin (§ 23a Abs. 1 S. 3 AufenthG)"),
        "hardship_reasons": CriterionType(
            "hardship_reasons", NoParams, evaluate_hardship_reasons,
            "erfasste Gründe für ein Härtefallersuchen (§ 23a Abs. 2 S. 5 AufenthG)"),
    }
