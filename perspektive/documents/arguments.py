"""The Begründung of an Antrag: each requirement the client meets, argued from the facts in full sentences.

The workflow file says which kinds of argument each criterion uses (``[letter]``, see docs/letters.md); the
sentences come from ``argument_kinds``. A requirement that is not met, or not known to be met, is not mentioned
at all: no "offen", no "nicht erfüllt", no internal note. ``unargued`` names those requirements for the case page,
which warns the counsellor before the letter is downloaded. Grounds of refusal that do not apply are gathered into
one closing sentence; where a criterion is met only in the authority's discretion, the letter asks for that
discretion and gives the reasons the workflow names for it (integration achievements, school, volunteering,
family). Nowhere else does the word "Ermessen" appear.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from perspektive.law import ARGUMENT_KINDS, Assessment, CaseFacts, CriterionResult, Workflow

from . import argument_kinds as person
from . import argument_work as work
from .argument_kinds import Case
from .wording import client_of

EXCLUSION = "exclusion"
# "§ 25b Abs. 1 S. 2 Nr. 4" never breaks between the sign or abbreviation and its number (no-break spaces).
_NO_BREAK = re.compile(r"(§|Abs\.|S\.|Nr\.|Buchst\.) (?=[0-9])")
KINDS: dict[str, Callable[[Case], list[str] | None]] = {
    "status": person.status, "stay": person.stay, "entry": person.entry, "route": person.route,
    "duldung_duration": person.duldung_duration, "identity": person.identity,
    "identity_deadline": person.identity_deadline, "passport": person.passport, "language_a2": person.language_a2,
    "language_b1": person.language_b1, "fdgo": person.fdgo, "basic_knowledge": person.basic_knowledge,
    "certificates": person.certificates, "integration": person.integration,
    "integration_course": person.integration_course, "age": person.age, "departure": person.departure,
    "not_at_fault": person.not_at_fault, "exclusion": person.exclusion,
    "school": work.school, "training": work.training, "training_kind": work.training_kind,
    "registration": work.registration, "application_window": work.application_window,
    "qualification": work.qualification, "employment": work.employment, "livelihood": work.livelihood,
    "means": work.means, "housing": work.housing, "children_school": work.children_school, "family": work.family,
    "volunteering": work.volunteering,
}
assert set(KINDS) == ARGUMENT_KINDS, set(KINDS) ^ ARGUMENT_KINDS


def _with_citation(text: str, citation: str) -> str:
    """The citation in brackets at the end of the first sentence, unless the text cites it already; a remark in
    brackets inside the citation ("(Inhaber einer § 104c-Erlaubnis)") is for the counsellor and is left out."""
    citation = re.sub(r"\s*\([^)]*\)", "", citation)
    if citation in text:
        return text
    end = text.find(". ")
    end = len(text) - 1 if end < 0 else end
    return f"{text[:end]} ({citation}){text[end:]}"


def _excluded(kinds: tuple[str, ...]) -> bool:
    return EXCLUSION in kinds


def unargued(workflow: Workflow, assessment: Assessment) -> list[str]:
    """The requirements the Antrag leaves out, as "label (citation)": not met or not known to be met, and grounds
    of refusal that are overcome only in the authority's discretion (the letter does not raise them itself)."""
    plan = workflow.letter.arguments
    return [f"{c.label} ({c.citation})" for c in assessment.criteria
            if c.met is not True or (c.discretionary and _excluded(plan.get(c.id, ())))]


def _sentences(case: Case, kinds: tuple[str, ...], said: set[str]) -> list[str] | None:
    """The sentences of ``kinds``; None if the first kind finds nothing to argue for this client."""
    out: list[str] = []
    for i, kind in enumerate(kinds):
        written = KINDS[kind](case)
        if written is None:
            if i == 0:
                return None
            continue
        for text in written:
            # A supporting kind (training under the livelihood, say) does not repeat what was argued above.
            if text in out or (i > 0 and text in said):
                continue
            out.append(text)
    return out


def _pronouns(sentences: list[str], client) -> list[str]:
    """After the first sentence, "Herr Rahimi hat …" becomes "Er hat …" (where the gender is known)."""
    if client.pronoun == client.name:
        return sentences
    lead = client.name + " "
    return sentences[:1] + [client.Pronoun + " " + s[len(lead):] if s.startswith(lead) else s
                            for s in sentences[1:]]


def begruendung(workflow: Workflow, facts: CaseFacts, on: dt.date, assessment: Assessment) -> dict:
    """``requirements``: one entry per met requirement with its ``paragraphs``; ``exclusions``: the closing
    sentence on grounds of refusal ("" if none); ``discretion``: the paragraphs for a favourable exercise of
    discretion (empty unless a requirement is met only in discretion)."""
    client = client_of(facts)
    plan = workflow.letter
    said: set[str] = set()
    requirements, exclusions = [], []
    discretion_needed = False
    for criterion in assessment.criteria:
        kinds = plan.arguments.get(criterion.id, ())
        if criterion.met is not True:
            continue
        if _excluded(kinds):
            if not criterion.discretionary and criterion.citation not in exclusions:
                exclusions.append(criterion.citation)
            continue
        paragraph = _paragraph(Case(facts, on, client, criterion, workflow.request), kinds, said)
        if paragraph is None:
            continue
        if criterion.discretionary:
            discretion_needed = True
            paragraph += f" Wir bitten, das insoweit eröffnete Ermessen zugunsten von {client.dative} auszuüben."
        requirements.append({"id": criterion.id, "citation": criterion.citation, "paragraphs": [paragraph]})
    return {
        "requirements": requirements,
        "exclusions": _no_break(f"Gründe, die der Erteilung entgegenstehen, liegen nicht vor "
                                f"({'; '.join(exclusions)}).") if exclusions else "",
        "discretion": _discretion(facts, on, client, plan.discretion, said) if discretion_needed else [],
    }


def _paragraph(case: Case, kinds: tuple[str, ...], said: set[str]) -> str | None:
    sentences = _sentences(case, kinds, said)
    if sentences is None:
        return None
    said.update(sentences)
    sentences = _pronouns(sentences, case.client)
    if not sentences:  # a workflow without a letter plan for this criterion, or facts the kinds cannot word
        sentences = [f"Die Voraussetzung „{case.criterion.label}“ liegt vor."]
    return _no_break(_with_citation(" ".join(sentences), case.criterion.citation))


def _no_break(text: str) -> str:
    return _NO_BREAK.sub("\\1\u00a0", text)


def _discretion(facts: CaseFacts, on: dt.date, client, kinds: tuple[str, ...], said: set[str]) -> list[str]:
    anchor = CriterionResult(id="", label="", met=True, met_from=None, state="", reason="", citation="",
                             valid_from=on, valid_until=None)
    case = Case(facts, on, client, anchor, "")
    fresh = [text for kind in kinds for text in KINDS[kind](case) or () if text not in said]
    fresh = list(dict.fromkeys(fresh))
    if fresh:
        return [f"Für eine Ausübung des Ermessens zugunsten von {client.dative} sprechen insbesondere die "
                "folgenden Umstände:", " ".join(_pronouns(fresh, client))]
    if said:
        return [f"Für eine Ausübung des Ermessens zugunsten von {client.dative} sprechen insbesondere die oben "
                "dargelegten Integrationsleistungen."]
    return []
