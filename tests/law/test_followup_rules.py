"""The reminder catalogue (shared/legal-facts.md, section 11) as each workflow declares it and as the plugins add it:
exact due dates on sample clients, § 193 BGB for deadlines to act by, milestones that are the assessment's own
earliest date, and follow-ups that go when their basis goes."""
from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from perspektive.law.facts import parse_facts
from tests.conftest import demo_facts

D = dt.date.fromisoformat
ON = D("2026-11-21")


def followups(engine, facts: dict, on: dt.date = ON, workflow: str | None = None) -> dict:
    """The follow-ups by (workflow, id); the same key twice would be one reminder sent twice, so it fails."""
    listed = engine.followups(parse_facts(facts, today=max(on, ON)), on, workflow)
    found = {(f.workflow, f.id): f for f in listed}
    assert len(found) == len(listed), sorted((f.workflow, f.id) for f in listed)
    return found


def earliest(engine, facts: dict, workflow: str, on: dt.date = ON):
    [assessment] = engine.assess(parse_facts(facts, today=on), on, workflow)
    return assessment.verdict, assessment.earliest_date


def with_changes(name: str, **changes) -> dict:
    facts = copy.deepcopy(demo_facts(name))
    facts.update(changes)
    return facts


# --- what each workflow file declares ---------------------------------------------------------------------------

CATALOGUE = {
    "section_25a": {"last_day_before_21", "last_day_before_27", "path_opens"},
    "section_25b": {"path_opens", "chancen_permit_expires", "chancen_transition_ends",
                    "beschaeftigungsduldung_30_months"},
    "section_60c": {"identity_deadline", "application_window_opens", "training_ends", "duldung_3_months"},
    "section_16g": {"identity_deadline", "application_window_opens", "training_ends", "duldung_3_months"},
    "section_60d": {"path_opens"},
    "section_25_5": {"duldung_18_months"},
    "section_19d": set(),   # the step into § 19d Abs. 1a is § 60c's "training_ends"
    "section_104c": set(),  # no longer in force: the holder's dates are in section_25b.toml
    "section_23a": {"hardship_petition"},
}


def test_the_follow_ups_whose_day_can_come_from_a_date_of_birth_are_known(engine):
    """Probe finding 12: the calendar feed must not show these days (docs/followups.md). The age limits are
    counted from the date of birth; § 25a opens at the earliest on the 14th birthday (its age criterion), so its
    ``path_opens`` can fall on one. The other paths open after periods of stay, Duldung or work."""
    assert engine.birth_date_followups() == {
        ("section_25a", "last_day_before_21"), ("section_25a", "last_day_before_27"), ("section_25a", "path_opens")}
    born = D("2013-03-21")  # a 13-year-old: the path opens on the 14th birthday
    facts = copy.deepcopy(demo_facts("yasmin"))
    facts["person"]["date_of_birth"] = born.isoformat()
    assert followups(engine, facts)[("section_25a", "path_opens")].due == D("2027-03-21")


def test_each_workflow_declares_its_catalogue_rules(engine):
    assert {w: {r.id for r in engine.workflows[w].followups} for w in engine.workflows} == CATALOGUE
    for workflow in engine.workflows.values():
        for rule in workflow.followups:
            assert rule.citation.startswith("§ ") and "AufenthG" in rule.citation, (workflow.id, rule.id)
            assert rule.basis != "earliest_date" or not rule.act_by, "the day a path opens never moves"


def test_reminder_texts_carry_no_personal_data(engine):
    """The text goes into reminder mails: no name, no date, for the demo clients and for the plugins' follow-ups."""
    clients = [demo_facts(n) for n in ("amina", "dawit", "karim", "yasmin")]
    clients.append(with_changes("karim", status_history=[
        {"status": "duldung", "from": "2020-09-01", "to": "2025-08-31"},
        {"status": "beschaeftigungsduldung", "from": "2025-09-01", "to": None}],
        employment=[{"from": "2023-10-01", "to": "2027-02-15", "hours_per_week": 25, "socially_insured": True}]))
    clients.append(with_changes("amina", status_history=[
        {"status": "duldung", "from": "2016-01-01", "to": "2025-06-30"},
        {"status": "aufenthaltserlaubnis", "from": "2025-07-01", "to": "2027-06-30"}]))
    seen = set()
    for facts in clients:
        for followup in followups(engine, facts).values():
            seen.add(followup.id)
            for word in (facts["person"]["given_name"], facts["person"]["family_name"]):
                assert word not in followup.text
            assert not re.search(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}", followup.text), followup.text
    assert {"permit_expires", "employment_ends_2023-10-01", "path_opens", "last_day_before_27"} <= seen


