"""Follow-up rules declared in the workflow files, computed from a client's facts (reminders are queued elsewhere)."""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive.law.engine import Engine
from perspektive.law.facts import parse_facts
from tests.conftest import SHIPPED, demo_facts

D = dt.date.fromisoformat
ON = D("2026-11-21")


@pytest.fixture(scope="module")
def engine():
    return Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(SHIPPED / "plugins"))


def due(engine, facts: dict, on: dt.date = ON, workflow: str | None = None) -> dict:
    parsed = parse_facts(facts, today=max(on, ON))
    return {(f.workflow, f.id): f for f in engine.followups(parsed, on, workflow)}


def test_27th_birthday_is_an_age_limit_and_never_moves(engine):
    """Yasmin turns 27 on 14.02.2031 (a Friday); born on a day whose eve is a Sunday, the limit stays on Sunday."""
    yasmin = due(engine, demo_facts("yasmin"))[("section_25a", "last_day_before_27")]
    assert (yasmin.due, yasmin.remind_from) == (D("2031-02-13"), D("2030-08-17"))
    sunday = due(engine, {"person": {"date_of_birth": "2002-11-24"}})[("section_25a", "last_day_before_27")]
    assert sunday.due == D("2029-11-23") and sunday.due.weekday() == 4
    sunday = due(engine, {"person": {"date_of_birth": "2003-03-03"}})[("section_25a", "last_day_before_27")]
    assert sunday.due == D("2030-03-02") and sunday.due.weekday() == 5  # a Saturday: still the limit


def test_old_law_had_the_21st_birthday(engine):
    followups = due(engine, {"person": {"date_of_birth": "2002-03-10"}}, D("2022-06-01"))
    assert followups[("section_25a", "last_day_before_21")].due == D("2023-03-09")
    assert ("section_25a", "last_day_before_27") not in followups


@pytest.mark.parametrize("entry,deadline,why", [
    ("2026-03-02", "2026-09-02", None),                     # a Wednesday: no move
    ("2023-05-18", "2023-11-20", "18.11.2023 ist ein Samstag"),
    ("2026-05-18", "2026-11-19", "18.11.2026 ist ein Feiertag in Sachsen (Buß- und Bettag)"),
    ("2020-08-31", "2021-03-01", "28.02.2021 ist ein Sonntag"),   # § 188 Abs. 3 BGB, then § 193 BGB
])
def test_identity_deadline_after_entry_moves_under_section_193(engine, entry, deadline, why):
    facts = {"entry_date": entry, "training": {"start_date": "2027-09-01"}}
    followup = due(engine, facts, D(entry), "section_60c")[("section_60c", "identity_deadline")]
    assert followup.due == D(deadline)
    assert (why in followup.basis) if why else "§ 193" not in followup.basis


def test_identity_deadline_only_for_entries_after_2019(engine):
    assert ("section_16g", "identity_deadline") not in due(engine, {"entry_date": "2019-12-31"}, ON, "section_16g")


def test_training_window_and_end_for_the_training_paths(engine):
    followups = due(engine, demo_facts("yasmin"))
    for workflow in ("section_60c", "section_16g"):
        assert followups[(workflow, "application_window_opens")].due == D("2027-01-01")
        assert followups[(workflow, "training_ends")].due == D("2030-07-31")
    assert "§ 19d Abs. 1a" in followups[("section_60c", "training_ends")].text


def test_chancen_holder_deadlines(engine):
    facts = {"status_history": [{"status": "duldung", "from": "2016-01-01", "to": "2025-06-30"},
                                {"status": "chancen_aufenthaltserlaubnis", "from": "2025-07-01", "to": "2026-12-31"}]}
    followups = due(engine, facts)
    expiry = followups[("section_25b", "chancen_permit_expires")]
    assert (expiry.due, expiry.remind_from) == (D("2026-12-31"), D("2026-11-05"))
    assert followups[("section_25b", "chancen_transition_ends")].due == D("2027-06-30")
    assert ("section_25b", "chancen_transition_ends") not in due(engine, demo_facts("dawit"))  # never held one
    assert ("section_25b", "chancen_permit_expires") not in due(engine, facts, D("2027-07-01"))


def test_30_months_of_beschaeftigungsduldung_and_18_months_of_duldung(engine):
    facts = {"status_history": [{"status": "beschaeftigungsduldung", "from": "2024-08-31", "to": None}]}
    assert due(engine, facts)[("section_25b", "beschaeftigungsduldung_30_months")].due == D("2027-03-01")
    karim = due(engine, demo_facts("karim"))
    assert karim[("section_25_5", "duldung_18_months")].due == D("2022-03-01")


def test_unknown_basis_gives_no_follow_up(engine):
    assert due(engine, {}) == {}


def test_follow_up_mistakes_are_named(tmp_path):
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    head = ('id = "section_99y"\nprovision = "§ 99y AufenthG"\ntitle = "T"\nin_force_from = 2020-01-01\n'
            'request = "E"\nletters = []\n[[criteria]]\nid = "a"\ntype = "facts"\nlabel = "A"\ncitation = "§ 99y"\n'
            'valid_from = 2020-01-01\nparams = { all = [{ fact = "fdgo_declaration", equals = true }] }\n')
    for body, error in [
        ('[[followups]]\nid = "x"\ntext = "t"\ncitation = "c"\nbasis = "geburtstag"\n',
         "followups[0].basis: Value error, unbekannte Grundlage 'geburtstag'"),
        ('[[followups]]\nid = "x"\ntext = "t"\ncitation = "c"\n',
         "followups[0]: Value error, genau eines von 'basis' oder 'on' angeben"),
        ('[[followups]]\nid = "x"\ntext = "t"\ncitation = "c"\non = 2027-06-30\nwhen = { fact = "kinder", equals = true }\n',
         "followups[0].when: unbekannter Fakt 'kinder'"),
    ]:
        (workflows / "section_99y.toml").write_text(head + body, encoding="utf-8")
        engine = Engine(str(workflows), str(SHIPPED / "letter_templates"), None)
        [message] = engine.catalogue.errors.values()
        assert message.startswith(f"section_99y.toml: {error}"), message
