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
     "'to' liegt vor 'from'"),
    ({"status_history": [{"status": "duldung", "from": "2020-01-01", "to": None},
                         {"status": "duldung", "from": "2021-01-01", "to": None}]}, "status_history",
     "nur der letzte Zeitraum darf offen sein ('to': null)"),
    ({"status_history": [{"status": "gestattung", "from": "2020-01-01", "to": "2021-06-30"},
                         {"status": "duldung", "from": "2021-06-01", "to": None}]}, "status_history",
     "Zeiträume überschneiden sich (2020-01-01–2021-06-30 und ab 2021-06-01)"),
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
