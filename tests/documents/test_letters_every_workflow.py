"""Every workflow's letters render for every demo client, say what they ask for, and open in LibreOffice."""
from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
import tomllib

import pytest
from pypdf import PdfReader

from perspektive.documents.handout import handout_language
from perspektive.documents.letters import render_letter
from perspektive.law.engine import current_engine
from perspektive.law.facts import parse_facts
from tests.conftest import ROOT, SHIPPED, demo_facts
from tests.documents.argument_clients import ahmad
from tests.documents.test_letters import document_text, plain_text

ON = dt.date(2026, 11, 21)
WORKFLOWS = sorted(p.stem for p in (SHIPPED / "workflows").glob("*.toml"))
CLIENTS = sorted(p.stem for p in (ROOT / "perspektive" / "demo_data").glob("*.json"))


def day_in_force(workflow) -> dt.date:
    """21.11.2026, or the last day of a provision that has expired by then (§ 104c)."""
    return ON if workflow.in_force(ON) else workflow.in_force_until


def test_the_repository_carries_every_provision_of_the_counselling():
    assert set(WORKFLOWS) >= {"section_25a", "section_25b", "section_25_5", "section_104c", "section_60c",
                              "section_16g", "section_19d", "section_60d"}


@pytest.mark.parametrize("workflow_id", WORKFLOWS)
def test_antrag_and_checkliste_for_every_demo_client(app, workflow_id):
    workflow = current_engine().workflow(workflow_id)
    on = day_in_force(workflow)
    for client in CLIENTS:
        data = demo_facts(client)
        facts = parse_facts(data, today=max(on, ON))
        antrag = plain_text(render_letter(workflow_id, facts, on, "antrag"))
        name = f"{data['person']['given_name']} {data['person']['family_name']}"
        # § 23a is an Eingabe to the Härtefallkommission, every other letter an application to the authority
        subject = "Eingabe an die Sächsische Härtefallkommission" if workflow_id == "section_23a" else \
            f"Antrag auf {workflow.request}"
        assert subject in antrag and name in antrag
        [assessment] = current_engine().assess(facts, on, workflow_id)
        grounds = re.split("Wir bitten, dem Antrag|Wir bitten die Kommission",
                           antrag.split("Zur Begründung tragen wir Folgendes vor:")[1])[0]
        for criterion in assessment.criteria:  # what is met is cited; what is not met is not mentioned
            if criterion.met is True and criterion.id != "children_school":
                assert re.sub(r"\s*\([^)]*\)", "", criterion.citation) in grounds, (client, criterion.id)
            # no engine output: neither a label nor the "Label: erfüllt. reason" explanation (a short reason such as
            # "qualifizierte Berufsausbildung" may well be part of an argued sentence)
            assert criterion.label not in grounds and criterion.explanation not in grounds
        assert "UNVERIFIED" not in antrag  # the engine's research notes never go to the authority
        assert "nicht erfüllt" not in antrag and "erfasst" not in antrag
        # (right to left, marks keep "§" and "(" with what follows them: not part of the wording)
        checkliste = document_text(render_letter(workflow_id, facts, on, "checkliste")).replace("\u200e", "")
        items = current_engine().checklist(workflow, facts, assessment)
        assert items, f"{workflow_id} has no checklist"
        language = handout_language(workflow_id, items, facts.person.language)
        for item in items:  # nothing received: every item is still missing, in the handout's one language
            assert f"☐\t{language.item(workflow_id, item)}" in checkliste


@pytest.mark.parametrize("workflow_id", WORKFLOWS)
def test_every_checklist_item_says_why_with_a_citation_and_speaks_english(workflow_id):
    raw = tomllib.loads((SHIPPED / "workflows" / f"{workflow_id}.toml").read_text(encoding="utf-8"))
    for item in raw.get("checklist", []):
        assert item["why"].startswith("für §") and "AufenthG" in item["why"] or "AufenthV" in item["why"], item
        assert item["text"].get("en"), f"{workflow_id}: {item['id']} has no English text"


def pdf_pages(letters: dict[str, bytes], folder) -> dict[str, list[str]]:
    """The text of each page of each letter, converted to PDF in one LibreOffice run."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is not installed"
    for name, data in letters.items():
        (folder / f"{name}.docx").write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(folder), *(str(folder / f"{n}.docx") for n in letters)],
                   check=True, capture_output=True, timeout=300)
    return {name: [page.extract_text() for page in PdfReader(folder / f"{name}.pdf").pages] for name in letters}


def test_every_antrag_opens_in_libreoffice(app, tmp_path):
    """Each workflow's Antrag as a PDF holds the provision and the client."""
    facts = parse_facts(demo_facts("yasmin"))
    engine = current_engine()
    pages = pdf_pages({w: render_letter(w, facts, day_in_force(engine.workflow(w)), "antrag") for w in WORKFLOWS},
                      tmp_path)
    for workflow_id in WORKFLOWS:
        text = "\n".join(pages[workflow_id])
        assert "Yasmin Ben Salah" in text and "14.02.2004" in text, workflow_id
        assert engine.workflow(workflow_id).provision.split(" AufenthG")[0] in text, workflow_id


def test_the_greeting_and_signature_never_stand_alone_on_a_page(app, tmp_path, counsellor):
    """The closing request, the greeting and the signature stay on one page (the § 25 Abs. 5 Antrag of a client
    with a full record once put "Mit freundlichen Grüßen" alone at the top of page 2)."""
    engine = current_engine()
    letters = {}
    for workflow_id in WORKFLOWS:
        facts = parse_facts(ahmad(workflow_id), today=ON)
        on = day_in_force(engine.workflow(workflow_id))
        letters[workflow_id] = render_letter(workflow_id, facts, on, "antrag", counsellor=counsellor)
    for workflow_id, pages in pdf_pages(letters, tmp_path).items():
        [page] = [page for page in pages if "Mit freundlichen Grüßen" in page]
        closing, signature = page.split("Mit freundlichen Grüßen")
        assert "zur Verfügung." in closing, workflow_id
        assert "Berta Beraterin" in signature and "Bleiberechtsberatung" in signature, workflow_id


def test_committed_templates_are_what_the_build_script_makes(tmp_path):
    """The wording lives in letter_templates/build_templates.py: a .docx edited by hand, or a script change that
    was not rebuilt, would make the two disagree."""
    spec = importlib.util.spec_from_file_location("build_templates", SHIPPED / "letter_templates" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for built in module.build_all(tmp_path):
        committed = SHIPPED / "letter_templates" / built.relative_to(tmp_path)
        assert built.read_bytes() == committed.read_bytes(), f"{committed} is out of date: run the build script"
