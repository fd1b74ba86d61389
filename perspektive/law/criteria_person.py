"""Criterion types about the person: the children's school attendance, convictions, employment on the day, and
age limits."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from . import bzrg
from .criteria import Outcome, Params, unknown
from .facts import CaseFacts
from .family import school_age_children
from .periods import MONTHS, WEEKLY_HOURS, birthday, de, quantity

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
        return Outcome(True, f"Schulbesuch für {quantity(len(of_age), 'Kind', 'Kinder')} nachgewiesen")
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
    """Exclusion by convictions for intentional offences: prison thresholds (§ 54) and fine tolerances (50/90).
    A conviction erased or due for erasure no longer counts (§ 51 BZRG); one that excludes names its day."""
    if facts.convictions is None:
        return unknown("convictions")
    return with_erasure(_evaluate_convictions(params, bzrg.counted(facts.convictions, on), on), facts.convictions, on)


def with_erasure(outcome: Outcome, convictions, on: dt.date) -> Outcome:
    """A conviction criterion that fails is met again once the register must erase the entries (§§ 46, 47, 51
    BZRG): that day becomes its ``met_from``."""
    if outcome.met is not False:
        return outcome
    day, note = bzrg.erasure_note(convictions, on)
    return replace(outcome, detail=f"{outcome.detail}; {note}", met_from=day) if note else outcome


def _evaluate_convictions(params: ConvictionParams, convictions, on: dt.date) -> Outcome:
    relevant = [c for c in convictions if c.date <= on and c.intentional is not False]
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
                return _excluded(c, f"Freiheits- oder Jugendstrafe {quantity(c.prison_months, *MONTHS)}")
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
    detail = f"{quantity(len(relevant), 'Verurteilung', 'Verurteilungen')} unterhalb der Ausschlussschwelle"
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
        return f"Jugendstrafe {quantity(months, *MONTHS)} ohne Bewährung (Schwelle {quantity(limit, *MONTHS)})"
    if params.prison_months_exclude is not None and months >= params.prison_months_exclude:
        threshold = quantity(params.prison_months_exclude, *MONTHS)
        return f"Freiheitsstrafe {quantity(months, *MONTHS)} (Schwelle {threshold}, auch bei Bewährung)"
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
    insured = "sozialversicherungspflichtig " if params.socially_insured else ""
    detail = (f"aktuell {quantity(hours, *WEEKLY_HOURS)} {insured}beschäftigt "
              f"(erforderlich: {quantity(params.min_hours_per_week, *WEEKLY_HOURS)})")
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


