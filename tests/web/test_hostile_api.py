"""Probe finding 9, malformed input on the JSON API and the pages: every hostile value gets a clear 4xx naming the
field (JSON) or a message (page), never a 500, and nothing of it is stored."""
from __future__ import annotations

import json

import pytest

from perspektive.accounts.users import issue_api_token
from perspektive.clients.models import Client
from perspektive.db import db
from perspektive.law.facts import MAX_LIST_ITEMS, MAX_TEXT_LENGTH
from tests.conftest import demo_facts

TOO_BIG = 2 ** 63  # one more than the largest id either engine stores


@pytest.fixture
def api(http, counsellor):
    headers = {"Authorization": f"Bearer {issue_api_token(counsellor)}", "Content-Type": "application/json"}

    def call(method: str, path: str, raw: str | None = None, **extra):
        return http.open("/api/v1" + path, method=method, data=raw, headers={**headers, **extra})
    return call


def errors_of(response) -> dict[str, str]:
    return {error["field"]: error["reason"] for error in response.get_json()["errors"]}


def stored_clients() -> int:
    with db.connection_context():
        return Client.select().count()


def with_person(**person) -> str:
    facts = demo_facts("dawit")
    facts["person"] = {**facts["person"], **person}
    return json.dumps({"facts": facts})


def test_deeply_nested_json_is_400_not_a_recursion_error(api):
    for body in ('{"facts": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 '{"facts": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"):
        response = api("POST", "/clients", body)
        assert response.status_code == 400
        assert "verschachtelt" in errors_of(response)[""]
    assert stored_clients() == 0


def test_nesting_that_python_can_parse_is_still_refused_by_its_depth(api):
    body = '{"facts": {"person": ' + '{"a": ' * 300 + "1" + "}" * 300 + "}}"
    response = api("POST", "/clients", body)
    assert response.status_code == 400 and "verschachtelt" in errors_of(response)[""]


@pytest.mark.parametrize("value, field, reason", [
    ('"\\ud800"', "person.given_name", "ungültige Zeichen"),
    ('"Dawit\\u0000"', "person.given_name", "Steuerzeichen"),
    ('"\\u202eTesfaye"', "person.given_name", "Steuerzeichen"),
    ('"Tes\\u2066faye"', "person.given_name", "Steuerzeichen"),
    ('"' + "x" * (MAX_TEXT_LENGTH + 1) + '"', "person.given_name", "zu lang"),
    ("0", "person.date_of_birth", "kein gültiges Datum"),
    ("19961130", "person.date_of_birth", "kein gültiges Datum"),
    ("true", "person.date_of_birth", "kein gültiges Datum"),
])
def test_hostile_values_in_the_person_are_422_naming_the_field(api, value, field, reason):
    key = field.split(".")[1]
    facts = demo_facts("dawit")
    text = json.dumps({"facts": facts}).replace(f'"{key}": ', f'"{key}": {value}, "_was": ', 1)
    text = text.replace(', "_was": ' + json.dumps(facts["person"][key]), "", 1)
    response = api("POST", "/clients", text)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert reason in errors_of(response)[field]
    assert stored_clients() == 0


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e309", "-1e309"])
def test_infinity_nan_and_overflowing_numbers_are_422_naming_the_field(api, number):
    facts = demo_facts("dawit")
    facts["livelihood"]["monthly_means_eur"] = 0
    text = json.dumps({"facts": facts}).replace('"monthly_means_eur": 0', f'"monthly_means_eur": {number}')
    response = api("POST", "/clients", text)
    assert response.status_code == 422
    assert "livelihood.monthly_means_eur" in errors_of(response)
    assert stored_clients() == 0


def test_ten_thousand_convictions_are_refused_with_the_limit(api):
    facts = demo_facts("dawit")
    facts["convictions"] = [{"date": "2020-01-01", "fine_daily_rates": 10}] * 10_000
    response = api("POST", "/clients", json.dumps({"facts": facts}))
    assert response.status_code == 422
    assert f"höchstens {MAX_LIST_ITEMS}" in errors_of(response)["convictions"]
    assert stored_clients() == 0


def test_an_oversized_body_is_413(api):
    facts = demo_facts("dawit")
    facts["person"]["address"] = "x" * 2_001_000  # over 2 MB as the answer counts them (not 2 MiB)
    response = api("POST", "/clients", json.dumps({"facts": facts}))
    assert response.status_code == 413
    assert "höchstens 2 MB" in response.get_data(as_text=True)
    assert stored_clients() == 0


@pytest.mark.parametrize("path", [f"/clients/{TOO_BIG}", f"/clients/{TOO_BIG}/followups",
                                  f"/clients/{10 ** 30}", "/clients/-1"])
def test_ids_beyond_64_bits_in_urls_are_404(api, path):
    response = api("GET", path)
    assert response.status_code == 404


def test_ids_beyond_64_bits_in_json_are_422_naming_the_field(api):
    for client_id in (TOO_BIG, -TOO_BIG - 1, 10 ** 30):
        body = json.dumps({"workflow": "section_25b", "letter": "antrag", "client_id": client_id})
        response = api("POST", "/letters", body)
        assert response.status_code == 422
        assert "client_id" in errors_of(response)


def test_a_put_with_a_huge_if_match_is_stale_not_a_crash(api):
    created = api("POST", "/clients", json.dumps({"facts": demo_facts("dawit")})).get_json()["id"]
    response = api("PUT", f"/clients/{created}/facts", json.dumps({"facts": demo_facts("dawit")}),
                   **{"If-Match": f'"{TOO_BIG}"'})
    assert response.status_code == 412


@pytest.mark.parametrize("path", [f"/clients/{TOO_BIG}", f"/clients/{TOO_BIG}/facts",
                                  f"/clients/{TOO_BIG}/facts/person", f"/clients/{TOO_BIG}/cases/1",
                                  f"/clients/1/cases/{TOO_BIG}"])
def test_ids_beyond_64_bits_on_pages_are_404(logged_in, path):
    assert logged_in.get(path).status_code == 404


@pytest.mark.parametrize("path, data, field", [
    ("/login", {"username": "berat\x00erin", "password": "x"}, "username"),
    ("/clients/search", {"q": "Da\x00wit"}, "q"),
])
def test_a_nul_in_any_other_form_is_400_naming_the_field(logged_in, path, data, field):
    """PostgreSQL's driver refuses a NUL in any text: the sign-in was a 500 there."""
    from tests.conftest import csrf_token

    token = csrf_token(logged_in.get("/clients").get_data(as_text=True))
    response = logged_in.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 400
    assert f"Das Feld „{field}“ enthält ein unzulässiges Zeichen (NUL)" in response.get_data(as_text=True)


def test_a_nul_in_a_query_is_400_naming_the_parameter(logged_in):
    response = logged_in.get("/clients?q=a%00b")
    assert response.status_code == 400 and "„q“" in response.get_data(as_text=True)
