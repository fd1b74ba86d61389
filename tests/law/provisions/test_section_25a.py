"""§ 25a AufenthG, criterion by criterion, at the boundaries, for every rules version.

Each row: what the young person's facts are (changes to a person who meets everything), the day of application,
and what a counsellor must see: the verdict, the earliest date, and the criterion that decides.
"""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assert_not_yet_in_force, assess_on, criterion, with_changes


def person(**changes) -> dict:
    """A geduldeter young man (21 on 21.11.2026, in vocational training) who meets every requirement of § 25a on
    21.11.2026 and, with his Duldung since 2020, also under the old rules; ``changes`` replace top-level keys, and
    ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Ahmad", "family_name": "Rahimi", "date_of_birth": "2005-03-10",
                   "gender": "male", "nationality": "AF"},
        "entry_date": "2016-09-01",
        "status_history": [
            {"status": "gestattung", "from": "2016-09-01", "to": "2019-12-31"},
            {"status": "duldung", "from": "2020-01-01", "to": None},
        ],
        "identity": {"clarified_on": "2017-01-01", "passport_valid_until": "2030-01-01"},
        "own_identity_deception": False, "obstructs_removal": False,
        "integration_prognosis_positive": True,
        "school": {"successful_years_in_germany": 5, "qualification_in_germany": False},
        "in_education": True,
        "livelihood": {"secured": False},
        "household": {"spouse_or_partner": False, "lives_with_parents": False, "minor_children": []},
        "convictions": [], "extremism_indications": False, "expulsion_order": False,
        "prevented_by_illness_disability_or_age": False,
    }
    return with_changes(facts, **changes)


def history(*periods) -> list:
    """``(status, from, to)`` triples; the last one may be open (``None``)."""
    return [{"status": s, "from": f, "to": t} for s, f, t in periods]


def check(engine, facts: dict, on: dt.date):
    return assess_on(engine, "section_25a", facts, on)


def expect(result, verdict, earliest, ident=None):
    shown = criterion(result, ident).explanation if ident else result.verdict
    assert (result.verdict, result.earliest_date) == (verdict, D(earliest) if earliest else None), shown


# --- Abs. 1 S. 1: § 104c permit or twelve months of Duldung (since 31.12.2022) --------------------------------------
STATUS = [
    # (name, status history, day, verdict, earliest, state of "status")
    ("twelve months of Duldung reached on the day",
     history(("gestattung", "2020-01-01", "2025-11-20"), ("duldung", "2025-11-21", None)),
     "2026-11-21", "eligible", None, True),
    ("twelve months of Duldung: the day before",
     history(("gestattung", "2020-01-01", "2025-11-20"), ("duldung", "2025-11-21", None)),
     "2026-11-20", "eligible_from", "2026-11-21", False),
    ("eleven months and some days: one day short",
     history(("gestattung", "2020-01-01", "2025-11-21"), ("duldung", "2025-11-22", None)),
     "2026-11-21", "eligible_from", "2026-11-22", False),
    ("Ausbildungsduldung is a Duldung",
     history(("gestattung", "2020-01-01", "2025-10-31"), ("ausbildungsduldung", "2025-11-01", None)),
     "2026-11-21", "eligible", None, True),
    ("Beschäftigungsduldung is a Duldung",
     history(("gestattung", "2020-01-01", "2025-10-31"), ("beschaeftigungsduldung", "2025-11-01", None)),
     "2026-11-21", "eligible", None, True),
    ("a change of the kind of Duldung does not restart the twelve months",
     history(("gestattung", "2020-01-01", "2025-10-31"), ("duldung", "2025-11-01", "2026-02-28"),
             ("ausbildungsduldung", "2026-03-01", None)),
     "2026-11-21", "eligible", None, True),
    ("holder of a § 104c permit: no twelve months needed",
     history(("duldung", "2016-09-01", "2026-05-31"), ("chancen_aufenthaltserlaubnis", "2026-06-01", None)),
     "2026-11-21", "eligible", None, True),
    ("Aufenthaltsgestattung on the day is not enough",
     history(("gestattung", "2016-09-01", None)), "2026-11-21", "not_eligible", None, False),
    ("another residence permit on the day is not enough",
     history(("duldung", "2016-09-01", "2025-12-31"), ("aufenthaltserlaubnis", "2026-01-01", None)),
     "2026-11-21", "not_eligible", None, False),
    ("a § 60b Duldung on the day does not count (§ 60b Abs. 5 S. 1)",
     history(("duldung", "2016-09-01", "2025-12-31"), ("duldung_ungeklaerte_identitaet", "2026-01-01", None)),
     "2026-11-21", "not_eligible", None, False),
    ("after a § 60b period the twelve months start with the plain Duldung",
     history(("duldung_ungeklaerte_identitaet", "2016-09-01", "2026-05-31"), ("duldung", "2026-06-01", None)),
     "2026-11-21", "eligible_from", "2029-06-01", False),
]


@pytest.mark.parametrize("name,periods,day,verdict,earliest,met", STATUS, ids=[r[0] for r in STATUS])
def test_status_on_the_day_of_application(engine, name, periods, day, verdict, earliest, met):
    result = check(engine, person(status_history=periods), D(day))
    expect(result, verdict, earliest, "status")
    assert criterion(result, "status").met is met


def test_status_explains_both_alternatives_with_their_citations(engine):
    periods = history(("gestattung", "2020-01-01", "2025-11-21"), ("duldung", "2025-11-22", None))
    status = criterion(check(engine, person(status_history=periods), TODAY), "status")
    assert "§ 25a Abs. 1 S. 1 Alt. 1 AufenthG" in status.explanation
    assert "12 Monate erreicht am 22.11.2026" in status.explanation
    assert status.state == "noch nicht erfüllt, voraussichtlich ab 22.11.2026"


# --- Abs. 1 S. 1 Nr. 1: three years, gaps, § 60b periods (Abs. 5) --------------------------------------------------
RESIDENCE = [
    ("three years reached on the day",
     history(("gestattung", "2023-11-21", "2024-11-20"), ("duldung", "2024-11-21", None)),
     "2026-11-21", "eligible", None),
    ("three years: the day before",
     history(("gestattung", "2023-11-21", "2024-11-20"), ("duldung", "2024-11-21", None)),
     "2026-11-20", "eligible_from", "2026-11-21"),
    ("a gap of 92 days is harmless but not counted",
     history(("gestattung", "2023-05-01", "2023-08-21"), ("duldung", "2023-11-22", None)),
     "2026-11-21", "eligible", None),
    ("a gap of 93 days restarts the period",
     history(("gestattung", "2023-05-01", "2023-08-21"), ("duldung", "2023-11-23", None)),
     "2026-11-21", "eligible_from", "2026-11-23"),
    ("§ 60b period not credited for a geduldete person: the three years move by its 365 days",
     history(("duldung_ungeklaerte_identitaet", "2022-11-21", "2023-11-20"), ("duldung", "2023-11-21", None)),
     "2026-11-20", "eligible_from", "2026-11-21"),
    ("§ 60b period credited for a § 104c holder (Abs. 5)",
     history(("duldung_ungeklaerte_identitaet", "2023-06-01", "2025-05-31"),
             ("chancen_aufenthaltserlaubnis", "2025-06-01", None)),
     "2026-11-21", "eligible", None),
    ("the same history without a § 104c permit: only the plain Duldung counts",
     history(("duldung_ungeklaerte_identitaet", "2023-06-01", "2025-05-31"), ("duldung", "2025-06-01", None)),
     "2026-11-21", "eligible_from", "2028-06-01"),
]


@pytest.mark.parametrize("name,periods,day,verdict,earliest", RESIDENCE, ids=[r[0] for r in RESIDENCE])
def test_residence_period(engine, name, periods, day, verdict, earliest):
    expect(check(engine, person(status_history=periods), D(day)), verdict, earliest, "residence")


def test_the_residence_explanation_names_the_uncredited_days(engine):
    periods = history(("duldung_ungeklaerte_identitaet", "2022-11-21", "2023-11-20"), ("duldung", "2023-11-21", None))
    residence = criterion(check(engine, person(status_history=periods), TODAY), "residence")
    assert residence.met and "nicht angerechnet: 365 Tage" in residence.explanation
    assert "§ 25a Abs. 1 S. 1 Nr. 1, Abs. 5 AufenthG" == residence.citation


# --- Abs. 1 S. 1 Nr. 2: school --------------------------------------------------------------------------------
SCHOOL = [
    ("three successful years", dict(school={"successful_years_in_germany": 3}), "eligible", True),
    ("two years are not enough", dict(school={"successful_years_in_germany": 2, "qualification_in_germany": False}),
     "not_eligible", False),
    ("two and a half years are not enough",
     dict(school={"successful_years_in_germany": 2.5, "qualification_in_germany": False}), "not_eligible", False),
    ("a German qualification replaces the years",
     dict(school={"successful_years_in_germany": 1, "qualification_in_germany": True}), "eligible", True),
    ("illness or disability: Nr. 2 does not apply",
     dict(school={"successful_years_in_germany": 0, "qualification_in_germany": False},
          prevented_by_illness_disability_or_age=True), "eligible", True),
    ("unknown school history", dict(school={}), "incomplete", None),
]


@pytest.mark.parametrize("name,changes,verdict,met", SCHOOL, ids=[r[0] for r in SCHOOL])
def test_school_of_nr_2(engine, name, changes, verdict, met):
    result = check(engine, person(**changes), TODAY)
    assert result.verdict == verdict, criterion(result, "school").explanation
    assert criterion(result, "school").met is met


# --- Abs. 1 S. 1 and Nr. 3: from 14, application before the 27th birthday ---------------------------------------------
AGE = [
    ("26 years and 364 days: still in time", "1999-11-22", "2026-11-21", "eligible", None),
    ("the 27th birthday itself is too late", "1999-11-21", "2026-11-21", "not_eligible", None),
    ("13 years old: eligible from the 14th birthday", "2012-11-22", "2026-11-21", "eligible_from", "2026-11-22"),
    ("14th birthday on the day", "2012-11-21", "2026-11-21", "eligible", None),
]


@pytest.mark.parametrize("name,born,day,verdict,earliest", AGE, ids=[r[0] for r in AGE])
def test_age_window(engine, name, born, day, verdict, earliest):
    expect(check(engine, person(person__date_of_birth=born), D(day)), verdict, earliest, "age")


def test_the_27th_birthday_is_explained_with_the_last_day(engine):
    in_time = criterion(check(engine, person(person__date_of_birth="1999-11-22"), TODAY), "age")
    assert "Antrag spätestens am 21.11.2026 (Tag vor dem 27. Geburtstag)" in in_time.explanation
    too_late = criterion(check(engine, person(person__date_of_birth="1999-11-21"), TODAY), "age")
    assert too_late.met is False and too_late.met_from is None
    assert "27. Geburtstag am 21.11.2026" in too_late.explanation and "bis zum 20.11.2026" in too_late.explanation
    assert too_late.citation == "§ 25a Abs. 1 S. 1 Nr. 3 AufenthG"


def test_residence_reached_only_after_the_27th_birthday_closes_the_path(engine):
    periods = history(("gestattung", "2023-12-05", "2024-11-30"), ("duldung", "2024-12-01", None))
    result = check(engine, person(person__date_of_birth="1999-12-01", status_history=periods), TODAY)
    assert (result.verdict, result.earliest_date) == ("not_eligible", None)
    window = criterion(result, "window")
    assert "05.12.2026" in window.explanation and "27. Lebensjahres" in window.explanation


# --- Abs. 1 S. 1 Nr. 4, Nr. 5, S. 2, S. 3; § 5 ----------------------------------------------------------------
REQUIREMENTS = [
    ("integration_prognosis", dict(integration_prognosis_positive=False), "not_eligible", False),
    ("integration_prognosis", dict(integration_prognosis_positive=None), "incomplete", False),
    ("fdgo", dict(extremism_indications=True), "not_eligible", False),
    ("fdgo", dict(extremism_indications=None), "incomplete", False),
    ("livelihood", dict(in_education=True, livelihood={"secured": False}), "eligible", False),
    ("livelihood", dict(in_education=False, livelihood={"secured": True}), "eligible", False),
    ("livelihood", dict(in_education=False, livelihood={"secured": False, "positive_prognosis": True}),
     "eligible", True),
    ("livelihood", dict(in_education=False, livelihood={"secured": False, "positive_prognosis": False},
                        prevented_by_illness_disability_or_age=True), "eligible", True),
    ("livelihood", dict(in_education=False, livelihood={"secured": False, "positive_prognosis": False}),
     "not_eligible", False),
    ("livelihood", dict(in_education=False, livelihood={"secured": False}), "incomplete", False),
    ("livelihood", dict(in_education=None, livelihood={}), "incomplete", False),
    ("no_own_deception", dict(own_identity_deception=True), "not_eligible", False),
    ("no_own_deception", dict(own_identity_deception=None), "incomplete", False),
    ("no_own_deception", dict(obstructs_removal=True), "eligible", False),
    ("security", dict(expulsion_order=True), "not_eligible", False),
]


@pytest.mark.parametrize("ident,changes,verdict,discretionary", REQUIREMENTS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUIREMENTS)])
def test_requirements(engine, ident, changes, verdict, discretionary):
    result = check(engine, person(**changes), TODAY)
    decisive = criterion(result, ident)
    assert result.verdict == verdict, decisive.explanation
    assert decisive.met is (True if verdict == "eligible" else (None if verdict == "incomplete" else False))
    assert decisive.discretionary is discretionary


def test_missing_livelihood_names_the_waiver(engine):
    facts = person(in_education=False, livelihood={"secured": False, "positive_prognosis": False})
    livelihood = criterion(check(engine, facts, TODAY), "livelihood")
    assert "§ 25a Abs. 1 S. 2 AufenthG" in livelihood.explanation
    assert "§ 5 Abs. 3 S. 2" in livelihood.hint


# --- Convictions: § 5 Abs. 1 Nr. 2 with the § 54 thresholds, smaller ones in discretion -----------------------------
def sentence(**kind):
    return [{"date": "2024-05-01", "intentional": True, **kind}]


CONVICTIONS = [
    ("prison 5 months suspended: discretion", sentence(prison_months=5, suspended=True), "eligible", True),
    ("prison 6 months: § 54 Abs. 2 Nr. 1", sentence(prison_months=6, suspended=True), "not_eligible", False),
    ("Jugendstrafe 11 months unsuspended: discretion",
     sentence(prison_months=11, suspended=False, youth_custody=True), "eligible", True),
    ("Jugendstrafe 12 months unsuspended: § 54 Abs. 2 Nr. 2",
     sentence(prison_months=12, suspended=False, youth_custody=True), "not_eligible", False),
    ("Jugendstrafe 12 months suspended: discretion",
     sentence(prison_months=12, suspended=True, youth_custody=True), "eligible", True),
    ("fine of 120 Tagessätze: discretion", sentence(fine_daily_rates=120), "eligible", True),
    ("negligent offence does not count", [{"date": "2024-05-01", "intentional": False, "prison_months": 8}],
     "eligible", False),
]


@pytest.mark.parametrize("name,convictions,verdict,discretionary", CONVICTIONS, ids=[r[0] for r in CONVICTIONS])
def test_convictions(engine, name, convictions, verdict, discretionary):
    result = check(engine, person(convictions=convictions), TODAY)
    decisive = criterion(result, "convictions")
    assert result.verdict == verdict, decisive.explanation
    assert decisive.discretionary is discretionary


def test_unknown_convictions_make_it_incomplete(engine):
    result = check(engine, person(convictions=None), TODAY)
    assert result.verdict == "incomplete" and "convictions" in result.missing_facts


def test_small_conviction_explains_discretion_and_the_open_50_90_question(engine):
    convictions = criterion(check(engine, person(convictions=sentence(fine_daily_rates=30)), TODAY), "convictions")
    assert "§ 5 Abs. 1 Nr. 2 AufenthG" in convictions.explanation
    assert "UNVERIFIED" in convictions.explanation and "50/90" in convictions.explanation


# --- Identity and passport (§ 5 Abs. 1 Nr. 1a, Nr. 4, Abs. 3 S. 2; Abs. 6 for § 104c holders) ------------------------
@pytest.mark.parametrize("identity,verdict,discretionary", [
    ({"clarified_on": None, "passport_valid_until": None, "reasonable_measures_taken": True}, "eligible", True),
    ({"clarified_on": None, "passport_valid_until": None, "reasonable_measures_taken": False}, "not_eligible", False),
    ({"clarified_on": None, "passport_valid_until": "2030-01-01"}, "incomplete", False),
    ({"clarified_on": "2017-01-01", "passport_valid_until": "2026-11-20"}, "incomplete", False),
    ({"clarified_on": "2017-01-01", "passport_valid_until": "2026-11-21"}, "eligible", False),
], ids=["measures taken: discretion", "no measures", "identity unknown", "passport expired the day before",
        "passport valid on the day"])
def test_identity_and_passport(engine, identity, verdict, discretionary):
    result = check(engine, person(identity=identity), TODAY)
    assert result.verdict == verdict
    assert any(c.discretionary for c in result.criteria) == discretionary


def test_chancen_holder_without_clarified_identity_is_a_kann_case_under_abs_6(engine):
    facts = person(status_history=history(("duldung", "2016-09-01", "2026-05-31"),
                                          ("chancen_aufenthaltserlaubnis", "2026-06-01", None)),
                   identity={"reasonable_measures_taken": True})
    result = check(engine, facts, TODAY)
    identity = criterion(result, "identity")
    assert result.verdict == "eligible" and identity.discretionary
    assert "§ 25a Abs. 6 AufenthG" in identity.citation


# --- Versions --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("day,version", [
    ("2015-08-01", "2015-08-01"), ("2022-12-30", "2015-08-01"), ("2022-12-31", "2022-12-31"),
    ("2027-06-30", "2022-12-31"), ("2027-07-01", "2027-07-01"),
])
def test_rules_version_on_each_side_of_each_change(engine, day, version):
    assert check(engine, person(), D(day)).rules_version == version


def test_not_in_force_before_1_8_2015(engine):
    result = check(engine, person(), D("2015-07-31"))
    assert_not_yet_in_force(result, "01.08.2015")


def test_old_law_four_years_at_the_boundary(engine):
    facts = person(status_history=history(("gestattung", "2018-06-01", "2019-12-31"), ("duldung", "2020-01-01", None)))
    expect(check(engine, facts, D("2022-05-31")), "eligible_from", "2022-06-01", "residence")
    expect(check(engine, facts, D("2022-06-01")), "eligible", None, "residence")
    assert "4 Jahre" in criterion(check(engine, facts, D("2022-05-31")), "residence").explanation


def test_three_years_open_the_path_on_31_12_2022(engine):
    """Since 01.03.2019 in Germany: the old law wants four years (01.03.2023), the new one three, from 31.12.2022."""
    facts = person(status_history=history(("gestattung", "2019-03-01", "2019-12-31"), ("duldung", "2020-01-01", None)))
    result = check(engine, facts, D("2022-06-01"))
    assert (result.verdict, result.earliest_date, result.rules_version) == \
        ("eligible_from", D("2022-12-31"), "2015-08-01")
    assert "4 Jahre erreicht am 01.03.2023" in criterion(result, "residence").explanation


@pytest.mark.parametrize("day,verdict", [("2022-12-30", "eligible_from"), ("2022-12-31", "eligible")])
def test_three_school_years_suffice_from_31_12_2022(engine, day, verdict):
    """On 30.12.2022 three school years are one short under the old law; the law of the next day, already enacted,
    asks for three: the counsellor is told to file on 31.12.2022, and why."""
    result = check(engine, person(school={"successful_years_in_germany": 3, "qualification_in_germany": False}), D(day))
    assert result.verdict == verdict, criterion(result, "school").explanation
    if verdict == "eligible_from":
        assert result.earliest_date == D("2022-12-31") and criterion(result, "school").met is False
        assert "Nach der ab 31.12.2022 geltenden Fassung" in criterion(result, "later_rules").explanation


@pytest.mark.parametrize("day,verdict", [("2022-06-01", "eligible_from"), ("2022-12-30", "eligible_from"),
                                         ("2022-12-31", "eligible")])
def test_the_21st_birthday_bar_gives_way_to_the_27th(engine, day, verdict):
    """Past 21 under the old law, the path reopens with the law of 31.12.2022 (before 27): it is open from then."""
    result = check(engine, person(person__date_of_birth="2001-06-01"), D(day))
    assert result.verdict == verdict, criterion(result, "age").explanation
    if verdict == "eligible_from":
        assert result.earliest_date == D("2022-12-31")
        assert "21. Geburtstag am 01.06.2022" in criterion(result, "age").explanation


def test_old_law_still_valid_the_day_before_the_21st_birthday(engine):
    assert check(engine, person(person__date_of_birth="2001-06-01"), D("2022-05-31")).verdict == "eligible"


def test_before_31_12_2022_any_duldung_on_the_day_was_enough(engine):
    facts = person(status_history=history(("gestattung", "2016-09-01", "2022-05-31"), ("duldung", "2022-06-01", None)))
    assert check(engine, facts, D("2022-12-30")).verdict == "eligible"
    result = check(engine, facts, D("2022-12-31"))
    expect(result, "eligible_from", "2023-06-01", "status")


def test_chancen_holder_loses_the_60b_credit_on_01_07_2027_but_keeps_the_104c_abs_2_route(engine):
    """After 30.06.2027 § 60b time no longer counts (Abs. 5 repealed), but a permit kept alive by a timely
    application can still be extended as a § 25a permit (§ 104c Abs. 2 S. 1): the path opens when three years
    without the § 60b time are complete (issue 16, error 4)."""
    periods = history(("duldung_ungeklaerte_identitaet", "2016-09-01", "2026-05-31"),
                      ("chancen_aufenthaltserlaubnis", "2026-06-01", None))
    facts = person(status_history=periods, person__date_of_birth="2004-01-01")
    before = check(engine, facts, D("2027-06-30"))
    assert before.verdict == "eligible" and criterion(before, "residence").met
    after = check(engine, facts, D("2027-07-01"))
    assert after.rules_version == "2027-07-01"
    status = criterion(after, "status")
    assert status.met and "§ 104c Abs. 2 S. 1" in status.explanation and "UNVERIFIED" in status.explanation
    assert criterion(after, "residence").met is False  # § 60b time no longer counts without Abs. 5
    assert (after.verdict, after.earliest_date) == ("eligible_from", D("2029-06-01")), \
        criterion(after, "residence").explanation


# --- Family members (Abs. 2) and the checklist --------------------------------------------------------------------
def checklist(engine, facts, on=TODAY):
    parsed = parse_facts(facts, today=max(on, TODAY))
    workflow = engine.workflow("section_25a")
    return {e.id: e for e in engine.checklist(workflow, parsed, engine.assess(parsed, on, "section_25a")[0])}


def test_checklist_names_the_requirement_for_every_item(engine):
    items = checklist(engine, person())
    assert {"application_form", "passport", "status_document", "school_reports", "education_certificate",
            "integration_evidence"} <= set(items)
    assert "livelihood" not in items and "spouse" not in items and "parents" not in items
    assert items["school_reports"].why.startswith("für § 25a Abs. 1 S. 1 Nr. 2 AufenthG")
    assert "drei Jahre" in items["school_reports"].text["de"]
    assert all(item.why.startswith("für §") for item in items.values())


def test_checklist_of_the_old_version_asks_for_four_years_of_school(engine):
    assert "vier Jahre" in checklist(engine, person(), D("2022-06-01"))["school_reports"].text["de"]


def test_parents_only_while_the_young_person_is_a_minor(engine):
    minor = person(person__date_of_birth="2010-01-01", household__lives_with_parents=True)
    assert "§ 25a Abs. 2 S. 1 und 2 AufenthG" in checklist(engine, minor)["parents"].why
    adult = person(household__lives_with_parents=True)
    assert "parents" not in checklist(engine, adult)


def test_spouse_and_children_get_items_and_the_letter_asks_for_them(engine):
    facts = person(household={"spouse_or_partner": True, "minor_children": [{"date_of_birth": "2024-02-03"}]})
    items = checklist(engine, facts)
    assert "§ 25a Abs. 2 S. 3 AufenthG" in items["spouse"].why
    assert "03.02.2024" in items["child_2024-02-03"].text["de"]
    parsed = parse_facts(facts, today=TODAY)
    workflow = engine.workflow("section_25a")
    extras = engine.letter_extras(workflow, parsed, engine.assess(parsed, TODAY, "section_25a")[0], "antrag")
    assert "§ 25a Abs. 2 S. 3" in extras["family_request"] and "§ 25a Abs. 2 S. 5" in extras["family_request"]


# --- Every verdict explains itself --------------------------------------------------------------------------------
def test_every_criterion_carries_citation_dates_and_german_explanation(engine):
    result = check(engine, person(), TODAY)
    assert result.verdict == "eligible"
    assert [c.id for c in result.criteria] == [
        "status", "residence", "school", "age", "integration_prognosis", "fdgo", "livelihood", "no_own_deception",
        "convictions", "security", "identity", "passport"]
    for c in result.criteria:
        assert c.citation.startswith("§") and "AufenthG" in c.citation
        assert c.valid_from <= TODAY and (c.valid_until is None or TODAY <= c.valid_until)
        assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation


def test_unverified_items_are_named(engine):
    result = check(engine, person(), TODAY)
    assert any("GEAS" in note for note in result.unverified)
    assert any("01.08.2015" in note for note in result.unverified)
    assert "UNVERIFIED" in criterion(result, "residence").explanation


def test_conviction_hint_says_a_suspended_prison_sentence_of_six_months_counts_too(engine):
    """§ 54 Abs. 2 Nr. 1 AufenthG applies with probation too; "ohne Bewährung" belongs to youth custody only
    (Nr. 2) (issue 16, error 6)."""
    conviction = [{"date": "2023-05-01", "intentional": True, "prison_months": 8, "suspended": True,
                   "youth_custody": False}]
    convictions = criterion(check(engine, person(convictions=conviction), TODAY), "convictions")
    assert convictions.met is False
    assert "auch wenn sie zur Bewährung ausgesetzt ist (§ 54 Abs. 2 Nr. 1)" in convictions.hint
    assert "Jugendstrafe ab 1 Jahr ohne Bewährung ist die Erteilung" not in convictions.hint
