"""The workflow loader: what an administrator's file may say, and how a mistake is reported."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.engine import Engine
from perspektive.law.facts import parse_facts
from tests.conftest import SHIPPED

HEAD = 'id = "section_99y"\nprovision = "§ 99y AufenthG"\ntitle = "Test"\nin_force_from = 2020-01-01\n' \
       'request = "Erteilung"\nletters = []\n'


def load(tmp_path, body: str) -> Engine:
    workflows = tmp_path / "workflows"
    workflows.mkdir(exist_ok=True)
    (workflows / "section_99y.toml").write_text(HEAD + body, encoding="utf-8")
    return Engine(str(workflows), str(SHIPPED / "letter_templates"), None)


def criterion(fact_test: str, extra: str = "") -> str:
    return ('[[criteria]]\nid = "a"\ntype = "facts"\nlabel = "A"\ncitation = "§ 99y AufenthG"\n'
            f'valid_from = 2020-01-01\n{extra}params = {{ all = [{fact_test}] }}\n')


@pytest.mark.parametrize("body,error", [
    (criterion('{ fact = "fdgo_declration", equals = true }'),
     "criteria[0].params: unbekannter Fakt 'fdgo_declration'"),
    (criterion('{ fact = "fdgo_declaration", equals = true }', 'discretionary = "ja"\n'),
     "criteria[0].discretionary: erwartet true oder false"),
    (criterion('{ fact = "fdgo_declaration", equals = true }') +
     '[[checklist]]\nid = "x"\nwhy = "für § 99y"\ntext = { de = "Pass", arabic = "جواز" }\n',
     "checklist[0].text.arabic: erwartet einen Text je Sprachcode nach ISO 639-1"),
    (criterion('{ fact = "fdgo_declaration", equals = true }') +
     '[[checklist]]\nid = "x"\nwhy = "für § 99y"\ntext = { de = "Pass" }\nwhen = { fact = "kinder", equals = true }\n',
     "checklist[0].when: unbekannter Fakt 'kinder'"),
])
def test_a_mistake_names_file_key_and_problem(tmp_path, body, error):
    engine = load(tmp_path, body)
    assert "section_99y" not in engine.workflows
    [message] = engine.catalogue.errors.values()
    assert message == f"section_99y.toml: {error}" or message.startswith(f"section_99y.toml: {error}"), message


def test_discretionary_criterion_is_met_only_in_the_authoritys_discretion(tmp_path):
    engine = load(tmp_path, criterion('{ fact = "fdgo_declaration", equals = true }', "discretionary = true\n"))
    result = engine.assess(parse_facts({"fdgo_declaration": True}), dt.date(2026, 11, 21), "section_99y")[0]
    assert result.verdict == "eligible"
    assert result.criteria[0].state == "erfüllt (im Ermessen der Behörde)"


def test_dates_and_numbers_in_conditions(tmp_path):
    body = criterion('{ fact = "entry_date", not_after = 2022-12-31 }, '
                     '{ fact = "school.successful_years_in_germany", at_least = 3 }')
    engine = load(tmp_path, body)
    on = dt.date(2026, 11, 21)
    met = engine.assess(parse_facts({"entry_date": "2022-12-31", "school": {"successful_years_in_germany": 3}}),
                        on, "section_99y")[0]
    assert met.verdict == "eligible"
    assert met.criteria[0].reason == ("Einreisedatum: 31.12.2022 (erforderlich: spätestens 31.12.2022); "
                                      "Jahre erfolgreichen Schulbesuchs in Deutschland: 3 (erforderlich: mindestens 3)")
    late = engine.assess(parse_facts({"entry_date": "2023-01-01", "school": {"successful_years_in_germany": 3}}),
                         on, "section_99y")[0]
    assert late.verdict == "not_eligible"


def test_checklist_in_the_clients_language(tmp_path):
    body = criterion('{ fact = "fdgo_declaration", equals = true }') + \
        '[[checklist]]\nid = "x"\nwhy = "für § 99y"\ntext = { de = "Pass", en = "Passport", ar = "جواز السفر" }\n'
    engine = load(tmp_path, body)
    facts = parse_facts({"fdgo_declaration": True})
    workflow = engine.workflow("section_99y")
    [item] = engine.checklist(workflow, facts, engine.assess(facts, dt.date(2026, 11, 21), "section_99y")[0])
    assert (item.text_in("ar"), item.text_in("fr"), item.text_in("en")) == ("جواز السفر", "Pass", "Passport")
