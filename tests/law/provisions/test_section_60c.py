"""§ 60c AufenthG (Ausbildungsduldung), criterion by criterion, at the boundaries.

Each row: what the person's facts are (changes to a person who meets everything), the day of application, and
what a counsellor must see: the verdict, the earliest date, and the criterion that decides with its explanation.
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

WORKFLOW = "section_60c"


def person(**changes) -> dict:
    """A geduldete person who meets every requirement of § 60c on 21.11.2026 (case Nr. 2: Duldung since
    01.01.2026, training from 01.02.2027); ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Yonas", "family_name": "Tesfaye", "date_of_birth": "2002-04-10",
                   "gender": "male", "nationality": "ER"},
        "entry_date": "2021-03-01",
        "status_history": [
            {"status": "gestattung", "from": "2021-03-01", "to": "2025-12-31"},
            {"status": "duldung", "from": "2026-01-01", "to": None},
        ],
        "identity": {"clarified_on": "2021-06-01"},
        "training": {"kind": "qualified", "start_date": "2027-02-01", "end_date": "2030-01-31",
                     "registration_applied": True, "school_based": False, "started_during_asylum": False},
        "employment_ban_60a_6": False, "concrete_removal_measures": False,
        "extremism_indications": False, "expulsion_order": False, "convictions": [],
    }
    return with_changes(facts, **changes)


def duldung_since(start: str, status: str = "duldung") -> list:
    return [{"status": "gestattung", "from": "2021-03-01", "to": (D(start) - dt.timedelta(days=1)).isoformat()},
            {"status": status, "from": start, "to": None}]


def check(engine, facts: dict, on: dt.date):
    return assess_on(engine, WORKFLOW, facts, on)


# --- Abs. 1 S. 1 Nr. 1 and 2, Abs. 2 Nr. 2: the route -------------------------------------------------------
ROUTE = [
    # (name, changes, day, verdict, earliest, deciding criterion, text it shows)
    ("Duldung held 3 months on the day", dict(status_history=duldung_since("2026-08-21")), "2026-11-21",
     "eligible", None, "route", "3 Monate erreicht am 21.11.2026"),
    ("Duldung held 2 months and 30 days: the day before", dict(status_history=duldung_since("2026-08-21")),
     "2026-11-20", "eligible_from", "2026-11-21", "route", "noch nicht erfüllt, voraussichtlich ab 21.11.2026"),
    ("Nr. 1: training begun as an asylum seeker needs no 3 months",
     dict(status_history=duldung_since("2026-11-01"), training__started_during_asylum=True,
          training__start_date="2025-09-01"),
     "2026-11-21", "eligible", None, "route", "Asylbewerber"),
    ("Nr. 2 with a Duldung of 20 days: wait until 3 months", dict(status_history=duldung_since("2026-11-01")),
     "2026-11-21", "eligible_from", "2027-02-01", "route", "01.02.2027"),
    ("§ 60b periods do not count: the 3 months start after the Duldung light",
     dict(status_history=[{"status": "duldung_ungeklaerte_identitaet", "from": "2026-01-01", "to": "2026-10-31"},
                          {"status": "duldung", "from": "2026-11-01", "to": None}]),
     "2026-11-21", "eligible_from", "2027-02-01", "route", None),
    ("currently a Duldung light: no 3 months of a counting Duldung",
     dict(status_history=duldung_since("2026-01-01", "duldung_ungeklaerte_identitaet")),
     "2026-11-21", "not_eligible", None, "route", None),
    ("unknown whether begun during asylum, Duldung 20 days: time decides",
     dict(status_history=duldung_since("2026-11-01"), training__started_during_asylum=None),
     "2026-11-21", "eligible_from", "2027-02-01", "route", None),
]


@pytest.mark.parametrize("name,changes,day,verdict,earliest,ident,text", ROUTE, ids=[r[0] for r in ROUTE])
def test_route_of_abs_1_and_abs_2_nr_2(engine, name, changes, day, verdict, earliest, ident, text):
    assert_row(check(engine, person(**changes), D(day)), verdict, earliest, ident, text)


