"""§ 23a AufenthG with the Sächsische Härtefallkommission, criterion by criterion.

No claim exists (Abs. 1 S. 4): the best a counsellor can see is "in discretion", with the reasons the Eingabe can
argue from. The rule exclusions of Abs. 1 S. 3 (serious offences, a fixed removal date) and the status of
Abs. 1 S. 1 (vollziehbar ausreisepflichtig) decide; identity, passport and § 10 Abs. 3 do not (Abs. 1 S. 1
deviates from them).
"""
from __future__ import annotations

import pytest

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assert_not_yet_in_force, assess_on, criterion, with_changes


def person(**changes) -> dict:
    """Geduldet since 2019 after an asylum procedure, working, B1, two school years: no other path assumed."""
    facts = {
        "person": {"given_name": "Nodar", "family_name": "Beridze", "date_of_birth": "1979-02-03",
                   "gender": "male", "nationality": "GE"},
        "entry_date": "2016-05-10",
        "status_history": [
            {"status": "gestattung", "from": "2016-05-10", "to": "2019-03-31"},
            {"status": "duldung", "from": "2019-04-01", "to": None},
        ],
        "identity": {"clarified_on": None, "passport_valid_until": None},
        "german": {"oral": "B1"},
        "employment": [{"from": "2022-01-01", "hours_per_week": 30, "socially_insured": True}],
        "livelihood": {"secured": True},
        "convictions": [],
        "concrete_removal_measures": False,
        "asylum_rejected_manifestly_unfounded": True,
    }
    return with_changes(facts, **changes)


def check(engine, facts: dict, on=TODAY):
    return assess_on(engine, "section_23a", facts, on)


def test_a_person_with_reasons_and_no_exclusion_may_ask_the_commission_in_discretion(engine):
    result = check(engine, person())
    assert result.verdict == "eligible" and result.discretionary
    reasons = criterion(result, "hardship_reasons")
    assert reasons.discretionary
    for ground in ("seit 10 Jahren in Deutschland", "Beschäftigung", "Deutschkenntnisse auf Niveau B1"):
        assert ground in reasons.explanation


def test_deviates_from_identity_passport_and_section_10_abs_3(engine):
    """§ 23a Abs. 1 S. 1: abweichend von den Erteilungsvoraussetzungen und von §§ 10, 11 — an unclarified identity
    and an "offensichtlich unbegründet" rejection do not close the path."""
    ids = {c.id for c in check(engine, person()).criteria}
    assert not ids & {"identity", "passport", "no_ou_rejection"}


@pytest.mark.parametrize("status", ["gestattung", "aufenthaltserlaubnis"])
def test_only_for_people_obliged_to_leave(engine, status):
    """§ 23a Abs. 1 S. 1 AufenthG: vollziehbar ausreisepflichtig."""
    facts = person(status_history=[{"status": status, "from": "2016-05-10", "to": None}])
    result = check(engine, facts)
    assert result.verdict == "not_eligible"
    assert criterion(result, "status").met is False


def test_serious_offence_excludes_as_a_rule(engine):
    """§ 23a Abs. 1 S. 3 AufenthG: Straftaten von erheblichem Gewicht (threshold UNVERIFIED: one year)."""
    sentence = [{"date": "2021-06-01", "intentional": True, "prison_months": 14, "suspended": True}]
    result = check(engine, person(convictions=sentence))
    assert result.verdict == "not_eligible"
    assert criterion(result, "convictions").met is False


def test_a_small_fine_is_weighed_not_excluding(engine):
    fine = [{"date": "2021-06-01", "intentional": True, "fine_daily_rates": 30}]
    result = check(engine, person(convictions=fine))
    assert result.verdict == "eligible" and result.discretionary
    assert "im Einzelfall" in criterion(result, "convictions").explanation


def test_removal_measures_ask_for_the_date_instead_of_answering_no(engine):
    """§ 23a Abs. 1 S. 3 AufenthG excludes a *fixed* removal date; concrete measures alone leave it open."""
    result = check(engine, person(concrete_removal_measures=True))
    deciding = criterion(result, "no_fixed_removal_date")
    assert deciding.met is None and "Rückführungstermin" in deciding.explanation
    assert result.verdict == "incomplete"


def test_livelihood_not_secured_is_considered_in_discretion(engine):
    """§ 23a Abs. 1 S. 2 AufenthG: livelihood is weighed, not required."""
    result = check(engine, person(livelihood={"secured": False}))
    assert result.verdict == "eligible"
    assert criterion(result, "livelihood").discretionary


def test_without_any_recorded_reason_the_hardship_stays_open(engine):
    facts = person(entry_date="2024-01-01", german={}, employment=[],
                   status_history=[{"status": "duldung", "from": "2024-01-01", "to": None}])
    result = check(engine, facts)
    assert criterion(result, "hardship_reasons").met is None


def test_not_before_the_commissions_existed(engine):
    assert_not_yet_in_force(check(engine, person(), on=D("2004-12-31")), "01.01.2005")


EXPECTED_DEMO = {"amina": "incomplete", "dawit": "incomplete", "karim": "incomplete", "yasmin": "eligible"}


def test_demo_clients_see_the_path(engine):
    from tests.conftest import demo_facts
    names = ("amina", "dawit", "karim", "yasmin")
    verdicts = {name: engine.assess(parse_facts(demo_facts(name)), TODAY, "section_23a")[0].verdict
                for name in names}
    assert set(verdicts) == set(names)
    # All four are geduldet with reasons on record; only Yasmin's file says no removal measures are under way, the
    # others leave that open, so the counsellor is asked about the removal date.
    assert verdicts == EXPECTED_DEMO, verdicts
