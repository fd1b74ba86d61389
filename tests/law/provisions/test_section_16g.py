"""§ 16g AufenthG (Aufenthaltserlaubnis zur Berufsausbildung für ausreisepflichtige Ausländer), at the boundaries.

The personal and training criteria and the exclusions are § 60c's (tested in full in test_section_60c.py); here a
row for each proves they were carried over, and the title's own requirements are tested in full: livelihood at the
BAföG § 12 needs, the passport, no § 5 Abs. 1 Nr. 1a, no bar by § 10 Abs. 3 S. 2. At the end: the advice
"§ 60c or § 16g?" from plugins/training_paths.py.
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

WORKFLOW = "section_16g"


def person(**changes) -> dict:
    """A geduldete person who meets every requirement of § 16g on 21.11.2026 (case Nr. 2: Duldung since
    01.01.2026, company-based training from 01.02.2027, own household, 900 € a month, passport);
    ``a__b=value`` replaces a nested key."""
    facts = {
        "person": {"given_name": "Amina", "family_name": "Diallo", "date_of_birth": "2003-07-15",
                   "gender": "female", "nationality": "GN"},
        "entry_date": "2021-03-01",
        "status_history": [
            {"status": "gestattung", "from": "2021-03-01", "to": "2025-12-31"},
            {"status": "duldung", "from": "2026-01-01", "to": None},
        ],
        "identity": {"clarified_on": "2021-06-01", "passport_valid_until": "2030-01-01"},
        "training": {"kind": "qualified", "start_date": "2027-02-01", "end_date": "2030-01-31",
                     "registration_applied": True, "school_based": False, "started_during_asylum": False},
        "livelihood": {"monthly_means_eur": 900},
        "household": {"lives_with_parents": False},
        "employment_ban_60a_6": False, "concrete_removal_measures": False,
        "extremism_indications": False, "expulsion_order": False, "convictions": [],
    }
    return with_changes(facts, **changes)


def check(engine, facts: dict, on: dt.date):
    return assess_on(engine, WORKFLOW, facts, on)


# --- § 5 Abs. 1 Nr. 1, § 2 Abs. 3 S. 5: livelihood at the BAföG § 12 needs ------------------------------------
def means(amount, with_parents, school_based=False):
    return dict(livelihood={"monthly_means_eur": amount}, household={"lives_with_parents": with_parents},
                training__school_based=school_based)


LIVELIHOOD = [
    ("own household, company-based: 775 € reached", means(775, False), "eligible", "775,00"),
    ("own household, company-based: one euro short", means(774, False), "not_eligible", "774,00"),
    ("with the parents, company-based: 498 € reached", means(498, True), "eligible", "bei den Eltern wohnend"),
    ("with the parents, company-based: one euro short", means(497, True), "not_eligible", "498,00"),
    ("own household, school-based: 666 € reached", means(666, False, True), "eligible", "schulische Ausbildung"),
    ("own household, school-based: one euro short", means(665, False, True), "not_eligible", "666,00"),
    ("with the parents, school-based: 276 € reached", means(276, True, True), "eligible", "276,00"),
    ("with the parents, school-based: one euro short", means(275, True, True), "not_eligible", "276,00"),
    ("school-based unknown: the higher amount applies", means(700, False, None), "not_eligible", "775,00"),
    ("monthly means unknown", dict(livelihood={}), "incomplete", "offen – Angaben fehlen"),
    ("household unknown", dict(household={}), "incomplete", None),
]


@pytest.mark.parametrize("name,changes,verdict,text", LIVELIHOOD, ids=[r[0] for r in LIVELIHOOD])
def test_livelihood_at_bafoeg_needs(engine, name, changes, verdict, text):
    assert_row(check(engine, person(**changes), TODAY), verdict, None, "livelihood", text)


def test_amounts_are_written_as_german_text(engine):
    result = check(engine, person(**means(774, False)), TODAY)
    assert "monatlich verfügbar 774,00 €, Bedarf" in criterion(result, "livelihood").explanation
    assert "775,00 €" in criterion(result, "livelihood").explanation


def test_the_bafoeg_tier_is_marked_unverified(engine):
    result = check(engine, person(), TODAY)
    assert "UNVERIFIED" in criterion(result, "livelihood").explanation
    assert any("BAföG" in note for note in result.unverified)


# --- § 5 Abs. 1 Nr. 4, § 3; Abs. 10 S. 5: passport, waivable in Abs. 6 cases -----------------------------------
PASSPORT = [
    ("passport valid until the day of application", {"clarified_on": "2021-06-01", "passport_valid_until": "2026-11-21"},
     "eligible", False),
    ("passport expired the day before, no steps", {"clarified_on": "2021-06-01", "passport_valid_until": "2026-11-20",
                                                   "reasonable_measures_taken": False}, "not_eligible", False),
    ("no passport, all steps taken: waiver in discretion", {"clarified_on": "2021-06-01",
                                                            "reasonable_measures_taken": True}, "eligible", True),
    ("no passport, unknown whether steps were taken", {"clarified_on": "2021-06-01"}, "incomplete", False),
]


@pytest.mark.parametrize("name,ident,verdict,discretionary", PASSPORT, ids=[r[0] for r in PASSPORT])
def test_passport(engine, name, ident, verdict, discretionary):
    result = check(engine, person(identity=ident), TODAY)
    passport = criterion(result, "passport")
    assert result.verdict == verdict, passport.explanation
    assert passport.discretionary == discretionary


def test_identity_itself_is_not_required_only_the_deadline(engine):
    """§ 16g Abs. 10 S. 2: § 5 Abs. 1 Nr. 1a does not apply. All steps taken in time: the deadline counts as met."""
    facts = person(entry_date="2023-05-18", identity={"passport_valid_until": None, "reasonable_measures_taken": True,
                                                      "measures_taken_on": "2023-11-20"})
    result = check(engine, facts, TODAY)
    assert result.verdict == "eligible"
    assert "identity" not in {c.id for c in result.criteria}
    assert "gilt als gewahrt" in criterion(result, "identity_deadline").explanation


def test_identity_late_is_discretion_under_abs_6(engine):
    facts = person(entry_date="2023-05-18", identity={"clarified_on": "2024-02-01", "passport_valid_until": "2030-01-01",
                                                      "reasonable_measures_taken": True, "measures_taken_on": "2023-12-01"})
    result = check(engine, facts, TODAY)
    deadline = criterion(result, "identity_deadline")
    assert result.verdict == "eligible" and deadline.discretionary
    assert "§ 16g Abs. 6 AufenthG" in deadline.explanation


def test_identity_deadline_moves_over_a_saturday(engine):
    on_monday = check(engine, person(entry_date="2023-05-18", identity__clarified_on="2023-11-20"), TODAY)
    assert on_monday.verdict == "eligible"
    assert "20.11.2023 (18.11.2023 ist ein Samstag, § 193 BGB)" in criterion(on_monday, "identity_deadline").explanation
    late = person(entry_date="2023-05-18", identity={"clarified_on": "2023-11-21", "passport_valid_until": "2030-01-01",
                                                     "reasonable_measures_taken": False})
    assert check(engine, late, TODAY).verdict == "not_eligible"


def test_manifestly_unfounded_rejection_does_not_bar_the_anspruch(engine):
    """[I] § 10 Abs. 3 S. 3: a legal entitlement is not barred by S. 2."""
    result = check(engine, person(asylum_rejected_manifestly_unfounded=True), TODAY)
    assert result.verdict == "eligible"
    assert any("§ 10 Abs. 3 S. 3" in note for note in result.unverified)


# --- Criteria carried over from § 60c, one boundary each --------------------------------------------------------
SHARED = [
    ("Duldung 3 months on the day", dict(status_history=[{"status": "duldung", "from": "2026-08-21", "to": None}]),
     "2026-11-21", "eligible", None, "route", "§ 16g Abs. 1 S. 1 Nr. 2"),
    ("Duldung: the day before 3 months", dict(status_history=[{"status": "duldung", "from": "2026-08-21", "to": None}]),
     "2026-11-20", "eligible_from", "2026-11-21", "route", None),
    ("window opens on the day", dict(training__start_date="2027-06-21"), "2026-11-21", "eligible", None,
     "application_window", "21.11.2026"),
    ("the day before the window opens", dict(training__start_date="2027-06-21"), "2026-11-20", "eligible_from",
     "2026-11-21", "application_window", None),
    ("training ended", dict(training__start_date="2023-12-01", training__end_date="2026-11-20"), "2026-11-21",
     "not_eligible", None, "application_window", "endete"),
    ("kind unknown", dict(training__kind=None), "2026-11-21", "incomplete", None, "training", None),
    ("registration not applied for", dict(training__registration_applied=False), "2026-11-21", "not_eligible", None,
     "registration", None),
    ("§ 60a Abs. 6", dict(employment_ban_60a_6=True), "2026-11-21", "not_eligible", None, "no_employment_ban", None),
    ("50 Tagessätze", dict(convictions=[{"date": "2024-01-01", "intentional": True, "fine_daily_rates": 50}]),
     "2026-11-21", "eligible", None, "convictions", None),
    ("51 Tagessätze", dict(convictions=[{"date": "2024-01-01", "intentional": True, "fine_daily_rates": 51}]),
     "2026-11-21", "not_eligible", None, "convictions", "51 Tagessätze"),
    ("extremism", dict(extremism_indications=True), "2026-11-21", "not_eligible", None, "security", None),
    ("removal measures in case Nr. 2", dict(concrete_removal_measures=True), "2026-11-21", "not_eligible", None,
     "no_removal_measures", None),
    ("removal measures do not matter in case Nr. 1",
     dict(concrete_removal_measures=True, training__started_during_asylum=True), "2026-11-21", "eligible", None,
     "no_removal_measures", None),
    ("a Gestattung is not enough", dict(status_history=[{"status": "gestattung", "from": "2021-03-01", "to": None}]),
     "2026-11-21", "not_eligible", None, "status", None),
]


@pytest.mark.parametrize("name,changes,day,verdict,earliest,ident,text", SHARED, ids=[r[0] for r in SHARED])
def test_criteria_shared_with_60c(engine, name, changes, day, verdict, earliest, ident, text):
    assert_row(check(engine, person(**changes), D(day)), verdict, earliest, ident, text)


# --- In force since 01.03.2024 --------------------------------------------------------------------------
def test_in_force_from_1_3_2024(engine):
    facts = person(status_history=[{"status": "duldung", "from": "2023-01-01", "to": None}],
                   training__start_date="2024-08-01", training__end_date="2027-07-31")
    before = check(engine, facts, D("2024-02-29"))
    assert_not_yet_in_force(before, "01.03.2024")
    first = check(engine, facts, D("2024-03-01"))
    assert (first.verdict, first.rules_version) == ("eligible", "2024-03-01")


def test_shared_criteria_cite_16g(engine):
    result = check(engine, person(), TODAY)
    assert criterion(result, "convictions").citation == "§ 16g Abs. 2 Nr. 4 i. V. m. § 19d Abs. 1 Nr. 7 AufenthG"
    assert criterion(result, "identity_deadline").citation == "§ 16g Abs. 2 Nr. 3 Buchst. a bis c, Abs. 6 AufenthG"
    assert all("60c" not in c.citation for c in result.criteria)


def test_every_criterion_explains_itself(engine):
    result = check(engine, person(), TODAY)
    assert result.verdict == "eligible"
    for c in result.criteria:
        assert c.citation.startswith("§") and "AufenthG" in c.citation
        assert c.explanation.startswith(c.label) and "erfüllt" in c.explanation
        assert c.hint and c.evidence


def test_checklist_asks_for_passport_and_livelihood(engine):
    facts = parse_facts(person(), today=TODAY)
    workflow = engine.workflow(WORKFLOW)
    ids = {i.id for i in engine.checklist(workflow, facts, engine.assess(facts, TODAY, WORKFLOW)[0])}
    assert {"passport", "livelihood", "health_insurance", "training_contract", "registration"} <= ids


# --- § 60c or § 16g? (plugins/training_paths.py) -----------------------------------------------------------------
def notes_for(engine, facts: dict, on: dt.date = TODAY):
    parsed = parse_facts(facts, today=max(on, TODAY))
    return [n for n in engine.notes(parsed, engine.assess(parsed, on)) if "section_16g" in n["workflows"]]


def test_16g_open_says_why_it_is_usually_better(engine):
    notes = notes_for(engine, person())
    assert len(notes) == 1
    assert "Aufenthaltstitel" in notes[0]["text"] and "§ 60c" in notes[0]["text"]
    assert set(notes[0]["workflows"]) == {"section_16g", "section_60c"}


def test_16g_open_later_also_gets_the_advice(engine):
    notes = notes_for(engine, person(training__start_date="2027-08-01"))
    assert len(notes) == 1 and "Aufenthaltstitel" in notes[0]["text"]


@pytest.mark.parametrize("changes,named,absent", [
    (means(700, False), ["Lebensunterhalt", "700,00", "775,00"], ["Pass (Passpflicht)"]),
    (dict(identity={"clarified_on": "2021-06-01", "reasonable_measures_taken": False}), ["Pass (Passpflicht)"],
     ["Lebensunterhalt in Höhe"]),
    ({**means(700, False), "identity": {"clarified_on": "2021-06-01", "reasonable_measures_taken": False}},
     ["Lebensunterhalt", "Pass (Passpflicht)"], []),
    (dict(livelihood={}), ["Lebensunterhalt", "offen – Angaben fehlen"], []),
], ids=["livelihood short", "no passport", "both missing", "livelihood unknown"])
def test_60c_open_16g_blocked_by_livelihood_or_passport(engine, changes, named, absent):
    facts = person(**changes)
    assert check(engine, facts, TODAY).verdict in ("not_eligible", "incomplete")
    notes = notes_for(engine, facts)
    assert len(notes) == 1, notes
    text = notes[0]["text"]
    assert "Ausbildungsduldung nach § 60c ist möglich" in text
    for word in named:
        assert word in text
    for word in absent:
        assert word not in text


def test_no_training_advice_when_both_fail_for_a_shared_reason(engine):
    assert notes_for(engine, person(training__registration_applied=False, **means(700, False))) == []


def test_no_training_advice_before_16g_was_in_force(engine):
    facts = person(status_history=[{"status": "duldung", "from": "2023-01-01", "to": None}],
                   training__start_date="2024-08-01", training__end_date="2027-07-31")
    assert notes_for(engine, facts, D("2024-02-29")) == []


def test_waived_passport_after_ou_rejection_is_flagged(engine):
    facts = person(identity={"clarified_on": "2021-06-01", "reasonable_measures_taken": True},
                   asylum_rejected_manifestly_unfounded=True)
    notes = notes_for(engine, facts)
    assert len(notes) == 1
    assert "§ 16g Abs. 10 S. 5" in notes[0]["text"] and "§ 10 Abs. 3 S. 3" in notes[0]["text"]


# --- Abs. 1: a training taken up or continued – not one already completed (issue 16, errors 1 and 6) ------------
def completed_training(**changes) -> dict:
    """Training since 01.09.2025, passed early on 15.11.2026 while the contract runs until 31.08.2027."""
    return person(training__start_date="2025-09-01", training__end_date="2027-08-31",
                  training__completed_on="2026-11-15", **changes)


def test_section_16g_abs_1_a_completed_training_is_not_eligible_and_names_abs_8(engine):
    """§ 16g Abs. 1 speaks of a training taken up or continued; after completion § 16g Abs. 8 (or § 19d Abs. 1a)
    follows, and without continued employment the six months of § 16g Abs. 5 S. 2."""
    result = check(engine, completed_training(), TODAY)
    window = criterion(result, "application_window")
    assert (result.verdict, window.met, window.met_from) == ("not_eligible", False, None), window.explanation
    assert "erfüllt" not in window.state.replace("nicht erfüllt", "")
    for route in ("§ 16g Abs. 8", "§ 19d Abs. 1a", "§ 16g Abs. 5 S. 2"):
        assert route in window.explanation
    assert "§ 16g Abs. 8" in window.hint


def test_after_a_completed_training_the_perspektiven_name_the_routes_that_follow(engine):
    """Instead of "§ 16g is usually better than § 60c", the note names § 19d Abs. 1a, § 16g Abs. 8 and § 60c Abs. 6
    S. 2, with the state of the § 19d path (issue 16, error 1)."""
    notes = notes_for(engine, completed_training())
    assert len(notes) == 1, notes
    text = notes[0]["text"]
    assert "seit 15.11.2026 abgeschlossen" in text and "kommen nicht mehr in Frage" in text
    for route in ("§ 19d Abs. 1a", "§ 16g Abs. 8", "§ 60c Abs. 6 S. 2"):
        assert route in text and route in notes[0]["citation"]
    assert "Stand § 19d:" in text and "section_19d" in notes[0]["workflows"]
    assert "meist der bessere Weg" not in text
