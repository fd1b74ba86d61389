"""Criterion types about work and livelihood: employment over a period, monthly means, and the application window
before a training starts."""
from __future__ import annotations

import datetime as dt

from .criteria import Outcome, Params, unknown
from .facts import CaseFacts
from .periods import WEEKLY_HOURS, add_months, de, quantity, reached_on

# --- employment over a period ---------------------------------------------------------------------------

class EmploymentPeriodParams(Params):
    months: int
    min_hours_per_week: float = 0
    min_hours_per_week_single_parent: float | None = None
    socially_insured: bool = True
    matches_qualification: bool = False


def _qualifying_jobs(params: EmploymentPeriodParams, jobs) -> list | None:
    """The jobs that count, or None if a fact that decides whether a job counts is unknown."""
    counted = []
    for job in jobs:
        if job.hours_per_week is None or (params.socially_insured and job.socially_insured is None) or \
                (params.matches_qualification and job.matches_qualification is None):
            return None
        if params.socially_insured and not job.socially_insured:
            continue
        if params.matches_qualification and not job.matches_qualification:
            continue
        counted.append(job)
    return counted


def _hours_stretch(jobs, minimum: float, on: dt.date) -> tuple[dt.date, dt.date | None] | None:
    """The uninterrupted stretch around ``on`` in which the jobs together reach ``minimum`` hours a week, as
    (first day, last day or None when it is open-ended); None if ``on`` itself falls short.

    The weekly hours only change on the days a job starts or the day after one ends (the edges); between two
    edges they are constant, so it is enough to look at the edges.
    """
    def hours(day):
        return sum(j.hours_per_week for j in jobs if j.from_ <= day and (j.to is None or day <= j.to))

    if not jobs or hours(on) < minimum:
        return None
    edges = sorted({j.from_ for j in jobs} | {j.to + dt.timedelta(days=1) for j in jobs if j.to is not None})
    start = on
    for edge in reversed([e for e in edges if e <= on]):
        if hours(edge) < minimum:
            break
        start = edge
    end = next((e - dt.timedelta(days=1) for e in edges if e > on and hours(e) < minimum), None)
    return start, end


def evaluate_employment_period(params: EmploymentPeriodParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """Employment of at least ``min_hours_per_week`` (several jobs add up) without a break for ``months``, up to the
    day; an open-ended job is expected to continue, a job with an end date is not."""
    if facts.employment is None:
        return unknown("employment")
    jobs = _qualifying_jobs(params, facts.employment)
    if jobs is None:
        return unknown("employment")
    minimum = params.min_hours_per_week
    kind = "sozialversicherungspflichtige " if params.socially_insured else ""
    kind += "der Qualifikation entsprechende " if params.matches_qualification else ""
    single_parent = params.min_hours_per_week_single_parent is not None and \
        facts.household.spouse_or_partner is False and bool(facts.household.minor_children)
    if single_parent:
        minimum = params.min_hours_per_week_single_parent
    need = f"{params.months} Monate {kind}Beschäftigung mit mindestens {quantity(minimum, *WEEKLY_HOURS)}" + \
        (" (alleinerziehend)" if single_parent else "")
    stretch = _hours_stretch(jobs, minimum, on)
    if stretch is None:
        return Outcome(False, f"am {de(on)} keine {kind}Beschäftigung mit mindestens {quantity(minimum, *WEEKLY_HOURS)}; "
                       f"erforderlich: {need}")
    start, end = stretch
    full = reached_on(start, months=params.months)
    detail = f"ununterbrochen seit {de(start)}; {params.months} Monate erreicht am {de(full)}"
    if on >= full:
        return Outcome(True, detail)
    if end is not None and end < full:
        return Outcome(False, f"{detail}, aber die Beschäftigung endet am {de(end)}")
    return Outcome(False, detail, met_from=full)


# --- livelihood as a monthly amount (§ 16g: BAföG § 12 needs) --------------------------------------------

class MonthlyMeansParams(Params):
    with_parents: float
    own_household: float
    with_parents_school_based: float | None = None
    own_household_school_based: float | None = None
    basis: str = ""


def evaluate_monthly_means(params: MonthlyMeansParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """Monthly means at least the amount for the person's situation (with their parents or not, school-based)."""
    means, with_parents = facts.livelihood.monthly_means_eur, facts.household.lives_with_parents
    missing = tuple(f for f, v in (("livelihood.monthly_means_eur", means),
                                   ("household.lives_with_parents", with_parents)) if v is None)
    if missing:
        return unknown(*missing)
    school = bool(facts.training.school_based)
    amount = (params.with_parents_school_based if with_parents else params.own_household_school_based) \
        if school else None
    if amount is None:
        amount = params.with_parents if with_parents else params.own_household
    where = "bei den Eltern wohnend" if with_parents else "nicht bei den Eltern wohnend"
    if school:
        where += ", schulische Ausbildung"
    basis = f" nach {params.basis}" if params.basis else ""
    return Outcome(means >= amount, f"monatlich verfügbar {euro(means)}, Bedarf{basis} ({where}) {euro(amount)}")


def euro(amount: float) -> str:
    """``1.234,50 €``, as German text writes amounts."""
    number = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{number} €"


# --- the window before a training starts (§ 60c Abs. 3, § 16g Abs. 3) ---------------------------------------

class TrainingWindowParams(Params):
    apply_months_before_start: int = 7
    grant_months_before_start: int | None = 6
    after_completion: str = ""  # the routes that follow a completed training, named when it is completed


def evaluate_training_window(params: TrainingWindowParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """An application for a training no earlier than ``apply_months_before_start`` before it starts, and neither
    after it has ended nor after it was completed. A training that already runs may still be the basis (the person
    continues it); a completed one may not: the statute speaks of a training taken up or continued (§ 60c Abs. 1,
    § 16g Abs. 1), and after completion other routes follow (``after_completion``)."""
    start, end = facts.training.start_date, facts.training.end_date
    completed = facts.training.completed_on
    if completed is not None and completed <= on:
        detail = f"die Ausbildung wurde am {de(completed)} abgeschlossen: sie wird nicht mehr aufgenommen oder " \
                 "fortgesetzt"
        return Outcome(False, f"{detail}; {params.after_completion}" if params.after_completion else detail)
    if start is None:
        return unknown("training.start_date")
    opens = add_months(start, -params.apply_months_before_start)
    detail = f"Ausbildungsbeginn {de(start)}; Antrag frühestens ab {de(opens)}"
    if params.grant_months_before_start is not None:
        detail += f", Erteilung frühestens ab {de(add_months(start, -params.grant_months_before_start))}"
    if end is not None and on > end:
        return Outcome(False, f"{detail}; die Ausbildung endete laut Vertrag am {de(end)}")
    if on < opens:
        return Outcome(False, detail, met_from=opens)
    return Outcome(True, detail)