# --- § 25b: the path opens (4 or 6 years, a child's age) ----------------------------------------------------------

def test_25b_path_opens_after_4_years_with_a_minor_child(engine):
    facts = with_changes("amina", entry_date="2023-03-01", status_history=[
        {"status": "gestattung", "from": "2023-03-01", "to": "2024-05-31"},
        {"status": "duldung", "from": "2024-06-01", "to": None}])
    opens = followups(engine, facts)[("section_25b", "path_opens")]
    assert earliest(engine, facts, "section_25b") == ("eligible_from", D("2027-03-01"))
    assert (opens.due, opens.remind_from, opens.remind_days_before) == (D("2027-03-01"), D("2026-12-31"), (60, 14))
    assert opens.basis == "Weg offen ab 01.03.2027 laut Prüfung"
    assert opens.citation == "§ 25b Abs. 1 S. 2 Nr. 1, Abs. 6 AufenthG"


def test_25b_path_opens_after_6_years_when_the_child_comes_of_age_first(engine):
    """The child turns 18 on 15.01.2027, before the 4 years are complete: 6 years count, as in the assessment."""
    facts = with_changes("amina", entry_date="2023-03-01", status_history=[
        {"status": "gestattung", "from": "2023-03-01", "to": "2024-05-31"},
        {"status": "duldung", "from": "2024-06-01", "to": None}],
        identity={"clarified_on": "2022-01-10", "passport_valid_until": "2031-01-09"},
        household={"spouse_or_partner": False, "minor_children": [
            {"date_of_birth": "2009-01-15", "school_attendance_proven": True}]})
    assert earliest(engine, facts, "section_25b") == ("eligible_from", D("2029-03-01"))
    assert followups(engine, facts)[("section_25b", "path_opens")].due == D("2029-03-01")


def test_25b_path_opens_for_dawit_and_not_once_open(engine):
    dawit = demo_facts("dawit")
    assert earliest(engine, dawit, "section_25b") == ("eligible_from", D("2027-08-16"))
    assert followups(engine, dawit)[("section_25b", "path_opens")].due == D("2027-08-16")
    assert earliest(engine, demo_facts("amina"), "section_25b") == ("eligible", None)
    assert ("section_25b", "path_opens") not in followups(engine, demo_facts("amina"))


# --- § 25a: the path opens, or closes first ------------------------------------------------------------------------

YASMIN_DULDUNG_SINCE_MARCH = [{"status": "gestattung", "from": "2019-10-01", "to": "2026-02-28"},
                              {"status": "duldung", "from": "2026-03-01", "to": None}]


def test_25a_path_opens_after_12_months_of_duldung(engine):
    facts = with_changes("yasmin", status_history=YASMIN_DULDUNG_SINCE_MARCH)
    assert earliest(engine, facts, "section_25a") == ("eligible_from", D("2027-03-01"))
    found = followups(engine, facts)
    assert found[("section_25a", "path_opens")].due == D("2027-03-01")
    assert found[("section_25a", "last_day_before_27")].due == D("2031-02-13")


def test_25a_no_milestone_when_the_27th_birthday_comes_first(engine):
    """Born 01.02.2000: 27 on 01.02.2027, a month before the 12 months of Duldung: the path never opens."""
    facts = with_changes("yasmin", status_history=YASMIN_DULDUNG_SINCE_MARCH,
                         person={**demo_facts("yasmin")["person"], "date_of_birth": "2000-02-01"})
    assert earliest(engine, facts, "section_25a") == ("not_eligible", None)
    found = followups(engine, facts)
    assert ("section_25a", "path_opens") not in found
    assert found[("section_25a", "last_day_before_27")].due == D("2027-01-31")


