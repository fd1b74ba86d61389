"""§ 25 Abs. 5 AufenthG, criterion by criterion, at the boundaries.

Each row: what the person's facts are (changes to a person who meets everything), the day of application, and
what a counsellor must see: the verdict, whether it rests on the authority's discretion, and the deciding
criterion. "kann" before 18 months of Duldung, "soll" from then on (S. 2); § 10 Abs. 3 S. 2 bars it after an
asylum rejection as manifestly unfounded, because § 25 Abs. 5 is no Anspruch.
"""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assert_not_yet_in_force, assess_on, criterion, with_changes


def person(**changes) -> dict:
    """A person geduldet since 01.03.2020 whose departure is impossible without own fault and who meets every rule
    requirement on 21.11.2026; ``changes`` replace top-level keys, and ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Leyla", "family_name": "Aliyeva", "date_of_birth": "1985-07-15",
                   "gender": "female", "nationality": "stateless"},
        "entry_date": "2016-09-01",
        "status_history": [
            {"status": "gestattung", "from": "2016-09-01", "to": "2020-02-29"},
            {"status": "duldung", "from": "2020-03-01", "to": None},
        ],
        "identity": {"clarified_on": "2017-01-01", "passport_valid_until": "2030-01-01"},
        "own_identity_deception": False, "obstructs_removal": False,
        "departure_impossible": {"impossible": True, "end_foreseeable": False, "own_fault": False},
        "asylum_rejected_manifestly_unfounded": False,
        "livelihood": {"secured": True},
        "convictions": [], "extremism_indications": False, "expulsion_order": False,
    }
    return with_changes(facts, **changes)


def status(kind: str, start: str = "2020-03-01") -> list:
    return [{"status": "gestattung", "from": "2016-09-01", "to": "2020-02-29"},
            {"status": kind, "from": start, "to": None}]


def check(engine, facts: dict, on: dt.date = TODAY):
    return assess_on(engine, "section_25_5", facts, on)


def test_the_model_person_meets_everything_as_a_rule(engine):
    result = check(engine, person())
    assert (result.verdict, result.rules_version) == ("eligible", "2005-01-01")
    assert not any(c.discretionary for c in result.criteria)


# --- S. 1 and S. 2: "kann", and "soll" once the Abschiebung has been suspended for 18 months -------------------------
SOLL_OR_KANN = [
    # (name, status history, day, discretionary, what the explanation names)
    ("18 months of Duldung reached on the day: soll", status("duldung", "2025-05-21"), "2026-11-21", False,
     "18 Monate erreicht am 21.11.2026"),
    ("17 months and 30 days: kann, and the day soll begins is named", status("duldung", "2025-05-21"),
     "2026-11-20", True, "21.11.2026"),
    ("17 months: kann", status("duldung", "2025-06-21"), "2026-11-21", True, "21.12.2026"),
    ("a Beschäftigungsduldung counts towards the 18 months", status("beschaeftigungsduldung", "2024-01-01"),
     "2026-11-21", False, "seit 01.01.2024"),
    ("without any Duldung (ohne Status): kann only", status("ohne_status"), "2026-11-21", True,
     "18 Monate Aussetzung"),
    ("a § 60b Duldung does not count: kann", status("duldung_ungeklaerte_identitaet"), "2026-11-21", True,
     "Ermessen"),
]


@pytest.mark.parametrize("name,history,day,discretionary,named", SOLL_OR_KANN, ids=[r[0] for r in SOLL_OR_KANN])
def test_kann_before_and_soll_after_18_months(engine, name, history, day, discretionary, named):
    result = check(engine, person(status_history=history), D(day))
    rule = criterion(result, "discretion_or_rule")
    assert (result.verdict, result.earliest_date) == ("eligible", None), rule.explanation
    assert rule.discretionary == discretionary
    assert rule.state == ("erfüllt (im Ermessen der Behörde)" if discretionary else "erfüllt")
    assert named in rule.explanation
    if discretionary:
        assert "§ 25 Abs. 5 S. 1" in rule.explanation and "„soll“" in rule.explanation
    else:
        assert "§ 25 Abs. 5 S. 2" in rule.explanation


# --- S. 1: vollziehbar ausreisepflichtig ------------------------------------------------------------------------
@pytest.mark.parametrize("kind,verdict", [
    ("duldung", "eligible"), ("ausbildungsduldung", "eligible"), ("beschaeftigungsduldung", "eligible"),
    ("duldung_ungeklaerte_identitaet", "eligible"), ("ohne_status", "eligible"),
    ("gestattung", "not_eligible"), ("aufenthaltserlaubnis", "not_eligible"),
    ("chancen_aufenthaltserlaubnis", "not_eligible"),
])
def test_status_on_the_day_of_application(engine, kind, verdict):
    result = check(engine, person(status_history=status(kind)))
    assert result.verdict == verdict, criterion(result, "status").explanation


# --- S. 1: impossible, not foreseeable; S. 3, 4: not at fault ----------------------------------------------------
REQUIREMENTS = [
    ("departure_impossible", dict(departure_impossible__impossible=False), "not_eligible"),
    ("departure_impossible", dict(departure_impossible__end_foreseeable=True), "not_eligible"),
    ("departure_impossible", dict(departure_impossible__end_foreseeable=None), "incomplete"),
    ("not_at_fault", dict(departure_impossible__own_fault=True), "not_eligible"),
    ("not_at_fault", dict(own_identity_deception=True), "not_eligible"),
    ("not_at_fault", dict(obstructs_removal=True), "not_eligible"),
    ("not_at_fault", dict(departure_impossible__own_fault=None), "incomplete"),
    ("security", dict(extremism_indications=True), "not_eligible"),
    ("security", dict(expulsion_order=True), "not_eligible"),
    ("security", dict(expulsion_order=None), "incomplete"),
]


@pytest.mark.parametrize("ident,changes,verdict", REQUIREMENTS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUIREMENTS)])
def test_requirements(engine, ident, changes, verdict):
    result = check(engine, person(**changes))
    assert result.verdict == verdict, criterion(result, ident).explanation
    assert criterion(result, ident).met is not True


def test_own_fault_blocks_even_after_18_months(engine):
    result = check(engine, person(own_identity_deception=True))
    assert criterion(result, "discretion_or_rule").met is True
    fault = criterion(result, "not_at_fault")
    assert result.verdict == "not_eligible" and fault.state == "nicht erfüllt"
    assert "Täuschung" in fault.explanation and fault.citation == "§ 25 Abs. 5 S. 3 und 4 AufenthG"


# --- § 10 Abs. 3 S. 2: rejection as manifestly unfounded ----------------------------------------------------------
@pytest.mark.parametrize("history,day", [(status("duldung", "2020-03-01"), "2026-11-21"),
                                         (status("duldung", "2026-01-01"), "2026-11-21")],
                         ids=["after 18 months (soll)", "before 18 months (kann)"])
def test_ou_rejection_bars_the_permit_soll_or_kann(engine, history, day):
    result = check(engine, person(status_history=history, asylum_rejected_manifestly_unfounded=True), D(day))
    bar = criterion(result, "no_ou_rejection")
    assert result.verdict == "not_eligible" and bar.met is False
    assert bar.citation == "§ 10 Abs. 3 S. 2 und 3 AufenthG"
    assert "kein Anspruch" in bar.hint and "§ 25b Abs. 5" in bar.hint


def test_ou_rejection_unknown_is_asked_for(engine):
    result = check(engine, person(asylum_rejected_manifestly_unfounded=None))
    assert result.verdict == "incomplete" and "asylum_rejected_manifestly_unfounded" in result.missing_facts


# --- § 5 Abs. 1 and Abs. 3 S. 2: rule requirements, waivable in discretion -------------------------------------------
WAIVABLE = [
    # (name, changes, verdict, the discretionary criterion or None)
    ("livelihood not secured: waiver in discretion", dict(livelihood={"secured": False}), "eligible", "livelihood"),
    ("livelihood unknown", dict(livelihood={}), "incomplete", None),
    ("a small fine for theft: Ausweisungsinteresse, waiver in discretion",
     dict(convictions=[{"date": "2023-05-01", "intentional": True, "fine_daily_rates": 20}]), "eligible",
     "convictions"),
    ("convictions unknown", dict(convictions=None), "incomplete", None),
    ("identity not clarified, all measures taken: waiver in discretion",
     dict(identity={"clarified_on": None, "passport_valid_until": "2030-01-01", "reasonable_measures_taken": True}),
     "eligible", "identity"),
    ("identity not clarified, measures not taken",
     dict(identity={"clarified_on": None, "passport_valid_until": "2030-01-01", "reasonable_measures_taken": False}),
     "not_eligible", None),
    ("passport expired, all measures taken: waiver in discretion",
     dict(identity={"clarified_on": "2017-01-01", "passport_valid_until": "2020-01-01",
                    "reasonable_measures_taken": True}), "eligible", "passport"),
    ("passport expired on the day before", dict(identity__passport_valid_until="2026-11-20"), "incomplete", None),
]


@pytest.mark.parametrize("name,changes,verdict,discretionary", WAIVABLE, ids=[r[0] for r in WAIVABLE])
def test_rule_requirements_of_section_5(engine, name, changes, verdict, discretionary):
    result = check(engine, person(**changes))
    assert result.verdict == verdict, [c.explanation for c in result.criteria if c.met is not True]
    assert [c.id for c in result.criteria if c.discretionary] == ([discretionary] if discretionary else [])
    if discretionary:
        citation = criterion(result, discretionary).citation
        assert citation.startswith("§ 5 Abs. 1") and "Abs. 3 S. 2 AufenthG" in citation


# --- Version, checklist, request -------------------------------------------------------------------------------
def test_not_in_force_before_2005(engine):
    result = check(engine, person(), D("2004-12-31"))
    assert_not_yet_in_force(result, "01.01.2005")
    assert check(engine, person(), D("2005-01-01")).rules_version == "2005-01-01"


def test_permit_validity_is_explained(engine):
    rule = criterion(check(engine, person()), "discretion_or_rule")
    assert "6 Monate" in rule.hint and "§ 26 Abs. 1 S. 1" in rule.hint


def test_checklist_and_request(engine):
    workflow = engine.workflow("section_25_5")
    assert workflow.request == "Erteilung einer Aufenthaltserlaubnis nach § 25 Abs. 5 AufenthG"
    facts = parse_facts(person(), today=TODAY)
    [assessment] = engine.assess(facts, TODAY, "section_25_5")
    items = {e.id: e for e in engine.checklist(workflow, facts, assessment)}
    assert {"obstacle_evidence", "cooperation", "asylum_decision", "duldung"} <= set(items)
    assert items["obstacle_evidence"].why.startswith("für § 25 Abs. 5 S. 1 AufenthG")
    assert items["asylum_decision"].why.startswith("für § 10 Abs. 3 S. 2 AufenthG")
    for entry in items.values():
        assert entry.text["de"] and entry.text["en"] and entry.why.startswith("für §")


def test_every_criterion_carries_citation_dates_hint_and_evidence(engine):
    result = check(engine, person())
    for c in result.criteria:
        assert c.citation.startswith("§") and "AufenthG" in c.citation
        assert c.valid_from == D("2005-01-01") and c.valid_until is None
        assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation
        assert c.hint and c.evidence


def test_unverified_items_are_named(engine):
    result = check(engine, person())
    assert any("GEAS" in note for note in result.unverified)
    assert any("Anspruch" in note for note in result.unverified)
    assert "UNVERIFIED" in criterion(result, "discretion_or_rule").explanation
