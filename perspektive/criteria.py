"""The built-in criterion types, registered through the ``register_criterion_types`` hook like any plugin's.

A criterion type checks one legal requirement over the facts on a day (the day of application) and answers with an
``Outcome``: met, not met, or unknown; when time alone will fulfil it, ``met_from`` is the first day it will be met
if the facts stay as they are (an open status period continues, people grow older). Parameters come from the
workflow file and are validated by a pydantic model per type, so a broken file names the key and the problem.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, get_args

from pydantic import BaseModel, ConfigDict

from .facts import LEVELS, CaseFacts, Status
from .fact_labels import VALUE_LABELS, label_of
from .family import school_age_children
from .periods import (
    add_months, birthday, de, describe_days, describe_deadline, last_day_to_act, period_end, reached_on,
)
from .plugins import hookimpl


@dataclass(frozen=True)
class Outcome:
    met: bool | None
    detail: str
    met_from: dt.date | None = None
    discretionary: bool = False
    missing_facts: tuple[str, ...] = field(default=())

    @property
    def time_will_meet(self) -> bool:
        return self.met is False and self.met_from is not None


@dataclass(frozen=True)
class CriterionType:
    name: str
    params: type[BaseModel]
    evaluate: Callable[[Any, CaseFacts, dt.date], Outcome]
    doc: str = ""


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def unknown(*paths: str) -> Outcome:
    return Outcome(None, "unbekannt: " + ", ".join(label_of(p) for p in paths), missing_facts=paths)


# --- facts: conditions on single facts ---------------------------------------------------------------------

class Condition(Params):
    """One test on one fact: ``equals`` a value, ``at_least`` a language level or a number, or a date
    ``not_after`` / ``not_before`` a day (both inclusive)."""

    fact: str
    equals: bool | str | None = None
    at_least: Literal["A1", "A2", "B1", "B2", "C1", "C2"] | float | None = None
    not_after: dt.date | None = None
    not_before: dt.date | None = None


class FactsParams(Params):
    all: list[Condition] = []
    any: list[Condition] = []


def read_fact(facts: CaseFacts, path: str):
    value: Any = facts
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def check_condition(cond: Condition, facts: CaseFacts) -> bool | None:
    value = read_fact(facts, cond.fact)
    if value is None:
        return None
    if isinstance(cond.at_least, str):
        return LEVELS.index(value) >= LEVELS.index(cond.at_least)
    if cond.at_least is not None:
        return value >= cond.at_least
    if cond.not_after is not None or cond.not_before is not None:
        return (cond.not_after is None or value <= cond.not_after) and \
            (cond.not_before is None or value >= cond.not_before)
    return value == cond.equals


def _shown(value) -> str:
    if value is None or isinstance(value, bool):
        return {True: "ja", False: "nein", None: "unbekannt"}[value]
    if isinstance(value, dt.date):
        return de(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def _describe(cond: Condition, facts: CaseFacts) -> str:
    text = f"{label_of(cond.fact)}: {_shown(read_fact(facts, cond.fact))}"
    if cond.at_least is not None:
        text += f" (erforderlich: mindestens {_shown(cond.at_least)})"
    elif cond.not_after is not None:
        text += f" (erforderlich: spätestens {de(cond.not_after)})"
    elif cond.not_before is not None:
        text += f" (erforderlich: frühestens {de(cond.not_before)})"
    return text


def evaluate_facts(params: FactsParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """All of ``all`` and at least one of ``any`` (three-valued: unknown facts make the answer unknown)."""
    results = []
    if params.all:
        values = [check_condition(c, facts) for c in params.all]
        results.append(False if False in values else (None if None in values else True))
    if params.any:
        values = [check_condition(c, facts) for c in params.any]
        results.append(True if True in values else (None if None in values else False))
    met = False if False in results else (None if None in results else True)
    conds = params.all + params.any
    if met:  # name what carries it, not the alternatives that were not needed
        conds = params.all + [c for c in params.any if check_condition(c, facts)]
    detail = "; ".join(_describe(c, facts) for c in conds)
    missing = tuple(c.fact for c in conds if read_fact(facts, c.fact) is None) if met is None else ()
    return Outcome(met, detail, missing_facts=missing)


# --- status on the day ----------------------------------------------------------------------------------

STATUS_NAMES = {status: VALUE_LABELS[status] for status in get_args(Status)}


class StatusParams(Params):
    statuses: list[Status]


def evaluate_status(params: StatusParams, facts: CaseFacts, on: dt.date) -> Outcome:
    if facts.status_history is None:
        return unknown("status_history")
    status = facts.status_on(on)
    name = STATUS_NAMES.get(status, "kein Status erfasst")
    if status in params.statuses:
        return Outcome(True, f"Status am {de(on)}: {name}")
    wanted = ", ".join(STATUS_NAMES[s] for s in params.statuses)
    return Outcome(False, f"Status am {de(on)}: {name}; erforderlich: {wanted}")


# --- residence periods ----------------------------------------------------------------------------------

class ResidenceParams(Params):
    years: int
    years_with_minor_child: int | None = None
    statuses: list[Status]
    uncredited_statuses: list[Status] = []
    credit_uncredited_if_status_on_day: list[Status] = []
    tolerated_gap_days: int = 0
    tolerated_gaps: int = 0
    key_date: dt.date | None = None  # the period must be complete on this fixed day (§ 104c: 31.10.2022)


@dataclass(frozen=True)
class _Chain:
    start: dt.date
    uncredited_days: int
    gaps: int


def _chain_until(facts: CaseFacts, on: dt.date, params: ResidenceParams, credit_all: bool) -> _Chain | None:
    """The uninterrupted stretch of counting statuses that ends on ``on``, walking back through the history.

    Periods with an uncredited status (§ 60b) do not break the stretch but do not count; a gap or a status that
    does not count ends it, except for tolerated short gaps, whose days do not count either.
    """
    counting = set(params.statuses) | set(params.uncredited_statuses)
    periods = [p for p in facts.status_history or () if p.from_ <= on]
    if not periods:
        return None
    current = periods[-1]
    if (current.to is not None and current.to < on) or current.status not in counting:
        return None
    start, uncredited, gaps = current.from_, 0, 0

    def uncredited_days(period, until):
        if period.status in params.uncredited_statuses and not credit_all:
            return (until - period.from_).days + 1
        return 0

    uncredited += uncredited_days(current, on)
    for period in reversed(periods[:-1]):
        gap = (start - period.to).days - 1
        if period.status not in counting:
            break
        if gap > 0:
            if gap > params.tolerated_gap_days or gaps >= params.tolerated_gaps:
                break
            gaps += 1
            uncredited += gap
        uncredited += uncredited_days(period, period.to)
        start = period.from_
    return _Chain(start, uncredited, gaps)


def _children_minor_until(facts: CaseFacts) -> dt.date | None:
    """The day the youngest minor child in the household turns 18, or None without such a child."""
    children = facts.household.minor_children or ()
    if not children:
        return None
    return max(birthday(c.date_of_birth, 18) for c in children)


def evaluate_residence(params: ResidenceParams, facts: CaseFacts, on: dt.date) -> Outcome:
    if facts.status_history is None:
        return unknown("status_history")
    if params.key_date is not None:  # judged on the key day only: time after it cannot help
        on_key_date = evaluate_residence(params.model_copy(update={"key_date": None}), facts, params.key_date)
        return Outcome(on_key_date.met, f"am Stichtag {de(params.key_date)}: {on_key_date.detail}",
                       missing_facts=on_key_date.missing_facts)
    credit_all = facts.status_on(on) in params.credit_uncredited_if_status_on_day
    chain = _chain_until(facts, on, params, credit_all)
    if chain is None:
        return Outcome(False, f"kein ununterbrochener anrechenbarer Aufenthalt am {de(on)}")
    credited = (on - chain.start).days + 1 - chain.uncredited_days
    effective_start = chain.start + dt.timedelta(days=chain.uncredited_days)
    full = reached_on(effective_start, years=params.years)
    note = f"anrechenbar seit {de(chain.start)}: {describe_days(credited)}"
    if chain.uncredited_days:
        note += f" (nicht angerechnet: {chain.uncredited_days} Tage"
        note += ", § 60b-Zeiten oder Unterbrechungen)" if not credit_all else ", Unterbrechungen)"
    if params.years_with_minor_child is None:
        if on >= full:
            return Outcome(True, f"{params.years} Jahre erreicht am {de(full)}; {note}")
        return Outcome(False, f"{params.years} Jahre erreicht am {de(full)}; {note}", met_from=full)

    short = reached_on(effective_start, years=params.years_with_minor_child)
    if on >= full:
        return Outcome(True, f"{params.years} Jahre erreicht am {de(full)}; {note}")
    both = (f"{params.years_with_minor_child} Jahre mit minderjährigem Kind im Haushalt (erreicht am {de(short)}), "
            f"sonst {params.years} Jahre (erreicht am {de(full)})")
    if facts.household.minor_children is None:
        return Outcome(None, f"{both}; ob ein minderjähriges Kind im Haushalt lebt, ist unbekannt; {note}",
                       missing_facts=("household.minor_children",))
    minor_until = _children_minor_until(facts)
    child_on = any(c.date_of_birth <= on < birthday(c.date_of_birth, 18) for c in facts.household.minor_children)
    if child_on and on >= short:
        return Outcome(True, f"{params.years_with_minor_child} Jahre mit minderjährigem Kind im Haushalt erreicht "
                       f"am {de(short)}; {note}")
    if minor_until is not None and on < short < minor_until:
        return Outcome(False, f"{both}; {note}", met_from=short)
    if minor_until is not None:
        return Outcome(False, f"{both}; jüngstes Kind volljährig ab {de(minor_until)}; {note}", met_from=full)
    return Outcome(False, f"{params.years} Jahre erreicht am {de(full)} (kein minderjähriges Kind im Haushalt); "
                   f"{note}", met_from=full)


class StatusDurationParams(Params):
    statuses: list[Status]
    months: int
    uncredited_statuses: list[Status] = []  # held in between, they neither count nor break the chain (§ 60b Abs. 5)


def evaluate_status_duration(params: StatusDurationParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """Holding one of ``statuses`` without a break for ``months`` up to the day."""
    if facts.status_history is None:
        return unknown("status_history")
    periods = [p for p in facts.status_history if p.from_ <= on]
    if not periods or periods[-1].status not in params.statuses or (periods[-1].to and periods[-1].to < on):
        return Outcome(False, f"am {de(on)} kein Status: " + ", ".join(STATUS_NAMES[s] for s in params.statuses))
    chain = set(params.statuses) | set(params.uncredited_statuses)
    start, uncredited = periods[-1].from_, 0
    for period in reversed(periods[:-1]):
        if period.status not in chain or (start - period.to).days > 1:
            break
        if period.status in params.uncredited_statuses:
            uncredited += (period.to - period.from_).days + 1
        start = period.from_
    full = reached_on(start + dt.timedelta(days=uncredited), months=params.months)
    detail = f"seit {de(start)}; {params.months} Monate erreicht am {de(full)}"
    if uncredited:
        detail += f" (nicht angerechnet: {uncredited} Tage {', '.join(STATUS_NAMES[s] for s in params.uncredited_statuses)})"
    return Outcome(True, detail) if on >= full else Outcome(False, detail, met_from=full)


# --- identity and passport ------------------------------------------------------------------------------

class IdentityParams(Params):
    measures_allow_discretion: bool = True


def evaluate_identity(params: IdentityParams, facts: CaseFacts, on: dt.date) -> Outcome:
    ident = facts.identity
    if ident.clarified_on is not None and ident.clarified_on <= on:
        return Outcome(True, f"Identität geklärt am {de(ident.clarified_on)}")
    return _measures_or(params, facts, "Identität nicht geklärt", "identity.clarified_on")


def evaluate_passport(params: IdentityParams, facts: CaseFacts, on: dt.date) -> Outcome:
    valid_until = facts.identity.passport_valid_until
    if valid_until is not None and valid_until >= on:
        return Outcome(True, f"Nationalpass gültig bis {de(valid_until)}")
    what = f"Pass abgelaufen am {de(valid_until)}" if valid_until else "kein gültiger Pass erfasst"
    return _measures_or(params, facts, what, "identity.passport_valid_until")


def _measures_or(params: IdentityParams, facts: CaseFacts, what: str, fact: str) -> Outcome:
    measures = facts.identity.reasonable_measures_taken
    if not params.measures_allow_discretion:  # the measures cannot help, so they need not be known
        return Outcome(False, what)
    if measures:
        return Outcome(True, f"{what}; alle erforderlichen und zumutbaren Maßnahmen ergriffen – Absehen im Ermessen "
                       "der Behörde möglich", discretionary=True)
    if measures is None and facts.identity.clarified_on is None and fact == "identity.clarified_on":
        return unknown("identity.clarified_on", "identity.reasonable_measures_taken")
    if measures is None:
        return Outcome(None, f"{what}; ob alle zumutbaren Maßnahmen ergriffen wurden, ist unbekannt",
                       missing_facts=("identity.reasonable_measures_taken",))
    return Outcome(False, what)


# --- children's school attendance -----------------------------------------------------------------------

class SchoolChildrenParams(Params):
    school_age_from: int = 6
    school_age_until: int = 18


def evaluate_school_children(params: SchoolChildrenParams, facts: CaseFacts, on: dt.date) -> Outcome:
    if facts.household.minor_children is None:
        return unknown("household.minor_children")
    of_age = school_age_children(facts, on, params.school_age_from, params.school_age_until)
    if not of_age:
        return Outcome(True, "keine Kinder im schulpflichtigen Alter im Haushalt")
    missing = [c for c in of_age if c.school_attendance_proven is not True]
    if not missing:
        return Outcome(True, f"Schulbesuch für {len(of_age)} Kind(er) nachgewiesen")
    listed = ", ".join(f"geb. {de(c.date_of_birth)}" for c in missing)
    if any(c.school_attendance_proven is None for c in missing):
        return Outcome(None, f"Schulbesuchsnachweis unbekannt für: {listed}",
                       missing_facts=("household.minor_children",))
    return Outcome(False, f"Schulbesuch nicht nachgewiesen für: {listed}")


# --- convictions ----------------------------------------------------------------------------------------

class ConvictionParams(Params):
    prison_months_exclude: float | None = None
    unsuspended_youth_custody_months_exclude: float | None = None
    fine_daily_rates_tolerated: int | None = None
    foreigner_only_fine_daily_rates_tolerated: int | None = None
    juvenile_sanctions_tolerated: bool = False
    below_threshold_note: str = ""


def evaluate_convictions(params: ConvictionParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """Exclusion by convictions for intentional offences: prison thresholds (§ 54) and fine tolerances (50/90)."""
    if facts.convictions is None:
        return unknown("convictions")
    relevant = [c for c in facts.convictions if c.date <= on and c.intentional is not False]
    if not relevant:
        return Outcome(True, "keine Verurteilung wegen einer vorsätzlichen Straftat erfasst")
    for c in relevant:
        reason = _prison_exceeds(params, c)
        if reason == "unknown":
            return Outcome(None, f"Jugendstrafe vom {de(c.date)}: ob zur Bewährung ausgesetzt, ist unbekannt",
                           missing_facts=("convictions",))
        if reason and c.intentional is None:
            return Outcome(None, f"Verurteilung vom {de(c.date)} ({reason}): ob die Tat vorsätzlich war, ist "
                           "unbekannt", missing_facts=("convictions",))
        if reason:
            return _excluded(c, reason)
    juvenile_open = False
    if params.fine_daily_rates_tolerated is not None:
        general = foreigner = 0
        for c in relevant:
            if c.juvenile_sanction and params.juvenile_sanctions_tolerated:
                continue
            # A juvenile-court measure is no fine: whether the fine tolerance covers it is not settled.
            juvenile_open = juvenile_open or bool(c.juvenile_sanction and not c.prison_months)
            if c.prison_months:
                return _excluded(c, f"Freiheits- oder Jugendstrafe {c.prison_months:g} Monate")
            if c.foreigner_only_offence:
                foreigner += c.fine_daily_rates or 0
            else:
                general += c.fine_daily_rates or 0
        limit_foreigner = params.foreigner_only_fine_daily_rates_tolerated or params.fine_daily_rates_tolerated
        if general > params.fine_daily_rates_tolerated or general + foreigner > limit_foreigner:
            return Outcome(False, f"Geldstrafen zusammen {general + foreigner} Tagessätze (davon {foreigner} nur "
                           f"von Ausländern begehbar); unbeachtlich bis {params.fine_daily_rates_tolerated}/"
                           f"{limit_foreigner} Tagessätze")
    if any(c.intentional is None for c in relevant):
        return Outcome(None, "bei mindestens einer Verurteilung ist unbekannt, ob die Tat vorsätzlich war",
                       missing_facts=("convictions",))
    detail = f"{len(relevant)} Verurteilung(en) unterhalb der Ausschlussschwelle"
    if juvenile_open:
        return Outcome(True, f"{detail}; darunter eine jugendrechtliche Maßnahme: ob sie wie eine Geldstrafe außer "
                       "Betracht bleibt, ist rechtlich nicht geklärt – die Behörde entscheidet", discretionary=True)
    if params.below_threshold_note:
        return Outcome(True, f"{detail}; {params.below_threshold_note}", discretionary=True)
    return Outcome(True, detail)


def _prison_exceeds(params: ConvictionParams, c) -> str | None:
    """Why a prison or youth custody sentence crosses the threshold, ``"unknown"`` if that depends on suspension."""
    months = c.prison_months or 0
    if c.youth_custody:
        limit = params.unsuspended_youth_custody_months_exclude
        if limit is None or months < limit or c.suspended is True:
            return None
        if c.suspended is None:
            return "unknown"
        return f"Jugendstrafe {months:g} Monate ohne Bewährung (Schwelle {limit:g})"
    if params.prison_months_exclude is not None and months >= params.prison_months_exclude:
        return f"Freiheitsstrafe {months:g} Monate (Schwelle {params.prison_months_exclude:g}, auch bei Bewährung)"
    return None


def _excluded(conviction, why: str) -> Outcome:
    return Outcome(False, f"Verurteilung vom {de(conviction.date)}: {why}")


# --- current employment ---------------------------------------------------------------------------------

class EmploymentParams(Params):
    min_hours_per_week: float = 0
    socially_insured: bool = True


def evaluate_employment(params: EmploymentParams, facts: CaseFacts, on: dt.date) -> Outcome:
    if facts.employment is None:
        return unknown("employment")
    current = [e for e in facts.employment if e.from_ <= on and (e.to is None or on <= e.to)]
    for job in current:
        if job.hours_per_week is None or job.socially_insured is None:
            return unknown("employment")
    hours = sum(j.hours_per_week for j in current if j.socially_insured or not params.socially_insured)
    detail = f"aktuell {hours:g} Wochenstunden {'sozialversicherungspflichtig ' if params.socially_insured else ''}" \
             f"beschäftigt (erforderlich: {params.min_hours_per_week:g})"
    return Outcome(hours >= params.min_hours_per_week and bool(current), detail)


# --- age on the day of application ----------------------------------------------------------------------

class AgeParams(Params):
    min_age: int | None = None
    below_age: int | None = None


def evaluate_age(params: AgeParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """An age window: at least ``min_age``, and the application made before the ``below_age``-th birthday.

    An age limit is not a deadline to act by: § 193 BGB does not move it, even when the last day is a Sunday.
    """
    born = facts.person.date_of_birth
    if born is None:
        return unknown("person.date_of_birth")
    age = facts.age_on(on)
    if params.below_age is not None:
        limit = birthday(born, params.below_age)
        if on >= limit:
            return Outcome(False, f"{params.below_age}. Geburtstag am {de(limit)}; ein Antrag war nur bis zum "
                           f"{de(limit - dt.timedelta(days=1))} möglich")
        last = f"; Antrag spätestens am {de(limit - dt.timedelta(days=1))} (Tag vor dem {params.below_age}. " \
               "Geburtstag)"
    else:
        last = ""
    if params.min_age is not None and age < params.min_age:
        reached = birthday(born, params.min_age)
        return Outcome(False, f"Alter am {de(on)}: {age} Jahre; {params.min_age} Jahre am {de(reached)}{last}",
                       met_from=reached)
    return Outcome(True, f"Alter am {de(on)}: {age} Jahre{last}")


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
    need = f"{params.months} Monate {kind}Beschäftigung mit mindestens {minimum:g} Wochenstunden" + \
        (" (alleinerziehend)" if single_parent else "")
    stretch = _hours_stretch(jobs, minimum, on)
    if stretch is None:
        return Outcome(False, f"am {de(on)} keine {kind}Beschäftigung mit mindestens {minimum:g} Wochenstunden; "
                       f"erforderlich: {need}")
    start, end = stretch
    full = reached_on(start, months=params.months)
    detail = f"ununterbrochen seit {de(start)}; {params.months} Monate erreicht am {de(full)}"
    if on >= full:
        return Outcome(True, detail)
    if end is not None and end < full:
        return Outcome(False, f"{detail}, aber die Beschäftigung endet am {de(end)}")
    return Outcome(False, detail, met_from=full)


# --- identity clarified in time (§ 60c Abs. 2 Nr. 3, § 16g Abs. 2 Nr. 3, § 60d Abs. 1 Nr. 1) ---------------

class IdentityTier(Params):
    """For entries up to ``entered_until`` (None: any later entry), identity must be clarified by the application,
    but no later than ``latest``; or within ``months_after_entry`` of the entry (a deadline to act by)."""

    entered_until: dt.date | None = None
    by_application: bool = False
    latest: dt.date | None = None
    months_after_entry: int | None = None


class IdentityDeadlineParams(Params):
    tiers: list[IdentityTier]
    discretion_citation: str = ""


def _identity_deadline(tier: IdentityTier, entry: dt.date, on: dt.date) -> tuple[dt.date, str]:
    if tier.months_after_entry is not None:
        end = period_end(entry, months=tier.months_after_entry)
        return last_day_to_act(end), f"{tier.months_after_entry} Monate nach der Einreise: {describe_deadline(end)}"
    if tier.by_application and (tier.latest is None or on <= tier.latest):
        return on, "bis zur Antragstellung"
    if tier.latest is not None:
        return last_day_to_act(tier.latest), f"spätestens {describe_deadline(tier.latest)}"
    return on, "bis zur Antragstellung"


def evaluate_identity_deadline(params: IdentityDeadlineParams, facts: CaseFacts, on: dt.date) -> Outcome:
    entry = facts.entry_date
    if entry is None:
        return unknown("entry_date")
    tier = next((t for t in params.tiers if t.entered_until is None or entry <= t.entered_until), None)
    if tier is None:
        return Outcome(False, f"Einreise am {de(entry)}: keine Frist für diese Einreise vorgesehen")
    deadline, rule = _identity_deadline(tier, entry, on)
    rule = f"Einreise am {de(entry)}, Frist zur Identitätsklärung {rule}"
    ident = facts.identity
    if ident.clarified_on is not None and ident.clarified_on <= min(deadline, on):
        return Outcome(True, f"{rule}; Identität geklärt am {de(ident.clarified_on)}")
    if ident.reasonable_measures_taken and ident.measures_taken_on is not None and \
            ident.measures_taken_on <= min(deadline, on):
        return Outcome(True, f"{rule}; alle erforderlichen und zumutbaren Maßnahmen bis {de(ident.measures_taken_on)} "
                       "ergriffen – die Frist gilt als gewahrt")
    late = f"Identität geklärt am {de(ident.clarified_on)}, nach Fristablauf" if ident.clarified_on and \
        ident.clarified_on <= on else "Identität nicht geklärt"
    if ident.reasonable_measures_taken and params.discretion_citation:
        when = f"am {de(ident.measures_taken_on)}" if ident.measures_taken_on else "(Zeitpunkt unbekannt)"
        return Outcome(True, f"{rule}; {late}; alle zumutbaren Maßnahmen ergriffen {when} – Erteilung im Ermessen "
                       f"nach {params.discretion_citation} möglich", discretionary=True)
    if ident.reasonable_measures_taken is None and not (ident.clarified_on and ident.clarified_on <= on):
        return Outcome(None, f"{rule}; {late}; ob alle zumutbaren Maßnahmen ergriffen wurden, ist unbekannt",
                       missing_facts=("identity.clarified_on", "identity.reasonable_measures_taken"))
    if deadline > on:
        return Outcome(False, f"{rule}; {late} – bis zum Fristende klären oder die Bemühungen belegen")
    return Outcome(False, f"{rule}; {late}")


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


def evaluate_training_window(params: TrainingWindowParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """An application for a training no earlier than ``apply_months_before_start`` before it starts, and not after
    it has ended. A training that already runs may still be the basis (the person continues it)."""
    start, end = facts.training.start_date, facts.training.end_date
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


BUILTIN_TYPES = (
    CriterionType("facts", FactsParams, evaluate_facts, "Bedingungen über einzelne Fakten (all/any)"),
    CriterionType("status_on_date", StatusParams, evaluate_status, "Aufenthaltsstatus am Antragstag"),
    CriterionType("residence_period", ResidenceParams, evaluate_residence, "ununterbrochene Voraufenthaltszeit"),
    CriterionType("status_duration", StatusDurationParams, evaluate_status_duration, "Dauer eines Status"),
    CriterionType("identity_clarified", IdentityParams, evaluate_identity, "Identität geklärt"),
    CriterionType("passport_valid", IdentityParams, evaluate_passport, "Passpflicht erfüllt"),
    CriterionType("school_attendance_of_children", SchoolChildrenParams, evaluate_school_children,
                  "Schulbesuch schulpflichtiger Kinder"),
    CriterionType("convictions", ConvictionParams, evaluate_convictions, "Ausschluss durch Verurteilungen"),
    CriterionType("current_employment", EmploymentParams, evaluate_employment, "aktuelle Beschäftigung"),
    CriterionType("age", AgeParams, evaluate_age, "Altersgrenzen am Antragstag"),
    CriterionType("employment_period", EmploymentPeriodParams, evaluate_employment_period,
                  "ununterbrochene Beschäftigung über einen Zeitraum"),
    CriterionType("identity_deadline", IdentityDeadlineParams, evaluate_identity_deadline,
                  "Identitätsklärung fristgerecht nach Einreisedatum"),
    CriterionType("monthly_means", MonthlyMeansParams, evaluate_monthly_means,
                  "monatliche Mittel mindestens ein Bedarfssatz"),
    CriterionType("training_window", TrainingWindowParams, evaluate_training_window,
                  "Antragsfenster vor Ausbildungsbeginn"),
)


@hookimpl
def register_criterion_types():
    return {t.name: t for t in BUILTIN_TYPES}
