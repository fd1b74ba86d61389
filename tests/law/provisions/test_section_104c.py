"""§ 104c AufenthG (Fassung vom 31.12.2022), criterion by criterion, at the boundaries, and its window.

The rule could be applied for from 31.12.2022 to 30.12.2025; applications are judged on the key date 31.10.2022 for
the residence period. Each row: changes to a person who meets everything, and what a counsellor must see.
"""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assess_on, criterion, with_changes

ON = D("2024-03-01")  # a day inside the window


def person(**changes) -> dict:
    """A geduldete woman in Germany since 2016 who meets § 104c on 01.03.2024. Nothing is known about her identity,
    passport or livelihood, which § 104c does not require. ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Grace", "family_name": "Okafor", "date_of_birth": "1985-04-02",
                   "gender": "female", "nationality": "NG"},
        "entry_date": "2016-05-01",
        "status_history": [
            {"status": "gestattung", "from": "2016-05-01", "to": "2018-12-31"},
            {"status": "duldung", "from": "2019-01-01", "to": None},
        ],
        "own_identity_deception": False,
        "fdgo_declaration": True,
        "household": {"spouse_or_partner": False, "minor_children": []},
        "convictions": [], "extremism_indications": False, "expulsion_order": False,
    }
    return with_changes(facts, **changes)


def history(*periods) -> list:
    return [{"status": s, "from": f, "to": t} for s, f, t in periods]


def check(engine, facts: dict, on: dt.date = ON):
    return assess_on(engine, "section_104c", facts, on)


# --- Abs. 1 S. 1: five years on the key date 31.10.2022; Abs. 1 S. 3: § 60b periods count ------------------------
KEY_DATE = [
    ("five years reached on the key date itself",
     history(("gestattung", "2017-10-31", "2019-12-31"), ("duldung", "2020-01-01", None)), True),
    ("one day short on the key date: time after it cannot help",
     history(("gestattung", "2017-11-01", "2019-12-31"), ("duldung", "2020-01-01", None)), False),
    ("§ 60b periods count towards the five years",
     history(("duldung_ungeklaerte_identitaet", "2017-06-01", "2023-01-31"), ("duldung", "2023-02-01", None)), True),
    ("Aufenthaltserlaubnis, Gestattung and Duldung all count",
     history(("aufenthaltserlaubnis", "2015-01-01", "2016-12-31"), ("gestattung", "2017-01-01", "2019-06-30"),
             ("duldung", "2019-07-01", None)), True),
    ("a gap of one month interrupts (no tolerance modelled)",
     history(("gestattung", "2015-01-01", "2018-12-31"), ("duldung", "2019-02-01", None)), False),
    ("no status on the key date",
     history(("gestattung", "2015-01-01", "2022-09-30"), ("ohne_status", "2022-10-01", "2022-11-30"),
             ("duldung", "2022-12-01", None)), False),
]


@pytest.mark.parametrize("name,periods,met", KEY_DATE, ids=[r[0] for r in KEY_DATE])
def test_five_years_on_the_key_date(engine, name, periods, met):
    result = check(engine, person(status_history=periods))
    residence = criterion(result, "residence")
    assert residence.met is met, residence.explanation
    assert result.verdict == ("eligible" if met else "not_eligible")
    assert result.earliest_date is None and residence.met_from is None
    assert "am Stichtag 31.10.2022" in residence.explanation


def test_the_key_date_does_not_move_with_the_day_of_application(engine):
    facts = person(status_history=history(("gestattung", "2017-11-01", "2019-12-31"), ("duldung", "2020-01-01", None)))
    for day in ("2022-12-31", "2025-12-30"):
        assert check(engine, facts, D(day)).verdict == "not_eligible"


# --- Abs. 1 S. 1: geduldet on the day of application -------------------------------------------------------------
@pytest.mark.parametrize("status,verdict", [
    ("duldung", "eligible"), ("duldung_ungeklaerte_identitaet", "eligible"), ("ausbildungsduldung", "eligible"),
    ("beschaeftigungsduldung", "eligible"), ("gestattung", "not_eligible"), ("aufenthaltserlaubnis", "not_eligible"),
    ("ohne_status", "not_eligible"),
])
def test_status_on_the_day_of_application(engine, status, verdict):
    periods = history(("gestattung", "2016-05-01", "2023-06-30"), (status, "2023-07-01", None))
    result = check(engine, person(status_history=periods))
    assert result.verdict == verdict, criterion(result, "status").explanation
    assert criterion(result, "status").met is (verdict == "eligible")


# --- Abs. 1 S. 1 Nr. 2: 50/90 Tagessätze; juvenile sanctions other than Jugendstrafe disregarded -------------------------
def fine(rates, foreigner_only=False, **more):
    return {"date": "2021-03-01", "intentional": True, "fine_daily_rates": rates,
            "foreigner_only_offence": foreigner_only, **more}


CONVICTIONS = [
    ("50 Tagessätze are disregarded", [fine(50)], "eligible"),
    ("51 Tagessätze exclude", [fine(51)], "not_eligible"),
    ("two fines add up: 30 + 21 = 51", [fine(30), fine(21)], "not_eligible"),
    ("90 Tagessätze for an offence only foreigners can commit", [fine(90, foreigner_only=True)], "eligible"),
    ("91 Tagessätze for such offences exclude", [fine(91, foreigner_only=True)], "not_eligible"),
    ("40 general and 50 foreigner-only: 90 in all", [fine(40), fine(50, foreigner_only=True)], "eligible"),
    ("40 general and 51 foreigner-only: 91 in all", [fine(40), fine(51, foreigner_only=True)], "not_eligible"),
    ("51 general beside foreigner-only ones exclude", [fine(51), fine(10, foreigner_only=True)], "not_eligible"),
    ("juvenile sanction other than Jugendstrafe is disregarded",
     [{"date": "2020-03-01", "intentional": True, "juvenile_sanction": True}], "eligible"),
    ("Jugendarrest of one month (a juvenile sanction) is disregarded",
     [{"date": "2020-03-01", "intentional": True, "juvenile_sanction": True, "prison_months": 1}], "eligible"),
    ("Jugendstrafe excludes, even suspended",
     [{"date": "2020-03-01", "intentional": True, "youth_custody": True, "prison_months": 6, "suspended": True}],
     "not_eligible"),
    ("any prison sentence excludes, even suspended",
     [{"date": "2020-03-01", "intentional": True, "prison_months": 3, "suspended": True}], "not_eligible"),
    ("a negligent offence does not count", [{"date": "2020-03-01", "intentional": False, "fine_daily_rates": 100}],
     "eligible"),
    ("unknown whether intentional", [{"date": "2020-03-01", "fine_daily_rates": 10}], "incomplete"),
]


@pytest.mark.parametrize("name,convictions,verdict", CONVICTIONS, ids=[r[0] for r in CONVICTIONS])
def test_convictions_of_nr_2(engine, name, convictions, verdict):
    result = check(engine, person(convictions=convictions))
    decisive = criterion(result, "convictions")
    assert result.verdict == verdict, decisive.explanation
    assert decisive.discretionary is False
    assert decisive.met is {"eligible": True, "not_eligible": False, "incomplete": None}[verdict]


def test_the_fine_explanation_names_the_totals(engine):
    convictions = criterion(check(engine, person(convictions=[fine(40), fine(51, foreigner_only=True)])),
                            "convictions")
    assert "91 Tagessätze (davon 51 nur von Ausländern begehbar)" in convictions.explanation
    assert convictions.citation == "§ 104c Abs. 1 S. 1 Nr. 2 AufenthG"


# --- Nr. 1, Abs. 1 S. 2, § 5 Abs. 4 -------------------------------------------------------------------------------
REQUIREMENTS = [
    ("fdgo", dict(fdgo_declaration=False), "not_eligible"),
    ("fdgo", dict(fdgo_declaration=None), "incomplete"),
    ("no_repeated_deception", dict(own_identity_deception=True), "not_eligible"),
    ("no_repeated_deception", dict(own_identity_deception=None), "incomplete"),
    ("security", dict(extremism_indications=True), "not_eligible"),
    ("security", dict(expulsion_order=True), "not_eligible"),
    ("security", dict(expulsion_order=None), "incomplete"),
]


@pytest.mark.parametrize("ident,changes,verdict", REQUIREMENTS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUIREMENTS)])
def test_requirements(engine, ident, changes, verdict):
    result = check(engine, person(**changes))
    assert result.verdict == verdict, criterion(result, ident).explanation
    assert criterion(result, ident).met is (None if verdict == "incomplete" else False)


def test_deception_says_that_repeatedly_is_not_in_the_facts(engine):
    deception = criterion(check(engine, person(own_identity_deception=True)), "no_repeated_deception")
    assert "UNVERIFIED" in deception.explanation and "wiederholt" in deception.explanation
    assert deception.citation == "§ 104c Abs. 1 S. 2 AufenthG"


def test_no_livelihood_identity_or_passport_requirement(engine):
    facts = person(identity={"clarified_on": None, "passport_valid_until": None, "reasonable_measures_taken": False},
                   livelihood={"secured": False, "positive_prognosis": False})
    result = check(engine, facts)
    assert result.verdict == "eligible"
    assert [c.id for c in result.criteria] == [
        "status", "residence", "fdgo", "convictions", "no_repeated_deception", "security"]
    assert not any(c.discretionary for c in result.criteria)


# --- The window: from 31.12.2022, last day of application 30.12.2025 ------------------------------------------------
@pytest.mark.parametrize("day,verdict,version", [
    ("2022-12-30", "not_eligible", None), ("2022-12-31", "eligible", "2022-12-31"),
    ("2025-12-30", "eligible", "2022-12-31"), ("2025-12-31", "not_eligible", None),
    ("2027-07-02", "not_eligible", None),
])
def test_window_and_rules_version(engine, day, verdict, version):
    result = check(engine, person(), D(day))
    assert (result.verdict, result.rules_version, result.earliest_date) == (verdict, version, None)
    if version is None:
        assert [c.id for c in result.criteria] == ["in_force"]
        in_force = result.criteria[0]
        assert in_force.met is False
        assert "31.12.2022 bis 30.12.2025" in in_force.explanation and D(day).strftime("%d.%m.%Y") in \
            in_force.explanation


def test_not_offered_among_the_perspectives_after_it_expired(engine):
    facts = parse_facts(person(), today=TODAY)
    assert "section_104c" not in {a.workflow for a in engine.assess(facts, TODAY)}
    assert "section_104c" in {a.workflow for a in engine.assess(facts, ON)}


# --- Checklist and explanations --------------------------------------------------------------------------------
def checklist(engine, facts, on=ON):
    parsed = parse_facts(facts, today=max(on, TODAY))
    workflow = engine.workflow("section_104c")
    return {e.id: e for e in engine.checklist(workflow, parsed, engine.assess(parsed, on, "section_104c")[0])}


def test_checklist(engine):
    items = checklist(engine, person())
    assert {"application_form", "status_document", "residence_history", "fdgo_declaration"} <= set(items)
    assert "spouse" not in items
    assert items["residence_history"].why == "für § 104c Abs. 1 S. 1 AufenthG: fünf Jahre Voraufenthalt am Stichtag " \
                                             "31.10.2022"
    assert "§ 104c Abs. 2 AufenthG" in checklist(engine, person(household__spouse_or_partner=True))["spouse"].why


def test_every_criterion_carries_citation_window_and_explanation(engine):
    result = check(engine, person())
    assert result.verdict == "eligible"
    for c in result.criteria:
        assert "AufenthG" in c.citation and c.citation.startswith("§")
        assert (c.valid_from, c.valid_until) == (D("2022-12-31"), D("2025-12-30"))
        assert c.explanation.startswith(c.label) and ": erfüllt." in c.explanation
    assert any("30.12.2025" in note for note in result.unverified)
