"""§ 19d AufenthG (Aufenthaltserlaubnis für qualifizierte Geduldete zum Zweck der Beschäftigung), at the boundaries.

Two paths: Abs. 1 ("soll"; qualification under Nr. 1 Buchst. a or c, and Nr. 2 to 7) and Abs. 1a (Anspruch after
a training completed with a § 60c Ausbildungsduldung; only Nr. 2, 3, 6 and 7). Each row: changes to a person who
meets everything, the day of application, what a counsellor must see.
"""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import (
    TODAY,
    D,
    assert_not_yet_in_force,
    assert_row,
    assess_on,
    criterion,
    with_changes,
)

WORKFLOW = "section_19d"


def job(start="2026-08-01", matches=True, insured=True, end=None):
    return {"from": start, "to": end, "hours_per_week": 39, "socially_insured": insured,
            "matches_qualification": matches}


def person(**changes) -> dict:
    """A geduldete person who meets Abs. 1 with Nr. 1 Buchst. a on 21.11.2026: qualified training completed on
    15.07.2026 (with an ordinary Duldung), employed in the trade since 01.08.2026; ``a__b=value`` replaces a nested
    key."""
    facts = {
        "person": {"given_name": "Omid", "family_name": "Rahimi", "date_of_birth": "1998-02-03",
                   "gender": "male", "nationality": "AF"},
        "entry_date": "2016-05-01",
        "status_history": [
            {"status": "gestattung", "from": "2016-05-01", "to": "2018-12-31"},
            {"status": "duldung", "from": "2019-01-01", "to": None},
        ],
        "identity": {"clarified_on": "2017-01-01", "passport_valid_until": "2030-01-01"},
        "training": {"kind": "qualified", "start_date": "2023-08-01", "end_date": "2026-07-31",
                     "completed_on": "2026-07-15"},
        "employment": [job()],
        "livelihood": {"secured": True},
        "housing_sufficient": True, "german": {"oral": "B1", "written": "B1"},
        "own_identity_deception": False, "obstructs_removal": False,
        "extremism_indications": False, "expulsion_order": False, "convictions": [],
        "asylum_rejected_manifestly_unfounded": False,
    }
    return with_changes(facts, **changes)


AUSBILDUNGSDULDUNG = [
    {"status": "gestattung", "from": "2016-05-01", "to": "2019-06-30"},
    {"status": "duldung", "from": "2019-07-01", "to": "2023-07-31"},
    {"status": "ausbildungsduldung", "from": "2023-08-01", "to": "2026-07-31"},
    {"status": "duldung", "from": "2026-08-01", "to": None},
]


def abs_1a(**changes) -> dict:
    """The same person, but the training was done with a § 60c Ausbildungsduldung: Abs. 1a."""
    return person(status_history=AUSBILDUNGSDULDUNG, **changes)


def check(engine, facts: dict, on: dt.date):
    return assess_on(engine, WORKFLOW, facts, on)


NO_TRAINING = dict(training={}, employment=[job("2023-11-21")])

# --- Abs. 1 Nr. 1 and Abs. 1a: the qualification ------------------------------------------------------------
ROUTE = [
    ("Nr. 1 a: qualified training completed in Germany", person(), "2026-11-21", "eligible", None,
     "route", "Qualifizierte Berufsausbildung in Deutschland abgeschlossen"),
    ("Abs. 1a: training completed with an Ausbildungsduldung", abs_1a(), "2026-11-21", "eligible", None,
     "route", "§ 19d Abs. 1a AufenthG"),
    ("Abs. 1a also after an assistant training with Ausbildungsduldung",
     abs_1a(training__kind="assistant_with_followup"), "2026-11-21", "eligible", None, "route", "Abs. 1a"),
    ("an assistant training is not a qualified training (Nr. 1 a); Nr. 1 c only after 3 years of work",
     person(training__kind="assistant_with_followup"), "2026-11-21", "eligible_from", "2029-08-01", "route",
     "keine qualifizierte Berufsausbildung"),
    ("Ausbildungsduldung only after the completion: not Abs. 1a; Nr. 1 a carries",
     person(status_history=[{"status": "duldung", "from": "2019-01-01", "to": "2026-07-31"},
                            {"status": "ausbildungsduldung", "from": "2026-08-01", "to": None}]),
     "2026-11-21", "eligible", None, "route", "Qualifizierte Berufsausbildung"),
    ("completion unknown and no other route", person(training__completed_on=None), "2026-11-21", "eligible_from",
     "2029-08-01", "route", None),
    ("Nr. 1 c: three years of qualified employment on the day", person(**NO_TRAINING), "2026-11-21", "eligible",
     None, "route", "36 Monate erreicht am 21.11.2026"),
    ("Nr. 1 c: the day before three years", person(**NO_TRAINING), "2026-11-20", "eligible_from", "2026-11-21",
     "route", "noch nicht erfüllt, voraussichtlich ab 21.11.2026"),
    ("Nr. 1 c: public funds in the last year (livelihood not secured)",
     person(**NO_TRAINING, livelihood={"secured": False}), "2026-11-21", "incomplete", None, "route",
     "Lebensunterhalt im letzten Jahr ohne öffentliche Mittel"),
    ("Nr. 1 c: the work does not match a qualification", person(training={}, employment=[job("2023-11-21", False)]),
     "2026-11-21", "not_eligible", None, "job", "keine der Qualifikation entsprechende Beschäftigung"),
]