@pytest.mark.parametrize("status,verdict", [
    ("duldung", "eligible"), ("ausbildungsduldung", "eligible"), ("beschaeftigungsduldung", "eligible"),
    ("gestattung", "not_eligible"), ("aufenthaltserlaubnis", "not_eligible"), ("ohne_status", "not_eligible"),
])
def test_status_geduldet(engine, status, verdict):
    result = check(engine, person(status_history=duldung_since("2026-01-01", status)), TODAY)
    assert result.verdict == verdict, criterion(result, "status").explanation
    assert criterion(result, "status").met is (verdict == "eligible")


# --- Abs. 1 and Abs. 3: the training, its window and its registration ----------------------------------------
TRAINING = [
    ("assistant training with a follow-on promise", dict(training__kind="assistant_with_followup"), "2026-11-21",
     "eligible", None, "training", None),
    ("kind of training unknown", dict(training__kind=None), "2026-11-21", "incomplete", None, "training",
     "offen – Angaben fehlen"),
    ("window opens on the day: start 21.06.2027, 7 months before", dict(training__start_date="2027-06-21"),
     "2026-11-21", "eligible", None, "application_window", "Antrag frühestens ab 21.11.2026"),
    ("the day before the window opens", dict(training__start_date="2027-06-21"), "2026-11-20",
     "eligible_from", "2026-11-21", "application_window", "voraussichtlich ab 21.11.2026"),
    ("start one day later: the window opens tomorrow", dict(training__start_date="2027-06-22"), "2026-11-21",
     "eligible_from", "2026-11-22", "application_window", "Erteilung frühestens ab 22.12.2026"),
    ("the later of two dates decides: 3 months Duldung on 01.01.2027, window on 01.02.2027",
     dict(status_history=duldung_since("2026-10-01"), training__start_date="2027-09-01"), "2026-11-21",
     "eligible_from", "2027-02-01", "application_window", None),
    ("training running, ends on the day of application",
     dict(training__start_date="2023-12-01", training__end_date="2026-11-21"), "2026-11-21", "eligible", None,
     "application_window", None),
    ("training ended the day before", dict(training__start_date="2023-12-01", training__end_date="2026-11-20"),
     "2026-11-21", "not_eligible", None, "application_window", "endete laut Vertrag am 20.11.2026"),
    ("start date unknown", dict(training__start_date=None), "2026-11-21", "incomplete", None,
     "application_window", None),
    ("registration not yet applied for", dict(training__registration_applied=False), "2026-11-21", "not_eligible",
     None, "registration", "nicht erfüllt"),
    ("registration unknown", dict(training__registration_applied=None), "2026-11-21", "incomplete", None,
     "registration", None),
]


@pytest.mark.parametrize("name,changes,day,verdict,earliest,ident,text", TRAINING, ids=[r[0] for r in TRAINING])
def test_training_window_and_registration_of_abs_1_and_3(engine, name, changes, day, verdict, earliest, ident, text):
    assert_row(check(engine, person(**changes), D(day)), verdict, earliest, ident, text)


# --- Abs. 2 Nr. 3, Abs. 7: identity deadlines by entry date -------------------------------------------------
def identity(clarified=None, measures=None, taken=None):
    return {"clarified_on": clarified, "reasonable_measures_taken": measures, "measures_taken_on": taken}


