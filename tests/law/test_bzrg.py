"""The register status of a conviction: the erasure periods of §§ 45, 46 BZRG, their start (§ 47 Abs. 1 with § 36
Abs. 1 BZRG: the day of the first judgment), several entries together (§ 47 Abs. 3 BZRG), and the rule that an
erased conviction, or one due for erasure, no longer counts against the person (§ 51 Abs. 1 BZRG)."""
from __future__ import annotations

import pytest

from perspektive.law import bzrg
from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assess_on, criterion
from tests.law.provisions.test_section_25b import person as person_25b
from tests.law.provisions.test_section_60d import person as person_60d


def convictions(*rows):
    return parse_facts({"convictions": list(rows)}).convictions


THEFT = {"date": "2020-03-10", "intentional": True, "foreigner_only_offence": False, "fine_daily_rates": 20,
         "bzrg_catalogue_offence": False}


@pytest.mark.parametrize("row,years,rule", [
    ({"fine_daily_rates": 90}, 5, "Nr. 1 Buchst. a"),
    ({"fine_daily_rates": 91}, 10, "Nr. 2 Buchst. a"),
    ({"fine_daily_rates": 30, "bzrg_catalogue_offence": True}, 10, "Nr. 1a Buchst. a"),
    ({"fine_daily_rates": None, "prison_months": 3}, 5, "Nr. 1 Buchst. b"),
    ({"fine_daily_rates": None, "prison_months": 8, "suspended": True}, 10, "Nr. 2 Buchst. b"),
    ({"fine_daily_rates": None, "prison_months": 8, "suspended": False}, 15, "Nr. 4"),
    ({"fine_daily_rates": None, "prison_months": 12, "youth_custody": True}, 5, "Nr. 1 Buchst. c"),
    ({"fine_daily_rates": None, "prison_months": 20, "youth_custody": True, "suspended": True}, 5,
     "Nr. 1 Buchst. d"),
    ({"fine_daily_rates": None, "prison_months": 20, "youth_custody": True, "suspended": False}, 10,
     "Nr. 2 Buchst. c"),
    ({"fine_daily_rates": None, "prison_months": 24, "bzrg_catalogue_offence": True}, 20, "Nr. 3"),
])
def test_section_46_abs_1_bzrg_erasure_period_by_sentence(row, years, rule):
    [c] = convictions({**THEFT, **row})
    found_years, _, found_rule = bzrg.erasure_period(c, [])
    assert (found_years, rule in found_rule) == (years, True), found_rule


def test_section_46_abs_3_bzrg_the_15_year_period_grows_by_the_sentence_and_starts_on_the_judgment_day():
    [c] = convictions({**THEFT, "fine_daily_rates": None, "prison_months": 18, "suspended": False})
    # § 47 Abs. 1, § 36 Abs. 1 BZRG: from 10.03.2020, 15 years and 18 months
    assert bzrg.own_erasure_day(c, []) == D("2036-09-10")


def test_section_47_abs_3_bzrg_no_entry_is_erased_before_all_are_due():
    rows = convictions(THEFT, {**THEFT, "date": "2023-05-02", "fine_daily_rates": 10})
    assert bzrg.register_clear_day(rows) == D("2028-05-02")
    assert bzrg.counted(rows, D("2028-05-01")) == list(rows)
    assert bzrg.counted(rows, D("2028-05-02")) == []


def test_unknown_catalogue_question_leaves_the_conviction_counting_as_before():
    rows = convictions({**THEFT, "date": "2010-01-01", "bzrg_catalogue_offence": None})
    assert bzrg.register_clear_day(rows) is None
    assert bzrg.counted(rows, TODAY) == list(rows)


def test_section_60d_abs_1_nr_7_a_theft_fine_blocks_until_erasure_and_opens_the_path_on_that_day(engine):
    """§ 60d Abs. 1 Nr. 7 AufenthG with §§ 46 Abs. 1 Nr. 1 Buchst. a, 51 Abs. 1 BZRG: 20 Tagessätze from 2024
    exclude today; from the day the register must erase them (five years) they no longer count."""
    facts = person_60d(convictions=[{**THEFT, "date": "2024-01-15"}])
    result = assess_on(engine, "section_60d", facts, TODAY)
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2029-01-15"))
    assert "tilgungsreif am 15.01.2029" in criterion(result, "convictions").explanation
    without_catalogue_answer = person_60d(convictions=[{**THEFT, "date": "2024-01-15",
                                                        "bzrg_catalogue_offence": None}])
    assert assess_on(engine, "section_60d", without_catalogue_answer, TODAY).verdict == "not_eligible"


def test_section_51_bzrg_an_erased_conviction_no_longer_blocks_section_60d(engine):
    """§ 51 Abs. 1 BZRG: erased per the register extract, or five years past (§ 46 Abs. 1 Nr. 1 Buchst. a)."""
    erased = person_60d(convictions=[{**THEFT, "bzrg_catalogue_offence": None, "register_status": "erased"}])
    assert assess_on(engine, "section_60d", erased, TODAY).verdict == "eligible"
    due = person_60d(convictions=[{**THEFT, "date": "2021-06-01"}])
    assert assess_on(engine, "section_60d", due, TODAY).verdict == "eligible"
    still = person_60d(convictions=[{**THEFT, "date": "2021-12-01"}])
    assert assess_on(engine, "section_60d", still, TODAY).earliest_date == D("2026-12-01")


def test_section_25b_abs_2_nr_2_eight_months_prison_counts_until_the_register_erases_it(engine):
    """§ 25b Abs. 2 Nr. 2, § 54 Abs. 2 Nr. 1 AufenthG; § 46 Abs. 1 Nr. 2 Buchst. b BZRG (ten years, suspended)."""
    row = {**THEFT, "date": "2017-04-03", "fine_daily_rates": None, "prison_months": 8, "suspended": True}
    result = assess_on(engine, "section_25b", person_25b(convictions=[row]), TODAY)
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2027-04-03"))
    assert assess_on(engine, "section_25b", person_25b(convictions=[row]), D("2027-04-03")).verdict == "eligible"
