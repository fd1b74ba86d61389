"""Each figure of the third quarter of 2026 against the world of ``conftest.py``, counted by hand:

persons seen in Q3: P1, P2, P3 (follow-up only), P4 (on the last day), P6–P10; not P5 (01.10.) → 9.
Consultations in Q3: first P1, P2, P4, P6–P10 = 8; follow-up P1 (01.09.), P3 (20.07.) = 2.
Cases opened in Q3: § 25b C1, C5; § 60c C3; § 25 Abs. 5 C4; § 25a C6 (C2 was opened in June).
Outcomes decided in Q3: § 25b granted C1, refused C2, withdrawn C5; open at the end: § 60c C3 (filed, not
decided), § 25a C6 (decided 05.10.). Days to filing (filed in Q3): C1 10, C3 9, C5 6, C6 7 → median 8, max 10.
Days filing to decision (decided in Q3, granted or refused): C1 52, C2 61 → median 56.5, max 61.
"""
from __future__ import annotations

import datetime as dt

from perspektive.privacy.erasure import erase
from perspektive.statistics import compute, parse_period
from perspektive.statistics.models import CaseOutcome, StatPerson

from .conftest import facts

TODAY = dt.date(2026, 11, 21)


def rows(figures, key):
    return {label: values for label, values in figures.table(key).rows}


def q3(who=None):
    return compute(parse_period("2026Q3", TODAY), who)


def test_consultations_and_persons(world):
    figures = q3()
    assert figures.consultations == {"first": 8, "follow_up": 2, "total": 10, "persons": 9}
    assert rows(figures, "attendees") == {"die Person selbst": [8], "Ehrenamtliche": [1], "Arbeitgeber": [1],
                                          "Sozialarbeit": [1], "medizinischer Dienst": [1]}


def test_one_counsellors_figures(world):
    figures = q3(world["users"]["anna"].id)
    assert figures.consultations == {"first": 2, "follow_up": 2, "total": 4, "persons": 3}
    assert rows(figures, "cases_per_path") == {"§ 25b AufenthG": [1], "§ 60c AufenthG": [1]}
    assert rows(figures, "outcomes_per_path")["§ 25b AufenthG"] == [1, 1, 0, 0, 0]


def test_countries_small_ones_are_others(world):
    figures = q3()
    assert figures.countries == 4
    assert figures.table("countries").rows == [("Eritrea", [5]), ("Sonstige", [4])]


def test_classes_at_first_contact(world):
    figures = q3()
    assert rows(figures, "age") == {"< 14": [1], "14 – < 27": [1], "≥ 27": [7], "unbekannt": [0]}
    assert rows(figures, "gender") == {"weiblich": [1], "männlich": [7], "divers": [1], "unbekannt": [0]}
    assert rows(figures, "duldung_duration") == {"< 3 Jahre": [6], "3 – < 6 Jahre": [0], "6 – < 8 Jahre": [1],
                                                 "≥ 8 Jahre": [1], "keine Duldung": [1]}
    assert rows(figures, "duldung_kind") == {"§ 60a AufenthG": [6], "§ 60b AufenthG": [1], "§ 60c AufenthG": [1],
                                             "§ 60d AufenthG": [0], "keine Duldung": [1]}


def test_paths_outcomes_and_grant_rate(world):
    figures = q3()
    assert rows(figures, "cases_per_path") == {"§ 25a AufenthG": [1], "§ 25b AufenthG": [2],
                                               "§ 60c AufenthG": [1], "§ 25 Abs. 5 AufenthG": [1]}
    # granted, refused, withdrawn, ended otherwise, open
    assert rows(figures, "outcomes_per_path") == {"§ 25a AufenthG": [0, 0, 0, 0, 1],
                                                  "§ 25b AufenthG": [1, 1, 1, 0, 0],
                                                  "§ 60c AufenthG": [0, 0, 0, 0, 1]}
    assert figures.grant_rates == {"§ 25a AufenthG": None, "§ 25b AufenthG": 0.5, "§ 60c AufenthG": None}
    assert rows(figures, "refusal_reasons") == {"Identität/Pass": [1], "Lebensunterhalt": [1], "Sprache": [0],
                                                "Straftaten": [0], "Sonstiges": [0]}


