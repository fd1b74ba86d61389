"""The Antrag argues for the client (issue 14): for every workflow it states each met requirement from the facts in
full German sentences with the citation, says nothing about a requirement that is not met or not known, never
prints internal notes, asks for discretion only where discretion is needed, and the case page warns the counsellor
about what the letter leaves out. Text read with python-docx, as the authority's clerk would read it."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from perspektive.clients import cases, records
from perspektive.documents import unargued_requirements
from perspektive.documents.letters import render_letter
from perspektive.documents.wording import at_employer, client_of
from perspektive.law import WorkflowError, current_engine, parse_facts, parse_workflow
from perspektive.law.periods import GERMANY
from tests.conftest import SHIPPED
from tests.documents.argument_clients import ON, ahmad
from tests.documents.test_letters import plain_text

WORKFLOWS = sorted(p.stem for p in (SHIPPED / "workflows").glob("*.toml"))
# What no letter to the authority may say: the engine's states and notes, doubts, the 16g letter's old self-harm.
INTERNAL = ("UNVERIFIED", "erfasst", "Fristablauf", "nicht erfüllt", "Angaben fehlen", "unbekannt", "unvollständig",
            "frühestens sieben Monate", "nicht geklärt", "nach unserer Kenntnis")

TRAINING = ("Herr Rahimi absolviert seit dem 01.09.2025 eine Ausbildung zum Pflegefachhelfer bei der Pflegedienst "
            "Elbtal GmbH in Dresden")
B1 = "Herr Rahimi hat am 12.03.2026 die Prüfung telc Deutsch B1 bestanden und verfügt damit über"
STAY = ("Herr Rahimi ist am 12.09.2016 in das Bundesgebiet eingereist und hält sich seitdem ununterbrochen im "
        "Bundesgebiet auf")
# Per workflow: sentences its Antrag must hold for Ahmad (or his variant of ``argument_clients.VARIANTS``).
EXPECTED = {
    "section_25b": [
        "Herr Rahimi ist seit dem 01.07.2019 geduldet (§ 25b Abs. 1 S. 1 AufenthG).",
        "Er engagiert sich seit dem 01.05.2024 ehrenamtlich bei der Tafel Dresden e. V. in der Lebensmittelausgabe",
        STAY, "Der Aufenthalt war vom 12.09.2016 bis zum 30.06.2019 gestattet und ist seit dem 01.07.2019 geduldet.",
        "Herr Rahimi bekennt sich zur freiheitlichen demokratischen Grundordnung",
        "Er hat am 20.06.2025 den Test „Leben in Deutschland“ bestanden.",
        "Er absolviert seit dem 01.09.2025 eine Ausbildung zum Pflegefachhelfer bei der Pflegedienst Elbtal GmbH",
        "als Verkaufshilfe bei der Bäckerei Schmidt in Pirna beschäftigt",
        B1 + " hinreichende mündliche Deutschkenntnisse im Sinne von § 25b Abs. 1 S. 2 Nr. 4",
        "Die Identität und Staatsangehörigkeit von Herrn Rahimi sind seit dem 02.05.2019 geklärt",
        "Herr Rahimi besitzt einen bis zum 31.01.2030 gültigen Nationalpass",
        "Gründe, die der Erteilung entgegenstehen, liegen nicht vor (§ 25b Abs. 2 Nr. 1 AufenthG;",
    ],
    "section_60c": [
        "Herr Rahimi ist seit dem 01.07.2019 geduldet (§ 60c Abs. 1 S. 1 AufenthG).",
        "Die Duldung von Herrn Rahimi besteht seit dem 01.07.2019 und damit seit mehr als drei Monaten",
        TRAINING + " (§ 60c Abs. 1 S. 1 Nr. 1 Buchst. a und b AufenthG).",
        "Die Ausbildung endet planmäßig am 31.08.2027.",
        "Es handelt sich um eine qualifizierte Berufsausbildung",
        "Die Berufsausbildung hat am 01.09.2025 begonnen; der Antrag wird während der laufenden Ausbildung gestellt",
        "Die Eintragung des Ausbildungsvertrags in das Verzeichnis der Berufsausbildungsverhältnisse",
        "Die Identität von Herrn Rahimi wurde am 02.05.2019 und damit fristgerecht geklärt",
    ],
    "section_16g": [
        TRAINING + " (§ 16g Abs. 1 S. 1 Nr. 1 Buchst. a und b AufenthG).",
        "Die Berufsausbildung hat am 01.09.2025 begonnen; der Antrag wird während der laufenden Ausbildung gestellt",
        "Die Identität von Herrn Rahimi wurde am 02.05.2019 und damit fristgerecht geklärt",
        "Herr Rahimi verfügt über monatliche Mittel in Höhe von 1.150 EUR; der Lebensunterhalt ist damit gesichert",
    ],
    "section_25a": [
        STAY, "Herr Rahimi hat von 2017 bis 2020 die Oberschule Dresden-Cotta in Dresden besucht "
              "(§ 25a Abs. 1 S. 1 Nr. 2 AufenthG).",
        "Er hat insgesamt vier Jahre erfolgreich eine Schule im Bundesgebiet besucht.",
        "Er hat am 03.07.2020 den Hauptschulabschluss erworben.",
        "Herr Rahimi ist am 14.05.2002 geboren und damit 24 Jahre alt",
        "Er hat am 12.03.2026 die Prüfung telc Deutsch B1 bestanden.",
        "Er absolviert seit dem 01.09.2025 eine Ausbildung zum Pflegefachhelfer bei der Pflegedienst Elbtal GmbH",
        "Er engagiert sich seit dem 01.05.2024 ehrenamtlich bei der Tafel Dresden e. V.",
    ],
    "section_19d": [
        "Herr Rahimi hat am 29.08.2026 die Ausbildung zum Pflegefachhelfer bei der Pflegedienst Elbtal GmbH in "
        "Dresden erfolgreich abgeschlossen (§ 19d Abs. 1 Nr. 1, Abs. 1a AufenthG).",
        "Herr Rahimi ist seit dem 01.09.2026 als Pflegefachhelfer bei der Pflegedienst Elbtal GmbH in Dresden "
        "sozialversicherungspflichtig im Umfang von 39 Wochenstunden beschäftigt",
        "Die Tätigkeit entspricht der beruflichen Qualifikation.",
        "Herr Rahimi verfügt über ausreichenden Wohnraum (§ 19d Abs. 1 Nr. 2 AufenthG).",
        B1 + " ausreichende Kenntnisse der deutschen Sprache im Sinne von § 19d Abs. 1 Nr. 3",
    ],
    "section_60d": [
        "Herr Rahimi ist am 12.09.2016 in das Bundesgebiet eingereist (§ 60d Abs. 1 AufenthG).",
        "Die Abschiebung von Herrn Rahimi ist seit dem 01.07.2019 ununterbrochen ausgesetzt",
        "Herr Rahimi ist seit dem 01.06.2024 als Lagerhelfer bei der Lager-Logistik Sachsen GmbH in Radebeul "
        "sozialversicherungspflichtig im Umfang von 35 Wochenstunden beschäftigt (§ 60d Abs. 1 Nr. 3 AufenthG).",
        "Der Lebensunterhalt von Herrn Rahimi ist ohne Inanspruchnahme öffentlicher Mittel gesichert",
        B1 + " hinreichende mündliche Deutschkenntnisse im Sinne von § 60d Abs. 1 Nr. 6",
        "Eine Verpflichtung zur Teilnahme an einem Integrationskurs bestand für Herrn Rahimi nicht",
    ],
    "section_25_5": [
        "Die Ausreise von Herrn Rahimi ist aus rechtlichen oder tatsächlichen Gründen unmöglich",
        "Herr Rahimi ist unverschuldet an der Ausreise gehindert (§ 25 Abs. 5 S. 3 und 4 AufenthG).",
        "Die Abschiebung von Herrn Rahimi ist seit dem 01.07.2019 ununterbrochen ausgesetzt, inzwischen seit über "
        "7 Jahren (§ 25 Abs. 5 S. 1 und 2 AufenthG).",
    ],
    "section_23a": [
        "Herr Rahimi ist seit dem 01.07.2019 geduldet (§ 23a Abs. 1 S. 1 AufenthG).",
        STAY, "Er absolviert seit dem 01.09.2025 eine Ausbildung zum Pflegefachhelfer bei der Pflegedienst Elbtal GmbH",
        "Er engagiert sich seit dem 01.05.2024 ehrenamtlich bei der Tafel Dresden e. V.",
    ],
    "section_104c": [
        "Herr Rahimi ist seit dem 01.07.2019 geduldet (§ 104c Abs. 1 S. 1 AufenthG).",
        STAY, "Herr Rahimi bekennt sich zur freiheitlichen demokratischen Grundordnung",
    ],
}


def day_for(workflow) -> dt.date:
    return ON if workflow.in_force(ON) else workflow.in_force_until


def antrag(workflow_id: str, **changes) -> tuple[str, object, object]:
    workflow = current_engine().workflow(workflow_id)
    facts = parse_facts(ahmad(workflow_id, **changes), today=ON)
    on = day_for(workflow)
    [assessment] = current_engine().assess(facts, on, workflow_id)
    return " ".join(plain_text(render_letter(workflow_id, facts, on, "antrag")).split()), workflow, assessment


def begruendung(text: str) -> str:
    return text.split("Zur Begründung tragen wir Folgendes vor:")[1].split("Wir bitten, dem Antrag")[0]


def assert_nothing_internal(text: str) -> None:
    for phrase in INTERNAL:
        assert phrase not in text, phrase
    assert not re.search(r"\boffen\b", text)


def test_every_workflow_has_sentences_to_check():
    assert set(EXPECTED) == set(WORKFLOWS)


@pytest.mark.parametrize("workflow_id", WORKFLOWS)
def test_the_antrag_argues_each_met_requirement_from_the_facts(app, workflow_id):
    text, workflow, assessment = antrag(workflow_id)
    asks = "bitten wir um die" if workflow_id == "section_23a" else "beantragen wir hiermit die"  # an Eingabe
    assert f"namens und in Vollmacht von Herrn Ahmad Rahimi {asks} {workflow.request}." in text
    for sentence in EXPECTED[workflow_id]:
        assert sentence in text, sentence
    grounds = begruendung(text)
    plan = workflow.letter.arguments
    for criterion in assessment.criteria:
        cited = re.sub(r"\s*\([^)]*\)", "", criterion.citation)
        if criterion.id == "children_school":  # Ahmad has no child of school age: nothing to argue, left out
            assert cited not in grounds
        elif criterion.met is True:
            assert cited in grounds, (criterion.id, cited)  # every met requirement is cited
        if criterion.id in plan and "exclusion" not in plan[criterion.id]:
            assert f"„{criterion.label}“" not in grounds  # argued in sentences, not by the fallback
    # Nothing is left out for Ahmad, except what § 25 Abs. 5 and § 23a ask beyond his facts (a fully secured
    # livelihood).
    left_out = unargued_requirements(workflow, assessment)
    assert left_out == ([c.label + f" ({c.citation})" for c in assessment.criteria if c.id == "livelihood"]
                        if workflow_id in ("section_25_5", "section_23a") else [])
    assert_nothing_internal(text)
    if workflow_id != "section_23a":  # § 23a is discretion by nature (Abs. 1 S. 4): the Eingabe asks for it
        assert "Ermessen" not in text  # every requirement is met as of right: no discretion is asked for
    assert "Begründung" in text and "Anlagen" in text and "Vollmacht" in text


@pytest.mark.parametrize("workflow_id", ["section_60c", "section_16g"])
def test_late_identity_asks_for_discretion_without_arguing_against_the_client(app, workflow_id):
    """Identity clarified after the deadline, every reasonable step taken: the letter asks for the discretion the
    law gives (§ 60c Abs. 7, § 16g Abs. 6) and gives the reasons for it, without naming the late date as such."""
    text, _, assessment = antrag(
        workflow_id, entry_date="2019-10-01",
        status_history=[{"status": "gestattung", "from": "2019-10-01", "to": "2021-06-30"},
                        {"status": "duldung", "from": "2021-07-01", "to": None}],
        identity={"clarified_on": "2023-02-01", "reasonable_measures_taken": True, "measures_taken_on": "2023-01-15",
                  "passport_valid_until": "2030-01-31"},
        household={"spouse_or_partner": True, "minor_children": [{"date_of_birth": "2019-04-01"}]})
    [identity] = [c for c in assessment.criteria if c.id == "identity_deadline"]
    assert identity.met is True and identity.discretionary
    assert ("Herr Rahimi hat alle erforderlichen und zumutbaren Maßnahmen zur Klärung der Identität ergriffen und "
            "diese am 15.01.2023 abgeschlossen") in text
    assert "Wir bitten, das insoweit eröffnete Ermessen zugunsten von Herrn Rahimi auszuüben." in text
    assert "Für eine Ausübung des Ermessens zugunsten von Herrn Rahimi sprechen insbesondere" in text
    assert "Er hat von 2017 bis 2020 die Oberschule Dresden-Cotta in Dresden besucht." in text
    assert "Er engagiert sich seit dem 01.05.2024 ehrenamtlich bei der Tafel Dresden e. V." in text
    assert "Er lebt mit seiner Familie in familiärer Lebensgemeinschaft im Bundesgebiet" in text
    assert_nothing_internal(text)


def test_a_requirement_not_met_or_unknown_is_not_mentioned_and_the_counsellor_is_told(app):
    """No certificate and no level recorded (unknown), no declaration signed (not met): the letter is silent on
    both, and ``unargued`` names them for the case page."""
    text, workflow, assessment = antrag("section_25b", certificates=[], german={}, fdgo_declaration=False)
    grounds = begruendung(text)  # the Anlagen list is the checklist's until the "anlagen" work lands
    assert "Deutschkenntnisse" not in grounds and "telc" not in grounds
    assert "Grundordnung" not in grounds and "Leben in Deutschland" not in grounds
    assert_nothing_internal(text)
    left_out = unargued_requirements(workflow, assessment)
    assert any("§ 25b Abs. 1 S. 2 Nr. 4" in r for r in left_out) and any("Nr. 2 AufenthG" in r for r in left_out)
    assert TRAINING.replace("Herr Rahimi", "Er") in text  # what is met is still argued


def test_a_conviction_below_the_threshold_is_not_volunteered(app):
    text, _, assessment = antrag("section_25b", convictions=[
        {"date": "2021-03-01", "intentional": True, "fine_daily_rates": 20, "foreigner_only_offence": False}])
    assert [c.met for c in assessment.criteria if c.id == "convictions"] == [True]
    assert "Verurteil" not in begruendung(text) and "Tagess" not in text and "2021" not in begruendung(text)
    assert "Gründe, die der Erteilung entgegenstehen, liegen nicht vor" in text


def test_a_future_training_is_announced_and_the_window_is_not_misstated(app):
    text, *_ = antrag("section_60c", training={"start_date": "2027-03-01", "end_date": "2030-02-28"})
    assert "Herr Rahimi wird am 01.03.2027 eine Ausbildung zum Pflegefachhelfer bei der Pflegedienst Elbtal GmbH" in text
    assert "Die Berufsausbildung beginnt am 01.03.2027; der Antrag wird innerhalb der gesetzlichen Frist" in text


def test_a_woman_and_a_person_without_recorded_gender_are_named_correctly(app):
    text, *_ = antrag("section_60c", person={"given_name": "Mariam", "family_name": "Haidari", "gender": "female"},
                      training={"title": "Pflegefachhelferin"})
    assert "Frau Haidari absolviert seit dem 01.09.2025 eine Ausbildung zur Pflegefachhelferin" in text
    text, *_ = antrag("section_60c", person={"given_name": "Kim", "family_name": "Lee", "gender": "diverse"})
    assert "Kim Lee absolviert seit dem 01.09.2025 eine Ausbildung als Pflegefachhelfer" in text
    assert "Herr" not in begruendung(text) and " Er " not in begruendung(text)


def test_family_and_asylum_sentences_fit_every_client(app):
    """Without a recorded gender the family is "die eigene" (not "dier"); a training begun in the asylum procedure
    is said of the procedure, not of an "Asylbewerber", whoever the client is."""
    late_identity = dict(
        entry_date="2019-10-01",
        status_history=[{"status": "gestattung", "from": "2019-10-01", "to": "2021-06-30"},
                        {"status": "duldung", "from": "2021-07-01", "to": None}],
        identity={"clarified_on": "2023-02-01", "reasonable_measures_taken": True, "measures_taken_on": "2023-01-15",
                  "passport_valid_until": "2030-01-31"},
        household={"spouse_or_partner": True, "minor_children": []})
    for gender, family in (("diverse", "Kim Lee lebt mit der eigenen Familie"),
                           ("female", "Sie lebt mit ihrer Familie")):
        text, *_ = antrag("section_60c", person={"given_name": "Kim", "family_name": "Lee", "gender": gender},
                          **late_identity)
        assert f"{family} in familiärer Lebensgemeinschaft im Bundesgebiet" in text
    text, *_ = antrag("section_60c", person={"given_name": "Mariam", "family_name": "Haidari", "gender": "female"},
                      training={"started_during_asylum": True})
    assert "Frau Haidari hat die Berufsausbildung am 01.09.2025 während des Asylverfahrens aufgenommen" in text
    assert "Asylbewerber" not in text


def test_employer_names_take_the_article_german_needs():
    assert at_employer("Pflegedienst Elbtal GmbH", "Dresden") == "bei der Pflegedienst Elbtal GmbH in Dresden"
    assert at_employer("Bäckerei Schmidt") == "bei der Bäckerei Schmidt"
    assert at_employer("Klinikum Pirna") == "bei dem Klinikum Pirna"
    assert at_employer("Refugees Welcome e. V.") == "beim Verein Refugees Welcome e. V."
    assert at_employer("Müller & Söhne") == "bei Müller & Söhne"
    assert client_of(parse_facts({"person": {"family_name": "Rahimi", "gender": "male"}})).dative == "Herrn Rahimi"


def test_a_workflow_file_names_only_known_argument_kinds_and_its_own_criteria(app, tmp_path):
    source = (SHIPPED / "workflows" / "section_60c.toml").read_text(encoding="utf-8")
    engine = current_engine()
    for bad, problem in ((source.replace('training = ["training_kind"]', 'training = ["lebenslauf"]'),
                          "unbekannte Argumentart 'lebenslauf'"),
                         (source.replace('training = ["training_kind"]', 'ausbildung = ["training"]'),
                          "kein Kriterium dieses Verfahrens")):
        path = tmp_path / "section_60c.toml"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(WorkflowError) as info:
            parse_workflow(path, engine.types, None)
        assert problem in str(info.value)


def test_the_case_page_warns_before_the_download(logged_in, counsellor, monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany",
                        lambda: dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY))
    client = records.create_client(parse_facts(ahmad(certificates=[], german={}), today=ON), counsellor)
    case = cases.open_case(client, "section_25b", counsellor)
    html = logged_in.get(f"/clients/{client.id}/cases/{case.id}").get_data(as_text=True)
    warning = html.split('id="nicht-belegt"')[1].split("</div>")[0]
    assert "Diese Voraussetzungen sind nicht belegt und werden im Antrag nicht erwähnt:" in warning
    assert "Hinreichende mündliche Deutschkenntnisse (A2)" in warning and "§ 25b Abs. 1 S. 2 Nr. 4" in warning
    assert html.index('id="nicht-belegt"') < html.index("Antrag (.docx)")
    complete = records.create_client(parse_facts(ahmad(), today=ON), counsellor)
    case = cases.open_case(complete, "section_25b", counsellor)
    assert 'id="nicht-belegt"' not in logged_in.get(f"/clients/{complete.id}/cases/{case.id}").get_data(as_text=True)
