"""Letters: the application letter (``antrag``) and the client's document checklist (``checkliste``) as .docx.

Templates are .docx files under ``letter_templates/<workflow>/<letter>.docx``, filled by docxtpl in the Jinja
sandbox (``sandbox``: no Python internals, autoescaping, bounded operators and output) in a render process with a
time, memory and size limit (``isolation``); shared/security-checklist.md rows 1-4. This module builds what a
template may use. The context is plain data (str, numbers, dates, lists, dicts), checked before rendering: a
character XML cannot hold is refused with a message naming the field, instead of producing a broken or silently
altered file.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import current_app, has_app_context
from markupsafe import Markup, escape

from perspektive.accounts.models import User
from perspektive.clients.models import Case
from perspektive.law import (
    COUNTRY_NAMES,
    LETTERS,
    WORKFLOW_ID,
    Assessment,
    CaseFacts,
    CriterionResult,
    UnknownWorkflow,
    Workflow,
    current_engine,
    de,
)

from . import isolation
from .arguments import begruendung
from .checklists import received_on
from .handout import anlagen, handout
from .rtl import right_to_left
from .sandbox import LetterError
from .wording import client_of

__all__ = ["LETTERS", "LetterError", "file_reference", "letter_context", "letter_filename", "render_letter", "render_template_file"]

# XML 1.0 allows TAB, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# docxtpl turns these back into Jinja delimiters after rendering, even inside values (template.py,
# ``render_xml_part``); a value containing one is written with its braces as character references instead.
_DOCXTPL_MARKERS = ("{_{", "}_}", "{_%", "%_}")
# The limits of one render when the configuration does not say (RENDER_TIMEOUT_SECONDS, RENDER_MAX_OUTPUT_BYTES).
DEFAULT_TIMEOUT_SECONDS = 10
DEFAULT_MAX_OUTPUT_BYTES = 10_000_000

VERDICT_TEXT = {
    "eligible": "Voraussetzungen erfüllt",
    "eligible_from": "Voraussetzungen erfüllt ab {date}",
    "not_eligible": "Voraussetzungen nicht erfüllt",
    "incomplete": "Angaben unvollständig",
}
SALUTATION = {"female": "Frau", "male": "Herr"}
# "für Herrn …", "von Herrn …": accusative and dative of "Herr".
SALUTATION_OBLIQUE = {"female": "Frau", "male": "Herrn"}
# Nationalities as an Ausländerbehörde writes them; codes not listed here are shown as given.
# --- Context values: plain data, XML-safe -------------------------------------------------------------------


def _clean(value, field: str):
    """``value`` as plain, XML-safe data. ``field`` names it (``person.family_name``) in the error message."""
    if isinstance(value, str):
        value = str(value)  # a plugin's Markup would skip autoescaping and write raw XML
        bad = _XML_ILLEGAL.search(value)
        if bad:
            raise LetterError(f"Das Feld „{field}“ enthält ein unzulässiges Steuerzeichen "
                              f"(U+{ord(bad.group()):04X}). Bitte die Angabe korrigieren.")
        # The XML parser reads a bare CR as LF anyway; normalising first keeps what is shown what was typed.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if any(marker in value for marker in _DOCXTPL_MARKERS):
            return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))
        return value
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    if isinstance(value, dict):
        return {str(k): _clean(v, f"{field}.{k}" if field else str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, f"{field}[{i}]") for i, v in enumerate(value)]
    raise LetterError(f"Das Feld „{field}“ enthält keinen darstellbaren Wert (Erweiterung prüfen).")


def _lines(address: str) -> list[str]:
    """An address typed on one line ("Musterstraße 1, 01067 Dresden") as the lines of an address block."""
    return [part.strip() for part in re.split(r"[,\n]", address) if part.strip()]


def _person(facts: CaseFacts) -> dict:
    p = facts.person
    given, family = p.given_name or "", p.family_name or ""
    full_name = " ".join(part for part in (given, family) if part)
    oblique = SALUTATION_OBLIQUE.get(p.gender or "", "")
    return {
        "given_name": given,
        "family_name": family,
        "full_name": full_name,
        "salutation": SALUTATION.get(p.gender or "", ""),
        # Ready for "für …" / "von …": "Frau Amina Yousef", "Herrn Max Muster", or the name alone.
        "name_with_salutation": f"{oblique} {full_name}" if oblique else full_name,
        "name_in_sentence": client_of(facts).name,  # "Herr Qureshi": how the Begründung names the client
        "date_of_birth": p.date_of_birth,
        "nationality": COUNTRY_NAMES.get(p.nationality or "", p.nationality or ""),
        "nationality_code": p.nationality or "",
        "address": p.address or "",
        "address_lines": _lines(p.address or ""),
        "abh_file_number": p.abh_file_number or "",
    }


def _criterion(c: CriterionResult) -> dict:
    """A criterion for a letter to the authority: the engine's internal UNVERIFIED note stays out of the text."""
    return {
        "id": c.id,
        "label": c.label,
        "citation": c.citation,
        "met": c.met,
        "met_from": c.met_from,
        "status_text": c.state,
        "reason": f"{c.state}. {c.reason}.",
        "evidence": c.evidence,
        "discretionary": c.discretionary,
        "unverified": c.unverified,
    }


