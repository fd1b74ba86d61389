"""Planned events ("what if"): each plan is applied to the facts on its day and the paths are assessed again; the
Perspektiven show the earliest day with and without the plans, and which plan opens which path."""
from __future__ import annotations

from perspektive.law import PlannedEvent, perspectives
from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D
from tests.law.provisions.test_section_25b import person


def plan(**data):
    return PlannedEvent.model_validate(data)


def path(found, workflow):
    return next(p for p in found if p.workflow == workflow)


def test_planned_b1_exam_opens_section_25b_on_the_exam_day(engine):
    """§ 25b Abs. 1 S. 2 Nr. 4 AufenthG (oral A2): with A1 today the path is closed; a B1 exam on 15.03.2027
    opens it that day."""
    facts = parse_facts(person(german={"oral": "A1", "written": "A1"}))
    found = path(perspectives(engine, facts, [plan(on="2027-03-15", kind="german_exam", level="B1")], TODAY),
                 "section_25b")
    assert (found.verdict, found.earliest) == ("not_eligible", None)
    assert (found.verdict_with_plans, found.earliest_with_plans) == ("eligible_from", D("2027-03-15"))
    assert found.opened_by == ("Deutschprüfung bestanden (B1) am 15.03.2027",)


def test_a_plan_that_changes_nothing_opens_nothing(engine):
    facts = parse_facts(person())
    found = path(perspectives(engine, facts, [plan(on="2027-03-15", kind="german_exam", level="A1")], TODAY),
                 "section_25b")
    assert (found.verdict_with_plans, found.earliest_with_plans, found.opened_by) == ("eligible", TODAY, ())
    assert not found.changed


def test_a_planned_job_opens_section_60d_twelve_months_later(engine):
    """§ 60d Abs. 1 Nr. 3 AufenthG: twelve months of 20 hours a week from the planned start (01.02.2027)."""
    from tests.law.provisions.test_section_60d import person as worker
    facts = parse_facts(worker(employment=[], livelihood={"secured": True}))
    found = path(perspectives(engine, facts, [plan(on="2027-02-01", kind="employment_start", hours_per_week=30)],
                              TODAY), "section_60d")
    assert found.verdict != "eligible"
    assert found.earliest_with_plans == D("2028-02-01") and "01.02.2027" in found.opened_by[0]
