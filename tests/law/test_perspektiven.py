"""The client's Perspektiven: every path in force on the day, and advice that spans paths."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from perspektive.law import Outcome
from perspektive.law.engine import Engine
from perspektive.law.facts import parse_facts
from tests.conftest import SHIPPED, demo_facts

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def engine():
    return Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(SHIPPED / "plugins"))


def chancen_holder(**permit) -> dict:
    return {
        "person": {"given_name": "Omar", "date_of_birth": "1985-05-05"},
        "entry_date": "2015-09-01",
        "status_history": [{"status": "duldung", "from": "2015-09-01", "to": "2024-02-29"},
                           {"status": "chancen_aufenthaltserlaubnis", "from": "2024-03-01", **permit}],
    }


def transition_notes(engine, facts: dict, on: dt.date) -> list[dict]:
    parsed = parse_facts(facts, today=max(on, D("2026-11-21")))
    return [n for n in engine.notes(parsed, engine.assess(parsed, on)) if "Chancen" in n["text"]]


def test_chancen_holder_is_told_the_expiry_and_the_outer_limit(engine):
    [note] = transition_notes(engine, chancen_holder(to="2026-12-31"), D("2026-11-21"))
    assert "gültig bis 31.12.2026." in note["text"]
    assert "nur als Aufenthaltserlaubnis nach § 25a oder § 25b verlängert" in note["text"]
    assert "bis 30.06.2027" in note["text"] and "§ 104c Abs. 2 AufenthG" in note["citation"]
    assert "section_25b" in note["workflows"]


def test_open_ended_permit_is_estimated_at_18_months(engine):
    [note] = transition_notes(engine, chancen_holder(to=None), D("2025-06-01"))
    assert "gültig bis 31.08.2025 (geschätzt: Erteilung plus 18 Monate)" in note["text"]


def test_no_transition_note_after_expiry_or_after_30_june_2027(engine):
    assert transition_notes(engine, chancen_holder(to="2026-10-31"), D("2026-11-21")) == []
    assert transition_notes(engine, chancen_holder(to="2027-12-31"), D("2027-07-01")) == []
    duldung_only = {**chancen_holder(), "status_history": [{"status": "duldung", "from": "2015-09-01", "to": None}]}
    assert transition_notes(engine, duldung_only, D("2026-11-21")) == []


@pytest.mark.parametrize("name", ["amina", "dawit", "karim", "yasmin"])
def test_all_paths_at_once_read_as_each_path_alone_and_cannot_be_changed(engine, name):
    """All paths of one client share the answers of the criteria they have in common (law/evaluation.py): each path
    reads exactly as when it is assessed on its own, and no path can alter what another one reads."""
    facts = parse_facts(demo_facts(name))
    on = D("2026-11-21")
    together = engine.assess(facts, on)
    assert [a.workflow for a in together] == [w.id for w in engine.workflows.values() if w.in_force(on)]
    for assessment in together:
        assert [assessment] == engine.assess(facts, on, assessment.workflow)
    shared = together[0].criteria[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shared.reason = "geändert"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Outcome(True, "erfüllt").detail = "geändert"