IDENTITY = [
    # (name, entry date, identity, verdict, discretionary, text)
    ("a) entry 2016, clarified by the application", "2016-06-01", identity("2026-11-21"), "eligible", False,
     "bis zur Antragstellung"),
    ("a) entry 2016, not clarified, all steps taken before applying", "2016-06-01",
     identity(None, True, "2025-01-01"), "eligible", False, "gilt als gewahrt"),
    ("a) entry 2016, not clarified, no steps", "2016-06-01", identity(None, False), "not_eligible", False, None),
    ("b) entry 2018, clarified on 30.06.2020", "2018-05-01", identity("2020-06-30"), "eligible", False,
     "spätestens 30.06.2020"),
    ("b) entry 2018, clarified on 01.07.2020: too late", "2018-05-01", identity("2020-07-01", False),
     "not_eligible", False, "nach Fristablauf"),
    ("b) entry 2018, late, but all steps taken by 30.06.2020: deemed met", "2018-05-01",
     identity("2020-07-01", True, "2020-06-30"), "eligible", False, "gilt als gewahrt"),
    ("b) entry 2018, steps only on 01.07.2020: Abs. 7 discretion", "2018-05-01",
     identity(None, True, "2020-07-01"), "eligible", True, "§ 60c Abs. 7 AufenthG"),
    ("b) last day of tier b, entry 31.12.2019, clarified 01.07.2020", "2019-12-31", identity("2020-07-01", False),
     "not_eligible", False, None),
    ("c) first day of tier c, entry 01.01.2020, clarified 01.07.2020 within 6 months", "2020-01-01",
     identity("2020-07-01", False), "eligible", False, "6 Monate nach der Einreise"),
    ("c) 18.11.2023 is a Saturday: the deadline moves to Monday 20.11.2023", "2023-05-18",
     identity("2023-11-20", False), "eligible", False, "20.11.2023 (18.11.2023 ist ein Samstag, § 193 BGB)"),
    ("c) clarified on 21.11.2023: one day late", "2023-05-18", identity("2023-11-21", False), "not_eligible",
     False, "nach Fristablauf"),
    ("c) 22.11.2023 is Buß- und Bettag in Saxony: the deadline moves to 23.11.2023", "2023-05-22",
     identity("2023-11-23", False), "eligible", False, "Buß- und Bettag"),
    ("c) clarified on 24.11.2023 after the holiday: late", "2023-05-22", identity("2023-11-24", False),
     "not_eligible", False, None),
    ("c) steps taken on the moved last day: deemed met", "2023-05-18", identity(None, True, "2023-11-20"),
     "eligible", False, "gilt als gewahrt"),
    ("c) steps taken late: discretion under Abs. 7", "2023-05-18", identity(None, True, "2023-12-01"),
     "eligible", True, "Erteilung im Ermessen nach § 60c Abs. 7 AufenthG"),
    ("c) nothing known about steps", "2023-05-18", identity(None, None), "incomplete", False, None),
]


@pytest.mark.parametrize("name,entry,ident,verdict,discretionary,text", IDENTITY, ids=[r[0] for r in IDENTITY])
def test_identity_deadline_of_abs_2_nr_3_and_abs_7(engine, name, entry, ident, verdict, discretionary, text):
    result = check(engine, person(entry_date=entry, identity=ident), TODAY)
    deadline = criterion(result, "identity_deadline")
    assert result.verdict == verdict, deadline.explanation
    assert deadline.discretionary == discretionary
    if text:
        assert text in deadline.explanation


# --- Abs. 2 Nr. 1, 4 and 5: exclusions --------------------------------------------------------------------
def fine(rates, foreigner_only=False, intentional=True):
    return {"date": "2024-05-01", "intentional": intentional, "foreigner_only_offence": foreigner_only,
            "fine_daily_rates": rates}


