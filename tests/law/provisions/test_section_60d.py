"""§ 60d AufenthG (Beschäftigungsduldung), criterion by criterion, at the boundaries, for both rules versions.

Each row: what the person's facts are (changes to a person who meets everything), the day of application, and
what a counsellor must see: the verdict, the earliest date, and the criterion that decides.
Versions: 01.01.2020 (entry by 01.08.2018, 18 months at 35 hours, identity by 30.06.2020) and 27.02.2024
(entry by 31.12.2022, 12 months at 20 hours, identity by 31.12.2024).
"""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assert_not_yet_in_force, assess_on, criterion, with_changes

OLD = D("2023-12-01")  # a day under the first version (01.01.2020 to 26.02.2024)


def person(**changes) -> dict:
    """A geduldete worker who meets every requirement of § 60d under both versions (on 01.12.2023 and on
    21.11.2026); ``changes`` replace top-level keys, and ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Tesfaye", "family_name": "Bekele", "date_of_birth": "1992-04-10",
                   "gender": "male", "nationality": "ET"},
        "entry_date": "2018-03-01",
        "status_history": [
            {"status": "gestattung", "from": "2018-03-01", "to": "2020-02-29"},
            {"status": "duldung", "from": "2020-03-01", "to": None},
        ],
        "identity": {"clarified_on": "2019-01-01", "passport_valid_until": "2030-01-01"},
        "german": {"oral": "A2"},
        "integration_course_obliged": False,
        "employment": [{"from": "2022-01-01", "to": None, "hours_per_week": 40, "socially_insured": True}],
        "livelihood": {"secured": True},
        "household": {"spouse_or_partner": False, "minor_children": []},
        "convictions": [], "extremism_indications": False, "expulsion_order": False,
    }
    return with_changes(facts, **changes)


def arrived(entry: str, **changes) -> dict:
    """A person who entered on ``entry``, geduldet since 01.01.2024, working 25 hours since 01.06.2024 and whose
    identity was clarified on 01.05.2024 (in time under the second version)."""
    base = dict(entry_date=entry,
                status_history=[{"status": "duldung", "from": "2024-01-01", "to": None}],
                identity={"clarified_on": "2024-05-01", "passport_valid_until": "2030-01-01"},
                employment=[{"from": "2024-06-01", "to": None, "hours_per_week": 25, "socially_insured": True}])
    return person(**{**base, **changes})


def job(start: str, hours: float = 40, end: str | None = None, insured: bool = True) -> list:
    return [{"from": start, "to": end, "hours_per_week": hours, "socially_insured": insured}]


def check(engine, facts: dict, on: dt.date):
    return assess_on(engine, "section_60d", facts, on)


def test_the_model_person_meets_everything_under_both_versions(engine):
    for day, version in ((OLD, "2020-01-01"), (TODAY, "2024-02-27")):
        result = check(engine, person(), day)
        assert (result.verdict, result.rules_version) == ("eligible", version), \
            [c.explanation for c in result.criteria if c.met is not True]
        assert not any(c.discretionary for c in result.criteria)


# --- Abs. 1 (introductory words): entry by 01.08.2018, from 27.02.2024 by 31.12.2022 ---------------------------
ENTRY = [
    # (name, facts, day, verdict, what the entry criterion's explanation names)
    ("old version: entry on 01.08.2018 counts", person(entry_date="2018-08-01"), OLD, "eligible", "01.08.2018"),
    # blocked under the old version; the version of 27.02.2024, already enacted on OLD, opens the path that day
    ("old version: entry on 02.08.2018 is too late", person(entry_date="2018-08-02"), OLD, "eligible_from",
     "spätestens 01.08.2018"),
    ("new version: entry on 31.12.2022 counts", arrived("2022-12-31"), TODAY, "eligible", "31.12.2022"),
    ("new version: entry on 01.01.2023 is too late", arrived("2023-01-01"), TODAY, "not_eligible",
     "spätestens 31.12.2022"),
    ("entry date unknown", person(entry_date=None), TODAY, "incomplete", "unbekannt"),
]


@pytest.mark.parametrize("name,facts,day,verdict,named", ENTRY, ids=[r[0] for r in ENTRY])
def test_entry_date(engine, name, facts, day, verdict, named):
    result = check(engine, facts, day)
    entry = criterion(result, "entry")
    assert result.verdict == verdict, entry.explanation
    assert named in entry.explanation
    assert (entry.met is True) == (verdict == "eligible")


# --- Abs. 1 Nr. 2: twelve months of Duldung, § 60b periods not counted ------------------------------------------
def duldung_since(start: str, *earlier) -> list:
    return [*earlier, {"status": "duldung", "from": start, "to": None}]


DULDUNG = [
    ("12 months reached on the day", dict(status_history=duldung_since("2025-11-21")), "2026-11-21", "eligible", None),
    ("12 months: the day before", dict(status_history=duldung_since("2025-11-21")), "2026-11-20", "eligible_from",
     "2026-11-21"),
    ("11 months", dict(status_history=duldung_since("2025-12-21")), "2026-11-21", "eligible_from", "2026-12-21"),
    ("§ 60b Duldung does not count: the 12 months start after it",
     dict(status_history=duldung_since("2026-01-01", {"status": "duldung_ungeklaerte_identitaet",
                                                      "from": "2025-06-01", "to": "2025-12-31"})),
     "2026-11-21", "eligible_from", "2027-01-01"),
    # the 122 uncredited days move the start day by day, as for the residence periods
    ("§ 60b Duldung in between pauses the clock: the months before it count, a month is 30 days (§ 191 BGB)",
     dict(status_history=duldung_since("2026-10-01",
                                       {"status": "duldung", "from": "2025-10-01", "to": "2026-05-31"},
                                       {"status": "duldung_ungeklaerte_identitaet", "from": "2026-06-01",
                                        "to": "2026-09-30"})),
     "2026-11-21", "eligible_from", "2027-01-26"),
    ("a current § 60b Duldung is no Duldung for Nr. 2",
     dict(status_history=[{"status": "duldung_ungeklaerte_identitaet", "from": "2020-03-01", "to": None}]),
     "2026-11-21", "not_eligible", None),
    ("an Ausbildungsduldung counts",
     dict(status_history=duldung_since("2025-11-21", {"status": "ausbildungsduldung", "from": "2022-08-01",
                                                      "to": "2025-11-20"})),
     "2026-11-21", "eligible", None),
    ("Aufenthaltsgestattung is no Duldung",
     dict(status_history=[{"status": "gestattung", "from": "2018-03-01", "to": None}]), "2026-11-21",
     "not_eligible", None),
    ("status history unknown", dict(status_history=None), "2026-11-21", "incomplete", None),
]


@pytest.mark.parametrize("name,changes,day,verdict,earliest", DULDUNG, ids=[r[0] for r in DULDUNG])
def test_twelve_months_of_duldung(engine, name, changes, day, verdict, earliest):
    result = check(engine, person(**changes), D(day))
    duldung = criterion(result, "duldung_12_months")
    assert (result.verdict, result.earliest_date) == (verdict, D(earliest) if earliest else None), \
        duldung.explanation
    if verdict != "eligible":
        assert duldung.met is not True


# --- Abs. 1 Nr. 3: 12 months at 20 hours (from 27.02.2024), 18 months at 35 hours (before) -----------------------
EMPLOYMENT = [
    # new version
    ("12 months reached on the day", dict(employment=job("2025-11-21", 20)), "2026-11-21", "eligible", None),
    ("12 months: the day before", dict(employment=job("2025-11-21", 20)), "2026-11-20", "eligible_from",
     "2026-11-21"),
    ("19.5 hours are too few", dict(employment=job("2022-01-01", 19.5)), "2026-11-21", "not_eligible", None),
    ("20 hours suffice", dict(employment=job("2022-01-01", 20)), "2026-11-21", "eligible", None),
    ("the job ends before the 12 months are reached",
     dict(employment=job("2026-01-01", 30, end="2026-12-31")), "2026-11-21", "not_eligible", None),
    ("the job runs to the day the 12 months are reached",
     dict(employment=job("2026-01-01", 30, end="2027-01-01")), "2026-11-21", "eligible_from", "2027-01-01"),
    ("a mini-job without social insurance does not count",
     dict(employment=job("2022-01-01", 25, insured=False)), "2026-11-21", "not_eligible", None),
    ("no current job", dict(employment=job("2022-01-01", 40, end="2026-10-31")), "2026-11-21", "not_eligible", None),
    ("employment unknown", dict(employment=None), "2026-11-21", "incomplete", None),
    # old version (35 hours, single parents 20 hours, 18 months)
    ("old: 18 months reached on the day", dict(employment=job("2022-06-01", 35)), "2023-12-01", "eligible", None),
    ("old: 18 months, the day before", dict(employment=job("2022-06-01", 35)), "2023-11-30", "eligible_from",
     "2023-12-01"),
    ("old: 34 hours are too few (the new rules open it on 27.02.2024)", dict(employment=job("2022-01-01", 34)),
     "2023-12-01", "eligible_from", "2024-02-27"),
    ("old: a single parent needs 20 hours",
     dict(employment=job("2022-01-01", 20), household={"spouse_or_partner": False, "minor_children": [
         {"date_of_birth": "2016-05-01", "school_attendance_proven": True}]}), "2023-12-01", "eligible", None),
    ("old: a parent living with a partner needs 35 hours",
     dict(employment=job("2022-01-01", 20), household={"spouse_or_partner": True, "minor_children": [
         {"date_of_birth": "2016-05-01", "school_attendance_proven": True}]}), "2023-12-01", "eligible_from",
     "2024-02-27"),
    ("old: 20 hours without a child are too few", dict(employment=job("2022-01-01", 20)), "2023-12-01",
     "eligible_from", "2024-02-27"),
    ("old: 19 hours are too few under both versions", dict(employment=job("2022-01-01", 19)), "2023-12-01",
     "not_eligible", None),
]


@pytest.mark.parametrize("name,changes,day,verdict,earliest", EMPLOYMENT, ids=[r[0] for r in EMPLOYMENT])
def test_employment(engine, name, changes, day, verdict, earliest):
    result = check(engine, person(**changes), D(day))
    employment = criterion(result, "employment")
    assert (result.verdict, result.earliest_date) == (verdict, D(earliest) if earliest else None), \
        employment.explanation
    if verdict != "eligible":
        assert employment.met is not True


def test_a_job_that_ends_too_early_says_so(engine):
    result = check(engine, person(employment=job("2026-01-01", 30, end="2026-12-31")), TODAY)
    employment = criterion(result, "employment")
    assert employment.state == "nicht erfüllt"
    assert "endet am 31.12.2026" in employment.explanation and "01.01.2027" in employment.explanation


def test_old_version_names_35_hours_and_the_single_parent_rule(engine):
    explanation = criterion(check(engine, person(employment=job("2022-01-01", 34)), OLD), "employment").explanation
    assert "35 Wochenstunden" in explanation and "Alleinerziehende 20" in explanation


# --- Abs. 1 Nr. 1, Abs. 4: identity clarified in time ----------------------------------------------------------
def identity(clarified=None, measures=None, measures_on=None) -> dict:
    return {"clarified_on": clarified, "passport_valid_until": None, "reasonable_measures_taken": measures,
            "measures_taken_on": measures_on}


IDENTITY = [
    # (name, facts, day, verdict, discretionary)
    ("entry 2019, clarified on 31.12.2024: in time",
     person(entry_date="2019-06-01", identity=identity("2024-12-31")), TODAY, "eligible", False),
    ("entry 2019, clarified on 01.01.2025: late, no measures",
     person(entry_date="2019-06-01", identity=identity("2025-01-01", False)), TODAY, "not_eligible", False),
    ("entry 2019, clarified late, but all measures taken in time: deadline met",
     person(entry_date="2019-06-01", identity=identity("2025-01-01", True, "2024-06-01")), TODAY, "eligible", False),
    ("entry 2019, clarified late, measures taken late: Abs. 4 discretion",
     person(entry_date="2019-06-01", identity=identity("2025-01-01", True, "2025-03-01")), TODAY, "eligible", True),
    ("entry 2019, not clarified, all measures taken: Abs. 4 discretion",
     person(entry_date="2019-06-01", identity=identity(None, True)), TODAY, "eligible", True),
    ("entry 2019, not clarified, measures unknown",
     person(entry_date="2019-06-01", identity=identity()), TODAY, "incomplete", False),
    ("application before 31.12.2024: identity needed by the application",
     person(entry_date="2019-06-01", identity=identity("2024-09-02", False)), D("2024-09-01"), "not_eligible", False),
    ("application before 31.12.2024, clarified on the day of application",
     person(entry_date="2019-06-01", identity=identity("2024-09-01", False)), D("2024-09-01"), "eligible", False),
    ("entry 2016: clarified by the application, even in 2026",
     person(entry_date="2016-12-31", identity=identity("2026-11-20", False)), TODAY, "eligible", False),
    ("old version, entry 2017: clarified on 30.06.2020 in time",
     person(entry_date="2017-05-01", identity=identity("2020-06-30", False)), OLD, "eligible", False),
    ("old version, entry 2017: clarified on 01.07.2020 too late",
     person(entry_date="2017-05-01", identity=identity("2020-07-01", False)), OLD, "eligible_from", False),
]


@pytest.mark.parametrize("name,facts,day,verdict,discretionary", IDENTITY, ids=[r[0] for r in IDENTITY])
def test_identity_deadline(engine, name, facts, day, verdict, discretionary):
    result = check(engine, facts, day)
    ident = criterion(result, "identity_deadline")
    assert result.verdict == verdict, ident.explanation
    assert ident.discretionary == discretionary
    if discretionary:
        assert ident.state == "erfüllt (im Ermessen der Behörde)" and "§ 60d Abs. 4 AufenthG" in ident.explanation


def test_identity_deadline_named_in_the_explanation(engine):
    late = criterion(check(engine, person(entry_date="2019-06-01", identity=identity("2025-01-01", False)), TODAY),
                     "identity_deadline")
    assert "spätestens 31.12.2024" in late.explanation and "nach Fristablauf" in late.explanation
    assert "Ehe- oder Lebenspartners" in late.explanation  # the spouse's identity: a criterion of its own


# --- Abs. 1 Nr. 4 to 6, 8 to 11 ----------------------------------------------------------------------------
def child(born: str, proven) -> list:
    return [{"date_of_birth": born, "school_attendance_proven": proven}]


REQUIREMENTS = [
    ("livelihood", dict(livelihood={"secured": False}), "not_eligible"),
    ("livelihood", dict(livelihood={}), "incomplete"),
    ("german_oral_a2", dict(german={"oral": "A1"}), "not_eligible"),
    ("german_oral_a2", dict(german={"oral": "A2"}), "eligible"),
    ("german_oral_a2", dict(german={"oral": "B1"}), "eligible"),
    ("german_oral_a2", dict(german={"written": "A2"}), "incomplete"),
    ("extremism", dict(extremism_indications=True), "not_eligible"),
    ("extremism", dict(extremism_indications=None), "incomplete"),
    ("no_expulsion_order", dict(expulsion_order=True), "not_eligible"),
    ("children_school", dict(household__minor_children=child("2015-03-01", False)), "not_eligible"),
    ("children_school", dict(household__minor_children=child("2015-03-01", None)), "incomplete"),
    ("children_school", dict(household__minor_children=child("2015-03-01", True)), "eligible"),
    ("children_school", dict(household__minor_children=child("2020-11-22", False)), "eligible"),
    ("children_school", dict(household__minor_children=child("2020-11-21", False)), "not_eligible"),
    ("integration_course", dict(integration_course_obliged=True, integration_course_completed=False), "not_eligible"),
    ("integration_course", dict(integration_course_obliged=True, integration_course_completed=True), "eligible"),
    ("integration_course", dict(integration_course_obliged=None), "incomplete"),
]


@pytest.mark.parametrize("ident,changes,verdict", REQUIREMENTS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REQUIREMENTS)])
def test_requirements(engine, ident, changes, verdict):
    result = check(engine, person(**changes), TODAY)
    assert result.verdict == verdict, criterion(result, ident).explanation
    assert (criterion(result, ident).met is True) == (verdict == "eligible")


def test_livelihood_says_it_approximates_the_twelve_months(engine):
    explanation = criterion(check(engine, person(), TODAY), "livelihood").explanation
    assert "UNVERIFIED" in explanation and "12 Monate" in explanation


# --- Abs. 1 Nr. 7: any intentional crime excludes; foreigner-only fines up to 90 Tagessätze do not ------------------
def fine(rates, foreigner_only=False, intentional=True, date="2023-05-01", **more) -> dict:
    return {"date": date, "intentional": intentional, "foreigner_only_offence": foreigner_only,
            "fine_daily_rates": rates, **more}


CONVICTIONS = [
    ("20 Tagessätze for theft exclude", [fine(20)], "not_eligible"),
    ("90 Tagessätze for a foreigner-only offence are disregarded", [fine(90, True)], "eligible"),
    ("91 Tagessätze for a foreigner-only offence exclude", [fine(91, True)], "not_eligible"),
    ("two foreigner-only fines: neither is the only entry", [fine(40, True), fine(40, True, date="2024-02-01")],
     "not_eligible"),
    ("a foreigner-only fine next to a negligent conviction is no longer the only entry",
     [fine(30, True), fine(20, intentional=False, date="2024-02-01")], "not_eligible"),
    ("a negligent offence alone does not exclude", [fine(60, intentional=False)], "eligible"),
    ("a suspended prison sentence for a foreigner-only offence excludes",
     [fine(None, True, prison_months=3, suspended=True)], "not_eligible"),
    ("a juvenile-court measure excludes (no tolerance in § 60d)", [fine(None, juvenile_sanction=True)],
     "not_eligible"),
    ("a juvenile-court measure for a foreigner-only offence is no fine: it excludes",
     [fine(None, True, juvenile_sanction=True)], "not_eligible"),
    ("whether the theft was intentional is unknown", [fine(20, intentional=None)], "incomplete"),
    ("whether the offence is foreigner-only is unknown", [fine(30, None)], "incomplete"),
    ("convictions unknown", None, "incomplete"),
]


@pytest.mark.parametrize("name,convictions,verdict", CONVICTIONS, ids=[r[0] for r in CONVICTIONS])
def test_convictions_strict_rule(engine, name, convictions, verdict):
    result = check(engine, person(convictions=convictions), TODAY)
    convictions_result = criterion(result, "convictions")
    assert result.verdict == verdict, convictions_result.explanation
    assert (convictions_result.met is True) == (verdict == "eligible")


def test_conviction_explanations_name_the_reason(engine):
    theft = criterion(check(engine, person(convictions=[fine(20)]), TODAY), "convictions")
    assert "01.05.2023" in theft.explanation and "20 Tagessätze" in theft.explanation
    assert "§ 32 Abs. 2 Nr. 5 Buchst. a BZRG" in theft.citation
    two = criterion(check(engine, person(convictions=[fine(40, True), fine(40, True, date="2024-02-01")]), TODAY),
                    "convictions")
    assert "einzige Eintragung" in two.explanation


@pytest.mark.parametrize("conviction, said", [
    (fine(1), "1 Tagessatz"), (fine(None, prison_months=1), "Freiheits- oder Jugendstrafe (1 Monat)"),
    (fine(None, prison_months=1.5), "Freiheits- oder Jugendstrafe (1,5 Monate)")])
def test_conviction_explanations_count_in_german(engine, conviction, said):
    assert said in criterion(check(engine, person(convictions=[conviction]), TODAY), "convictions").explanation


def test_a_conviction_after_the_day_of_application_does_not_count_yet(engine):
    facts = person(convictions=[fine(20, date="2026-11-21")])
    assert check(engine, facts, D("2026-11-20")).verdict == "eligible"
    assert check(engine, facts, TODAY).verdict == "not_eligible"


# --- Versions: 26.02.2024 vs 27.02.2024; the repealed sunset; not in force before 2020 ----------------------------
def test_rules_version_named_for_each_period(engine):
    for day, version in (("2020-01-01", "2020-01-01"), ("2023-12-31", "2020-01-01"), ("2024-01-02", "2020-01-01"),
                         ("2024-02-26", "2020-01-01"), ("2024-02-27", "2024-02-27"), ("2026-11-21", "2024-02-27")):
        assert check(engine, person(), D(day)).rules_version == version, day


def test_sunset_31_12_2023_was_repealed_in_time(engine):
    result = check(engine, person(), D("2024-01-02"))
    assert result.verdict == "eligible" and result.criteria[0].id != "in_force"


def later_arrival():
    """Entered in 2019, geduldet since 2021, 25 hours since 01.01.2023, identity clarified in 2020."""
    return person(entry_date="2019-06-01", identity=identity("2020-03-01"),
                  status_history=[{"status": "duldung", "from": "2021-01-01", "to": None}],
                  employment=job("2023-01-01", 25))


def test_26_02_2024_old_rules_exclude_a_2019_entry_with_25_hours_until_the_new_rules_of_the_next_day(engine):
    result = check(engine, later_arrival(), D("2024-02-26"))
    assert (result.verdict, result.earliest_date, result.rules_version) == \
        ("eligible_from", D("2024-02-27"), "2020-01-01")
    assert criterion(result, "entry").met is False and "01.08.2018" in criterion(result, "entry").explanation
    assert criterion(result, "employment").met is False
    assert criterion(result, "identity_deadline").met is False
    assert "Nach der ab 27.02.2024 geltenden Fassung" in criterion(result, "later_rules").explanation


def test_27_02_2024_new_rules_admit_the_same_person(engine):
    result = check(engine, later_arrival(), D("2024-02-27"))
    assert (result.verdict, result.rules_version) == ("eligible", "2024-02-27")
    assert "31.12.2022" in criterion(result, "entry").explanation
    assert "Inkrafttreten" in criterion(result, "entry").explanation  # the effective date is UNVERIFIED


def test_old_version_waiting_for_the_18_months_is_overtaken_by_the_new_rules(engine):
    """On 01.12.2023 a worker with 40 hours since 01.01.2023 waits for 18 months (01.07.2024); the rules of
    27.02.2024 need only 12 months, reached on 01.01.2024, so the path opens on 27.02.2024."""
    result = check(engine, person(employment=job("2023-01-01", 40)), OLD)
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2024-02-27"))


def test_not_in_force_before_2020(engine):
    result = check(engine, person(), D("2019-12-31"))
    assert_not_yet_in_force(result, "01.01.2020")


# --- Checklist and letter ----------------------------------------------------------------------------------
def checklist(engine, facts: dict, on: dt.date) -> dict:
    parsed = parse_facts(facts, today=max(on, TODAY))
    [assessment] = engine.assess(parsed, on, "section_60d")
    return {e.id: e for e in engine.checklist(engine.workflow("section_60d"), parsed, assessment)}


def test_checklist_follows_the_version_and_the_household(engine):
    items = checklist(engine, person(), TODAY)
    assert "12 Monate" in items["payslips"].text["de"] and "§ 60d Abs. 1 Nr. 3" in items["payslips"].why
    assert "18 Monate" in checklist(engine, person(), OLD)["payslips"].text["de"]
    assert "spouse_documents" not in items and "integration_course" not in items
    family = checklist(engine, person(household={"spouse_or_partner": True, "minor_children": [
        {"date_of_birth": "2015-03-01", "school_attendance_proven": True},
        {"date_of_birth": "2022-01-01", "school_attendance_proven": None}]}), TODAY)
    assert family["spouse_documents"].why.startswith("für § 60d Abs. 1 Nr. 1")
    assert "school_certificate_2015-03-01" in family and "school_certificate_2022-01-01" not in family
    assert "§ 60d Abs. 1 Nr. 10" in family["school_certificate_2015-03-01"].why
    for entry in items.values():
        assert entry.text["de"] and entry.text["en"] and entry.why.startswith("für §")


def test_letter_requests_the_duldung_for_the_family(engine):
    workflow = engine.workflow("section_60d")
    assert workflow.request == "Erteilung einer Beschäftigungsduldung nach § 60d Abs. 1 AufenthG"
    facts = parse_facts(person(household={"spouse_or_partner": True, "minor_children": [
        {"date_of_birth": "2015-03-01", "school_attendance_proven": True}]}), today=TODAY)
    [assessment] = engine.assess(facts, TODAY, "section_60d")
    extras = engine.letter_extras(workflow, facts, assessment, "antrag")
    assert "§ 60d Abs. 2 AufenthG" in extras["family_request"] and "Ehegatt" in extras["family_request"]
    alone = parse_facts(person(), today=TODAY)
    assert engine.letter_extras(workflow, alone, engine.assess(alone, TODAY, "section_60d")[0],
                                "antrag")["family_request"] == ""


# --- Every verdict explains itself -------------------------------------------------------------------------
def test_every_criterion_carries_citation_dates_hint_and_evidence(engine):
    for day in (OLD, TODAY):
        result = check(engine, person(), day)
        for c in result.criteria:
            assert c.citation.startswith("§") and "AufenthG" in c.citation
            assert c.valid_from <= day and (c.valid_until is None or day <= c.valid_until)
            assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation
            assert c.hint and c.evidence


def test_unverified_items_are_named(engine):
    result = check(engine, person(), TODAY)
    assert any("GEAS" in note for note in result.unverified)
    assert any("27.02.2024" in note for note in result.unverified)
    assert any("Ehegatten" in note for note in result.unverified)


# --- old Abs. 1 Nr. 1 Buchst. a and b (01.01.2020 – 26.02.2024): entry by 2016, employed on 01.01.2020 or not -------
OLD_ENTRY_2016 = [
    # (name, job start, identity clarified on, verdict, identity met, named)
    ("Buchst. a: employed on 01.01.2020, identity by the application", "2019-06-01", "2023-11-30",
     "eligible", True, "am 01.01.2020 beschäftigt"),
    ("Buchst. b: not employed on 01.01.2020, identity by 30.06.2020", "2022-01-01", "2020-06-30",
     "eligible", True, "spätestens 30.06.2020"),
    ("Buchst. b: not employed on 01.01.2020, identity on 01.07.2020 is late; the version of 27.02.2024 asks only the "
     "application", "2022-01-01", "2020-07-01", "eligible_from", False, "am 01.01.2020 nicht beschäftigt"),
]


@pytest.mark.parametrize("name,job_start,clarified,verdict,met,named", OLD_ENTRY_2016,
                         ids=[r[0] for r in OLD_ENTRY_2016])
def test_old_section_60d_abs_1_nr_1_b_identity_by_30_06_2020_without_employment_on_01_01_2020(
        engine, name, job_start, clarified, verdict, met, named):
    """§ 60d Abs. 1 Nr. 1 Buchst. b a. F.: entry by 31.12.2016 and no employment on 01.01.2020 – identity had to be
    clarified by 30.06.2020, not only by the application (issue 16, error 2)."""
    facts = person(entry_date="2016-05-01", identity=identity(clarified, False), employment=job(job_start))
    result = check(engine, facts, OLD)
    ident = criterion(result, "identity_deadline")
    assert result.verdict == verdict, ident.explanation
    assert ident.met is met and named in ident.explanation
    if verdict == "eligible_from":
        assert result.earliest_date == D("2024-02-27")
        assert "Buchst. a bis c" in ident.citation


def test_old_section_60d_identity_deadline_unknown_without_knowing_the_employment_on_01_01_2020(engine):
    facts = person(entry_date="2016-05-01", identity=identity("2020-07-01", False),
                   employment=[{"from": "2019-06-01", "to": None, "hours_per_week": 40, "socially_insured": None}])
    ident = criterion(check(engine, facts, OLD), "identity_deadline")
    assert ident.met is None and "employment" in ident.missing_facts and "01.01.2020" in ident.explanation


def test_section_60d_livelihood_hint_speaks_of_the_persons_own_livelihood(engine):
    """§ 60d Abs. 1 Nr. 4 and 5 ask for the livelihood "des ausreisepflichtigen Ausländers", secured by his own
    employment – not the household's (issue 16, error 6)."""
    livelihood = criterion(check(engine, person(livelihood={"secured": False}), TODAY), "livelihood")
    assert livelihood.met is False
    assert "eigene Lebensunterhalt" in livelihood.hint and "nicht der des ganzen Haushalts" in livelihood.hint
    assert "Bedarfsberechnung für den Haushalt" not in livelihood.hint