def _assessment(a: Assessment) -> dict:
    return {
        "verdict": a.verdict,
        "verdict_text": VERDICT_TEXT.get(a.verdict, a.verdict).format(date=de(a.earliest_date)),
        "earliest_date": a.earliest_date,
        "rules_version": a.rules_version or "",
        "assessed_on": a.assessed_on,
    }


def letter_context(workflow: Workflow, facts: CaseFacts, on: dt.date, assessment: Assessment,
                   checklist: list, counsellor: User | None, config, extras: dict,
                   received: dict[str, str] | None = None) -> dict:
    """Everything a template may use, as plain data; plugin ``extras`` never replace a core key.

    ``received``: the checklist items ticked as received on the case, with the counsellor's note. From it come
    ``anlagen`` (the Antrag's list: received documents only, in the documents' words) and ``handout`` (the client's
    checklist: ``t`` its fixed phrases, ``missing`` and ``received`` the item texts, ``contact``, ``language``,
    ``rtl``, ``translated``, ``reviewed``, ``provision``), in the client's language or German (``handout``)."""
    received = received or {}
    who = {"name": counsellor.display_name if counsellor else "",
           "email": counsellor.email if counsellor else "",
           "phone": counsellor.phone if counsellor else ""}
    office = {"name": config.get("ORGANISATION_NAME", ""), "address": config.get("ORGANISATION_ADDRESS", ""),
              "phone": config.get("ORGANISATION_PHONE", ""), "email": config.get("ORGANISATION_EMAIL", "")}
    for_client = handout(workflow.id, workflow.provision, checklist, received, facts, who, office)
    lang = for_client["language"]
    listed_anlagen = anlagen(workflow.id, checklist, received, facts, on)
    context = {
        "today": on,
        "person": _person(facts),
        "organisation": {"name": config.get("ORGANISATION_NAME", ""),
                         "address": config.get("ORGANISATION_ADDRESS", ""),
                         "address_lines": _lines(config.get("ORGANISATION_ADDRESS", ""))},
        "counsellor": who,
        "authority": {"name": config.get("AUTHORITY_NAME", ""),
                      "address": config.get("AUTHORITY_ADDRESS", ""),
                      "address_lines": _lines(config.get("AUTHORITY_ADDRESS", ""))},
        "workflow": {"id": workflow.id, "provision": workflow.provision, "title": workflow.title,
                     "request": workflow.request},
        "assessment": _assessment(assessment),
        "criteria": [_criterion(c) for c in assessment.criteria],
        "client_language": {"code": lang, "name": for_client["language_name"]},
        "checklist": [{"text": e.text_in("de"), "text_en": e.text_in("en"), "text_client": item["text"],
                       "why": e.why, "received": item["received"]}
                      for e, item in zip(checklist, for_client["items"])],
        # The Antrag's Anlagen: only what was received, named as the document (``enclosures``: the older name).
        "anlagen": listed_anlagen,
        "enclosures": listed_anlagen,
        "handout": for_client,
        # The Begründung (``arguments``): requirements argued from the facts, grounds of refusal, discretion.
        **begruendung(workflow, facts, on, assessment),
    }
    for key, value in (extras or {}).items():
        context.setdefault(key, value)
    return context


