"""Every hook: documented in docs/plugins.md and exercised by a test named test_hook_<name> in this module."""
from __future__ import annotations

import datetime as dt
import inspect
import re
import shutil

import pluggy
import pytest

from perspektive.law import hookspecs
from perspektive.law.engine import Engine
from perspektive.law.facts import parse_facts
from perspektive.law.plugins import build_plugin_manager
from tests.conftest import ROOT, SHIPPED, demo_facts

TEST_PLUGINS = ROOT / "tests" / "plugins"
HOOKS = sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
               if hasattr(fn, "perspektive_spec"))


@pytest.fixture
def engine(tmp_path):
    """The project's plugins plus the test plugin in one directory, as an administrator would drop them in."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for source in [*(SHIPPED / "plugins").glob("*.py"), TEST_PLUGINS / "extra_provision.py"]:
        (plugins / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(TEST_PLUGINS / "workflows", plugins / "workflows")
    return Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(plugins))


def test_every_hook_is_documented_with_its_signature():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### (\w+)\(([^)]*)\)$", docs, re.M))
    for name in HOOKS:
        assert name in documented, f"hook {name} is not documented in docs/plugins.md"
        params = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert documented[name] == params, f"docs/plugins.md shows {name}({documented[name]}), spec has ({params})"
    assert set(documented) <= set(HOOKS), f"docs describe hooks that do not exist: {set(documented) - set(HOOKS)}"


def test_every_hook_has_a_test():
    tests = {name for name in globals() if name.startswith("test_hook_")}
    for name in HOOKS:
        assert f"test_hook_{name}" in tests, f"hook {name} has no test_hook_{name}"


def test_misspelt_hook_implementation_stops_start_up(tmp_path):
    (tmp_path / "typo.py").write_text(
        "from perspektive import hookimpl\n\n@hookimpl\ndef checklist_item(workflow):\n    return []\n")
    with pytest.raises(pluggy.PluginValidationError):
        build_plugin_manager(tmp_path)


def test_criterion_type_registered_twice_names_both_plugins(tmp_path):
    (tmp_path / "dup.py").write_text(
        "from perspektive import hookimpl\nfrom perspektive.law.builtin_criteria import BUILTIN_TYPES\n\n"
        "@hookimpl\ndef register_criterion_types():\n    return {'facts': BUILTIN_TYPES[0]}\n")
    with pytest.raises(RuntimeError, match="perspektive.law.builtin_criteria.*plugins/dup.py|plugins/dup.py.*perspektive.law.builtin_criteria"):
        Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(tmp_path))


def test_hook_register_criterion_types(engine):
    assert {"residence_period", "facts", "beschaeftigungsduldung_route", "younger_than"} <= set(engine.types)
    young = parse_facts({"person": {"date_of_birth": "2000-01-01"}})
    result = engine.assess(young, dt.date(2026, 11, 21), "section_99x")[0]
    assert result.verdict == "eligible"
    assert result.criteria[0].explanation.endswith("Alter am Antragstag: 26.")


def test_hook_register_workflow_dirs(engine):
    assert "section_99x" in engine.workflows
    assert engine.workflows["section_99x"].source.parent.name == "workflows"
    assert engine.workflows["section_99x"].source.parent != SHIPPED / "workflows"
    older = parse_facts({"person": {"date_of_birth": "1990-01-01"}})
    assert engine.assess(older, dt.date(2026, 11, 21), "section_99x")[0].verdict == "not_eligible"


def test_hook_checklist_items(engine):
    facts = parse_facts(demo_facts("amina"))
    on = dt.date(2026, 11, 21)
    workflow = engine.workflow("section_25b")
    items = engine.checklist(workflow, facts, engine.assess(facts, on, "section_25b")[0])
    texts = [i.text_in("de") for i in items]
    assert "Schulbescheinigung für das Kind, geboren am 01.09.2015" in texts
    assert "Testnachweis" not in texts
    other = engine.workflow("section_99x")
    extra = engine.checklist(other, facts, engine.assess(facts, on, "section_99x")[0])
    assert [i.text_in("en") for i in extra] == ["Test proof"]


def test_hook_letter_context(engine):
    facts = parse_facts({**demo_facts("amina"), "household": {"spouse_or_partner": True, "minor_children": []}})
    on = dt.date(2026, 11, 21)
    workflow = engine.workflow("section_25b")
    extras = engine.letter_extras(workflow, facts, engine.assess(facts, on, "section_25b")[0], "antrag")
    assert extras["test_marker"] == "Plugin-Kontext für antrag"
    assert "§ 25b Abs. 4 AufenthG" in extras["family_request"]


def test_hook_perspective_notes(engine):
    on = dt.date(2026, 11, 21)
    young = parse_facts({"person": {"date_of_birth": "2000-01-01"}})
    notes = engine.notes(young, engine.assess(young, on))
    assert {"text": "Testhinweis: § 99x offen", "citation": "§ 99x AufenthG", "workflows": ["section_99x"]} in notes
    older = parse_facts({"person": {"date_of_birth": "1990-01-01"}})
    assert not any(n["workflows"] == ["section_99x"] for n in engine.notes(older, engine.assess(older, on)))



def test_hook_followups(engine, tmp_path):
    """The project's plugins add follow-ups that data cannot express; a bad entry names itself and what is wrong."""
    on = dt.date(2026, 11, 21)
    facts = parse_facts({"status_history": [
        {"status": "duldung", "from": "2016-01-01", "to": "2025-05-31"},
        {"status": "aufenthaltserlaubnis", "from": "2025-06-01", "to": "2027-05-31"}]})
    [expires] = [f for f in engine.followups(facts, on) if f.id == "permit_expires"]
    assert (expires.workflow, expires.due, expires.remind_from) == ("", dt.date(2027, 5, 31), dt.date(2027, 4, 5))
    assert expires.citation == "§ 81 Abs. 4 AufenthG"
    assert not [f for f in engine.followups(facts, on, "section_25b") if f.id == "permit_expires"]
    (tmp_path / "broken.py").write_text(
        "from perspektive import hookimpl\n\n@hookimpl\ndef followups(facts, on):\n"
        "    return [{'id': 'broken', 'workflow': '', 'due': '2027-01-01', 'text': 't', 'citation': 'c',"
        " 'basis': 'b'}]\n")
    broken = Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(tmp_path))
    with pytest.raises(ValueError, match="Plugin-Frist 'broken': 'due' muss ein Datum sein"):
        broken.followups(facts, on)