@pytest.mark.parametrize("name,facts,day,verdict,earliest,ident,text", ROUTE, ids=[r[0] for r in ROUTE])
def test_qualification_of_abs_1_nr_1_and_abs_1a(engine, name, facts, day, verdict, earliest, ident, text):
    assert_row(check(engine, facts, D(day)), verdict, earliest, ident, text)


def test_foreign_degree_route_is_named_as_not_modelled(engine):
    result = check(engine, person(), TODAY)
    assert "Nr. 1 Buchst. b" in criterion(result, "route").explanation  # in its UNVERIFIED note
    assert any("Buchst. b" in note for note in result.unverified)


# --- The employment the permit is for ---------------------------------------------------------------------
JOB = [
    ("no job and no contract", person(employment=[]), "not_eligible", "kein Arbeitsvertrag"),
    ("a contract starting later counts", person(employment=[job("2027-01-01")]), "eligible", "ab 01.01.2027"),
    ("a job that ended does not", person(employment=[job("2026-08-01", end="2026-11-20")]), "not_eligible", None),
    ("a job outside the qualification does not", person(employment=[job(matches=False)]), "not_eligible", None),
    ("unknown whether it matches", person(employment=[job(matches=None)]), "incomplete", None),
    ("Abs. 1a needs the job too", abs_1a(employment=[]), "not_eligible", None),
]


@pytest.mark.parametrize("name,facts,verdict,text", JOB, ids=[r[0] for r in JOB])
def test_employment_matching_the_qualification(engine, name, facts, verdict, text):
    assert_row(check(engine, facts, TODAY), verdict, None, "job", text)


# --- Abs. 1 Nr. 2 to 7, § 10 Abs. 3 S. 2: for Abs. 1 and for Abs. 1a ---------------------------------------
def fine(rates, foreigner_only=False):
    return [{"date": "2024-05-01", "intentional": True, "foreigner_only_offence": foreigner_only,
             "fine_daily_rates": rates}]


REQUIREMENTS = [
    # (criterion, changes, verdict under Abs. 1, verdict under Abs. 1a)
    ("housing", dict(housing_sufficient=False), "not_eligible", "not_eligible"),
    ("housing", dict(housing_sufficient=None), "incomplete", "incomplete"),
    ("german_b1", dict(german={"oral": "B1", "written": "B1"}), "eligible", "eligible"),
    ("german_b1", dict(german={"oral": "B1", "written": "A2"}), "not_eligible", "not_eligible"),
    ("german_b1", dict(german={"oral": "A2", "written": "B1"}), "not_eligible", "not_eligible"),
    ("german_b1", dict(german={"oral": "C1", "written": "B2"}), "eligible", "eligible"),
    ("german_b1", dict(german={"oral": "B1"}), "incomplete", "incomplete"),
    ("no_deception_or_obstruction", dict(own_identity_deception=True), "not_eligible", "eligible"),
    ("no_deception_or_obstruction", dict(obstructs_removal=True), "not_eligible", "eligible"),
    ("no_deception_or_obstruction", dict(obstructs_removal=None), "incomplete", "eligible"),
    ("security", dict(extremism_indications=True), "not_eligible", "not_eligible"),
    ("security", dict(expulsion_order=True), "not_eligible", "not_eligible"),
    ("convictions", dict(convictions=fine(50)), "eligible", "eligible"),
    ("convictions", dict(convictions=fine(51)), "not_eligible", "not_eligible"),
    ("convictions", dict(convictions=fine(90, True)), "eligible", "eligible"),
    ("convictions", dict(convictions=fine(91, True)), "not_eligible", "not_eligible"),
    ("convictions", dict(convictions=None), "incomplete", "incomplete"),
    ("asylum_bar", dict(asylum_rejected_manifestly_unfounded=True), "not_eligible", "eligible"),
    ("asylum_bar", dict(asylum_rejected_manifestly_unfounded=None), "incomplete", "eligible"),
]


