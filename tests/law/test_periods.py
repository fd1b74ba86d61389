"""Deadline arithmetic: §§ 187, 188 BGB for periods, § 193 BGB with the public holidays of Saxony."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perspektive.law.holidays import easter_sunday, saxon_public_holidays
from perspektive.law.periods import (
    add_months,
    birthday,
    describe_deadline,
    last_day_to_act,
    non_working_reason,
    period_end,
    reached_on,
)

D = dt.date.fromisoformat


@pytest.mark.parametrize("year,easter", [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"),
                                         (2027, "2027-03-28"), (2038, "2038-04-25"), (2285, "2285-03-22")])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == D(easter)


def test_saxon_holidays_2026():
    holidays = {day.isoformat(): name for day, name in saxon_public_holidays(2026).items()}
    assert holidays == {
        "2026-01-01": "Neujahr", "2026-04-03": "Karfreitag", "2026-04-06": "Ostermontag",
        "2026-05-01": "Tag der Arbeit", "2026-05-14": "Christi Himmelfahrt", "2026-05-25": "Pfingstmontag",
        "2026-10-03": "Tag der Deutschen Einheit", "2026-10-31": "Reformationstag",
        "2026-11-18": "Buß- und Bettag", "2026-12-25": "1. Weihnachtstag", "2026-12-26": "2. Weihnachtstag",
    }


@pytest.mark.parametrize("year,day", [(2023, "2023-11-22"), (2024, "2024-11-20"), (2025, "2025-11-19"),
                                      (2027, "2027-11-17"), (2028, "2028-11-22")])
def test_repentance_day_is_the_wednesday_before_23_november(year, day):
    assert saxon_public_holidays(year)[D(day)] == "Buß- und Bettag"


def test_fronleichnam_does_not_move_a_deadline():
    """Corpus Christi is a holiday only in some Sorbian municipalities, not in Dresden (04.06.2026 is a Thursday)."""
    assert last_day_to_act(D("2026-06-04")) == D("2026-06-04")


DEADLINES = [
    ("a working day stays", "2026-11-20", "2026-11-20"),
    ("Saturday moves to Monday", "2026-11-21", "2026-11-23"),
    ("Sunday moves to Monday", "2026-11-22", "2026-11-23"),
    ("Buß- und Bettag (Saxony only) moves to Thursday", "2026-11-18", "2026-11-19"),
    ("Reformationstag on a Saturday moves to Monday", "2026-10-31", "2026-11-02"),
    ("Good Friday moves past Easter Monday", "2027-03-26", "2027-03-30"),
    ("Christmas Day on a Friday moves past the weekend", "2026-12-25", "2026-12-28"),
    ("New Year's Eve is a working day", "2026-12-31", "2026-12-31"),
]


@pytest.mark.parametrize("name,deadline,last", DEADLINES, ids=[d[0] for d in DEADLINES])
def test_section_193_bgb(name, deadline, last):
    assert last_day_to_act(D(deadline)) == D(last)


def test_moved_deadline_explains_itself():
    assert describe_deadline(D("2026-11-18")) == \
        "19.11.2026 (18.11.2026 ist ein Feiertag in Sachsen (Buß- und Bettag), § 193 BGB)"
    assert describe_deadline(D("2026-11-21")) == "23.11.2026 (21.11.2026 ist ein Samstag, § 193 BGB)"
    assert describe_deadline(D("2026-11-20")) == "20.11.2026"


@pytest.mark.parametrize("event,months,end", [
    ("2020-01-15", 6, "2020-07-15"),   # § 188 Abs. 2 BGB: the day with the same number
    ("2020-08-31", 6, "2021-02-28"),   # § 188 Abs. 3 BGB: February has no 31st
    ("2023-08-31", 6, "2024-02-29"),   # ... in a leap year the 29th
    ("2023-05-18", 6, "2023-11-18"),
])
def test_period_after_an_event_ends_on_the_matching_day(event, months, end):
    assert period_end(D(event), months=months) == D(end)


@pytest.mark.parametrize("start,years,months,reached", [
    ("2020-03-01", 6, 0, "2026-03-01"),   # begins with the day: complete at the end of 28.02.2026
    ("2024-02-29", 1, 0, "2025-03-01"),   # no 29.02.2025: the period ends with 28.02.2025
    ("2025-08-31", 0, 6, "2026-03-01"),
])
def test_period_from_the_start_of_a_day(start, years, months, reached):
    assert reached_on(D(start), years=years, months=months) == D(reached)


def test_a_person_born_on_29_february_comes_of_age_on_1_march():
    assert birthday(D("2008-02-29"), 18) == D("2026-03-01")


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_last_day_to_act_is_the_next_working_day(day):
    last = last_day_to_act(day)
    assert last >= day and non_working_reason(last) is None
    assert all(non_working_reason(day + dt.timedelta(days=n)) for n in range((last - day).days))


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(-120, 120))
def test_adding_months_moves_by_whole_months(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) in (months, months + 1)
