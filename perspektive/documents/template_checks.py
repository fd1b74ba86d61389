"""Whether an uploaded letter template is safe and works: a plain .docx of sensible size (no zip bomb; no macros,
DOCTYPE or external links, which ``docx_package`` finds by parsing the package), and one that renders in the
letters' sandbox for the sample client, assessed under its workflow.

Rendering runs in a child process with a time limit, a memory limit and a CPU limit: the sandbox refuses Python
internals, but nested loops in a template would otherwise hold a web worker.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from perspektive.accounts.models import User
from perspektive.law import CaseFacts, Workflow, assess, current_engine, parse_facts, today_in_germany

from .docx_package import unsafe_part
from .letters import LetterError, letter_context, render_template_file

MAX_TEMPLATE_BYTES = 1_000_000
MAX_TEMPLATE_UNPACKED = 20_000_000  # a zip bomb is a small .docx that unpacks to gigabytes
MAX_TEMPLATE_MEMBERS = 500  # a letter has a few dozen parts
RENDER_TIMEOUT_SECONDS = 15.0  # per template
RENDER_MEMORY_BYTES = 1024 ** 3
SAMPLE_CLIENT = "amina"
# The demo clients ship with the package; the sample client is one of them.
SAMPLE_CLIENTS_DIR = Path(__file__).resolve().parents[1] / "demo_data"


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
        return [Problem(shown, "(Datei)", "Die Datei ist leer. (The file is empty.)")]
    if len(data) > MAX_TEMPLATE_BYTES:
        return [Problem(shown, "(Datei)", f"Die Vorlage ist größer als {MAX_TEMPLATE_BYTES // 1_000_000} MB. "
                        "(Template too large.)")]
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
        return [Problem(shown, "(Datei)", "Keine Word-Datei (.docx). Bitte in Word oder LibreOffice als "
                        "„Word-Dokument (.docx)“ speichern, nicht als .doc, .odt oder PDF. (Not a .docx file.)")]
    if unpacked > MAX_TEMPLATE_UNPACKED or len(members) > MAX_TEMPLATE_MEMBERS:
        return [Problem(shown, "(Datei)", "Die Vorlage entpackt zu mehr als 20 MB oder hat zu viele Teile und wird "
                        "nicht angenommen. (Unpacks too large.)")]
    if unsafe:
        part, reason = unsafe
        return [Problem(shown, part, f"{reason}. Die Vorlage enthält Makros, eine DOCTYPE-Deklaration oder "
                        "Verweise auf externe Dateien; bitte als einfaches Word-Dokument ohne Makros und ohne verknüpfte Bilder "
                        "oder Dokumentvorlagen speichern. (Macros, DOCTYPE or external references.)")]
    return []


def template_problems(workflow: Workflow, letter: str, path: Path) -> list[Problem]:
    problem = render_checks([(workflow, letter, path)]).get(str(path))
    return [Problem(f"{letter}.docx", "Vorlage (template)", problem)] if problem else []


_CACHE: dict[tuple, str | None] = {}


def render_checks(jobs: list[tuple[Workflow, str, Path]]) -> dict[str, str | None]:
    """Path -> None when the template renders for the sample client, else what went wrong. Cached per file version,
    workflow version and day, since the overview checks every template on every visit."""
    today = today_in_germany()
    results: dict[str, str | None] = {}
    todo = []
    for workflow, letter, path in jobs:
        key = (str(path), _stamp(path), str(workflow.source), _stamp(workflow.source), today)
        if key in _CACHE:
            results[str(path)] = _CACHE[key]
        else:
            todo.append((key, str(path), _sample_context(workflow, letter, today)))
    if todo:
        rendered = _render_isolated([(str(path), context) for _, path, context in todo])
        if len(_CACHE) > 500:
            _CACHE.clear()
        for key, path, _ in todo:
            results[path] = _CACHE[key] = rendered[path]
    return results


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return ()
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def sample_facts() -> CaseFacts:
    return parse_facts(json.loads((SAMPLE_CLIENTS_DIR / f"{SAMPLE_CLIENT}.json").read_text(encoding="utf-8")))


def _sample_context(workflow: Workflow, letter: str, on: dt.date) -> dict:
    """What ``letters.render_letter`` would pass for the sample client, assessed under ``workflow`` (which need not
    be loaded yet), with an unsaved sample counsellor."""
    engine = current_engine()
    facts = sample_facts()
    assessment = assess(workflow, facts, on, engine.types)
    checklist = engine.checklist(workflow, facts, assessment)
    extras = engine.letter_extras(workflow, facts, assessment, letter)
    counsellor = User(display_name="Berta Beispiel", email="beratung@example.org", phone="0351 0000000")
    return letter_context(workflow, facts, on, assessment, checklist, counsellor, current_app.config, extras)


def _render_isolated(jobs: list[tuple[str, dict]]) -> dict[str, str | None]:
    """Render each (path, context) in one child process; a template that takes longer than
    ``RENDER_TIMEOUT_SECONDS`` stops the child, and the templates after it are reported as not checked."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_child, args=(jobs, sender), daemon=True)
    child.start()
    sender.close()
    results: dict[str, str | None] = {}
    try:
        for path, _ in jobs:
            if not receiver.poll(RENDER_TIMEOUT_SECONDS):
                results[path] = (f"Das Ausfüllen dauerte länger als {RENDER_TIMEOUT_SECONDS:g} Sekunden und wurde "
                                 "abgebrochen (Endlosschleife?). (Rendering timed out.)")
                break
            try:
                done, problem = receiver.recv()
            except EOFError:
                results[path] = ("Das Ausfüllen wurde abgebrochen (Speichergrenze überschritten?). "
                                 "(Rendering aborted.)")
                break
            results[done] = problem
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    for path, _ in jobs:
        results.setdefault(path, "Nicht geprüft, weil eine andere Vorlage abgebrochen wurde. (Not checked.)")
    return results


def _render_child(jobs, sender) -> None:  # pragma: no cover - runs in the child process
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY_BYTES, RENDER_MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (int(RENDER_TIMEOUT_SECONDS * len(jobs)) + 5,) * 2)
    except (ImportError, ValueError, OSError):
        pass
    for path, context in jobs:
        try:
            render_template_file(path, context)
            sender.send((path, None))
        except LetterError as exc:
            sender.send((path, _render_problem(exc)))
    sender.close()


def _render_problem(exc: LetterError) -> str:
    """The letters' message, plus what Jinja said: for the administrator, about a template and sample data only."""
    cause = exc.__context__
    detail = f" Jinja: {type(cause).__name__}: {cause}" if cause is not None else ""
    return (str(exc).replace(" Bitte die Administration informieren.", "") + detail)[:600]