@pytest.mark.parametrize("ident,changes,abs1,abs1a", REQUIREMENTS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUIREMENTS)])
def test_requirements_for_abs_1_and_abs_1a(engine, ident, changes, abs1, abs1a):
    plain = check(engine, person(**changes), TODAY)
    assert plain.verdict == abs1, criterion(plain, ident).explanation
    after_60c = check(engine, abs_1a(**changes), TODAY)
    assert after_60c.verdict == abs1a, criterion(after_60c, ident).explanation


def test_abs_1a_is_free_of_nr_4_and_5_and_says_why(engine):
    result = check(engine, abs_1a(own_identity_deception=True, asylum_rejected_manifestly_unfounded=True), TODAY)
    assert result.verdict == "eligible"
    assert "Nr. 4 und 5 gelten nicht" in criterion(result, "no_deception_or_obstruction").explanation
    assert "§ 10 Abs. 3 S. 3" in criterion(result, "asylum_bar").explanation


# --- § 5 Abs. 1 Nr. 1a and Nr. 4 without § 5 Abs. 3 S. 2 --------------------------------------------------
IDENTITY = [
    ("identity not clarified despite all steps: no discretion", {"passport_valid_until": "2030-01-01",
                                                                 "reasonable_measures_taken": True},
     "identity"),
    ("identity not clarified, no steps", {"passport_valid_until": "2030-01-01", "reasonable_measures_taken": False},
     "identity"),
    ("passport expired the day before, all steps taken", {"clarified_on": "2017-01-01",
                                                         "passport_valid_until": "2026-11-20",
                                                         "reasonable_measures_taken": True}, "passport"),
]


@pytest.mark.parametrize("name,ident,deciding", IDENTITY, ids=[r[0] for r in IDENTITY])
def test_identity_and_passport_are_rule_requirements(engine, name, ident, deciding):
    for facts in (person(identity=ident), abs_1a(identity=ident)):
        result = check(engine, facts, TODAY)
        decided = criterion(result, deciding)
        assert result.verdict == "not_eligible", decided.explanation
        assert decided.met is False and not decided.discretionary
        assert "atypischen" in decided.hint


def test_passport_valid_on_the_day_is_enough(engine):
    assert check(engine, person(identity__passport_valid_until="2026-11-21"), TODAY).verdict == "eligible"


def test_unclarified_identity_is_not_made_open_by_an_irrelevant_fact(engine):
    result = check(engine, person(identity={"passport_valid_until": "2030-01-01"}), TODAY)
    assert result.verdict == "not_eligible"
    assert "identity.reasonable_measures_taken" not in result.missing_facts


# --- In force since 01.03.2020 (§ 18a before, not modelled) ------------------------------------------------
def test_in_force_from_1_3_2020(engine):
    facts = person(training__start_date="2016-08-01", training__end_date="2019-07-31",
                   training__completed_on="2019-07-15", employment=[job("2019-08-01")])
    before = check(engine, facts, D("2020-02-29"))
    assert_not_yet_in_force(before, "01.03.2020")
    first = check(engine, facts, D("2020-03-01"))
    assert (first.verdict, first.rules_version) == ("eligible", "2020-03-01")
    assert any("§ 18a" in note for note in first.unverified)


def test_every_criterion_explains_itself(engine):
    for facts in (person(), abs_1a(), person(**NO_TRAINING)):
        result = check(engine, facts, TODAY)
        assert result.verdict == "eligible"
        for c in result.criteria:
            assert c.citation.startswith("§") and "AufenthG" in c.citation
            assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation
            assert c.hint


def test_checklist(engine):
    facts = parse_facts(person(), today=TODAY)
    workflow = engine.workflow(WORKFLOW)
    items = engine.checklist(workflow, facts, engine.assess(facts, TODAY, WORKFLOW)[0])
    assert {"certificate", "employment_contract", "german_b1", "rent_contract", "passport"} <= {i.id for i in items}
    assert all(i.why.startswith("für §") for i in items)


def test_status_hint_extends_the_ausbildungsduldung_only_without_continued_employment(engine):
    """§ 60c Abs. 6 S. 2 AufenthG: the six months to look for work follow only when the training company does not
    keep the person on; the hint said the Duldung is extended after every training (issue 16, error 6)."""
    status = criterion(check(engine, person(status_history=[{"status": "aufenthaltserlaubnis", "from": "2020-01-01",
                                                              "to": None}]), TODAY), "status")
    assert status.met is False
    assert "nicht" in status.hint.split("§ 60c Abs. 6 S. 2")[0] and "Übernimmt der Ausbildungsbetrieb" in status.hint
    assert "Nach der Ausbildung wird die Ausbildungsduldung für 6 Monate" not in status.hint
