"""Follow-up rules: the dates a workflow file declares in ``[[followups]]``, computed from a client's facts.

A rule names a basis (a date fact, the start or end of a status, a fixed day, ``earliest_date``: the day the
assessment says the path opens, or ``status_duration:<statuses>``: the stretch of those statuses that runs today,
counted as every period criterion counts it, § 60b time paused, ``stretches``), moves it by years, months and days, and says whether the result is a deadline
*to act by*. Only such a deadline is moved to the next working day
under § 193 BGB (Saxon public holidays); an age limit or the day a period is complete never moves. The reminder
itself (who, when, by which channel) is the job of the follow-up queue; here is only the arithmetic, so that the
page, the letters and the reminders all give the same date.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from .criteria import Condition, check_condition
from .fact_labels import VALUE_LABELS, label_of
from .facts import CaseFacts, Status, date_fact_paths
from .periods import DAYS, add_months, de, describe_deadline, last_day_to_act, period_end, quantity
from .stretches import SECTION_60B_CITATION, SECTION_60B_STATUSES, stretch_until

_STATUS_BASIS = re.compile(r"^status_(start|end):([a-z_]+)$")
_DURATION_BASIS = re.compile(r"^status_duration:([a-z_]+(?:,[a-z_]+)*)$")
DATE_FACTS = date_fact_paths()
EARLIEST_DATE = "earliest_date"
BIRTH_DATES = tuple(path for path in DATE_FACTS if path.rpartition(".")[2] == "date_of_birth")
AGE_CRITERIA = ("age",)  # criterion types whose "met from" is a birthday: a path can open on one
HOOK_REQUIRED = ("id", "due", "text", "citation", "basis")
HOOK_OPTIONAL = ("workflow", "remind_days_before")


class FollowUpRule(BaseModel):
    """One ``[[followups]]`` entry of a workflow file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    citation: str
    basis: str | None = None  # a date fact, "status_start:<status>", "status_end:<status>", "earliest_date" or
    # "status_duration:<status>,<status>" (years/months are then counted along the stretch, § 60b time paused)
    on: dt.date | None = None  # a fixed day instead of a basis (30.06.2027)
    years: int = 0
    months: int = 0
    days: int = 0
    act_by: bool = False  # a deadline to act by: § 193 BGB applies
    remind_days_before: list[int] = [30]
    when: Condition | None = None  # only for clients whose facts meet this condition
    only_for_status: Status | None = None  # only for clients who have held this status
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @field_validator("basis")
    @classmethod
    def _known_basis(cls, basis):
        if basis is None or basis in DATE_FACTS or basis == EARLIEST_DATE:
            return basis
        match = _STATUS_BASIS.match(basis)
        if match and match.group(2) in get_args(Status):
            return basis
        match = _DURATION_BASIS.match(basis)
        if match and set(match.group(1).split(",")) <= set(get_args(Status)):
            return basis
        raise ValueError(f"unbekannte Grundlage {basis!r}: ein Datumsfakt ({', '.join(DATE_FACTS)}), "
                         f"status_start:<status> / status_end:<status>, status_duration:<status>,<status> "
                         f"oder {EARLIEST_DATE}")

    @model_validator(mode="after")
    def _one_basis(self):
        if (self.basis is None) == (self.on is None):
            raise ValueError("genau eines von 'basis' oder 'on' angeben")
        if not self.remind_days_before or min(self.remind_days_before) < 0:
            raise ValueError("remind_days_before: mindestens ein Wert, keiner negativ")
        return self

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class FollowUp:
    """A dated follow-up for one client: what is due, when, why, and from when to remind."""

    workflow: str
    id: str
    due: dt.date
    remind_from: dt.date
    text: str
    citation: str
    basis: str  # German: how the date was computed
    remind_days_before: tuple[int, ...] = (30,)

    def to_json(self) -> dict:
        return {"workflow": self.workflow, "id": self.id, "due": self.due.isoformat(),
                "remind_from": self.remind_from.isoformat(), "text": self.text, "citation": self.citation,
                "basis": self.basis, "remind_days_before": list(self.remind_days_before)}

    @classmethod
    def from_hook(cls, entry: dict) -> "FollowUp":
        """A follow-up a plugin returned from the ``followups`` hook (see ``hookspecs.followups``). A mistake is a
        ValueError naming the entry and every problem: a misspelt key silently ignored would lose a reminder."""
        problems = [f"'{key}' fehlt" for key in HOOK_REQUIRED if key not in entry]
        problems += [f"unbekannter Schlüssel '{key}'" for key in entry if key not in HOOK_REQUIRED + HOOK_OPTIONAL]
        due = entry.get("due")
        if "due" in entry and (not isinstance(due, dt.date) or isinstance(due, dt.datetime)):
            problems.append("'due' muss ein Datum sein")
        days = tuple(sorted(set(entry.get("remind_days_before", (30,))), reverse=True))
        if not days or min(days) < 0:
            problems.append("'remind_days_before' nicht leer und nicht negativ")
        if problems:
            raise ValueError(f"Plugin-Frist {entry.get('id')!r}: {'; '.join(problems)}")
        return cls(entry.get("workflow", ""), entry["id"], due, due - dt.timedelta(days=days[0]),
                   entry["text"], entry["citation"], entry["basis"], days)


