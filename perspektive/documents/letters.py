"""Letters: the application letter (``antrag``) and the client's document checklist (``checkliste``) as .docx.

Templates are .docx files under ``letter_templates/<workflow>/<letter>.docx``, filled by docxtpl. Three rules keep
that safe (shared/security-checklist.md, rows 1-3):

- Jinja runs sandboxed with ``StrictUndefined``: a template that reaches for Python internals
  (``cycler.__init__.__globals__``, ``''.__class__``, ``|attr('format')``) raises instead of executing, and an
  unsafe attribute can not even be printed silently as an empty string.
- Autoescape is on: docxtpl writes values straight into the document XML, and without escaping "Müller & Söhne"
  loses its "&" and ``</w:t>…`` injects markup. With it, every value comes out exactly as typed.
- The context is plain data (str, numbers, dates, lists, dicts), checked before rendering: a character XML cannot
  hold is refused with a message naming the field, instead of producing a broken or silently altered file.

Beyond the operator bounds of ``_LetterSandbox`` nothing limits time or memory (nested loops run): render in a
worker with a time limit.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from pathlib import Path

from docx.opc.exceptions import OpcError
from docxtpl import DocxTemplate
from flask import current_app
from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from perspektive.accounts.models import User
from perspektive.law import (
    COUNTRY_NAMES,
    LANGUAGE_NAMES,
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

__all__ = ["LETTERS", "LetterError", "letter_context", "letter_filename", "render_letter", "render_template_file"]

log = logging.getLogger("perspektive.letters")

# XML 1.0 allows TAB, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# docxtpl turns these back into Jinja delimiters after rendering, even inside values (template.py,
# ``render_xml_part``); a value containing one is written with its braces as character references instead.
_DOCXTPL_MARKERS = ("{_{", "}_}", "{_%", "%_}")
# Bounds for the two operators that let a sandboxed template allocate without a loop ('a' * 10**9, 2 ** 10**9).
_MAX_REPEAT = 10_000
_MAX_EXPONENT = 100
# What an expression in a template (plain Python errors, not TemplateError) or a damaged .docx can raise. Not
# ``Exception``: a worker's time limit (huey's TaskTimeout, raised mid-render) must still end the job as a timeout.
_RENDER_FAILURES = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError, RuntimeError,
                    MemoryError, OSError, zipfile.BadZipFile, etree.LxmlError, OpcError)

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
def checklist_language(facts: CaseFacts, checklist: list) -> str:
    """The client's language when every item of the checklist has a text in it, otherwise English."""
    lang = facts.person.language
    if lang and lang not in ("de", "en") and checklist and all(lang in e.text for e in checklist):
        return lang
    return "en"


class LetterError(Exception):
    """A letter could not be produced. The message is German and safe to show: no trace, no personal data."""


# --- Jinja environment ---------------------------------------------------------------------------------------


