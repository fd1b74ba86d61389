"""§ 19d AufenthG: what the workflow file cannot say as data.

Three criterion types, each one alternative or requirement that joins several facts:

- ``completed_training``: a vocational training completed on ``training.completed_on`` – for Abs. 1a after a
  § 60c Ausbildungsduldung held before the completion, for Abs. 1 Nr. 1 Buchst. a a *qualified* training;
- ``qualified_employment_without_benefits``: Abs. 1 Nr. 1 Buchst. c, three years of uninterrupted qualified
  employment and no public funds for the livelihood in the last year;
- ``job_matching_qualification``: the employment the permit is for, current or agreed by contract.
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import (
    STATUS_NAMES,
    CriterionType,
    EmploymentPeriodParams,
    Outcome,
    Params,
    Status,
    de,
    evaluate_employment_period,
    hookimpl,
    twelve_months,
    unknown,
)

# --- Abs. 1a and Abs. 1 Nr. 1 Buchst. a: a completed training ------------------------------------------------

class CompletedTrainingParams(Params):
    after_status: Status | None = None  # a period with this status must have begun on or before the completion
    qualified_only: bool = False  # an assistant training (Helferausbildung) does not count


def evaluate_completed_training(params: CompletedTrainingParams, facts, on: dt.date) -> Outcome:
    """A training completed successfully by the day; optionally held under ``after_status`` and/or qualified."""
    held = None
    if params.after_status is not None:
        if facts.status_history is None:
            return unknown("status_history")
        name = STATUS_NAMES[params.after_status]
        periods = [p for p in facts.status_history if p.status == params.after_status and p.from_ <= on]
        if not periods:
            return Outcome(False, f"keine {name} erfasst")
    completed = facts.training.completed_on
    if completed is None:
        return unknown("training.completed_on")
    if params.after_status is not None:
        held = next((p for p in periods if p.from_ <= completed), None)
        if held is None:
            return Outcome(False, f"Ausbildung abgeschlossen am {de(completed)}; die {name} begann erst danach "
                           f"({de(periods[0].from_)})")
    if params.qualified_only:
        if facts.training.kind is None:
            return unknown("training.kind")
        if facts.training.kind != "qualified":
            return Outcome(False, f"abgeschlossen am {de(completed)}, aber eine Assistenz- oder Helferausbildung ist "
                           "keine qualifizierte Berufsausbildung (staatlich anerkannte Pflegehilfeausbildungen zählen – "
                           "nicht erfasst, bitte gesondert prüfen)")
    detail = f"Berufsausbildung erfolgreich abgeschlossen am {de(completed)}"
    if held is not None:
        detail += f"; {STATUS_NAMES[held.status]} seit {de(held.from_)}"
    if completed > on:
        return Outcome(False, detail, met_from=completed)
    return Outcome(True, detail)


# --- Abs. 1 Nr. 1 Buchst. c: three years of qualified employment, no benefits in the last year ---------------

class QualifiedEmploymentParams(Params):
    months: int = 36


def evaluate_qualified_employment(params: QualifiedEmploymentParams, facts, on: dt.date) -> Outcome:
    """Uninterrupted employment matching a qualification for ``months``; livelihood secured without public funds.

    ``livelihood.secured`` stands in for "in the last year no public funds except housing and heating costs": the
    facts do not record benefits by month, so the current answer is taken for the whole year.
    """
    employed = evaluate_employment_period(EmploymentPeriodParams(months=params.months, matches_qualification=True),
                                          facts, on)
    if employed.met is False and not employed.time_will_meet:
        return employed
    by_month = twelve_months(facts, on, want_secured=False)
    if by_month is not None:  # recorded month by month (issue 16): the year before the application itself
        return _combined(employed, by_month)
    secured = facts.livelihood.secured
    said = {True: "ja", False: "nein", None: "unbekannt"}[secured]
    detail = f"{employed.detail}; Lebensunterhalt im letzten Jahr ohne öffentliche Mittel (angenommen nach " \
             f"„Lebensunterhalt gesichert“): {said}"
    if secured is False:
        return Outcome(False, detail)
    if employed.met is None or secured is None:
        missing = employed.missing_facts + (("livelihood.secured",) if secured is None else ())
        return Outcome(None, detail, missing_facts=missing)
    if employed.time_will_meet:
        return Outcome(False, detail, met_from=employed.met_from)
    return Outcome(True, detail)


def _combined(employed: Outcome, year: Outcome) -> Outcome:
    """Both must hold; the later of two days that time will bring."""
    detail = f"{employed.detail}; {year.detail}"
    parts = (employed, year)
    if any(p.met is False and not p.time_will_meet for p in parts):
        return Outcome(False, detail)
    if any(p.met is None for p in parts):
        return Outcome(None, detail, missing_facts=employed.missing_facts + year.missing_facts)
    later = [p.met_from for p in parts if p.time_will_meet]
    return Outcome(False, detail, met_from=max(later)) if later else Outcome(True, detail)


# --- the employment the permit is for ---------------------------------------------------------------------

class JobParams(Params):
    socially_insured: bool = True


def evaluate_job(params: JobParams, facts, on: dt.date) -> Outcome:
    """A job matching the qualification that runs on the day, or a contract for one that starts later."""
    if facts.employment is None:
        return unknown("employment")
    relevant = [j for j in facts.employment if j.to is None or j.to >= on]
    if any(j.matches_qualification is None or (params.socially_insured and j.socially_insured is None)
           for j in relevant):
        return unknown("employment")
    fitting = [j for j in relevant if j.matches_qualification and (j.socially_insured or not params.socially_insured)]
    current = next((j for j in fitting if j.from_ <= on), None)
    if current is not None:
        return Outcome(True, f"der Qualifikation entsprechende Beschäftigung seit {de(current.from_)}")
    if fitting:
        start = min(j.from_ for j in fitting)
        return Outcome(True, f"Arbeitsvertrag über eine der Qualifikation entsprechende Beschäftigung ab {de(start)}")
    return Outcome(False, "keine der Qualifikation entsprechende Beschäftigung und kein Arbeitsvertrag dafür erfasst")


@hookimpl
def register_criterion_types():
    return {
        "completed_training": CriterionType(
            "completed_training", CompletedTrainingParams, evaluate_completed_training,
            "§ 19d AufenthG: Berufsausbildung erfolgreich abgeschlossen (Abs. 1a nach Ausbildungsduldung, Abs. 1 Nr. 1 "
            "Buchst. a)"),
        "qualified_employment_without_benefits": CriterionType(
            "qualified_employment_without_benefits", QualifiedEmploymentParams, evaluate_qualified_employment,
            "§ 19d Abs. 1 Nr. 1 Buchst. c AufenthG: 3 Jahre qualifizierte Beschäftigung, im letzten Jahr ohne "
            "öffentliche Mittel"),
        "job_matching_qualification": CriterionType(
            "job_matching_qualification", JobParams, evaluate_job,
            "§ 19d: der Qualifikation entsprechende Beschäftigung (laufend oder vertraglich zugesagt)"),
    }