EXCLUSIONS = [
    ("no_employment_ban", dict(employment_ban_60a_6=True), "not_eligible"),
    ("no_employment_ban", dict(employment_ban_60a_6=None), "incomplete"),
    ("convictions", dict(convictions=[fine(50)]), "eligible"),
    ("convictions", dict(convictions=[fine(51)]), "not_eligible"),
    ("convictions", dict(convictions=[fine(30), fine(20)]), "eligible"),
    ("convictions", dict(convictions=[fine(30), fine(21)]), "not_eligible"),
    ("convictions", dict(convictions=[fine(90, foreigner_only=True)]), "eligible"),
    ("convictions", dict(convictions=[fine(91, foreigner_only=True)]), "not_eligible"),
    ("convictions", dict(convictions=[fine(50), fine(40, foreigner_only=True)]), "eligible"),
    ("convictions", dict(convictions=[fine(50), fine(41, foreigner_only=True)]), "not_eligible"),
    ("convictions", dict(convictions=[fine(120, intentional=False)]), "eligible"),
    ("convictions", dict(convictions=[{"date": "2024-05-01", "intentional": True, "prison_months": 2,
                                       "suspended": True}]), "not_eligible"),
    ("convictions", dict(convictions=None), "incomplete"),
    ("security", dict(extremism_indications=True), "not_eligible"),
    ("security", dict(expulsion_order=True), "not_eligible"),
    ("security", dict(expulsion_order=None), "incomplete"),
    ("no_removal_measures", dict(concrete_removal_measures=True), "not_eligible"),
    ("no_removal_measures", dict(concrete_removal_measures=None), "incomplete"),
    ("no_removal_measures", dict(concrete_removal_measures=True, training__started_during_asylum=True), "eligible"),
]


@pytest.mark.parametrize("ident,changes,verdict", EXCLUSIONS, ids=[f"{r[0]}-{i}" for i, r in enumerate(EXCLUSIONS)])
def test_exclusions_of_abs_2(engine, ident, changes, verdict):
    result = check(engine, person(**changes), TODAY)
    deciding = criterion(result, ident)
    assert result.verdict == verdict, deciding.explanation
    assert deciding.met is {"eligible": True, "not_eligible": False, "incomplete": None}[verdict]


def test_fines_over_the_limit_explain_the_sum(engine):
    result = check(engine, person(convictions=[fine(51)]), TODAY)
    assert "51 Tagessätze" in criterion(result, "convictions").explanation
    assert "50/90" in criterion(result, "convictions").explanation


# --- A Duldung: no livelihood, no passport, no § 10 Abs. 3 -------------------------------------------------
def test_no_livelihood_passport_or_asylum_bar(engine):
    facts = person(livelihood={"secured": False, "monthly_means_eur": 0}, identity__passport_valid_until=None,
                   asylum_rejected_manifestly_unfounded=True)
    result = check(engine, facts, TODAY)
    assert result.verdict == "eligible"
    assert not {"livelihood", "passport", "identity"} & {c.id for c in result.criteria}


# --- In force since 01.01.2020 --------------------------------------------------------------------------
def test_in_force_from_1_1_2020(engine):
    facts = person(entry_date="2016-01-01", identity__clarified_on="2017-01-01",
                   status_history=[{"status": "gestattung", "from": "2016-01-01", "to": "2018-12-31"},
                                   {"status": "duldung", "from": "2019-01-01", "to": None}],
                   training__start_date="2020-03-01", training__end_date="2023-02-28")
    before = check(engine, facts, D("2019-12-31"))
    assert_not_yet_in_force(before, "01.01.2020")
    first = check(engine, facts, D("2020-01-01"))
    assert (first.verdict, first.rules_version) == ("eligible", "2020-01-01")


# --- Explanations, checklist, unverified ---------------------------------------------------------------------
def test_every_criterion_explains_itself(engine):
    result = check(engine, person(), TODAY)
    assert result.verdict == "eligible"
    for c in result.criteria:
        assert c.citation.startswith("§") and "AufenthG" in c.citation
        assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation
        assert c.hint
    assert any("GEAS" in note for note in result.unverified)


def test_checklist_names_the_requirements(engine):
    facts = parse_facts(person(training__kind="assistant_with_followup",
                               identity__reasonable_measures_taken=True), today=TODAY)
    workflow = engine.workflow(WORKFLOW)
    items = engine.checklist(workflow, facts, engine.assess(facts, TODAY, WORKFLOW)[0])
    ids = [i.id for i in items]
    assert {"training_contract", "registration", "followup_promise", "identity_efforts"} <= set(ids)
    assert all(i.why.startswith("für §") for i in items)
    plain = parse_facts(person(), today=TODAY)
    assert "followup_promise" not in [i.id for i in engine.checklist(workflow, plain,
                                                                     engine.assess(plain, TODAY, WORKFLOW)[0])]


