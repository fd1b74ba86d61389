"""A hand-counted world for the figures: two counsellors, ten persons, eleven consultations and six cases around
the third quarter of 2026 (01.07.–30.09.2026). ``tests/statistics/test_figures.py`` lists what it counts to."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.clients import consultations, open_case, records
from perspektive.clients.models import Case
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from perspektive.statistics import record_outcome


class Clock:
    """Today in Germany, moved by the fixture as the story goes on."""

    def __init__(self):
        self.day = dt.date(2026, 6, 1)

    def __call__(self):
        return dt.datetime.combine(self.day, dt.time(10, 0), tzinfo=GERMANY)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", clock)
    return clock


def facts(nationality, born, gender, *periods, name="Test"):
    return parse_facts({
        "person": {"given_name": name, "family_name": "Person", "date_of_birth": born, "gender": gender,
                   "nationality": nationality},
        "entry_date": max(born, "2014-01-01"),
        "status_history": [{"status": s, "from": f, "to": t} for s, f, t in periods]})


# name: (counsellor, facts, consultations as (day, kind, attendees))
PEOPLE = {
    "P1": ("anna", ("SY", "2000-05-01", "female", ("duldung", "2020-01-01", None)),
           [("2026-07-10", "first", ["person", "volunteer"]), ("2026-09-01", "follow_up", ["person"])]),
    "P2": ("anna", ("SY", "2015-01-01", "male", ("ausbildungsduldung", "2025-01-01", None)),
           [("2026-08-01", "first", ["person", "social_work"])]),
    "P3": ("anna", ("AF", "1980-01-01", "male", ("duldung_ungeklaerte_identitaet", "2016-01-01", None)),
           [("2026-06-15", "first", ["person"]), ("2026-07-20", "follow_up", ["employer"])]),
    "P4": ("ben", ("IR", "1999-09-30", "diverse"), [("2026-09-30", "first", ["medical_service"])]),
    "P5": ("ben", ("SY", "1990-03-03", "female", ("duldung", "2019-01-01", None)),
           [("2026-10-01", "first", ["person"])]),
    **{f"P{n}": ("ben", ("ER", "1995-01-01", "male", ("duldung", "2024-01-01", None)),
                 [("2026-08-15", "first", ["person"])]) for n in range(6, 11)},
}


@pytest.fixture
def world(dbconn, make_user, clock, engine):
    users = {"anna": make_user("anna"), "ben": make_user("ben")}
    provisions = engine.provisions()
    clients = {}
    for name, (who, (nationality, born, gender, *periods), held) in PEOPLE.items():
        clock.day = dt.date(2026, 6, 1)
        clients[name] = records.create_client(facts(nationality, born, gender, *periods, name=name), users[who])
        for day, kind, attendees in held:
            clock.day = dt.date.fromisoformat(day)
            consultations.record(clients[name], users[who], held_on=day, kind=kind, duration_minutes="45",
                                 attendees=attendees)

    def case(name, path, opened, outcome=None, **form):
        clock.day = dt.date.fromisoformat(opened)
        case = open_case(clients[name], path, users[PEOPLE[name][0]])
        if outcome:
            clock.day = dt.date(2026, 11, 21)
            record_outcome(Case.get_by_id(case.id), {"outcome": outcome, **form}, users[PEOPLE[name][0]],
                           provisions)
        return case

    cases = {
        "C1": case("P1", "section_25b", "2026-07-15", "granted", filed_on="20.07.2026", decided_on="10.09.2026",
                   permit_provision="section_25b", permit_valid_until="09.09.2028"),
        "C2": case("P3", "section_25b", "2026-06-20", "refused", filed_on="25.06.2026", decided_on="25.08.2026",
                   reasons=["identity", "livelihood"]),
        "C3": case("P2", "section_60c", "2026-08-05", "open", filed_on="10.08.2026"),
        "C4": case("P4", "section_25_5", "2026-09-30"),
        "C5": case("P6", "section_25b", "2026-08-20", "withdrawn", filed_on="21.08.2026",
                   decided_on="20.09.2026"),
        "C6": case("P7", "section_25a", "2026-08-20", "granted", filed_on="22.08.2026", decided_on="05.10.2026",
                   permit_provision="section_25a", permit_valid_until="04.10.2029"),
    }
    clock.day = dt.date(2026, 11, 21)
    return {"users": users, "clients": clients, "cases": cases}