def test_durations(world):
    figures = q3()
    assert (figures.durations["to_filing"].count, figures.durations["to_filing"].median,
            figures.durations["to_filing"].maximum) == (4, 8, 10)
    assert (figures.durations["to_decision"].count, figures.durations["to_decision"].median,
            figures.durations["to_decision"].maximum) == (2, 56.5, 61)


def test_other_periods(world):
    q4 = compute(parse_period("2026Q4", TODAY))
    assert q4.consultations == {"first": 1, "follow_up": 0, "total": 1, "persons": 1}
    assert rows(q4, "outcomes_per_path")["§ 25a AufenthG"] == [1, 0, 0, 0, 0]
    year = compute(parse_period("2026", TODAY))
    assert year.consultations == {"first": 10, "follow_up": 2, "total": 12, "persons": 10}
    since = compute(parse_period("seit:2026-07-20", TODAY))
    # P1's follow-up, P2, P3's follow-up, P4, P6–P10, P5
    assert since.consultations == {"first": 8, "follow_up": 2, "total": 10, "persons": 10}
    days = compute(parse_period("2026-07-10..2026-07-10", TODAY))
    assert days.consultations["persons"] == 1


def test_figures_follow_the_facts(world, clock):
    from perspektive.clients import update_facts

    p4 = world["clients"]["P4"]
    update_facts(p4, facts("ER", "1999-09-30", "female", ("duldung", "2022-01-01", None)), world["users"]["ben"])
    figures = q3()
    assert figures.table("countries").rows == [("Eritrea", [6]), ("Sonstige", [3])]
    assert rows(figures, "gender")["divers"] == [0]
    assert rows(figures, "duldung_duration")["3 – < 6 Jahre"] == [1]


def test_figures_stay_after_erasure(world, administrator):
    before = [q3(), q3(world["users"]["anna"].id), compute(parse_period("2026", TODAY))]
    for name in ("P1", "P3", "P10"):
        client = world["clients"][name]
        erase(client, client.reference, administrator)
    after = [q3(), q3(world["users"]["anna"].id), compute(parse_period("2026", TODAY))]
    assert after == before


def test_an_erased_clients_reused_id_starts_a_new_person(world, administrator, clock):
    from perspektive.clients import records

    last = world["clients"]["P10"]
    erase(last, last.reference, administrator)
    before = q3()
    newcomer = records.create_client(facts("SY", "2001-01-01", "female"), world["users"]["ben"])
    assert q3() == before
    assert StatPerson.select().count() == 11
    assert StatPerson.get(StatPerson.client_id == newcomer.id).country == "SY"
    assert CaseOutcome.select().where(CaseOutcome.case_id.is_null()).count() == 0  # P10 had no case


def test_the_nightly_task_detaches_erased_clients_and_keeps_the_figures(world, administrator):
    from perspektive.statistics.tasks import detach_erased_clients

    before = q3()
    p1 = world["clients"]["P1"]
    erase(p1, p1.reference, administrator)
    assert StatPerson.select().where(StatPerson.client_id == p1.id).count() == 1
    assert detach_erased_clients.call_local() == 1
    assert StatPerson.select().where(StatPerson.client_id == p1.id).count() == 0
    assert CaseOutcome.select().where(CaseOutcome.case_id == world["cases"]["C1"].id).count() == 0
    assert StatPerson.select().where(StatPerson.client_id.is_null()).count() == 1
    assert q3() == before
    assert detach_erased_clients.call_local() == 0


def test_migration_9_fills_the_rows_for_existing_clients(world):
    from perspektive.db import db
    from perspektive.migrations import SchemaMigration, migrate
    from perspektive.statistics.models import TABLES

    before = q3()
    db.drop_tables(list(TABLES))
    SchemaMigration.delete().where(SchemaMigration.version == 9).execute()
    assert migrate() == [9]
    assert StatPerson.select().count() == 10
    # the outcomes were the counsellors' own and are gone with the dropped table: only a case's state comes back
    after = q3()
    assert after.consultations == before.consultations
    assert after.tables[:7] == before.tables[:7]
    assert rows(after, "cases_per_path") == rows(before, "cases_per_path")
    assert CaseOutcome.get(CaseOutcome.case_id == world["cases"]["C1"].id).outcome == "granted"
