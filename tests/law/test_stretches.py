"""Stretches of time read one way (issue 16, errors 3 and 5): § 60b Abs. 5 S. 1 AufenthG pauses the clock of every
period-based criterion, and a period with uncredited days ends by § 191 BGB (a year of 365, a month of 30 days),
a contiguous one by the calendar (§§ 187 Abs. 2, 188 Abs. 2 BGB)."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import parse_facts
from perspektive.law.stretches import SECTION_60B_STATUSES, Stretch, stretch_until
from tests.common.workflow_cases import TODAY, D, assess_on, criterion


def periods(*rows):
    facts = parse_facts({"status_history": [{"status": s, "from": f, "to": t} for s, f, t in rows]}, today=TODAY)
    return facts.status_history


DULDUNG = ["duldung", "ausbildungsduldung", "beschaeftigungsduldung"]


def test_a_contiguous_period_runs_by_the_calendar():
    """§ 188 Abs. 2 BGB: six years from 01.03.2020 are reached on 01.03.2026, leap days included."""
    assert Stretch(D("2020-03-01"), 0, 0, False).reached(years=6) == D("2026-03-01")
    assert Stretch(D("2025-05-21"), 0, 0, False).reached(months=18) == D("2026-11-21")


def test_a_non_contiguous_period_counts_365_days_a_year_and_30_a_month():
    """§ 191 BGB: with 366 uncredited days, six years need 2190 credited days; the calendar shift (the old way)
    would add the two leap days 29.02.2020 and 29.02.2024 and end a day later."""
    stretch = Stretch(D("2019-11-21"), 366, 0, False)
    assert stretch.reached(years=6) == D("2026-11-20")
    assert Stretch(D("2025-10-01"), 122, 0, False).reached(months=12) == D("2027-01-26")
    assert "§ 191 BGB" in stretch.rule() and "§§ 187, 188 BGB" in Stretch(D("2020-01-01"), 0, 0, False).rule()


def test_60b_time_in_between_pauses_the_clock():
    history = periods(("duldung", "2024-01-01", "2024-12-31"), ("duldung_ungeklaerte_identitaet", "2025-01-01",
                                                                 "2025-06-30"), ("duldung", "2025-07-01", None))
    stretch = stretch_until(history, TODAY, statuses=DULDUNG, uncredited_statuses=SECTION_60B_STATUSES)
    assert (stretch.start, stretch.uncredited_days, stretch.paused) == (D("2024-01-01"), 181, False)
    assert stretch.reached(months=18) == D("2025-12-22")


def test_60b_time_before_the_first_credited_day_is_outside_the_period():
    """The period starts with the first credited day and runs by the calendar from there."""
    history = periods(("duldung_ungeklaerte_identitaet", "2016-09-01", "2026-05-31"), ("duldung", "2026-06-01", None))
    stretch = stretch_until(history, TODAY, statuses=DULDUNG, uncredited_statuses=SECTION_60B_STATUSES)
    assert (stretch.start, stretch.contiguous, stretch.all_uncredited_days) == (D("2026-06-01"), True, 3560)
    assert stretch.reached(months=12) == D("2027-06-01")


def test_a_current_60b_duldung_stands_the_clock_still():
    history = periods(("duldung", "2024-01-01", "2024-12-31"), ("duldung_ungeklaerte_identitaet", "2025-01-01", None))
    stretch = stretch_until(history, TODAY, statuses=DULDUNG, uncredited_statuses=SECTION_60B_STATUSES)
    assert stretch.paused and stretch.credited_days(TODAY) == 366


def test_a_workflow_that_counts_60b_time_itself_gets_it_counted():
    """§ 104c a. F. (Abs. 1 S. 3) and § 104c holders (§ 25a Abs. 5, § 25b Abs. 7) count § 60b time: a status the
    workflow lists as counting, or credited on the day, is never uncredited."""
    history = periods(("duldung", "2024-01-01", "2024-12-31"), ("duldung_ungeklaerte_identitaet", "2025-01-01", None))
    listed = stretch_until(history, TODAY, statuses=[*DULDUNG, "duldung_ungeklaerte_identitaet"],
                           uncredited_statuses=SECTION_60B_STATUSES)
    credited = stretch_until(history, TODAY, statuses=DULDUNG, uncredited_statuses=SECTION_60B_STATUSES,
                             credit_all=True)
    assert listed.contiguous and credited.contiguous and not listed.paused


# --- every workflow reads § 60b time the same way ---------------------------------------------------------------
PAUSED = [{"status": "gestattung", "from": "2016-09-01", "to": "2023-12-31"},
          {"status": "duldung", "from": "2024-01-01", "to": "2024-12-31"},
          {"status": "duldung_ungeklaerte_identitaet", "from": "2025-01-01", "to": "2025-06-30"},
          {"status": "duldung", "from": "2025-07-01", "to": None}]


def test_section_25_5_treats_60b_time_as_a_pause_not_an_interruption(engine):
    """§ 25 Abs. 5 S. 2 AufenthG read the § 60b time as breaking the 18 months, §§ 25a, 25b, 60d as pausing them
    (issue 16, error 3). Now all pause: the Duldung before the § 60b time counts, and the "soll" applies."""
    facts = {"status_history": PAUSED, "entry_date": "2016-09-01", "own_identity_deception": False,
             "obstructs_removal": False,
             "departure_impossible": {"impossible": True, "end_foreseeable": False, "own_fault": False}}
    rule = criterion(assess_on(engine, "section_25_5", facts, TODAY), "discretion_or_rule")
    assert rule.met and not rule.discretionary, rule.explanation
    assert "18 Monate erreicht am 22.12.2025" in rule.explanation and "nicht angerechnet: 181 Tage" in rule.explanation
    assert "§ 60b Abs. 5 S. 1" in rule.explanation


@pytest.mark.parametrize("workflow,ident", [("section_25_5", "discretion_or_rule"), ("section_25a", "status"),
                                            ("section_60d", "duldung_12_months"), ("section_25b", "residence")])
def test_every_period_criterion_names_the_same_181_paused_days(engine, workflow, ident):
    result = criterion(assess_on(engine, workflow, {"status_history": PAUSED}, TODAY), ident)
    assert "nicht angerechnet: 181 Tage" in result.explanation, result.explanation


def test_a_period_complete_before_a_later_pause_runs_by_the_calendar():
    """§§ 187, 188 BGB: three months of Duldung from 01.01.2025 are complete on 31.03.2025, whatever § 60b time
    follows later (it cannot reach back); § 191 BGB only counts a period that the pause actually splits."""
    history = parse_facts({"status_history": [
        {"status": "duldung", "from": "2025-01-01", "to": "2025-02-14"},
        {"status": "ausbildungsduldung", "from": "2025-02-15", "to": "2025-06-30"},
        {"status": "duldung_ungeklaerte_identitaet", "from": "2025-07-01", "to": "2025-12-31"},
        {"status": "duldung", "from": "2026-01-01", "to": None},
    ]}).status_history
    stretch = stretch_until(history, D("2026-03-01"), statuses=["duldung", "ausbildungsduldung"],
                            uncredited_statuses=SECTION_60B_STATUSES)
    assert stretch.reached(months=3) == D("2025-04-01")
    # 18 months need the time after the pause: 181 days before it, 359 after it (§ 191 BGB, 540 days)
    assert stretch.reached(months=18) == D("2026-01-01") + dt.timedelta(days=540 - 181)
