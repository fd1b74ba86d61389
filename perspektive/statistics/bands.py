"""The coarse classes a person is counted in, computed from the facts at the first contact. Pure functions: the
facts go in, a class name comes out, and only the class is stored (``models.StatPerson``)."""
from __future__ import annotations

import datetime as dt

# A Duldung of any kind counts towards the duration; the kind is the one held on the day of the first contact.
DULDUNG_KIND_OF_STATUS = {"duldung": "60a", "duldung_ungeklaerte_identitaet": "60b",
                          "ausbildungsduldung": "60c", "beschaeftigungsduldung": "60d"}


def full_years(born: dt.date, on: dt.date) -> int:
    """Completed years of life on ``on`` (a person born on 29 February turns a year older on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: dt.date | None, on: dt.date) -> str:
    if born is None or born > on:
        return "unknown"
    years = full_years(born, on)
    return "under_14" if years < 14 else "14_to_27" if years < 27 else "27_plus"


def duldung_days(periods, on: dt.date) -> int:
    """Days spent with a Duldung of any kind up to and including ``on`` (an open period runs until ``on``)."""
    total = 0
    for period in periods:
        if period.status not in DULDUNG_KIND_OF_STATUS or period.from_ > on:
            continue
        end = min(period.to or on, on)
        total += (end - period.from_).days + 1
    return total


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def duldung_class(periods, on: dt.date) -> str:
    """``none`` without a Duldung; else the class of its total length: < 3, 3–< 6, 6–< 8, ≥ 8 years, counted in
    calendar years back from ``on`` (so that 3 years are 3 years in leap years too)."""
    days = duldung_days(periods, on)
    if days == 0:
        return "none"
    for years, below in ((3, "under_3"), (6, "3_to_6"), (8, "6_to_8")):
        if days < (on - _years_before(on, years)).days:
            return below
    return "8_plus"


def duldung_kind(periods, on: dt.date) -> str:
    """The kind of Duldung held on ``on`` (§ 60a, § 60b, § 60c, § 60d), or ``none``."""
    for period in periods:
        if period.from_ <= on and (period.to is None or on <= period.to):
            return DULDUNG_KIND_OF_STATUS.get(period.status, "none")
    return "none"


def classes(facts, on: dt.date) -> dict[str, str]:
    """Every class of the person at the first contact ``on``, as ``StatPerson`` columns."""
    person, periods = facts.person, facts.status_history or []
    return {"country": person.nationality or "unknown", "age_band": age_band(person.date_of_birth, on),
            "gender": person.gender or "unknown", "duldung_class": duldung_class(periods, on),
            "duldung_kind": duldung_kind(periods, on)}