# --- Rendering -----------------------------------------------------------------------------------------------


def render_template_file(path: Path | str, context: dict, *, timeout: float | None = None,
                         max_output: int | None = None, explain: bool = False) -> bytes:
    """Fill the .docx template at ``path`` with ``context`` in a render process, within ``timeout`` seconds and
    ``max_output`` characters (by default RENDER_TIMEOUT_SECONDS and RENDER_MAX_OUTPUT_BYTES of the app); every
    failure becomes a ``LetterError`` (``explain``: with what Jinja said as its ``detail``)."""
    path = Path(path)
    if not path.is_file():
        raise LetterError("Die Briefvorlage fehlt. Bitte die Administration informieren.")
    values = _clean(context, "")
    config = current_app.config if has_app_context() else {}
    return isolation.render(str(path), values, explain=explain,
                            timeout=timeout or config.get("RENDER_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS),
                            max_output=max_output or config.get("RENDER_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES))


def render_letter(workflow_id: str, facts: CaseFacts, on: dt.date, letter: str,
                  counsellor: User | None = None, case: Case | None = None) -> bytes:
    """The letter ``letter`` of ``workflow_id`` for a client with ``facts``, dated and assessed on ``on``; with the
    ``case``, its items ticked as received become the Antrag's Anlagen and the handout's "received"."""
    if letter not in LETTERS:
        raise LetterError(f"Unbekannte Briefart. Möglich sind: {', '.join(LETTERS)}.")
    engine = current_engine()
    try:
        workflow = engine.workflow(workflow_id)
    except UnknownWorkflow:
        raise LetterError("Unbekanntes Verfahren: für diesen Weg gibt es keine Vorlage.") from None
    if letter not in workflow.letters:
        raise LetterError(f"Für {workflow.provision} gibt es diese Briefart nicht.")
    if not workflow.in_force(on):
        until = f" bis zum {de(workflow.in_force_until)}" if workflow.in_force_until else ""
        raise LetterError(f"{workflow.provision} ist am {de(on)} nicht in Kraft (gilt vom "
                          f"{de(workflow.in_force_from)}{until}): ein Schreiben mit diesem Datum hätte keine "
                          "Rechtsgrundlage.")
    [assessment] = engine.assess(facts, on, workflow.id)
    checklist = engine.checklist(workflow, facts, assessment)
    extras = engine.letter_extras(workflow, facts, assessment, letter)
    received = received_on(case) if case is not None and case.workflow == workflow.id else {}
    context = letter_context(workflow, facts, on, assessment, checklist, counsellor, current_app.config, extras,
                             received)
    data = render_template_file(engine.letters_dir / workflow.id / f"{letter}.docx", context)
    if context["handout"]["rtl"] and letter == "checkliste":
        return right_to_left(data, context["handout"]["font"])
    return data


_UNSAFE = re.compile(r"[^\w-]+")  # keeps letters (umlauts too), digits, "_" and "-"; "_" separates the parts


def file_reference(file_number: str | None, client_reference: str) -> str:
    """The Aktenzeichen a download is named after: the authority's file number where the counsellor recorded one
    (so that the office files it under the number the authority uses), otherwise the internal client reference.
    Only safe characters: anything else (slashes, spaces, dots) becomes "-"."""
    chosen = (file_number or "").strip() or client_reference
    return _UNSAFE.sub("-", chosen).replace("_", "-").strip("-")[:60]


def letter_filename(workflow_id: str, letter: str, on: dt.date, reference: str = "") -> str:
    """A download name such as ``ABH-4711_25b_Antrag_2026-12-03.docx``: the file reference (``file_reference``),
    the path, the document and the day, so that two clients' letters never collide in a download folder.
    Non-ASCII characters of the reference travel as RFC 6266 ``filename*`` (Werkzeug's ``send_file``)."""
    if letter not in LETTERS or not WORKFLOW_ID.fullmatch(workflow_id):
        raise LetterError("Unbekannte Briefart oder unbekanntes Verfahren.")
    path = workflow_id.removeprefix("section_")
    parts = [file_reference(reference, "")] if reference else []
    return "_".join([*filter(None, parts), path, letter.capitalize(), on.isoformat()]) + ".docx"