def test_27th_birthday_on_a_saxon_holiday_does_not_move(engine):
    """Born 01.11.2003: the last day is 31.10.2030, Reformationstag in Saxony; an age limit is no § 193 deadline."""
    found = followups(engine, {"person": {"date_of_birth": "2003-11-01"}})
    limit = found[("section_25a", "last_day_before_27")]
    assert limit.due == D("2030-10-31")
    assert "§ 193" not in limit.basis


# --- § 60d: the path opens; the end of a job while the Beschäftigungsduldung is held ------------------------------

def test_60d_path_opens_after_12_months_of_employment(engine):
    facts = with_changes("karim", employment=[
        {"from": "2026-05-01", "to": None, "hours_per_week": 25, "socially_insured": True}])
    assert earliest(engine, facts, "section_60d") == ("eligible_from", D("2027-05-01"))
    opens = followups(engine, facts)[("section_60d", "path_opens")]
    assert (opens.due, opens.citation) == (D("2027-05-01"), "§ 60d Abs. 1 Nr. 2 und 3 AufenthG")
    assert earliest(engine, demo_facts("karim"), "section_60d") == ("eligible", None)
    assert ("section_60d", "path_opens") not in followups(engine, demo_facts("karim"))


def beschaeftigungsduldung(*jobs, status: str = "beschaeftigungsduldung") -> dict:
    return with_changes("karim", status_history=[
        {"status": "duldung", "from": "2020-09-01", "to": "2025-08-31"},
        {"status": status, "from": "2025-09-01", "to": None}], employment=list(jobs))


EARLIER_JOB = {"from": "2023-01-01", "to": "2025-06-30", "hours_per_week": 30, "socially_insured": True}
CURRENT_JOB = {"from": "2025-07-01", "to": "2027-02-15", "hours_per_week": 25, "socially_insured": True}


def test_60d_employment_end_reminds_of_the_employers_notice(engine):
    found = followups(engine, beschaeftigungsduldung(EARLIER_JOB, CURRENT_JOB))
    ends = found[("", "employment_ends_2025-07-01")]
    assert (ends.due, ends.remind_from, ends.remind_days_before) == (D("2027-02-15"), D("2027-01-18"), (28, 7))
    assert ends.citation == "§ 60d Abs. 3 AufenthG"
    assert "binnen 2 Wochen" in ends.text and "widerrufen" in ends.text
    assert ends.basis == "Ende der Beschäftigung (seit 01.07.2025) am 15.02.2027, Beschäftigungsduldung seit 01.09.2025"
    assert ("", "employment_ends_2023-01-01") not in found  # ended before the Beschäftigungsduldung


def test_60d_employment_end_stays_after_the_job_ended_while_the_duldung_is_held(engine):
    ended = {**CURRENT_JOB, "to": "2026-10-30"}
    assert followups(engine, beschaeftigungsduldung(ended))[("", "employment_ends_2025-07-01")].due == D("2026-10-30")


@pytest.mark.parametrize("facts", [
    beschaeftigungsduldung({**CURRENT_JOB, "to": None}),                 # no end recorded (any more)
    beschaeftigungsduldung(CURRENT_JOB, status="duldung"),               # no Beschäftigungsduldung held
    beschaeftigungsduldung(EARLIER_JOB),                                 # the only job ended before it
])
def test_60d_employment_end_goes_with_its_basis(engine, facts):
    assert not [key for key in followups(engine, facts) if key[1].startswith("employment_ends")]


# --- § 60c / § 16g: deadlines to act by under § 193 BGB, 3 months of Duldung -----------------------------------

