"""A pending application keeps the residence title alive (§ 81 Abs. 4 S. 1 AufenthG), for a § 104c permit only an
application for § 25a or § 25b (§ 104c Abs. 2 S. 2 AufenthG)."""
from __future__ import annotations

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, assess_on, criterion
from tests.law.provisions.test_section_25b import person

CHANCEN = [{"status": "gestattung", "from": "2018-03-01", "to": "2020-02-29"},
           {"status": "duldung", "from": "2020-03-01", "to": "2024-12-31"},
           {"status": "chancen_aufenthaltserlaubnis", "from": "2025-01-01", "to": "2026-06-30"}]


def holder(**application):
    return person(status_history=CHANCEN, application=application)


def test_section_81_abs_4_a_pending_application_before_expiry_keeps_the_chancen_permit_alive_for_25b(engine):
    expired = assess_on(engine, "section_25b", holder(), TODAY)
    assert expired.verdict == "not_eligible"
    pending = assess_on(engine, "section_25b", holder(filed_on="2026-06-01", workflow="section_25b", pending=True),
                        TODAY)
    assert pending.verdict == "eligible", [c.explanation for c in pending.criteria if c.met is not True]
    assert "Chancen" in criterion(pending, "status").explanation


def test_section_81_abs_4_s_3_an_application_after_expiry_keeps_nothing_alive(engine):
    late = assess_on(engine, "section_25b", holder(filed_on="2026-07-02", workflow="section_25b", pending=True),
                     TODAY)
    assert late.verdict == "not_eligible"
    [note] = engine.notes(parse_facts(holder(filed_on="2026-07-02", workflow="section_25b", pending=True)), [])
    assert "§ 81 Abs. 4 S. 3" in note["text"]


def test_section_104c_abs_2_s_2_only_an_application_for_25a_or_25b_keeps_the_chancen_permit(engine):
    other = assess_on(engine, "section_25b", holder(filed_on="2026-06-01", workflow="section_16g", pending=True),
                      TODAY)
    assert other.verdict == "not_eligible"
    decided = assess_on(engine, "section_25b", holder(filed_on="2026-06-01", workflow="section_25b", pending=False),
                        TODAY)
    assert decided.verdict == "not_eligible"


def test_the_note_above_the_perspektiven_explains_the_fiction(engine):
    facts = parse_facts(holder(filed_on="2026-06-01", workflow="section_25b", pending=True))
    [note] = engine.notes(facts, [])
    assert "gilt bis zur Entscheidung als fortbestehend" in note["text"] and note["citation"] == "§ 81 Abs. 4 AufenthG"


def test_section_81_abs_4_an_application_from_a_duldung_keeps_nothing_alive_and_says_so(engine):
    facts = parse_facts(person(application={"filed_on": "2026-10-01", "workflow": "section_25b", "pending": True}))
    [note] = engine.notes(facts, [])
    assert "kein Aufenthaltstitel" in note["text"]
    assert engine.assess(facts, TODAY, "section_25b")[0].verdict == "eligible"  # the Duldung path is unchanged
