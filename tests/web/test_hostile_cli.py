"""Probe finding 9 on the command line: the hostile inputs of the API in a facts file or as an id end with exit
status 2 and a message naming the file and field (or the argument), never a traceback."""
from __future__ import annotations

import json

import pytest

from perspektive.law.facts import MAX_LIST_ITEMS
from tests.conftest import demo_facts

TOO_BIG = 2 ** 63


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def facts_file(tmp_path, text: str):
    path = tmp_path / "fakten.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def person_text(key: str, value: str) -> str:
    facts = demo_facts("dawit")
    facts["person"][key] = "PLACEHOLDER"
    return json.dumps(facts).replace('"PLACEHOLDER"', value)


HOSTILE = [
    ("[" * 100_000 + "]" * 100_000, "(Datei)", "verschachtelt"),
    ('{"a": ' * 300 + "1" + "}" * 300, "(Datei)", "verschachtelt"),
    (person_text("given_name", '"\\ud800"'), "person.given_name", "ungültige Zeichen"),
    (person_text("given_name", '"Dawit\\u0000"'), "person.given_name", "Steuerzeichen"),
    (person_text("family_name", '"\\u202eTesfaye"'), "person.family_name", "Steuerzeichen"),
    (person_text("date_of_birth", "0"), "person.date_of_birth", "kein gültiges Datum"),
    (json.dumps({"livelihood": {"monthly_means_eur": 0}}).replace("0}", "Infinity}"), "livelihood.monthly_means_eur",
     "endliche Zahl"),
    (json.dumps({"livelihood": {"monthly_means_eur": 0}}).replace("0}", "NaN}"), "livelihood.monthly_means_eur",
     "endliche Zahl"),
    (json.dumps({"livelihood": {"monthly_means_eur": 0}}).replace("0}", "1e309}"), "livelihood.monthly_means_eur",
     "endliche Zahl"),
    (json.dumps({"school": {"successful_years_in_germany": 0}}).replace("0}", "1" + "0" * 5000 + "}"), "(Datei)",
     "kein gültiges JSON"),
    (json.dumps({"convictions": [{"date": "2020-01-01"}] * 10_000}), "convictions", f"höchstens {MAX_LIST_ITEMS}"),
]


@pytest.mark.parametrize("text, field, reason", HOSTILE)
@pytest.mark.parametrize("command", [["clients", "import"], ["assess"]])
def test_a_hostile_facts_file_exits_2_naming_the_field(runner, counsellor, tmp_path, command, text, field, reason):
    path = facts_file(tmp_path, text)
    extra = ["--counsellor", counsellor.username] if command[0] == "clients" else []
    result = runner.invoke(args=[*command, path, *extra])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert path in result.output and reason in result.output
    if field != "(Datei)":
        assert f"{path}: {field}" in result.output
    assert "Traceback" not in result.output


def test_bytes_that_are_not_utf8_exit_2(runner, tmp_path):
    path = tmp_path / "fakten.json"
    path.write_bytes(b'{"person": {"given_name": "\xff\xfe"}}')
    result = runner.invoke(args=["assess", str(path)])
    assert result.exit_code == 2 and "nicht lesbar" in result.output


@pytest.mark.parametrize("args", [
    ["clients", "export", str(TOO_BIG)],
    ["clients", "export", "1" + "0" * 5000],
    ["clients", "export", "--", "-1"],
    ["followups", "list", "--client", str(TOO_BIG)],
    ["referrals", "send", "--client", str(TOO_BIG), "--contact", "1"],
    ["contacts", "confirm", str(TOO_BIG), "AAAA"],
])
def test_ids_beyond_64_bits_exit_2_naming_the_argument(runner, app, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "keine gültige Id (ganze Zahl von 1 bis 9223372036854775807)" in result.output