def _basis_day(rule: FollowUpRule, facts: CaseFacts, assessment) -> tuple[dt.date, str] | None:
    if rule.on is not None:
        return rule.on, f"Stichtag {de(rule.on)}"
    if rule.basis == EARLIEST_DATE:
        if assessment is None or assessment.verdict != "eligible_from":
            return None
        return assessment.earliest_date, f"Weg offen ab {de(assessment.earliest_date)} laut Prüfung"
    match = _STATUS_BASIS.match(rule.basis or "")
    if match:
        edge, status = match.groups()
        periods = [p for p in facts.status_history or () if p.status == status]
        if not periods:
            return None
        period = periods[-1]
        day = period.from_ if edge == "start" else period.to
        name = VALUE_LABELS.get(status, status)
        return (day, f"{'Beginn' if edge == 'start' else 'Ende'} {name} {de(day)}") if day else None
    value: object = facts
    for part in (rule.basis or "").split("."):
        value = getattr(value, part, None)
    return (value, f"{label_of(rule.basis)} {de(value)}") if isinstance(value, dt.date) else None


def _duration_end(statuses: list[str], months: int, facts: CaseFacts, on: dt.date) -> tuple[dt.date, str] | None:
    """The day ``months`` of the stretch of ``statuses`` running on ``on`` are complete, as the period criteria
    count it (§ 60b time paused, § 191 BGB when it is not contiguous). None while no such stretch runs, or while
    the person holds a § 60b Duldung: then the clock stands still and no day can be named."""
    stretch = stretch_until(facts.status_history or (), on, statuses=statuses, uncredited_statuses=SECTION_60B_STATUSES)
    if stretch is None or stretch.paused:
        return None
    names = ", ".join(VALUE_LABELS.get(s, s) for s in statuses)
    basis = f"{names} seit {de(stretch.start)}"
    if not stretch.contiguous:
        basis += f", ohne {quantity(stretch.uncredited_days, *DAYS)} nach {SECTION_60B_CITATION} ({stretch.rule()})"
    return stretch.reached(months=months), f"{basis} plus {months} Monate"


def compute(workflow_id: str, rules: tuple[FollowUpRule, ...], facts: CaseFacts, on: dt.date,
            assessment=None) -> list[FollowUp]:
    """The follow-ups of one workflow for a client, as of ``on``; rules whose basis is unknown give none.

    ``assessment`` (this workflow's, on ``on``) is needed only by rules on ``earliest_date``: the day the path
    opens is the engine's to compute (periods, interruptions, a child's age), not the file's.
    """
    followups = []
    for rule in rules:
        if not rule.in_force(on) or rule.when is not None and check_condition(rule.when, facts) is not True:
            continue
        if rule.only_for_status and rule.only_for_status not in {p.status for p in facts.status_history or ()}:
            continue
        months = 12 * rule.years + rule.months
        duration = _DURATION_BASIS.match(rule.basis or "")
        found = _duration_end(duration.group(1).split(","), months, facts, on) if duration else \
            _basis_day(rule, facts, assessment)
        if found is None:
            continue
        day, basis = found
        if duration:
            months = 0  # already counted along the stretch
        if rule.act_by and months:
            due = period_end(day, months=months) + dt.timedelta(days=rule.days)
        else:
            due = add_months(day, months) + dt.timedelta(days=rule.days)
        shift = ", ".join(f"{'plus' if n > 0 else 'minus'} {abs(n)} {unit if abs(n) != 1 else unit[:-1] or unit}"
                          for n, unit in ((rule.years, "Jahre"), (rule.months, "Monate"), (rule.days, "Tage")) if n)
        basis = f"{basis} {shift}".strip()
        if rule.act_by and last_day_to_act(due) != due:
            basis += f"; Fristende {describe_deadline(due)}"
            due = last_day_to_act(due)
        days = tuple(sorted(set(rule.remind_days_before), reverse=True))
        followups.append(FollowUp(workflow_id, rule.id, due, due - dt.timedelta(days=days[0]), rule.text,
                                  rule.citation, basis, days))
    return sorted(followups, key=lambda f: f.due)