@pytest.mark.parametrize("entry,message", [
    ("{'id': 'typo', 'due': dt.datetime(2027, 1, 1), 'txt': 't', 'citation': 'c', 'basis': 'b', "
     "'remind_days_before': [-1]}",
     "Plugin-Frist 'typo': 'text' fehlt; unbekannter Schlüssel 'txt'; 'due' muss ein Datum sein; "
     "'remind_days_before' nicht leer und nicht negativ"),
    ("{'id': 'lost', 'workflow': 'section_99q', 'due': dt.date(2027, 1, 1), 'text': 't', 'citation': 'c', "
     "'basis': 'b'}",
     "Plugin-Frist 'lost': unbekannter Workflow 'section_99q'"),
])
def test_a_plugin_follow_up_with_mistakes_names_every_one(tmp_path, entry, message):
    """A misspelt key silently ignored would lose a reminder: the engine refuses the entry and says why."""
    (tmp_path / "sloppy.py").write_text(
        f"import datetime as dt\nfrom perspektive import hookimpl\n\n@hookimpl\ndef followups():\n"
        f"    return [{entry}]\n")
    sloppy = Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(tmp_path))
    with pytest.raises(ValueError) as refused:
        sloppy.followups(parse_facts({}), dt.date(2026, 11, 21))
    assert str(refused.value) == message


def test_hook_client_changed(app, dbconn, counsellor):
    """Storing facts and opening or closing a case are announced inside the write transaction; what a listener
    returns runs once it has committed. The follow-ups listen this way, so a stored client has its deadlines."""
    from perspektive.clients import create_client, open_case, set_case_status, update_facts
    from perspektive.db import db
    from perspektive.followups.models import FollowUpRecord
    from perspektive.law import current_engine, hookimpl

    heard = []

    class Listener:
        @hookimpl
        def client_changed(self, client, facts, why):
            heard.append(("during", why.split(" am ")[0], facts is not None, db.in_transaction()))
            return lambda: heard.append(("after", db.in_transaction()))

    listener = Listener()
    current_engine().pm.register(listener)
    try:
        client = create_client(parse_facts(demo_facts("yasmin")), counsellor)
        update_facts(client, parse_facts(demo_facts("yasmin")), counsellor)
        case = open_case(client, "section_25b", counsellor)
        set_case_status(case, "closed", counsellor)
    finally:
        current_engine().pm.unregister(listener)
    assert heard == [
        ("during", "Akte angelegt", True, True), ("after", False),
        ("during", "Fakten geändert", True, True), ("after", False),
        ("during", "Fall § 25b AufenthG eröffnet", True, True), ("after", False),
        ("during", "Fall § 25b AufenthG geschlossen", False, True), ("after", False),
    ]
    kinds = {r.kind for r in FollowUpRecord.select().where(FollowUpRecord.client == client)}
    assert {"application_window_opens", "training_ends"} <= kinds  # Yasmin's deadlines still to come