@pytest.mark.parametrize("entry,deadline,why", [
    ("2025-06-25", "2025-12-29", "25.12.2025 ist ein Feiertag in Sachsen (1. Weihnachtstag)"),  # then 26.12., weekend
    ("2025-04-03", "2025-10-06", "03.10.2025 ist ein Feiertag in Sachsen (Tag der Deutschen Einheit)"),
    ("2025-05-15", "2025-11-17", "15.11.2025 ist ein Samstag"),
    ("2025-05-19", "2025-11-20", "19.11.2025 ist ein Feiertag in Sachsen (Buß- und Bettag)"),
    ("2025-05-12", "2025-11-12", None),                                    # a Wednesday: stays
])
def test_16g_identity_deadline_moves_to_the_next_working_day(engine, entry, deadline, why):
    found = followups(engine, {"entry_date": entry}, D(entry), "section_16g")
    deadline_rule = found[("section_16g", "identity_deadline")]
    assert deadline_rule.due == D(deadline)
    if why:
        assert deadline_rule.basis == (f"Einreisedatum {D(entry):%d.%m.%Y} plus 6 Monate; Fristende "
                                       f"{D(deadline):%d.%m.%Y} ({why}, § 193 BGB)")
    else:
        assert "§ 193" not in deadline_rule.basis


def test_three_months_of_duldung_for_both_training_paths(engine):
    facts = with_changes("dawit", status_history=[
        {"status": "gestattung", "from": "2021-08-16", "to": "2026-09-30"},
        {"status": "duldung", "from": "2026-10-01", "to": None}])
    found = followups(engine, facts)
    assert found[("section_16g", "duldung_3_months")].due == D("2027-01-01")
    assert found[("section_60c", "duldung_3_months")].due == D("2027-01-01")
    assert found[("section_16g", "duldung_3_months")].citation == \
        "§ 16g Abs. 1 S. 1 Nr. 2, Abs. 2 Nr. 2, § 60b Abs. 5 S. 1 AufenthG"


# --- every title: the expiry of the current Aufenthaltserlaubnis ---------------------------------------------------

def permit(*later, to: str | None = "2027-05-29", status: str = "aufenthaltserlaubnis") -> dict:
    return with_changes("amina", status_history=[
        {"status": "duldung", "from": "2016-01-01", "to": "2025-05-31"},
        {"status": status, "from": "2025-06-01", "to": to}, *later])


def test_permit_expiry_once_for_all_paths_and_never_moved(engine):
    """29.05.2027 is a Saturday: the permit's last day, not a deadline § 193 BGB moves."""
    found = followups(engine, permit())
    expires = found[("", "permit_expires")]
    assert (expires.due, expires.remind_from, expires.remind_days_before) == (D("2027-05-29"), D("2027-04-03"),
                                                                             (56, 28))
    assert expires.citation == "§ 81 Abs. 4 AufenthG"
    assert "4 bis 6 Wochen" in expires.text and "Leitfaden, nicht Gesetz" in expires.text
    assert [key for key in found if "permit" in key[1]] == [("", "permit_expires")]  # once, not per path
    assert ("", "permit_expires") not in followups(engine, permit(), workflow="section_25b")


def test_permit_expiry_moves_with_an_extension_and_goes_with_its_basis(engine):
    assert followups(engine, permit(to="2029-05-31"))[("", "permit_expires")].due == D("2029-05-31")
    extended = permit({"status": "aufenthaltserlaubnis", "from": "2026-06-01", "to": "2028-05-31"}, to="2026-05-31")
    assert followups(engine, extended)[("", "permit_expires")].due == D("2028-05-31")
    for gone in (permit(to=None), permit({"status": "duldung", "from": "2026-06-01", "to": None}, to="2026-05-31"),
                 permit(status="chancen_aufenthaltserlaubnis")):
        assert ("", "permit_expires") not in followups(engine, gone)


# --- § 104c holders: the permit's expiry (recorded or estimated) and 30.06.2027, once each -------------------------

def chancen(to: str | None) -> dict:
    return {"status_history": [{"status": "duldung", "from": "2016-01-01", "to": "2025-06-30"},
                               {"status": "chancen_aufenthaltserlaubnis", "from": "2025-07-01", "to": to}]}


