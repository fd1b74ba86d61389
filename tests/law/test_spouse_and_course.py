"""The spouse or partner as a person of their own (§ 60d Abs. 1 Nr. 1, 7, 8, 11; § 25b Abs. 6 AufenthG) and the
integration course beyond the duty to attend (issue 16)."""
from __future__ import annotations

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, assess_on, criterion
from tests.law.provisions.test_section_25b import person as person_25b
from tests.law.provisions.test_section_60d import person as person_60d

MARRIED = {"spouse_or_partner": True, "minor_children": []}
SPOUSE_OK = {"identity_clarified_on": "2020-01-01", "extremism_indications": False, "convictions": [],
             "integration_course_obliged": False}
THEFT = {"date": "2025-02-01", "intentional": True, "foreigner_only_offence": False, "fine_daily_rates": 15}


def test_section_60d_abs_1_nr_7_a_spouses_conviction_blocks(engine):
    """§ 60d Abs. 1 Nr. 7: "der Ausländer und sein Ehegatte oder Lebenspartner" – 15 Tagessätze of the spouse."""
    facts = person_60d(household=MARRIED, spouse={**SPOUSE_OK, "convictions": [THEFT]})
    result = assess_on(engine, "section_60d", facts, TODAY)
    assert result.verdict == "not_eligible"
    assert "Ehegatte/Lebenspartner: Verurteilung vom 01.02.2025" in criterion(result, "convictions").explanation
    clean = person_60d(household=MARRIED, spouse=SPOUSE_OK)
    assert assess_on(engine, "section_60d", clean, TODAY).verdict == "eligible"


def test_section_60d_spouse_not_recorded_keeps_the_old_verdict_and_says_it_was_not_checked(engine):
    result = assess_on(engine, "section_60d", person_60d(household=MARRIED), TODAY)
    assert result.verdict == "eligible"
    assert "nicht geprüft" in criterion(result, "spouse_identity").explanation


def test_section_60d_abs_1_nr_1_spouses_identity_unclarified_blocks_unless_all_steps_taken(engine):
    facts = person_60d(household=MARRIED, spouse={**SPOUSE_OK, "identity_clarified_on": None,
                                                  "identity_reasonable_measures_taken": False})
    assert assess_on(engine, "section_60d", facts, TODAY).verdict == "not_eligible"
    facts["spouse"]["identity_reasonable_measures_taken"] = True
    result = assess_on(engine, "section_60d", facts, TODAY)
    assert result.verdict == "eligible" and criterion(result, "spouse_identity").discretionary  # § 60d Abs. 4


def test_section_60d_abs_1_nr_8_spouses_extremism_blocks(engine):
    facts = person_60d(household=MARRIED, spouse={**SPOUSE_OK, "extremism_indications": True})
    assert criterion(assess_on(engine, "section_60d", facts, TODAY), "spouse_extremism").blocks


def test_section_60d_abs_1_nr_11_course_broken_off_without_own_fault_suffices(engine):
    """§ 60d Abs. 1 Nr. 11: "… oder den Abbruch nicht zu vertreten"."""
    dropped = person_60d(integration_course_obliged=True, integration_course_completed=False)
    assert assess_on(engine, "section_60d", dropped, TODAY).verdict == "not_eligible"
    excused = person_60d(integration_course_obliged=True, integration_course_completed=False,
                         integration_course={"abort_not_own_fault": True})
    assert assess_on(engine, "section_60d", excused, TODAY).verdict == "eligible"


def test_section_60d_abs_1_nr_11_spouses_uncompleted_course_blocks(engine):
    facts = person_60d(household=MARRIED, spouse={**SPOUSE_OK, "integration_course_obliged": True,
                                                  "integration_course_completed": False,
                                                  "integration_course_abort_not_own_fault": False})
    assert criterion(assess_on(engine, "section_60d", facts, TODAY), "integration_course").blocks


def _route(engine, **changes):
    """§ 25b Abs. 6 alone: 30 months of Beschäftigungsduldung, working, livelihood secured, written A1 only."""
    facts = person_25b(status_history=[{"status": "duldung", "from": "2020-03-01", "to": "2023-12-31"},
                                       {"status": "beschaeftigungsduldung", "from": "2024-01-01", "to": None}],
                       livelihood={"secured": True, "predominantly_secured": True},
                       integration_course_obliged=True, **changes)
    kind = engine.types["beschaeftigungsduldung_route"]
    return kind.evaluate(kind.params(), parse_facts(facts), TODAY)


def test_section_25b_abs_6_the_spouses_written_a2_suffices(engine):
    """§ 25b Abs. 6: "… der Ausländer oder sein Ehegatte … hinreichende schriftliche Kenntnisse"."""
    alone = _route(engine)
    assert alone.met is False and "A2 der Person oder des Ehe-/Lebenspartners" in alone.detail
    assert _route(engine, household=MARRIED, spouse={"german_written": "A2"}).met is True


def test_section_25b_abs_6_no_written_german_needed_when_no_course_was_possible(engine):
    assert _route(engine, integration_course={"possible": False}).met is True


def test_past_dates_of_the_new_facts_cannot_lie_in_the_future():
    import pytest

    from perspektive.law import FactsError
    with pytest.raises(FactsError) as refused:
        parse_facts({"application": {"filed_on": "2030-01-01"},
                     "spouse": {"convictions": [{"date": "2030-01-01"}]}}, today=TODAY)
    assert {e["field"] for e in refused.value.errors} == {"application.filed_on", "spouse.convictions.0.date"}
