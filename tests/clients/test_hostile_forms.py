"""Probe finding 9 on the pages: hostile values typed or pasted into the facts forms, the JSON editor and the import
come back with a German message next to the field (or above the text), status 422, and nothing stored."""
from __future__ import annotations

import pytest

from perspektive.clients.models import Client
from perspektive.law.facts import MAX_LIST_ITEMS, MAX_TEXT_LENGTH
from tests.clients.test_fact_forms import add_client, error_of, fill, page, stored
from tests.conftest import csrf_token


@pytest.mark.parametrize("name, typed, message", [
    ("person.given_name", "Dawit\x00", "Steuerzeichen"),
    ("person.given_name", "\u202eDawit", "Steuerzeichen"),
    ("person.family_name", "Tes\u2067faye", "Steuerzeichen"),
    ("person.address", "x" * (MAX_TEXT_LENGTH + 1), f"höchstens {MAX_TEXT_LENGTH} Zeichen"),
    ("person.date_of_birth", "0", "gültiges Datum"),
])
def test_hostile_text_in_the_person_form_is_named_beside_the_field(logged_in, counsellor, name, typed, message):
    client = add_client(counsellor)
    before = stored(client)
    response = fill(logged_in, page(logged_in.get(f"/clients/{client.id}/facts/person")), {name: typed})
    assert response.status_code == 422
    assert message in error_of(page(response), name)
    assert stored(client) == before


@pytest.mark.parametrize("typed", ["Infinity", "NaN", "1e309", "-1e309"])
def test_infinite_numbers_in_a_form_are_refused_beside_the_field(logged_in, counsellor, typed):
    client = add_client(counsellor)
    form = page(logged_in.get(f"/clients/{client.id}/facts/work"))
    response = fill(logged_in, form, {"livelihood.monthly_means_eur": typed})
    assert response.status_code == 422
    assert "Zahl" in error_of(page(response), "livelihood.monthly_means_eur")


def test_a_huge_integer_in_a_form_is_refused_beside_the_field(logged_in, counsellor):
    client = add_client(counsellor)
    form = page(logged_in.get(f"/clients/{client.id}/facts/convictions"))
    response = fill(logged_in, form, {"convictions.0.date": "01.01.2020",
                                      "convictions.0.fine_daily_rates": "9" * 30})
    assert response.status_code == 422
    assert "zu groß" in error_of(page(response), "convictions.0.fine_daily_rates")
    many = fill(logged_in, form, {"convictions.0.date": "01.01.2020", "convictions.0.fine_daily_rates": "9" * 5000})
    assert many.status_code == 422
    assert "ganze Zahl" in error_of(page(many), "convictions.0.fine_daily_rates")


def test_more_rows_than_the_limit_are_refused_at_the_table(logged_in, counsellor):
    client = add_client(counsellor)
    before = stored(client)
    form = page(logged_in.get(f"/clients/{client.id}/facts/convictions"))
    typed = {"convictions.rows": str(MAX_LIST_ITEMS + 1)}
    typed.update({f"convictions.{i}.date": "01.01.2020" for i in range(MAX_LIST_ITEMS + 1)})
    response = fill(logged_in, form, typed)
    assert response.status_code == 422
    assert f"höchstens {MAX_LIST_ITEMS}" in error_of(page(response), "convictions")
    assert stored(client) == before


@pytest.mark.parametrize("pasted, message", [
    ('{"person": ' + "[" * 100_000 + "]" * 100_000 + "}", "zu tief verschachtelt"),
    ('{"person": {"given_name": "\\ud800"}}', "ungültige Zeichen"),
    ('{"person": {"date_of_birth": 0}}', "kein gültiges Datum"),
    ('{"livelihood": {"monthly_means_eur": Infinity}}', "endliche Zahl"),
    ('{"person": {"given_name": "1' + "0" * 5000 + '"}}', "zu lang"),
    ('{"school": {"successful_years_in_germany": 1' + "0" * 5000 + "}}", "kein gültiges JSON"),
])
def test_hostile_json_pasted_into_the_import_or_the_editor_is_422_with_a_message(logged_in, counsellor, pasted,
                                                                                  message):
    client = add_client(counsellor)
    token = csrf_token(page(logged_in.get("/clients")))
    imported = logged_in.post("/clients", data={"facts_json": pasted, "csrf_token": token})
    assert imported.status_code == 422 and message in page(imported)
    edited = logged_in.post(f"/clients/{client.id}/facts", data={"facts_json": pasted, "csrf_token": token,
                                                                 "revision": "0"})
    assert edited.status_code == 422 and message in page(edited)
    assert Client.select().count() == 1