def test_request_names_the_provision(engine):
    assert engine.workflow(WORKFLOW).request == "Erteilung einer Ausbildungsduldung nach § 60c Abs. 1 AufenthG"


def test_a_juvenile_court_measure_is_left_to_the_authority(engine):
    """§ 19d Abs. 1 Nr. 7 tolerates fines; whether a measure under the JGG counts like one is not settled."""
    measure = {"date": "2024-05-01", "intentional": True, "foreigner_only_offence": False, "juvenile_sanction": True}
    result = check(engine, person(convictions=[measure]), TODAY)
    convictions = criterion(result, "convictions")
    assert convictions.state == "erfüllt (im Ermessen der Behörde)"
    assert "jugendrechtliche Maßnahme" in convictions.explanation and "rechtlich nicht geklärt" in convictions.explanation


# --- Abs. 1 S. 1: a training taken up or continued – not one already completed (issue 16, errors 1 and 6) --------
def completed(on: str = "2026-07-15", contract_end: str | None = "2026-12-31") -> dict:
    """Training since 01.09.2023 under an Ausbildungsduldung, passed early on ``on`` (the contract runs on)."""
    return person(status_history=[{"status": "gestattung", "from": "2021-03-01", "to": "2023-08-31"},
                                  {"status": "ausbildungsduldung", "from": "2023-09-01", "to": None}],
                  training__start_date="2023-09-01", training__end_date=contract_end, training__completed_on=on)


@pytest.mark.parametrize("contract_end", ["2026-12-31", None], ids=["contract still running", "end not recorded"])
def test_section_60c_abs_1_a_completed_training_is_not_eligible_and_names_the_routes_after_it(engine, contract_end):
    """§ 60c Abs. 1 S. 1 speaks of a training taken up or continued: after completion the Ausbildungsduldung is no
    longer the path, § 19d Abs. 1a and § 60c Abs. 6 S. 2 are – even while the contract has not yet ended."""
    result = check(engine, completed(contract_end=contract_end), TODAY)
    window = criterion(result, "application_window")
    assert (result.verdict, window.met, window.met_from) == ("not_eligible", False, None), window.explanation
    assert window.state == "nicht erfüllt" and "abgeschlossen" in window.label
    assert "am 15.07.2026 abgeschlossen" in window.explanation
    assert "§ 19d Abs. 1a" in window.explanation and "§ 60c Abs. 6 S. 2" in window.explanation
    assert "§ 19d Abs. 1a" in window.hint and "§ 60c Abs. 1 S. 1" in window.citation


def test_section_60c_a_training_completed_after_the_day_of_application_does_not_count_yet(engine):
    facts = completed()
    assert criterion(check(engine, facts, D("2026-07-14")), "application_window").met is True


def test_section_60c_abs_2_nr_2_a_60b_period_pauses_the_three_months_instead_of_restarting_them(engine):
    """§ 60b Abs. 5 S. 1: the § 60b time does not count, but the Duldung before it does (issue 16, error 3): 61 days
    before and 52 after make the 90 days of three non-contiguous months (§ 191 BGB)."""
    history = [{"status": "gestattung", "from": "2021-03-01", "to": "2025-09-30"},
               {"status": "duldung", "from": "2025-10-01", "to": "2025-11-30"},
               {"status": "duldung_ungeklaerte_identitaet", "from": "2025-12-01", "to": "2026-09-30"},
               {"status": "duldung", "from": "2026-10-01", "to": None}]
    result = check(engine, person(status_history=history), TODAY)
    route = criterion(result, "route")
    assert (result.verdict, route.met) == ("eligible", True), route.explanation
    assert "seit 01.10.2025" in route.explanation and "§ 191 BGB" in route.explanation
