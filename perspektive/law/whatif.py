"""Planned events ("what if"): things that have not happened yet, each on a day, kept apart from the facts (facts
are about the past) and never part of a letter or referral.

Each kind of plan is a patch to the facts that takes effect on its day (a B1 exam passed sets the German levels, a
job adds a row to the employment list, …). ``perspectives`` assesses each path once on the facts as they are, and
once on every plan day with the plans up to that day applied, and answers per path: the earliest day without the
plans, the earliest day with them, and the plan(s) that open it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from .facts import STORED, CaseFacts
from .facts_base import LanguageLevel, _Model
from .periods import de, german_number

PlanKind = Literal["german_exam", "employment_start", "identity_clarified", "passport_issued",
                   "integration_course_completed", "livelihood_secured"]

PLAN_LABELS = {
    "german_exam": "Deutschprüfung bestanden",
    "employment_start": "Beschäftigung beginnt",
    "identity_clarified": "Identität geklärt",
    "passport_issued": "Nationalpass ausgestellt",
    "integration_course_completed": "Integrationskurs abgeschlossen",
    "livelihood_secured": "Lebensunterhalt gesichert",
}


class PlannedEvent(_Model):
    """One plan: ``kind`` on ``on``; ``level`` for an exam, ``hours_per_week`` for a job, ``valid_until`` for a
    passport."""

    on: dt.date
    kind: PlanKind
    level: LanguageLevel | None = None
    hours_per_week: float | None = Field(None, gt=0, le=80)
    valid_until: dt.date | None = None

    def describe(self) -> str:
        extra = {"german_exam": self.level, "employment_start": f"{german_number(self.hours_per_week)} Std./Woche"
                 if self.hours_per_week else None,
                 "passport_issued": f"gültig bis {de(self.valid_until)}" if self.valid_until else None}.get(self.kind)
        return f"{PLAN_LABELS[self.kind]}{f' ({extra})' if extra else ''} am {de(self.on)}"


def _raise_level(current: str | None, level: str) -> str:
    order = ("A1", "A2", "B1", "B2", "C1", "C2")
    return level if current is None or order.index(level) > order.index(current) else current


def apply(facts: CaseFacts, plans: list[PlannedEvent]) -> CaseFacts:
    """The facts as they will be once ``plans`` have happened."""
    data = facts.model_dump(by_alias=True)
    for plan in sorted(plans, key=lambda p: p.on):
        if plan.kind == "german_exam" and plan.level:
            data["german"]["oral"] = _raise_level(data["german"]["oral"], plan.level)
            data["german"]["written"] = _raise_level(data["german"]["written"], plan.level)
        elif plan.kind == "employment_start":
            data["employment"] = [*(data["employment"] or ()), {
                "from": plan.on, "to": None, "hours_per_week": plan.hours_per_week, "socially_insured": True}]
        elif plan.kind == "identity_clarified":
            data["identity"]["clarified_on"] = data["identity"]["clarified_on"] or plan.on
        elif plan.kind == "passport_issued":
            data["identity"]["passport_valid_until"] = plan.valid_until or data["identity"]["passport_valid_until"]
        elif plan.kind == "integration_course_completed":
            data["integration_course_completed"] = True
            data["basic_knowledge_of_order"] = True
        elif plan.kind == "livelihood_secured":
            data["livelihood"].update(secured=True, predominantly_secured=True, positive_prognosis=True)
    return CaseFacts.model_validate(data, context=STORED)


@dataclass(frozen=True)
class PathWithPlans:
    workflow: str
    provision: str
    title: str
    verdict: str  # without the plans
    earliest: dt.date | None  # without the plans: today if eligible, the date if eligible_from, else None
    verdict_with_plans: str
    earliest_with_plans: dt.date | None
    opened_by: tuple[str, ...]  # the plans that bring the earlier date (descriptions)

    @property
    def changed(self) -> bool:
        return (self.verdict, self.earliest) != (self.verdict_with_plans, self.earliest_with_plans)


def _earliest(assessment, day: dt.date) -> dt.date | None:
    if assessment.verdict == "eligible":
        return day
    return assessment.earliest_date if assessment.verdict == "eligible_from" else None


def perspectives(engine, facts: CaseFacts, plans: list[PlannedEvent], on: dt.date) -> list[PathWithPlans]:
    """Per path in force on ``on``: the earliest day without and with the plans (plans before ``on`` are taken as
    due today), and which plans open it."""
    plans = sorted(plans, key=lambda p: p.on)
    days = sorted({max(p.on, on) for p in plans})
    patched = {day: apply(facts, [p for p in plans if max(p.on, on) <= day]) for day in days}
    found = []
    for today in engine.assess(facts, on):
        best, best_day, verdict = _earliest(today, on), None, today.verdict
        for day in days:
            later = engine.assess(patched[day], day, today.workflow)[0]
            candidate = _earliest(later, day)
            if candidate is not None and (best is None or candidate < best):
                best, best_day = candidate, day
        opened_by = tuple(p.describe() for p in plans if best_day is not None and max(p.on, on) == best_day)
        if best_day is not None:
            verdict = "eligible" if best == on else "eligible_from"
        found.append(PathWithPlans(today.workflow, today.provision, today.title, today.verdict,
                                   _earliest(today, on), verdict, best, opened_by))
    return found
