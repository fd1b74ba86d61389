"""Helpers for the table-driven tests of one provision each (tests/test_section_*.py).

Each test module describes a person who meets everything, changes one fact per row with ``with_changes`` and
assesses the result with ``assess_on``; the ``engine`` fixture they use lives in conftest.py.
"""
from __future__ import annotations

import copy
import datetime as dt

from perspektive.law.facts import parse_facts

D = dt.date.fromisoformat
TODAY = D("2026-11-21")


def with_changes(base: dict, **changes) -> dict:
    """A copy of ``base``: ``key=value`` replaces a top-level key, ``a__b=value`` a nested one."""
    facts = copy.deepcopy(base)
    for key, value in changes.items():
        target = facts
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = copy.deepcopy(value)
    return facts


def assess_on(engine, workflow_id: str, facts: dict, on: dt.date):
    """The assessment of ``facts`` for ``workflow_id`` on the day of application ``on``."""
    return engine.assess(parse_facts(facts, today=max(on, TODAY)), on, workflow_id)[0]


def criterion(result, ident):
    return next(c for c in result.criteria if c.id == ident)


def assert_row(result, verdict, earliest, ident, text):
    """``result`` has ``verdict`` and ``earliest`` (ISO date or None); criterion ``ident`` shows ``text``."""
    deciding = criterion(result, ident)
    assert (result.verdict, result.earliest_date) == (verdict, D(earliest) if earliest else None), \
        deciding.explanation
    if text:
        assert text in deciding.explanation


def assert_not_yet_in_force(result, first_day: str) -> None:
    """Before ``first_day`` (DD.MM.YYYY) the workflow is closed, and the one criterion says from when it applies."""
    assert result.verdict == "not_eligible" and result.rules_version is None
    assert result.criteria[0].id == "in_force" and first_day in result.criteria[0].explanation