class _LetterSandbox(SandboxedEnvironment):
    """The Jinja sandbox, plus a bound on ``*`` and ``**``, which allocate without any loop the sandbox could see."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and count > _MAX_REPEAT:
                    raise SecurityError("Wiederholung zu groß")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > _MAX_EXPONENT:
            raise SecurityError("Exponent zu groß")
        return super().call_binop(context, operator, left, right)


def _datum(value) -> str:
    """``{{ some_date|datum }}``: TT.MM.JJJJ; an unknown date shows as a dash."""
    if value is None or value == "":
        return de(None)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TemplateError("Filter datum erwartet ein Datum")
    return de(value)


_ENV: SandboxedEnvironment | None = None


def jinja_environment() -> SandboxedEnvironment:
    """The one environment every letter is rendered with (built once; rendering does not change it)."""
    global _ENV
    if _ENV is None:
        env = _LetterSandbox(autoescape=True, undefined=StrictUndefined)
        env.filters["datum"] = _datum
        _ENV = env
    return _ENV


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
                   checklist: list, counsellor: User | None, config, extras: dict) -> dict:
    """Everything a template may use, as plain data; plugin ``extras`` never replace a core key."""
    lang = checklist_language(facts, checklist)
    context = {
        "today": on,
        "person": _person(facts),
        "organisation": {"name": config.get("ORGANISATION_NAME", ""),
                         "address": config.get("ORGANISATION_ADDRESS", ""),
                         "address_lines": _lines(config.get("ORGANISATION_ADDRESS", ""))},
        "counsellor": {"name": counsellor.display_name if counsellor else "",
                       "email": counsellor.email if counsellor else "",
                       "phone": counsellor.phone if counsellor else ""},
        "authority": {"name": config.get("AUTHORITY_NAME", ""),
                      "address": config.get("AUTHORITY_ADDRESS", ""),
                      "address_lines": _lines(config.get("AUTHORITY_ADDRESS", ""))},
        "workflow": {"id": workflow.id, "provision": workflow.provision, "title": workflow.title,
                     "request": workflow.request},
        "assessment": _assessment(assessment),
        "criteria": [_criterion(c) for c in assessment.criteria],
        "client_language": {"code": lang, "name": LANGUAGE_NAMES.get(lang, lang)},
        "checklist": [{"text": e.text_in("de"), "text_en": e.text_in("en"), "text_client": e.text_in(lang),
                       "why": e.why} for e in checklist],
        "enclosures": [e.text_in("de") for e in checklist],
    }
    for key, value in (extras or {}).items():
        context.setdefault(key, value)
    return context


# --- Rendering -----------------------------------------------------------------------------------------------


def render_template_file(path: Path | str, context: dict) -> bytes:
    """Fill the .docx template at ``path`` with ``context``; every failure becomes a ``LetterError``."""
    path = Path(path)
    if not path.is_file():
        raise LetterError("Die Briefvorlage fehlt. Bitte die Administration informieren.")
    values = _clean(context, "")
    try:
        template = DocxTemplate(str(path))
        template.render(values, jinja_env=jinja_environment())
        out = io.BytesIO()
        template.save(out)
    except SecurityError:
        log.warning("letter template %s refused by the sandbox", path.name)
        raise LetterError("Die Briefvorlage enthält einen unzulässigen Zugriff und wurde nicht ausgeführt. "
                          "Bitte die Administration informieren.") from None
    except TemplateError as exc:
        # No chaining, and only the type is logged: a message can quote a value, and values are personal data.
        log.warning("letter template %s failed: %s", path.name, type(exc).__name__)
        raise LetterError("Die Briefvorlage ist fehlerhaft und konnte nicht ausgefüllt werden. "
                          "Bitte die Administration informieren.") from None
    except _RENDER_FAILURES as exc:
        log.warning("letter template %s could not be rendered: %s", path.name, type(exc).__name__)
        raise LetterError("Die Briefvorlage konnte nicht verarbeitet werden. "
                          "Bitte die Administration informieren.") from None
    return out.getvalue()


def render_letter(workflow_id: str, facts: CaseFacts, on: dt.date, letter: str,
                  counsellor: User | None = None) -> bytes:
    """The letter ``letter`` of ``workflow_id`` for a client with ``facts``, dated and assessed on ``on``."""
    if letter not in LETTERS:
        raise LetterError(f"Unbekannte Briefart. Möglich sind: {', '.join(LETTERS)}.")
    engine = current_engine()
    try:
        workflow = engine.workflow(workflow_id)
    except UnknownWorkflow:
        raise LetterError("Unbekanntes Verfahren: für diesen Weg gibt es keine Vorlage.") from None
    if letter not in workflow.letters:
        raise LetterError(f"Für {workflow.provision} gibt es diese Briefart nicht.")
    [assessment] = engine.assess(facts, on, workflow.id)
    checklist = engine.checklist(workflow, facts, assessment)
    extras = engine.letter_extras(workflow, facts, assessment, letter)
    context = letter_context(workflow, facts, on, assessment, checklist, counsellor, current_app.config, extras)
    return render_template_file(engine.letters_dir / workflow.id / f"{letter}.docx", context)


def letter_filename(workflow_id: str, letter: str, on: dt.date) -> str:
    """A download name such as ``section_25b_antrag_2026-11-21.docx``: never personal data, always header-safe."""
    if letter not in LETTERS or not WORKFLOW_ID.fullmatch(workflow_id):
        raise LetterError("Unbekannte Briefart oder unbekanntes Verfahren.")
    return f"{workflow_id}_{letter}_{on.isoformat()}.docx"
