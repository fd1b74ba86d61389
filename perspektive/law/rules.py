"""The assessment of a workflow for a client on a day: verdict, earliest date and a trace that explains itself.

The day is taken as the day of application. When only criteria that time alone will meet are open, the earliest
date is found by assessing again on the latest ``met_from``, under the rules in force *that* day, until the answer
settles: an age limit or a change in the law that closes the window before then turns the verdict to
``not_eligible``, a child who comes of age moves the date further out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Iterable, Mapping

from .criteria import CriterionType, Outcome
from .evaluation import Outcomes
from .facts import CaseFacts
from .periods import de
from .workflows import CriterionSpec, Workflow

MAX_RESETTLES = 12


@dataclass(frozen=True, init=False)
class CriterionResult:
    id: str
    label: str
    met: bool | None
    met_from: dt.date | None
    state: str  # German: "erfüllt", "nicht erfüllt", "offen – Angaben fehlen", ...
    reason: str  # why, without the label and the state
    citation: str
    valid_from: dt.date
    valid_until: dt.date | None
    hint: str = ""
    evidence: str = ""
    unverified: str = ""
    discretionary: bool = False
    missing_facts: tuple[str, ...] = ()

    def __init__(self, id: str, label: str, met: bool | None, met_from: dt.date | None, state: str, reason: str,
                 citation: str, valid_from: dt.date, valid_until: dt.date | None, hint: str = "", evidence: str = "",
                 unverified: str = "", discretionary: bool = False, missing_facts: tuple[str, ...] = ()):
        """One dict update instead of one ``object.__setattr__`` per field: see ``Outcome.__init__``."""
        self.__dict__.update(id=id, label=label, met=met, met_from=met_from, state=state, reason=reason,
                             citation=citation, valid_from=valid_from, valid_until=valid_until, hint=hint,
                             evidence=evidence, unverified=unverified, discretionary=discretionary,
                             missing_facts=missing_facts)

    @property
    def explanation(self) -> str:
        """The whole explanation: label, state, reason, and any UNVERIFIED note."""
        text = f"{self.label}: {self.state}. {self.reason}."
        return f"{text} UNVERIFIED: {self.unverified}" if self.unverified else text

    @property
    def blocks(self) -> bool:
        """Not met, and time alone will not change that."""
        return self.met is False and self.met_from is None

    def to_json(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["explanation"] = self.explanation
        for key in ("met_from", "valid_from", "valid_until"):
            data[key] = data[key].isoformat() if data[key] else None
        data["missing_facts"] = list(self.missing_facts)
        return data


@dataclass(frozen=True)
class Assessment:
    workflow: str
    provision: str
    title: str
    assessed_on: dt.date
    rules_version: str | None
    verdict: str
    earliest_date: dt.date | None
    criteria: tuple[CriterionResult, ...]
    unverified: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "workflow": self.workflow,
            "provision": self.provision,
            "title": self.title,
            "rules_version": self.rules_version,
            "verdict": self.verdict,
            "earliest_date": self.earliest_date.isoformat() if self.earliest_date else None,
            "criteria": [c.to_json() for c in self.criteria],
            "unverified": list(self.unverified),
        }

    @property
    def blocking(self) -> list[CriterionResult]:
        """The criteria that close this path: not met, and time alone will not change that."""
        return [c for c in self.criteria if c.blocks]

    @property
    def waiting_for(self) -> list[CriterionResult]:
        """The criteria that time alone will meet (a period, an age, a window)."""
        return [c for c in self.criteria if c.met is False and c.met_from is not None]

    @property
    def discretionary(self) -> bool:
        return any(c.met and c.discretionary for c in self.criteria)

    @property
    def missing_facts(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.criteria:
            for fact in c.missing_facts:
                seen.setdefault(fact)
        return list(seen)


def _evaluate(spec: CriterionSpec, outcomes: Outcomes, on: dt.date) -> Outcome:
    outcome = _either(spec, outcomes, on) if spec.any_of else outcomes.of(spec, on)
    if spec.discretionary and outcome.met and not outcome.discretionary:
        return replace(outcome, discretionary=True)
    return outcome


def _either(spec: CriterionSpec, outcomes: Outcomes, on: dt.date) -> Outcome:
    """An ``any_of`` criterion: met by the first alternative that is met (one the client has a claim to before one
    in the authority's discretion), else not met until the soonest day time brings."""
    answers = [(alt, _evaluate(alt, outcomes, on)) for alt in spec.any_of]
    met = sorted(((alt, o) for alt, o in answers if o.met), key=lambda pair: pair[1].discretionary)
    if met:  # explained by the alternative that carries it; the others no longer matter
        alt, o = met[0]
        return Outcome(True, f"{alt.label} ({alt.citation}): {o.detail}", discretionary=o.discretionary)
    details = " | ".join(f"{alt.label} ({alt.citation}): {o.detail}" for alt, o in answers)
    later = [o.met_from for _, o in answers if o.time_will_meet]
    if later:
        return Outcome(False, details, met_from=min(later))
    missing = tuple(f for _, o in answers for f in o.missing_facts)
    if any(o.met is None for _, o in answers):
        return Outcome(None, details, missing_facts=missing)
    return Outcome(False, details)


def _state(outcome: Outcome) -> str:
    if outcome.met:
        return "erfüllt (im Ermessen der Behörde)" if outcome.discretionary else "erfüllt"
    if outcome.met is None:
        return "offen – Angaben fehlen"
    if outcome.met_from:
        return f"noch nicht erfüllt, voraussichtlich ab {de(outcome.met_from)}"
    return "nicht erfüllt"


def _result(spec: CriterionSpec, outcome: Outcome) -> CriterionResult:
    # In field order, positionally: binding fourteen keywords costs as much again as the rest of the call, and an
    # assessment makes about a hundred results.
    return CriterionResult(spec.id, spec.label, outcome.met, outcome.met_from, _state(outcome), outcome.detail,
                           spec.citation, spec.valid_from, spec.valid_until, spec.hint, spec.evidence,
                           spec.unverified, outcome.discretionary, outcome.missing_facts)


def _not_in_force(workflow: Workflow, on: dt.date) -> Assessment:
    until = f" bis {de(workflow.in_force_until)}" if workflow.in_force_until else ""
    result = CriterionResult(
        id="in_force", label=f"{workflow.provision} in Kraft", met=False, met_from=None, state="nicht erfüllt",
        reason=f"{workflow.provision} gilt vom {de(workflow.in_force_from)}{until}; am {de(on)} nicht anwendbar",
        citation=workflow.provision, valid_from=workflow.in_force_from, valid_until=workflow.in_force_until)
    return Assessment(workflow.id, workflow.provision, workflow.title, on, None, "not_eligible", None, (result,),
                      workflow.unverified)


def _assess_once(workflow: Workflow, outcomes: Outcomes, on: dt.date) -> Assessment:
    if not workflow.in_force(on):
        return _not_in_force(workflow, on)
    results = tuple([_result(spec, _evaluate(spec, outcomes, on)) for spec in workflow.criteria_on(on)])
    verdict, earliest = _verdict(results)
    return Assessment(workflow.id, workflow.provision, workflow.title, on, workflow.rules_version(on), verdict,
                      earliest, results, workflow.unverified)


def _verdict(results: tuple[CriterionResult, ...]) -> tuple[str, dt.date | None]:
    """One criterion that blocks closes the path; else one with facts missing leaves it undecided; else it opens
    on the latest day that time brings, or today."""
    missing, waiting = False, []
    for result in results:
        if result.met is False:
            if result.met_from is None:
                return "not_eligible", None
            waiting.append(result.met_from)
        elif result.met is None:
            missing = True
    if missing:
        return "incomplete", None
    if waiting:
        return "eligible_from", max(waiting)
    return "eligible", None


def assess(workflow: Workflow, facts: CaseFacts, on: dt.date, types: Mapping[str, CriterionType]) -> Assessment:
    """Assess ``workflow`` on ``on``; see the module docstring for how the earliest date settles.

    Between today and the candidate date the law may change: each change day is probed first, so a path that a
    new version opens earlier (or closes) is found on that day. A path that is blocked today is probed on each
    later change day too: a version already enacted may relax the requirement that blocks it.
    """
    return _assess(workflow, Outcomes(facts, types), on)


def _assess(workflow: Workflow, outcomes: Outcomes, on: dt.date) -> Assessment:
    """``assess``, with the criteria's answers from (and into) ``outcomes``."""
    first = _assess_once(workflow, outcomes, on)
    if first.verdict == "not_eligible" and workflow.in_force(on):
        return _opened_by_later_rules(workflow, outcomes, first)
    probed_until, target = on, first.earliest_date
    for _ in range(MAX_RESETTLES):
        if target is None:
            break
        changes = [d for d in workflow.change_days() if probed_until < d < target]
        probe = changes[0] if changes else target
        later = _assess_once(workflow, outcomes, probe)
        if later.verdict == "eligible":
            return _with_earliest(first, probe)
        if later.verdict == "eligible_from":
            probed_until, target = probe, later.earliest_date
            continue
        return _closed_before(first, later)
    return first


def _opened_by_later_rules(workflow: Workflow, outcomes: Outcomes, first: Assessment) -> Assessment:
    for change in (d for d in workflow.change_days() if d > first.assessed_on):
        later = _assess(workflow, outcomes, change)
        if later.verdict not in ("eligible", "eligible_from"):
            continue
        earliest = later.earliest_date or change
        blocked = "; ".join(f"{c.label} ({c.citation})" for c in first.criteria if c.blocks)
        opening = CriterionResult(
            id="later_rules", label="Rechtsänderung", met=False, met_from=earliest,
            state=f"noch nicht erfüllt, voraussichtlich ab {de(earliest)}",
            reason=f"Nach der ab {de(change)} geltenden Fassung sind die Voraussetzungen ab {de(earliest)} erfüllt; "
                   f"nach den heute geltenden Regeln fehlt: {blocked}",
            citation=workflow.provision, valid_from=change, valid_until=None)
        return Assessment(first.workflow, first.provision, first.title, first.assessed_on, first.rules_version,
                          "eligible_from", earliest, first.criteria + (opening,), first.unverified)
    return first


def _with_earliest(first: Assessment, earliest: dt.date) -> Assessment:
    return Assessment(first.workflow, first.provision, first.title, first.assessed_on, first.rules_version,
                      "eligible_from", earliest, first.criteria, first.unverified)


def _closed_before(first: Assessment, later: Assessment) -> Assessment:
    """The path opens only after a requirement fails: report what closes it, on which day, as of today."""
    closing = [c for c in later.criteria if c.met is not True]
    reason = "; ".join(f"{c.label} ({c.citation})" for c in closing)
    verdict = "incomplete" if all(c.met is None for c in closing) else "not_eligible"
    window = CriterionResult(
        id="window", label="Zeitfenster", met=False if verdict == "not_eligible" else None, met_from=None,
        state="nicht erfüllt" if verdict == "not_eligible" else "offen – Angaben fehlen",
        reason=f"Die zeitlichen Voraussetzungen wären erst am {de(later.assessed_on)} erfüllt; dann fehlt: {reason}",
        citation=first.provision, valid_from=first.assessed_on, valid_until=None,
        missing_facts=tuple(f for c in closing for f in c.missing_facts))
    return Assessment(first.workflow, first.provision, first.title, first.assessed_on, first.rules_version, verdict,
                      None, first.criteria + (window,), first.unverified)


def assess_all(workflows: Mapping[str, Workflow], facts: CaseFacts, on: dt.date,
               types: Mapping[str, CriterionType]) -> list[Assessment]:
    """The client's Perspektiven: every workflow in force on ``on``, a criterion they share answered once."""
    return assess_each([w for w in workflows.values() if w.in_force(on)], facts, on, types)


def assess_each(workflows: Iterable[Workflow], facts: CaseFacts, on: dt.date,
                types: Mapping[str, CriterionType]) -> list[Assessment]:
    """``assess`` for each of ``workflows``, in order, a criterion they share answered once (``evaluation``)."""
    outcomes = Outcomes(facts, types)
    return [_assess(w, outcomes, on) for w in workflows]


_VERDICT_ORDER = {"eligible": 0, "eligible_from": 1, "incomplete": 2, "not_eligible": 3}


def in_order_of_use(assessments) -> list:
    """Open paths first, then those that open later (soonest first), then the undecided, then the blocked; within
    each, a path the client has a claim to before one that rests on discretion (a Härtefallersuchen is the last
    resort, not the first line)."""
    return sorted(assessments, key=lambda a: (_VERDICT_ORDER.get(a.verdict, 4), a.discretionary,
                                              a.earliest_date or dt.date.min))


def assessment_document(assessments: list[Assessment], on: dt.date, notes: list[dict] | None = None) -> dict:
    """The JSON answer of ``assess`` and ``POST /api/v1/assessments`` (shared/case-facts.md), plus the ``notes``
    that concern several paths."""
    return {"assessed_on": on.isoformat(), "results": [a.to_json() for a in assessments], "notes": notes or []}
