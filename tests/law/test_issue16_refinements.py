"""Facts of issue 16 that refine an older fact: the asylum decision's legal basis (§ 10 Abs. 3 S. 2, § 104 Abs. 19
AufenthG), the Helferausbildung (§ 60c Abs. 1 S. 1 Nr. 1 Buchst. b AufenthG) and repeated deception (§ 104c Abs. 1
S. 2 AufenthG a. F.). Unknown, each leaves the old verdict."""
from __future__ import annotations

import pytest

from tests.common.workflow_cases import TODAY, D, assess_on, criterion
from tests.law.provisions.test_section_25_5 import person as person_25_5
from tests.law.provisions.test_section_60c import person as person_60c


@pytest.mark.parametrize("basis,blocks", [
    ("manifestly_30_1_3_7", True), ("manifestly_30_3_old", True), ("safe_country_29a", False),
    ("unfounded", False), ("manifestly_other", False)])
def test_section_10_abs_3_s_2_bars_only_rejections_under_section_30_abs_1_nr_3_to_7_or_the_old_abs_3(engine, basis,
                                                                                                       blocks):
    facts = person_25_5(asylum_rejected_manifestly_unfounded=None,
                        asylum_rejection={"decided_on": "2024-05-02", "basis": basis})
    assert criterion(assess_on(engine, "section_25_5", facts, TODAY), "no_ou_rejection").blocks is blocks


def test_the_recorded_yes_no_answer_wins_over_the_basis(engine):
    facts = person_25_5(asylum_rejected_manifestly_unfounded=False,
                        asylum_rejection={"decided_on": "2024-05-02", "basis": "manifestly_30_1_3_7"})
    assert criterion(assess_on(engine, "section_25_5", facts, TODAY), "no_ou_rejection").met is True


def test_section_60c_abs_1_nr_1_b_a_helferausbildung_without_shortage_occupation_does_not_qualify(engine):
    facts = person_60c(training={**person_60c()["training"], "kind": "assistant_with_followup"},
                       assistant_training={"shortage_occupation": False, "followup_promised": True})
    result = assess_on(engine, "section_60c", facts, TODAY)
    assert criterion(result, "training").blocks and "Engpassberuf" in criterion(result, "training").explanation
    unknown = person_60c(training={**person_60c()["training"], "kind": "assistant_with_followup"})
    assert criterion(assess_on(engine, "section_60c", unknown, TODAY), "training").met is True


def test_section_104c_abs_1_s_2_only_repeated_deception_refuses(engine):
    from tests.law.provisions.test_section_104c import person as person_104c
    day = D("2024-06-03")
    once = assess_on(engine, "section_104c", person_104c(own_identity_deception=True, identity_deception="once"), day)
    assert criterion(once, "no_repeated_deception").met is True
    repeated = person_104c(own_identity_deception=True, identity_deception="repeated")
    assert criterion(assess_on(engine, "section_104c", repeated, day), "no_repeated_deception").blocks
    unrecorded = person_104c(own_identity_deception=True)
    assert criterion(assess_on(engine, "section_104c", unrecorded, day), "no_repeated_deception").blocks