def test_chancen_permit_expiry_estimated_until_recorded_under_one_id(engine):
    estimated = followups(engine, chancen(None))
    expires = estimated[("section_25b", "chancen_permit_expires")]
    assert (expires.due, expires.remind_days_before) == (D("2026-12-31"), (56, 28))
    assert expires.basis == ("Beginn Chancen-Aufenthaltserlaubnis (§ 104c) 01.07.2025 plus 18 Monate, minus 1 Tag "
                             "(geschätzt, Ende nicht erfasst)")
    recorded = followups(engine, chancen("2027-01-15"))
    assert recorded[("section_25b", "chancen_permit_expires")].due == D("2027-01-15")
    assert "geschätzt" not in recorded[("section_25b", "chancen_permit_expires")].basis
    for found in (estimated, recorded):
        assert len([f for f in found.values() if "Chancen" in f.text and "läuft" in f.text]) == 1
        assert [f.id for f in found.values() if f.due == D("2027-06-30")] == ["chancen_transition_ends"]


def test_chancen_dates_end_with_the_transition(engine):
    late = {"status_history": [{"status": "duldung", "from": "2016-01-01", "to": "2025-11-30"},
                               {"status": "chancen_aufenthaltserlaubnis", "from": "2025-12-01", "to": None}]}
    assert followups(engine, late, D("2027-06-30"))[("section_25b", "chancen_permit_expires")].due == D("2027-05-31")
    after = followups(engine, late, D("2027-07-01"))
    assert not [key for key in after if key[1].startswith("chancen")]


# --- § 60b Abs. 5 S. 1 AufenthG: the Duldung follow-ups count as the criteria do ------------------------------------
def _with_section_60b_stretch(current: str = "duldung") -> dict:
    """Duldung in the first half of 2025, a § 60b Duldung in the second half, then ``current`` from 2026."""
    return {"status_history": [
        {"status": "gestattung", "from": "2019-01-01", "to": "2024-12-31"},
        {"status": "duldung", "from": "2025-01-01", "to": "2025-06-30"},
        {"status": "duldung_ungeklaerte_identitaet", "from": "2025-07-01", "to": "2025-12-31"},
        {"status": current, "from": "2026-01-01", "to": None},
    ]}


def test_18_months_of_duldung_pause_during_a_section_60b_duldung_as_the_criterion_does(engine):
    """§ 25 Abs. 5 S. 2 with § 60b Abs. 5 S. 1 AufenthG: the § 60b half-year neither counts nor restarts the 18
    months. The reminder names the same day as the criterion's explanation (§ 191 BGB: 540 credited days), not
    18 months from the last Duldung's start (01.07.2027, which the rule gave before)."""
    facts = _with_section_60b_stretch()
    found = followups(engine, facts, on=D("2026-03-01"))[("section_25_5", "duldung_18_months")]
    assert found.due == D("2025-01-01") + dt.timedelta(days=540 + 184)
    assert "§ 60b Abs. 5 S. 1 AufenthG" in found.basis and "184 Tage" in found.basis
    [assessment] = engine.assess(parse_facts(facts, today=D("2026-03-01")), D("2026-03-01"), "section_25_5")
    rule = next(c for c in assessment.criteria if c.id == "discretion_or_rule")
    assert found.due.strftime("%d.%m.%Y") in rule.explanation


def test_no_duldung_reminder_while_the_clock_stands_still_in_a_section_60b_duldung(engine):
    """§ 60b Abs. 4, 5 AufenthG: while the person holds the Duldung for unclarified identity, time completes
    nothing, so no day can be promised."""
    found = followups(engine, _with_section_60b_stretch("duldung_ungeklaerte_identitaet"), on=D("2026-03-01"))
    assert not {key for key in found if key[1] in ("duldung_18_months", "duldung_3_months")}


def test_three_months_of_duldung_count_from_the_earlier_duldung_across_a_section_60b_pause(engine):
    """§ 60c Abs. 2 Nr. 2, § 60b Abs. 5 S. 1 AufenthG: three months were complete in 2025 already."""
    found = followups(engine, _with_section_60b_stretch(), on=D("2026-03-01"))
    assert found[("section_60c", "duldung_3_months")].due == D("2025-04-01")
