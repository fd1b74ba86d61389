"""§ 25b AufenthG, criterion by criterion, at the boundaries, for every rules version.

Each row: what the person's facts are (changes to a person who meets everything), the day of application, and
what a counsellor must see: the verdict, the earliest date, and the criterion that decides.
"""
from __future__ import annotations

import datetime as dt

import pytest

from tests.common.workflow_cases import TODAY, D, assert_not_yet_in_force, assess_on, criterion, with_changes


def person(**changes) -> dict:
    """A geduldete person who meets every requirement of § 25b on 21.11.2026; ``changes`` replace top-level keys,
    and ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Samira", "family_name": "Haddad", "date_of_birth": "1990-01-01",
                   "gender": "female", "nationality": "IQ"},
        "entry_date": "2018-03-01",
        "status_history": [
            {"status": "gestattung", "from": "2018-03-01", "to": "2020-02-29"},
            {"status": "duldung", "from": "2020-03-01", "to": None},
        ],
        "identity": {"clarified_on": "2019-01-01", "passport_valid_until": "2030-01-01"},
        "own_identity_deception": False, "obstructs_removal": False,
        "german": {"oral": "A2", "written": "A1"},
        "basic_knowledge_of_order": True, "fdgo_declaration": True, "integration_course_obliged": False,
        "employment": [{"from": "2022-01-01", "to": None, "hours_per_week": 30, "socially_insured": True}],
        "livelihood": {"predominantly_secured": True},
        "household": {"spouse_or_partner": False, "minor_children": []},
        "convictions": [], "extremism_indications": False, "expulsion_order": False,
        "prevented_by_illness_disability_or_age": False,
    }
    return with_changes(facts, **changes)


def duldung_since(start: str, *earlier) -> list:
    return [*earlier, {"status": "duldung", "from": start, "to": None}]


def check(engine, facts: dict, on: dt.date):
    return assess_on(engine, "section_25b", facts, on)


# --- Abs. 1 S. 2 Nr. 1: six years (four with a minor child), at the day before and the day it is reached -------
RESIDENCE = [
    # (facts changes, day, verdict, earliest date)
    ("six years reached on the day", dict(status_history=duldung_since("2020-11-21")), "2026-11-21", "eligible", None),
    ("six years: the day before", dict(status_history=duldung_since("2020-11-21")), "2026-11-20", "eligible_from",
     "2026-11-21"),
    ("four years with a minor child, reached on the day",
     dict(status_history=duldung_since("2022-11-21"), household__minor_children=[{"date_of_birth": "2015-01-01", "school_attendance_proven": True}]),
     "2026-11-21", "eligible", None),
    ("four years with a minor child: the day before",
     dict(status_history=duldung_since("2022-11-21"), household__minor_children=[{"date_of_birth": "2015-01-01", "school_attendance_proven": True}]),
     "2026-11-20", "eligible_from", "2026-11-21"),
    ("the child turns 18 on the day the four years are reached: six years count",
     dict(status_history=duldung_since("2022-11-21"), household__minor_children=[{"date_of_birth": "2008-11-21", "school_attendance_proven": True}]),
     "2026-11-21", "eligible_from", "2028-11-21"),
    ("the child turns 18 one day after the four years: the short period still applies",
     dict(status_history=duldung_since("2022-11-21"), household__minor_children=[{"date_of_birth": "2008-11-22", "school_attendance_proven": True}]),
     "2026-11-21", "eligible", None),
    ("gestattung counts towards the period",
     dict(status_history=duldung_since("2024-01-01", {"status": "gestattung", "from": "2020-11-21",
                                                      "to": "2023-12-31"})),
     "2026-11-21", "eligible", None),
    ("§ 60b Duldung does not count: the period moves by its 366 days, a year of 365 days (§ 191 BGB)",
     dict(status_history=duldung_since("2021-01-01",
                                       {"status": "duldung", "from": "2019-11-21", "to": "2019-12-31"},
                                       {"status": "duldung_ungeklaerte_identitaet", "from": "2020-01-01",
                                        "to": "2020-12-31"})),
     "2026-11-19", "eligible_from", "2026-11-20"),
    ("one gap of up to three months is harmless but its 90 days are not counted (§ 191 BGB: 6 × 365 + 90 days)",
     dict(status_history=duldung_since("2021-03-01",
                                       {"status": "duldung", "from": "2020-09-01", "to": "2020-11-30"})),
     "2026-11-21", "eligible_from", "2026-11-29"),
    ("a gap of more than three months (106 days) restarts the period",
     dict(status_history=duldung_since("2021-04-01",
                                       {"status": "duldung", "from": "2019-01-01", "to": "2020-12-15"})),
     "2026-11-21", "eligible_from", "2027-04-01"),
    ("a second short gap ends the stretch: it counts from after the earlier gap (§ 191 BGB: 6 × 365 + 59 days)",
     dict(status_history=duldung_since("2021-03-01",
                                       {"status": "duldung", "from": "2019-06-01", "to": "2020-01-31"},
                                       {"status": "duldung", "from": "2020-03-01", "to": "2020-12-31"})),
     "2026-01-01", "eligible_from", "2026-04-28"),
]


@pytest.mark.parametrize("name,changes,day,verdict,earliest", RESIDENCE, ids=[r[0] for r in RESIDENCE])
def test_residence_period(engine, name, changes, day, verdict, earliest):
    result = check(engine, person(**changes), D(day))
    assert (result.verdict, result.earliest_date) == (verdict, D(earliest) if earliest else None), \
        criterion(result, "residence").explanation


def test_unknown_children_make_the_period_undecidable(engine):
    result = check(engine, person(status_history=duldung_since("2022-01-01"), household__minor_children=None), TODAY)
    assert result.verdict == "incomplete"
    assert "household.minor_children" in result.missing_facts


def test_age_does_not_matter_the_27_year_rule_is_25a(engine):
    for born in ("1998-01-01", "1960-01-01", "1999-11-22"):
        assert check(engine, person(person__date_of_birth=born), TODAY).verdict == "eligible"


# --- Abs. 1 S. 1: status ---------------------------------------------------------------------------------
@pytest.mark.parametrize("status,verdict", [
    ("duldung", "eligible"), ("ausbildungsduldung", "eligible"), ("beschaeftigungsduldung", "eligible"),
    ("chancen_aufenthaltserlaubnis", "eligible"), ("gestattung", "not_eligible"),
    ("aufenthaltserlaubnis", "not_eligible"), ("ohne_status", "not_eligible"),
])
def test_status_on_the_day_of_application(engine, status, verdict):
    history = [{"status": "gestattung", "from": "2018-03-01", "to": "2020-02-29"},
               {"status": status, "from": "2020-03-01", "to": None}]
    result = check(engine, person(status_history=history), TODAY)
    assert result.verdict == verdict, criterion(result, "status").explanation


# --- Abs. 1 S. 2 Nr. 2 to 5, Abs. 3 ----------------------------------------------------------------------
REQUIREMENTS = [
    ("fdgo_and_basic_knowledge", dict(fdgo_declaration=False), "not_eligible"),
    ("fdgo_and_basic_knowledge", dict(fdgo_declaration=None), "incomplete"),
    ("fdgo_and_basic_knowledge", dict(basic_knowledge_of_order=False), "not_eligible"),
    ("livelihood", dict(livelihood={"secured": False, "predominantly_secured": False, "positive_prognosis": False}),
     "not_eligible"),
    ("livelihood", dict(livelihood={"predominantly_secured": False, "positive_prognosis": True}), "eligible"),
    ("livelihood", dict(livelihood={"predominantly_secured": False}), "incomplete"),
    ("livelihood", dict(livelihood={"predominantly_secured": False, "positive_prognosis": False},
                        prevented_by_illness_disability_or_age=True), "eligible"),
    ("german_oral_a2", dict(german={"oral": "A1"}), "not_eligible"),
    ("german_oral_a2", dict(german={"oral": "B1"}), "eligible"),
    ("german_oral_a2", dict(german={}), "incomplete"),
    ("german_oral_a2", dict(german={"oral": "A1"}, prevented_by_illness_disability_or_age=True), "eligible"),
    ("children_school", dict(household__minor_children=[{"date_of_birth": "2018-05-01",
                                                         "school_attendance_proven": False}]), "not_eligible"),
    ("children_school", dict(household__minor_children=[{"date_of_birth": "2018-05-01"}]), "incomplete"),
    ("children_school", dict(household__minor_children=[{"date_of_birth": "2018-05-01",
                                                         "school_attendance_proven": True}]), "eligible"),
    ("children_school", dict(household__minor_children=[{"date_of_birth": "2020-11-22",
                                                         "school_attendance_proven": False}]), "eligible"),
    ("children_school", dict(household__minor_children=[{"date_of_birth": "2020-11-21",
                                                         "school_attendance_proven": False}]), "not_eligible"),
]


@pytest.mark.parametrize("ident,changes,verdict", REQUIREMENTS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUIREMENTS)])
def test_requirements_of_abs_1_and_3(engine, ident, changes, verdict):
    result = check(engine, person(**changes), TODAY)
    assert result.verdict == verdict, criterion(result, ident).explanation
    if verdict != "eligible":
        assert criterion(result, ident).met is not True


@pytest.mark.parametrize("born, said", [(["2018-05-01"], "Schulbesuch für 1 Kind nachgewiesen"),
                                         (["2018-05-01", "2016-02-01"], "Schulbesuch für 2 Kinder nachgewiesen")])
def test_the_school_attendance_is_explained_in_singular_or_plural(engine, born, said):
    children = [{"date_of_birth": day, "school_attendance_proven": True} for day in born]
    result = check(engine, person(household__minor_children=children), TODAY)
    assert said in criterion(result, "children_school").explanation


# --- Abs. 2: mandatory refusal ---------------------------------------------------------------------------
def prison(months, suspended=True, youth=False):
    return [{"date": "2023-05-01", "intentional": True, "prison_months": months, "suspended": suspended,
             "youth_custody": youth}]


EXCLUSIONS = [
    ("no_obstruction", dict(own_identity_deception=True), "not_eligible"),
    ("no_obstruction", dict(obstructs_removal=True), "not_eligible"),
    ("no_obstruction", dict(own_identity_deception=None), "incomplete"),
    ("convictions", dict(convictions=prison(5)), "eligible"),
    ("convictions", dict(convictions=prison(6)), "not_eligible"),
    ("convictions", dict(convictions=prison(11, suspended=False, youth=True)), "eligible"),
    ("convictions", dict(convictions=prison(12, suspended=False, youth=True)), "not_eligible"),
    ("convictions", dict(convictions=prison(12, suspended=True, youth=True)), "eligible"),
    ("convictions", dict(convictions=prison(12, suspended=None, youth=True)), "incomplete"),
    ("convictions", dict(convictions=[{"date": "2023-05-01", "intentional": False, "prison_months": 12}]), "eligible"),
    ("convictions", dict(convictions=None), "incomplete"),
    ("security", dict(extremism_indications=True), "not_eligible"),
    ("security", dict(expulsion_order=True), "not_eligible"),
]


@pytest.mark.parametrize("ident,changes,verdict", EXCLUSIONS, ids=[f"{r[0]}-{i}" for i, r in enumerate(EXCLUSIONS)])
def test_exclusions_of_abs_2(engine, ident, changes, verdict):
    result = check(engine, person(**changes), TODAY)
    assert result.verdict == verdict, criterion(result, ident).explanation


def test_small_fine_is_left_to_discretion_and_says_so(engine):
    fine = [{"date": "2023-05-01", "intentional": True, "fine_daily_rates": 120}]
    result = check(engine, person(convictions=fine), TODAY)
    convictions = criterion(result, "convictions")
    assert result.verdict == "eligible" and convictions.discretionary
    assert "§ 5 Abs. 1 Nr. 2 AufenthG" in convictions.explanation
    assert "UNVERIFIED" in convictions.explanation


# --- Identity and passport (§ 5 Abs. 1 Nr. 1a, Nr. 4, Abs. 3 S. 2; Abs. 8) -----------------------------------
@pytest.mark.parametrize("identity,verdict,discretionary", [
    ({"clarified_on": None, "passport_valid_until": None, "reasonable_measures_taken": True}, "eligible", True),
    ({"clarified_on": None, "passport_valid_until": None, "reasonable_measures_taken": False}, "not_eligible", False),
    ({"clarified_on": None, "passport_valid_until": "2030-01-01"}, "incomplete", False),
    ({"clarified_on": "2019-01-01", "passport_valid_until": "2026-11-20"}, "incomplete", False),
    ({"clarified_on": "2019-01-01", "passport_valid_until": "2026-11-21"}, "eligible", False),
])
def test_identity_and_passport(engine, identity, verdict, discretionary):
    result = check(engine, person(identity=identity), TODAY)
    assert result.verdict == verdict
    assert any(c.discretionary for c in result.criteria) == discretionary


# --- Abs. 6: thirty months of Beschäftigungsduldung instead of the residence period --------------------------
def route(**changes):
    history = [{"status": "gestattung", "from": "2023-01-01", "to": "2024-05-20"},
               {"status": "beschaeftigungsduldung", "from": "2024-05-21", "to": None}]
    base = dict(status_history=history, livelihood={"secured": True, "predominantly_secured": True},
                integration_course_obliged=True, german={"oral": "A2", "written": "A2"})
    return person(**{**base, **changes})


@pytest.mark.parametrize("facts,day,verdict,earliest", [
    (route(), "2026-11-21", "eligible", None),
    (route(), "2026-11-20", "eligible_from", "2026-11-21"),
    (route(german={"oral": "A2", "written": "A1"}), "2026-11-21", "eligible_from", "2029-01-01"),
    (route(german={"oral": "A2", "written": "A1"}, integration_course_obliged=False), "2026-11-21", "eligible", None),
    (route(employment=[{"from": "2024-05-21", "to": None, "hours_per_week": 15, "socially_insured": True}]),
     "2026-11-21", "eligible_from", "2029-01-01"),
], ids=["30 months reached", "the day before", "written A1 although a course was possible",
        "no course possible: oral A2 is enough", "less than 20 hours"])
def test_beschaeftigungsduldung_route_of_abs_6(engine, facts, day, verdict, earliest):
    result = check(engine, facts, D(day))
    assert (result.verdict, result.earliest_date) == (verdict, D(earliest) if earliest else None), \
        criterion(result, "residence").explanation


# --- Versions: 8/6 years before 31.12.2022, § 104c holders until 30.06.2027, not in force before 01.08.2015 ---
def test_rules_version_named_for_each_period(engine):
    for day, version in (("2016-01-01", "2015-08-01"), ("2021-01-01", "2020-01-01"),
                         ("2022-12-31", "2022-12-31"), ("2026-11-21", "2022-12-31"), ("2027-07-02", "2027-07-01")):
        assert check(engine, person(), D(day)).rules_version == version


def test_before_31_12_2022_eight_years_were_needed(engine):
    """Seven years on 01.06.2022: the old law wants eight (01.06.2023), the new one from 31.12.2022 six."""
    facts = person(status_history=duldung_since("2015-06-01"), identity__clarified_on="2014-01-01")
    result = check(engine, facts, D("2022-06-01"))
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2022-12-31"))
    assert "8 Jahre" in criterion(result, "residence").explanation


def test_old_version_eight_years_at_the_boundary(engine):
    facts = person(status_history=duldung_since("2012-11-21"), identity__clarified_on="2012-01-01")
    assert check(engine, facts, D("2020-11-20")).earliest_date == D("2020-11-21")
    assert check(engine, facts, D("2020-11-21")).verdict == "eligible"
    with_child = person(status_history=duldung_since("2014-11-21"), identity__clarified_on="2012-01-01",
                        household__minor_children=[{"date_of_birth": "2010-01-01", "school_attendance_proven": True}])
    assert check(engine, with_child, D("2020-11-21")).verdict == "eligible"
    assert check(engine, with_child, D("2020-11-20")).earliest_date == D("2020-11-21")


def test_new_law_opens_the_path_on_its_first_day(engine):
    """On 30.12.2022 the old law asked for 8 years; from 31.12.2022 six are enough."""
    facts = person(status_history=duldung_since("2016-01-01"), identity__clarified_on="2012-01-01")
    result = check(engine, facts, D("2022-12-30"))
    assert (result.verdict, result.earliest_date, result.rules_version) == \
        ("eligible_from", D("2022-12-31"), "2020-01-01")


def test_chancen_holder_counts_60b_periods_until_30_06_2027_and_keeps_the_104c_abs_2_route_after(engine):
    """§ 25b Abs. 7 (§ 60b time counts for holders) ends on 30.06.2027; the permit, kept alive by a timely
    application (§ 81 Abs. 4), can still only be extended as a § 25b permit (§ 104c Abs. 2 S. 1): after that day
    the path is not closed but opens when six years without the § 60b time are complete (issue 16, error 4)."""
    history = [{"status": "duldung_ungeklaerte_identitaet", "from": "2019-11-21", "to": "2025-05-31"},
               {"status": "chancen_aufenthaltserlaubnis", "from": "2025-06-01", "to": None}]
    facts = person(status_history=history, identity__passport_valid_until="2035-01-01")
    assert check(engine, facts, TODAY).verdict == "eligible"
    after = check(engine, facts, D("2027-07-02"))
    assert after.rules_version == "2027-07-01"
    assert (after.verdict, after.earliest_date) == ("eligible_from", D("2031-06-01")), \
        criterion(after, "status").explanation
    status = criterion(after, "status")
    assert status.met and "§ 104c Abs. 2 S. 1" in status.explanation and "UNVERIFIED" in status.explanation
    assert "§ 104c Abs. 2" in status.hint and "§ 60b" in status.hint
    geduldet = person(status_history=[history[0], {"status": "duldung", "from": "2025-06-01", "to": None}],
                      identity__passport_valid_until="2035-01-01")
    result = check(engine, geduldet, TODAY)
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2031-06-01"))


def test_a_passport_expiring_before_the_earliest_date_is_named(engine):
    facts = person(status_history=duldung_since("2025-06-01"), identity__passport_valid_until="2030-01-01")
    result = check(engine, facts, TODAY)
    assert result.verdict == "incomplete" and result.earliest_date is None
    window = criterion(result, "window")
    assert "01.06.2031" in window.explanation and "Passpflicht" in window.explanation
    assert "identity.reasonable_measures_taken" in result.missing_facts


def test_not_in_force_before_1_8_2015(engine):
    result = check(engine, person(), D("2015-07-31"))
    assert_not_yet_in_force(result, "01.08.2015")


# --- Every verdict explains itself ----------------------------------------------------------------------
def test_every_criterion_carries_citation_dates_and_german_explanation(engine):
    result = check(engine, person(), TODAY)
    assert result.verdict == "eligible"
    for c in result.criteria:
        assert c.citation.startswith("§") and "AufenthG" in c.citation
        assert c.valid_from <= TODAY and (c.valid_until is None or TODAY <= c.valid_until)
        assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation
    residence = criterion(result, "residence")
    assert "§ 25b Abs. 1 S. 2 Nr. 1" in residence.citation
    assert "01.03.2024" in residence.explanation


def test_unverified_items_are_named(engine):
    result = check(engine, person(), TODAY)
    assert any("GEAS" in note for note in result.unverified)
    assert "UNVERIFIED" in criterion(result, "residence").explanation


def test_chancen_holder_whose_six_years_end_after_30_06_2027_is_shown_the_104c_abs_2_route_and_its_date(engine):
    """A § 104c holder assessed today whose six years complete only after the transition rules end: § 104c Abs. 2
    S. 1 still lets the permit be extended as a § 25b permit, so the Perspektive shows the day the period completes
    instead of a plain "not eligible" (issue 16, error 4)."""
    history = [{"status": "gestattung", "from": "2022-01-01", "to": "2025-05-31"},
               {"status": "chancen_aufenthaltserlaubnis", "from": "2025-06-01", "to": None}]
    result = check(engine, person(status_history=history, identity__passport_valid_until="2035-01-01"), TODAY)
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2028-01-01")), \
        [c.explanation for c in result.criteria if c.met is not True]
    assert "01.01.2028" in criterion(result, "residence").explanation


def test_conviction_hint_says_a_suspended_prison_sentence_of_six_months_excludes_too(engine):
    """§ 54 Abs. 2 Nr. 1 AufenthG applies to a prison sentence of six months with probation too; only for youth
    custody (Nr. 2) does probation matter. The hint said "ohne Bewährung" for both (issue 16, error 6)."""
    convictions = criterion(check(engine, person(convictions=prison(6, suspended=True)), TODAY), "convictions")
    assert convictions.met is False
    assert "auch wenn sie zur Bewährung ausgesetzt ist (§ 54 Abs. 2 Nr. 1)" in convictions.hint
    assert "nicht zur Bewährung ausgesetzt ist (§ 54 Abs. 2 Nr. 2)" in convictions.hint
    assert "Jugendstrafe ab 1 Jahr ohne Bewährung ist § 25b ausgeschlossen" not in convictions.hint


def test_a_current_60b_duldung_stops_the_clock_instead_of_promising_a_date(engine):
    """§ 60b Abs. 5 S. 1: time with a "Duldung für Personen mit ungeklärter Identität" is not counted; while the
    person still holds one, time alone completes nothing – the path opens only once the duties are fulfilled
    (§ 60b Abs. 4). Before, the Perspektive promised a date as if the clock ran on (issue 16, error 3)."""
    history = [{"status": "gestattung", "from": "2021-01-01", "to": "2024-12-31"},
               {"status": "duldung_ungeklaerte_identitaet", "from": "2025-01-01", "to": None}]
    residence = criterion(check(engine, person(status_history=history), TODAY), "residence")
    assert residence.met is False and residence.met_from is None, residence.explanation
    assert "die Frist ruht" in residence.explanation and "§ 60b Abs. 4" in residence.explanation
    assert "frühestens am" in residence.explanation
