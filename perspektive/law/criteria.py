"""What a criterion type is, and the simplest one: conditions over single facts. The other built-in types are in
``criteria_*.py``, registered in ``builtin_criteria``.

A criterion type checks one legal requirement over the facts on a day (the day of application) and answers with an
``Outcome``: met, not met, or unknown; when time alone will fulfil it, ``met_from`` is the first day it will be met
if the facts stay as they are (an open status period continues, people grow older). Parameters come from the
workflow file and are validated by a pydantic model per type, so a broken file names the key and the problem.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict

from .fact_labels import VALUE_LABELS, label_of
from .facts import LEVELS, CaseFacts
from .periods import de, german_number


@dataclass(frozen=True, init=False)
class Outcome:
    met: bool | None
    detail: str
    met_from: dt.date | None = None
    discretionary: bool = False
    missing_facts: tuple[str, ...] = field(default=())

    def __init__(self, met: bool | None, detail: str, met_from: dt.date | None = None, discretionary: bool = False,
                 missing_facts: tuple[str, ...] = ()):
        """The generated ``__init__`` of a frozen dataclass sets each field through ``object.__setattr__``, at
        three times the cost of one update of the instance's dict; an assessment makes over a hundred outcomes and
        as many ``CriterionResult``s (bench/whatif.py). The instance is as frozen as before: assigning a field
        still raises ``FrozenInstanceError``."""
        self.__dict__.update(met=met, detail=detail, met_from=met_from, discretionary=discretionary,
                             missing_facts=missing_facts)

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
    for part in _parts(path):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


@lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str, ...]:
    """A fact's dotted path split once: the paths are those of the workflow files and forms (``KNOWN_FACTS``, a
    few hundred), never a client's data, and the bound keeps a stray caller from growing it."""
    return tuple(path.split("."))


def check_condition(cond: Condition, facts: CaseFacts) -> bool | None:
    return _holds(cond, read_fact(facts, cond.fact))


def _holds(cond: Condition, value) -> bool | None:
    """``check_condition`` on the fact's value, read once by the caller."""
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
        return german_number(value)
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def _describe(cond: Condition, value) -> str:
    text = f"{label_of(cond.fact)}: {_shown(value)}"
    if cond.at_least is not None:
        text += f" (erforderlich: mindestens {_shown(cond.at_least)})"
    elif cond.not_after is not None:
        text += f" (erforderlich: spätestens {de(cond.not_after)})"
    elif cond.not_before is not None:
        text += f" (erforderlich: frühestens {de(cond.not_before)})"
    return text


def evaluate_facts(params: FactsParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """All of ``all`` and at least one of ``any`` (three-valued: unknown facts make the answer unknown). Each fact
    is read once."""
    every = [(c, read_fact(facts, c.fact)) for c in params.all]
    some = [(c, read_fact(facts, c.fact)) for c in params.any]
    results = []
    if every:
        values = [_holds(c, value) for c, value in every]
        results.append(False if False in values else (None if None in values else True))
    if some:
        held = [_holds(c, value) for c, value in some]
        results.append(True if True in held else (None if None in held else False))
    met = False if False in results else (None if None in results else True)
    if met and some:  # name what carries it, not the alternatives that were not needed
        some = [pair for pair, holds in zip(some, held) if holds]
    named = every + some
    detail = "; ".join(_describe(c, value) for c, value in named)
    missing = tuple(c.fact for c, value in named if value is None) if met is None else ()
    return Outcome(met, detail, missing_facts=missing)
