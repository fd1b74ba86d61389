"""Whether an uploaded letter template is safe and works: a plain .docx of sensible size (no zip bomb; no macros,
DOCTYPE or external links, which ``docx_package`` finds by parsing the package), and one that renders in the
letters' sandbox for every sample client (the demo clients), assessed under its workflow.

Every sample is tried because a template can branch on the client: one that loops or grows only for some names
passed a check with one sample and then held a web worker (probe finding 4, shared/security-checklist.md row 4).
Each render runs with the letters' own time and size limits (``isolation``).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from perspektive.accounts.models import User
from perspektive.law import CaseFacts, Workflow, assess, current_engine, parse_facts, today_in_germany

from .docx_package import unsafe_part
from .letters import LetterError, letter_context, render_template_file

MAX_TEMPLATE_BYTES = 1_000_000
MAX_TEMPLATE_UNPACKED = 20_000_000  # a zip bomb is a small .docx that unpacks to gigabytes
MAX_TEMPLATE_MEMBERS = 500  # a letter has a few dozen parts
# The demo clients ship with the package; each is a sample client.
SAMPLE_CLIENTS_DIR = Path(__file__).resolve().parents[1] / "demo_data"
SAMPLE_CLIENTS = tuple(sorted(path.stem for path in SAMPLE_CLIENTS_DIR.glob("*.json")))


@dataclass(frozen=True)
class Problem:
    file: str  # "section_16g_8.toml", "antrag.docx"
    key: str  # "criteria[2].type", "letters", "(Datei)"
    text: str


# --- checking templates ---------------------------------------------------------------------------------------


def docx_problems(letter: str, data: bytes) -> list[Problem]:
    """A real .docx (Office Open XML in a zip) of sensible size; the content is checked by rendering it."""
    shown = f"{letter}.docx"
    if not data:
        return [Problem(shown, "(Datei)", _l("Die Datei ist leer."))]
    if len(data) > MAX_TEMPLATE_BYTES:
        return [Problem(shown, "(Datei)", _l("Die Vorlage ist größer als %(size)s MB.",
                                             size=MAX_TEMPLATE_BYTES // 1_000_000))]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            unpacked = sum(m.file_size for m in members)
            unsafe = None if len(members) > MAX_TEMPLATE_MEMBERS or unpacked > MAX_TEMPLATE_UNPACKED \
                else unsafe_part(archive)
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, RuntimeError, NotImplementedError):
        names, members, unpacked, unsafe = set(), [], 0, None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return [Problem(shown, "(Datei)", _l("Keine Word-Datei (.docx). Bitte in Word oder LibreOffice als "
                                             "„Word-Dokument (.docx)“ speichern, nicht als .doc, .odt oder PDF."))]
    if unpacked > MAX_TEMPLATE_UNPACKED or len(members) > MAX_TEMPLATE_MEMBERS:
        return [Problem(shown, "(Datei)", _l("Die Vorlage entpackt zu mehr als 20 MB oder hat zu viele Teile und "
                                             "wird nicht angenommen."))]
    if unsafe:
        part, reason = unsafe
        return [Problem(shown, part, _("%(reason)s. Die Vorlage enthält Makros, eine DOCTYPE-Deklaration oder "
                                       "Verweise auf externe Dateien; bitte als einfaches Word-Dokument ohne Makros "
                                       "und ohne verknüpfte Bilder oder Dokumentvorlagen speichern.", reason=reason))]
    return []


def template_problems(workflow: Workflow, letter: str, path: Path) -> list[Problem]:
    problem = render_checks([(workflow, letter, path)]).get(str(path))
    return [Problem(f"{letter}.docx", _l("Vorlage"), problem)] if problem else []


_CACHE: dict[tuple, str | None] = {}


def render_checks(jobs: list[tuple[Workflow, str, Path]]) -> dict[str, str | None]:
    """Path -> None when the template renders for every sample client, else what went wrong for the first that
    fails. Cached per file version, workflow version and day, since the overview checks every template on every
    visit."""
    today = today_in_germany()
    results: dict[str, str | None] = {}
    samples = None
    for workflow, letter, path in jobs:
        key = (str(path), _stamp(path), str(workflow.source), _stamp(workflow.source), today)
        if key not in _CACHE:
            samples = samples or sample_facts()
            if len(_CACHE) > 500:
                _CACHE.clear()
            _CACHE[key] = _first_problem(workflow, letter, path, samples, today)
        results[str(path)] = _CACHE[key]
    return results


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return ()
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def sample_facts() -> dict[str, CaseFacts]:
    return {name: parse_facts(json.loads((SAMPLE_CLIENTS_DIR / f"{name}.json").read_text(encoding="utf-8")))
            for name in SAMPLE_CLIENTS}


def _first_problem(workflow: Workflow, letter: str, path: Path, samples: dict[str, CaseFacts],
                   on: dt.date) -> str | None:
    """None when the template fills in for every sample; else the letters' message for the first sample that
    fails, and what Jinja said (for the administrator, about a template and sample data only)."""
    for name, facts in samples.items():
        try:
            render_template_file(path, _sample_context(workflow, letter, on, facts), explain=True)
        except LetterError as exc:
            message = str(exc).replace(" Bitte die Administration informieren.", "")
            return f"Beispiel „{name}“: {message}{exc.detail}"[:600]
    return None


def _sample_context(workflow: Workflow, letter: str, on: dt.date, facts: CaseFacts) -> dict:
    """What ``letters.render_letter`` would pass for a sample client, assessed under ``workflow`` (which need not
    be loaded yet), with an unsaved sample counsellor."""
    engine = current_engine()
    assessment = assess(workflow, facts, on, engine.types)
    checklist = engine.checklist(workflow, facts, assessment)
    extras = engine.letter_extras(workflow, facts, assessment, letter)
    counsellor = User(display_name="Berta Beispiel", email="beratung@example.org", phone="0351 0000000")
    return letter_context(workflow, facts, on, assessment, checklist, counsellor, current_app.config, extras)
