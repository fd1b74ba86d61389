"""The case-facts contract: valid facts load, invalid facts are refused with the field and the reason."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.facts import FactsError, json_schema, parse_facts
from tests.conftest import demo_facts

TODAY = dt.date(2026, 11, 21)


def errors_of(data) -> dict:
    with pytest.raises(FactsError) as info:
        parse_facts(data, today=TODAY)
    return {e["field"]: e["reason"] for e in info.value.errors}


def test_demo_clients_are_valid_and_round_trip():
    for name in ("amina", "dawit", "karim", "yasmin"):
        facts = parse_facts(demo_facts(name), today=TODAY)
        assert parse_facts(facts.to_json_dict(), today=TODAY) == facts
    assert parse_facts(demo_facts("dawit")).to_json_dict()["status_history"][0]["from"] == "2021-08-16"


def test_unknown_is_not_false():
    facts = parse_facts({"fdgo_declaration": False}, today=TODAY)
    assert facts.fdgo_declaration is False and facts.basic_knowledge_of_order is None


@pytest.mark.parametrize("data,field,reason", [
    ({"person": {"date_of_birth": "12.04.1990"}}, "person.date_of_birth", "kein gültiges Datum (JJJJ-MM-TT)"),
    ({"fdgo_declaration": "vielleicht"}, "fdgo_declaration", "erwartet true oder false"),
    ({"status_history": [{"status": "geduldet", "from": "2020-01-01"}]}, "status_history.0.status",
     "unzulässiger Wert"),
    ({"status_history": [{"status": "duldung", "from": "2020-01-01", "to": "2019-01-01"}]}, "status_history.0",
     "das Ende liegt vor dem Beginn"),
    ({"status_history": [{"status": "duldung", "from": "2020-01-01", "to": None},
                         {"status": "duldung", "from": "2021-01-01", "to": None}]}, "status_history",
     "nur der letzte Zeitraum darf ohne Ende sein"),
    ({"status_history": [{"status": "gestattung", "from": "2020-01-01", "to": "2021-06-30"},
                         {"status": "duldung", "from": "2021-06-01", "to": None}]}, "status_history",
     "Zeiträume überschneiden sich (01.01.2020–30.06.2021 und ab 01.06.2021)"),
    ({"person": {"date_of_birth": "2027-01-01"}}, "person.date_of_birth", "Datum liegt in der Zukunft"),
    ({"entry_date": "2026-11-22"}, "entry_date", "Datum liegt in der Zukunft"),
    ({"status_history": [{"status": "duldung", "from": "2026-12-01"}]}, "status_history.0.from",
     "Datum liegt in der Zukunft"),
    ({"person": {"date_of_birth": "1990-01-01"}, "entry_date": "1989-01-01"}, "entry_date",
     "Einreise liegt vor dem Geburtsdatum"),
    ({"entry_dat": "2019-01-01"}, "entry_dat", "unbekanntes Feld"),
    ({"person": {"nationality": "Syrien"}}, "person.nationality", "unzulässiges Format"),
    ({"german": {"oral": "A3"}}, "german.oral", "unzulässiger Wert"),
    ({"employment": [{"from": "2020-01-01", "hours_per_week": -5}]}, "employment.0.hours_per_week", "Wert zu klein"),
])
def test_invalid_facts_name_field_and_reason(data, field, reason):
    errors = errors_of(data)
    assert field in errors, errors
    assert errors[field].startswith(reason)


def test_future_dates_are_allowed_where_they_make_sense():
    facts = parse_facts({"identity": {"passport_valid_until": "2031-01-01"},
                         "training": {"start_date": "2027-08-01", "end_date": "2030-07-31"}}, today=TODAY)
    assert facts.training.start_date == dt.date(2027, 8, 1)


def test_not_an_object():
    assert errors_of([1, 2]) == {"": "erwartet ein JSON-Objekt"}


def test_status_history_is_kept_in_order():
    facts = parse_facts({"status_history": [{"status": "duldung", "from": "2021-01-01", "to": None},
                                            {"status": "gestattung", "from": "2019-01-01", "to": "2020-12-31"}]},
                        today=TODAY)
    assert [p.status for p in facts.status_history] == ["gestattung", "duldung"]
    assert facts.status_on(dt.date(2030, 1, 1)) == "duldung"


def test_json_schema_uses_the_contract_names():
    schema = json_schema()
    defs = schema["$defs"]
    assert "from" in defs["StatusPeriod"]["properties"] and "to" in defs["StatusPeriod"]["properties"]
    assert set(defs["StatusPeriod"]["properties"]["status"]["enum"]) >= {"duldung", "chancen_aufenthaltserlaubnis"}
    assert schema["additionalProperties"] is False
    for key in ("person", "status_history", "identity", "german", "livelihood", "household", "convictions",
                "training", "departure_impossible", "asylum_rejected_manifestly_unfounded"):
        assert key in schema["properties"]


# --- The facts a letter argues from (issue 14): occupation, employer, school, certificates, voluntary work -------

ACHIEVEMENTS = {
    "training": {"kind": "qualified", "title": "Pflegefachhelfer", "company": "Pflegedienst Elbtal GmbH",
                 "company_place": "Dresden", "start_date": "2025-09-01"},
    "employment": [{"from": "2024-02-01", "to": None, "hours_per_week": 10, "employer": "Bäckerei Schmidt",
                    "employer_place": "Pirna", "occupation": "Verkaufshilfe"}],
    "school": {"name": "Oberschule Dresden-Cotta", "place": "Dresden", "from_year": 2019, "to_year": 2022,
               "successful_years_in_germany": 3},
    "certificates": [{"kind": "language_certificate", "name": "telc Deutsch B1", "level": "B1",
                      "date": "2026-03-12", "issuer": "telc gGmbH"},
                     {"kind": "life_in_germany_test", "date": "2025-06-20"}],
    "voluntary_work": [{"organisation": "Tafel Dresden e. V.", "activity": "Lebensmittelausgabe",
                        "from": "2024-05-01", "hours_per_week": 3}],
}


def test_new_facts_load_round_trip_and_keep_the_contract_names():
    facts = parse_facts(ACHIEVEMENTS, today=TODAY)
    assert facts.training.title == "Pflegefachhelfer" and facts.training.company_place == "Dresden"
    assert facts.employment[0].employer == "Bäckerei Schmidt" and facts.employment[0].occupation == "Verkaufshilfe"
    assert facts.school.name == "Oberschule Dresden-Cotta" and facts.school.to_year == 2022
    assert facts.certificates[0].level == "B1" and facts.certificates[0].date == dt.date(2026, 3, 12)
    assert facts.voluntary_work[0].from_ == dt.date(2024, 5, 1) and facts.voluntary_work[0].to is None
    data = facts.to_json_dict()
    assert data["voluntary_work"][0]["from"] == "2024-05-01"  # the contract's name, not from_
    assert parse_facts(data, today=TODAY) == facts
    schema = json_schema()
    assert {"certificates", "voluntary_work"} <= set(schema["properties"])
    assert {"title", "company", "company_place"} <= set(schema["$defs"]["Training"]["properties"])
    assert {"employer", "employer_place", "occupation"} <= set(schema["$defs"]["Employment"]["properties"])
    assert "from" in schema["$defs"]["VoluntaryWork"]["properties"]


@pytest.mark.parametrize("data,field,reason", [
    ({"certificates": [{"kind": "telc", "name": "telc Deutsch B1"}]}, "certificates.0.kind", "unzulässiger Wert"),
    ({"certificates": [{"kind": "language_certificate", "level": "B3"}]}, "certificates.0.level",
     "unzulässiger Wert"),
    ({"certificates": [{"kind": "language_certificate", "date": "2026-11-22"}]}, "certificates.0.date",
     "Datum liegt in der Zukunft"),
    ({"certificates": [{"name": "telc Deutsch B1"}]}, "certificates.0.kind", "Pflichtangabe fehlt"),
    ({"voluntary_work": [{"activity": "Ausgabe"}]}, "voluntary_work.0.organisation", "Pflichtangabe fehlt"),
    ({"voluntary_work": [{"organisation": "Tafel", "from": "2025-01-01", "to": "2024-01-01"}]},
     "voluntary_work.0", "das Ende liegt vor dem Beginn"),
    ({"voluntary_work": [{"organisation": "Tafel", "from": "2027-01-01"}]}, "voluntary_work.0.from",
     "Datum liegt in der Zukunft"),
    ({"voluntary_work": [{"organisation": "Tafel", "hours_per_week": 0}]}, "voluntary_work.0.hours_per_week",
     "Wert zu klein"),
    ({"school": {"from_year": 2022, "to_year": 2019}}, "school", "das Endjahr liegt vor dem Anfangsjahr"),
    ({"school": {"from_year": 1850}}, "school.from_year", "Wert zu klein"),
    ({"training": {"title": "x" * 301}}, "training.title", "zu lang"),
    ({"employment": [{"from": "2020-01-01", "employer": "A\u202eB"}]}, "employment.0.employer",
     "enthält Steuerzeichen"),
    ({"training": {"company_name": "Y GmbH"}}, "training.company_name", "unbekanntes Feld"),
])
def test_invalid_new_facts_name_field_and_reason(data, field, reason):
    errors = errors_of(data)
    assert field in errors, errors
    assert errors[field].startswith(reason)
