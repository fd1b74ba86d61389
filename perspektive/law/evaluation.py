"""Each criterion answered once per day within one assessment of one client.

The workflows state many of the same requirements (the exclusions of § 60d and § 25b, the status on the day, a valid
passport, no convictions): of the 99 typed criteria the shipped workflows apply on one day, 65 are distinct. A
criterion type answers from its parameters, the facts and the day alone (``evaluate`` is a pure function, see
docs/plugins.md, and an ``Outcome`` is frozen), so the first answer for (type, parameters, day) holds for every
workflow that asks the same.

Why it cannot leak or grow: an ``Outcomes`` belongs to one call of ``rules.assess`` / ``rules.assess_all`` and to
the one facts object given to it, is never stored beyond that call nor shared between threads, and holds at most
one answer per criterion of the workflows assessed and day probed. A workflow reloaded from its file gets new
specs and keys; the memo of a call in progress keeps the specs it started with.
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping

from .criteria import CriterionType, Outcome
from .facts import CaseFacts


class Outcomes:
    """The answers of the criterion types for one client's facts, asked by (spec, day)."""

    __slots__ = ("facts", "types", "_answers")

    def __init__(self, facts: CaseFacts, types: Mapping[str, CriterionType]):
        self.facts, self.types = facts, types
        self._answers: dict[tuple, Outcome] = {}

    def of(self, spec, on: dt.date) -> Outcome:
        """The answer of ``spec``'s type (a spec with a ``type``, not an ``any_of``) on ``on``."""
        key = (spec.key, on)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self.types[spec.type].evaluate(spec.params, self.facts, on)
        return answer
