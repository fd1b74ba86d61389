"""``/api/v1/openapi.json``: every API route is described, every example validates against its schema, and what
the API really answers validates too; the reading endpoints for an office's other tools (clients, cases,
consultations, follow-ups) page, and show only the caller's clients."""
from __future__ import annotations

import datetime as dt
import re

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from perspektive.accounts.users import issue_api_token
from perspektive.clients import cases, records
from perspektive.clients.consultations import record as record_consultation
from perspektive.db import db
from perspektive.law.facts import parse_facts
from tests.conftest import demo_facts
from tests.web.test_api import Api


@pytest.fixture
def spec(http):
    answer = http.get("/api/v1/openapi.json")  # no sign-in: the description holds no data
    assert answer.status_code == 200
    return answer.get_json()


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """RFC 3339 as Python reads it (jsonschema checks "date-time" only with an extra package installed)."""
    return not isinstance(value, str) or bool(dt.datetime.fromisoformat(value))


def validator(spec: dict, ref: dict):
    """A validator for one schema of the document, with its ``#/components/...`` references resolved."""
    registry = Registry().with_resource("urn:spec", Resource(contents=spec, specification=DRAFT202012))
    schema = {"$ref": "urn:spec" + ref["$ref"]} if "$ref" in ref else ref
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=FORMATS)


def answer_schema(spec: dict, path: str, method: str, status: int) -> dict:
    return spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def test_every_api_route_is_described(app, spec):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(method, path) for path, operations in spec["paths"].items() for method in operations}
    assert routes, "the API has routes"
    assert routes - described == set()
    assert described - routes == set()


def test_every_example_validates_against_its_schema(spec):
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            parts = [operation.get("requestBody", {})] + list(operation["responses"].values())
            for part in parts:
                for media in part.get("content", {}).values():
                    if "example" in media:
                        validator(spec, media["schema"]).validate(media["example"])
                        checked += 1
    assert checked >= 20


def test_a_wrong_example_would_be_caught(spec):
    """The check can fail: an answer missing a required field, or a date that is none, is refused."""
    schema = answer_schema(spec, "/clients", "get", 200)
    example = spec["paths"]["/clients"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    broken = {**example, "clients": [{**example["clients"][0], "updated_at": "gestern"}]}
    with pytest.raises(jsonschema.ValidationError):
        validator(spec, schema).validate(broken)
    with pytest.raises(jsonschema.ValidationError):
        validator(spec, schema).validate({k: v for k, v in example.items() if k != "total"})


@pytest.fixture
def office(dbconn, counsellor, make_user):
    """The caller's three clients (one with a case and a consultation) and a colleague's client."""
    mine = [records.create_client(parse_facts(demo_facts(name)), counsellor) for name in ("amina", "dawit", "yasmin")]
    cases.open_case(mine[0], "section_25b", counsellor)
    record_consultation(mine[0], counsellor, held_on="01.12.2026", kind="first", duration_minutes="45",
                        attendees=["person", "volunteer"])
    colleague = make_user("kollege")
    theirs = records.create_client(parse_facts(demo_facts("karim")), colleague)
    db.close()
    return mine, theirs


def test_real_answers_validate_and_show_only_the_callers_clients(http, spec, counsellor, office):
    mine, theirs = office
    api = Api(http, issue_api_token(counsellor))
    calls = [("/clients", "get", "/clients"), ("/clients?page=2&per_page=2", "get", "/clients"),
             (f"/clients/{mine[0].id}", "get", "/clients/{client_id}"),
             (f"/clients/{mine[0].id}/cases", "get", "/clients/{client_id}/cases"),
             (f"/clients/{mine[0].id}/consultations", "get", "/clients/{client_id}/consultations"),
             (f"/clients/{mine[2].id}/followups", "get", "/clients/{client_id}/followups"),
             ("/followups", "get", "/followups")]
    answers = {}
    for url, method, path in calls:
        answer = api.get(url)
        assert answer.status_code == 200, (url, answer.get_data(as_text=True))
        validator(spec, answer_schema(spec, path, method, 200)).validate(answer.get_json())
        answers[url] = answer.get_json()
    first = answers["/clients"]
    assert first["total"] == 3
    assert {c["id"] for c in first["clients"]} == {c.id for c in mine}
    assert [c["open_cases"] for c in first["clients"] if c["id"] == mine[0].id] == [1]
    second = answers["/clients?page=2&per_page=2"]
    assert len(second["clients"]) == 1 and second["page"] == 2
    assert answers[f"/clients/{mine[0].id}/cases"]["cases"][0]["workflow"] == "section_25b"
    held = answers[f"/clients/{mine[0].id}/consultations"]["consultations"][0]
    assert (held["held_on"], held["attendees"]) == ("2026-12-01", ["person", "volunteer"])
    followups = answers["/followups"]["followups"]
    assert followups and {f["client_id"] for f in followups} <= {c.id for c in mine}
    # Nothing of the colleague's client, not even through its id.
    for url in (f"/clients/{theirs.id}/cases", f"/clients/{theirs.id}/consultations"):
        refused = api.get(url)
        assert refused.status_code == 404
        validator(spec, answer_schema(spec, "/clients/{client_id}/cases", "get", 404)).validate(refused.get_json())


def test_errors_validate_against_the_error_schemas(http, spec, counsellor):
    api = Api(http, issue_api_token(counsellor))
    bad = api.get("/clients?per_page=5000")
    assert bad.status_code == 422
    validator(spec, answer_schema(spec, "/clients", "get", 422)).validate(bad.get_json())
    assert bad.get_json()["errors"][0]["field"] == "per_page"
    unsigned = http.get("/api/v1/followups")
    assert unsigned.status_code == 401
    validator(spec, answer_schema(spec, "/followups", "get", 401)).validate(unsigned.get_json())
    assessed = api.post("/assessments", {"facts": demo_facts("amina"), "on": "2026-12-03"})
    assert assessed.status_code == 200
    validator(spec, answer_schema(spec, "/assessments", "post", 200)).validate(assessed.get_json())
