"""The case summary a referral may carry to the Ausländerbehörde: as little as the chosen path needs, as a .docx.

The counselling is on the client's side and the authority decides, so the summary discloses only (Art. 5 Abs. 1
lit. c DSGVO, data minimisation):

- the facts the chosen path's *met* criteria rest on. Which facts a criterion reads is found by assessing empty
  facts: every criterion then reports the facts it is missing (``Outcome.missing_facts``), so a new provision needs
  no list kept here. Facts only an unmet, not-yet-met or open criterion reads stay out ("Lebensunterhalt
  gesichert: nein" argues against the client and is the authority's to find out);
- of those, only the data categories (groups of facts, ``categories()``) the client's release covers and the
  counsellor chose; of the person group what identifies the client (name, date of birth, the authority's file
  number) and what a met criterion needs (the date of birth for an age limit), not the address, gender or language;
- never another path, a verdict, an internal note or hint, an unmet criterion or an UNVERIFIED marker, and no fact
  that is not known ("unbekannt" tells the authority nothing but that we did not ask).

``summary_content`` builds the content as plain data; ``summary_lines`` is its text as the counsellor's preview
shows it, and ``render_summary`` fills the shipped template in the sandbox, so what is previewed is what is sent.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from perspektive.clients import fact_sections
from perspektive.law import CaseFacts, current_engine, de

from .letters import render_template_file

FILENAME = "Fallzusammenfassung.docx"
TEMPLATE = Path(__file__).parent / "summary_template" / "fallzusammenfassung.docx"
# The person facts that identify the client to the authority; address, gender and language are not needed.
IDENTIFYING = ("person.given_name", "person.family_name", "person.date_of_birth", "person.abh_file_number")
INTRO = ("Diese Zusammenfassung enthält nur die Angaben zu diesem Weg, die die Schweigepflichtentbindung der "
         "Mandantin bzw. des Mandanten umfasst.")


def categories() -> dict[str, str]:
    """The data categories a release and a summary name: the fact groups of the client page (id -> title)."""
    return {section["id"]: section["title"] for section in fact_sections(CaseFacts())}


def _criteria_facts(workflow_id: str, on: dt.date) -> dict[str, set[str]]:
    """Criterion id -> the fact paths it reads, found by assessing empty facts (see the module's docstring)."""
    [blank] = current_engine().assess(CaseFacts(), on, workflow_id)
    return {c.id: set(c.missing_facts) for c in blank.criteria}


def _covered(path: str, used: set[str]) -> bool:
    """A fact path is covered by a used one if it is that path or lies below or above it (``training`` /
    ``training.kind``)."""
    return any(path == u or path.startswith(u + ".") or u.startswith(path + ".") for u in used)


def _without(facts: CaseFacts, path: str) -> CaseFacts:
    """``facts`` with the fact at ``path`` unknown."""
    data = facts.model_dump(by_alias=True)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[last] = None
    return CaseFacts.model_validate(data)


def facts_for(facts: CaseFacts, workflow_id: str, on: dt.date) -> set[str]:
    """The fact paths the met criteria of ``workflow_id`` rest on for this client on ``on``: of the facts a met
    criterion reads, those without which it would no longer be met. A fact the criterion reads but does not need
    (``livelihood.secured`` when the livelihood is predominantly secured by work) stays out: it would only tell
    the authority something against the client."""
    engine = current_engine()
    reads = _criteria_facts(workflow_id, on)
    [assessment] = engine.assess(facts, on, workflow_id)
    met = {c.id for c in assessment.criteria if c.met is True}
    needed = set()
    for path in {p for cid in met for p in reads.get(cid, ())}:
        [probe] = engine.assess(_without(facts, path), on, workflow_id)
        if any(c.id in met and path in reads.get(c.id, ()) and c.met is not True for c in probe.criteria):
            needed.add(path)
    return needed


def categories_for(facts: CaseFacts, workflow_id: str, on: dt.date) -> list[str]:
    """The categories the summary for this path would draw on: the person (to say whom it is about) and every
    group holding a fact a met criterion rests on; in the page's order."""
    used = facts_for(facts, workflow_id, on)
    return [section["id"] for section in fact_sections(facts)
            if section["id"] == "person" or any(_covered(e["path"], used) for e in section["entries"])]


def _entry_lines(entry: dict) -> list[str]:
    if "rows" not in entry:
        return [f"{entry['label']}: {entry['value']}"] if entry["known"] else []
    if entry["rows"] is None:
        return []
    if not entry["rows"]:
        return [f"{entry['label']}: keine"]
    # A cell that is not known stays out, as an unknown fact does ("Papier gültig bis: unbekannt").
    return [f"{entry['label']}:"] + ["– " + "; ".join(f"{h}: {v}" for h, v in zip(entry["headings"], row)
                                                      if v != "unbekannt")
                                     for row in entry["rows"]]


def summary_content(facts: CaseFacts, workflow_id: str, on: dt.date, chosen: list[str] | tuple[str, ...],
                    organisation: str) -> dict:
    """What the summary says, as plain data: the path, and per chosen category the lines of its used facts."""
    workflow = current_engine().workflow(workflow_id)
    used = facts_for(facts, workflow_id, on) | set(IDENTIFYING)
    sections = []
    for section in fact_sections(facts):
        if section["id"] not in chosen:
            continue
        lines = [line for entry in section["entries"] if _covered(entry["path"], used)
                 for line in _entry_lines(entry)]
        if lines:
            sections.append({"title": section["title"], "lines": lines})
    return {"organisation": organisation, "date": de(on), "provision": workflow.provision,
            "workflow_title": workflow.title, "sections": sections}


def summary_lines(content: dict) -> list[str]:
    """The summary's text line by line, as the preview shows it and as the .docx holds it."""
    lines = ["Fallzusammenfassung", f"{content['organisation']} – Stand: {content['date']}",
             f"Weg: {content['provision']} – {content['workflow_title']}", INTRO]
    for section in content["sections"]:
        lines += [section["title"], *section["lines"]]
    return lines


def render_summary(content: dict) -> bytes:
    """The summary as a .docx, filled from the shipped template in the sandboxed render process."""
    return render_template_file(TEMPLATE, {**content, "intro": INTRO})
