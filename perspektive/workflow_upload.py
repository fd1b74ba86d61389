"""Adding a provision without code: a workflow file and its letter templates, checked exactly as the engine and the
letters will use them, then written atomically where the engine looks (``WORKFLOWS_DIR``,
``LETTER_TEMPLATES_DIR/<id>/``).

The checks, in order:

1. the file name is the workflow id (``section_25b.toml``, safe characters only, no path), the file is small and
   UTF-8; the id is not taken unless the administrator ticked "replace";
2. the real loader (``workflows.parse_workflow`` with the engine's criterion types, plugins included) accepts it;
3. every letter the workflow declares has a template: uploaded, already in the workflow's folder, or the shared
   default in ``LETTER_TEMPLATES_DIR/_default/`` (copied, so that the workflow keeps working when the default
   changes); ``letters.render_letter`` itself only ever looks in ``<id>/``, and the loader refuses a workflow whose
   declared templates are missing;
4. every template is a real .docx and renders in the letters' sandbox (``letters.render_template_file``) for the
   sample client (the demo facts of ``SAMPLE_CLIENT``), assessed under the new workflow.

Any problem names the file and the key, and nothing is written. On success the replaced files are kept under
``DATA_DIR/workflow_archive/`` and ``DATA_DIR/template_archive/`` with a time stamp, templates are written before
the workflow file (so the engine never sees a workflow without its templates), each through a temporary file and
``os.replace``. Every engine picks the new file up through ``Engine.reload_if_changed`` on its next request.

Rendering runs in a child process with a time limit, a memory limit and a CPU limit: the sandbox refuses Python
internals, but nested loops in a template would otherwise hold a web worker.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from . import audit
from .demo import DEMO_DIR
from .engine import current_engine
from .facts import CaseFacts, parse_facts
from .letters import LetterError, letter_context, render_template_file
from .models import User, utcnow
from .periods import today_in_germany
from .rules import assess
from .workflows import WORKFLOW_ID, Workflow, WorkflowError, parse_workflow

MAX_WORKFLOW_BYTES = 200_000
MAX_TEMPLATE_BYTES = 1_000_000
MAX_TEMPLATE_UNPACKED = 20_000_000  # a zip bomb is a small .docx that unpacks to gigabytes
MAX_TEMPLATE_MEMBERS = 500  # a letter has a few dozen parts
RENDER_TIMEOUT_SECONDS = 15.0  # per template
RENDER_MEMORY_BYTES = 1024 ** 3
SAMPLE_CLIENT = "amina"
DEFAULT_TEMPLATES = "_default"
WORKFLOW_ARCHIVE = "workflow_archive"
TEMPLATE_ARCHIVE = "template_archive"
FILE_NAME = re.compile(rf"(?P<id>{WORKFLOW_ID.pattern.lstrip('^').rstrip('$')})\.toml")


@dataclass(frozen=True)
class Problem:
    file: str  # "section_16g_8.toml", "antrag.docx"
    key: str  # "criteria[2].type", "letters", "(Datei)"
    text: str


class UploadError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.file}: {p.key}: {p.text}" for p in problems))


@dataclass(frozen=True)
class Upload:
    """A file as the administrator sent it: the name only to check it, never to build a path."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Installed:
    workflow_id: str
    provision: str
    replaced: bool
    templates: tuple[str, ...]  # letters written from an upload
    defaults: tuple[str, ...]  # letters copied from _default
    archived: tuple[str, ...]  # archive file names


@dataclass(frozen=True)
class TemplateInfo:
    letter: str
    exists: bool
    size: int | None = None
    modified: dt.datetime | None = None  # UTC
    problem: str | None = None  # None: renders for the sample client


@dataclass(frozen=True)
class TemplateRow:
    workflow_id: str
    label: str  # the provision, or the file name of a workflow that does not load
    letters: tuple[TemplateInfo, ...]
    workflow_problem: str | None = None


# --- adding or replacing a workflow ---------------------------------------------------------------------------


def install_workflow(workflow_file: Upload, templates: dict[str, Upload], *, replace: bool, actor) -> Installed:
    """Check ``workflow_file`` and ``templates`` (letter -> upload) and install them; ``UploadError`` lists every
    problem found, and then nothing has been written."""
    engine = current_engine()
    engine.reload_if_changed()
    ident, text = _workflow_text(workflow_file)
    target = engine.workflows_dir / f"{ident}.toml"
    workflow, sources = _checked(ident, text, templates, _id_problems(ident, target, replace))
    replacing = target.exists()
    writes = [(engine.letters_dir / ident / f"{letter}.docx", data) for letter, (data, kind) in sources.items()
              if kind != "kept"]
    writes.append((target, text.encode("utf-8")))  # last: an engine never sees the workflow before its templates
    archived = _commit(writes, ident)
    engine.reload_if_changed()
    uploaded = tuple(letter for letter, (_, kind) in sources.items() if kind == "uploaded")
    defaults = tuple(letter for letter, (_, kind) in sources.items() if kind == "default")
    audit.record(actor, "workflow.replace" if replacing else "workflow.install", "workflow", ident,
                 f"templates={','.join(uploaded) or '-'}; defaults={','.join(defaults) or '-'}")
    return Installed(ident, workflow.provision, replaced=replacing, templates=uploaded, defaults=defaults,
                     archived=tuple(archived))


def _checked(ident: str, text: str, templates: dict[str, Upload],
             problems: list[Problem]) -> tuple[Workflow, dict[str, tuple[bytes, str]]]:
    """The workflow and its templates, laid out in a scratch directory exactly as they will be installed and
    checked there by the loader and the letters; raises ``UploadError`` with ``problems`` and every other one."""
    shown = f"{ident}.toml"
    with tempfile.TemporaryDirectory(prefix="perspektive-upload-") as staging:
        staged = Path(staging) / shown
        staged.write_text(text, encoding="utf-8")
        try:
            workflow = _parse(staged, shown)
        except UploadError as exc:
            # Templates are filled in under the workflow, so that waits; their files can be checked already.
            files = [p for letter, upload in templates.items() for p in _docx_problems(letter, upload.data)]
            later = [Problem(f"{letter}.docx", "Vorlage (template)", "Noch nicht ausgefüllt: das geschieht, sobald "
                             "die Workflow-Datei fehlerfrei ist. (Checked once the workflow file loads.)")
                     for letter in templates if not any(p.file == f"{letter}.docx" for p in files)]
            raise UploadError(problems + exc.problems + files + later) from None
        sources, template_problems = _template_sources(workflow, templates, current_engine().letters_dir)
        if problems or template_problems:
            raise UploadError(problems + template_problems)
        folder = Path(staging) / "letters" / ident
        folder.mkdir(parents=True)
        for letter, (data, _) in sources.items():
            (folder / f"{letter}.docx").write_bytes(data)
        _parse(staged, shown, folder.parent)  # the loader's own check of the complete set, as an engine runs it
        rendered = [p for letter in sources for p in _template_problems(workflow, letter, folder / f"{letter}.docx")]
        if rendered:
            raise UploadError(rendered)
    return workflow, sources


def _workflow_text(upload: Upload) -> tuple[str, str]:
    if not upload.name:
        raise UploadError([Problem("(keine Datei)", "(Datei)", "Bitte eine Workflow-Datei (.toml) auswählen. "
                                   "(Choose a workflow file.)")])
    shown = _shown_name(upload.name)
    match = FILE_NAME.fullmatch(upload.name or "")
    if match is None:
        raise UploadError([Problem(shown, "(Dateiname)", "Der Dateiname muss die Workflow-Id mit der Endung .toml "
                                   "sein, z. B. section_25b.toml oder section_25_5.toml (Kleinbuchstaben, Ziffern, "
                                   "Unterstrich; kein Pfad). (The file name must be the workflow id plus .toml.)")])
    if not upload.data:
        raise UploadError([Problem(shown, "(Datei)", "Die Datei ist leer. (The file is empty.)")])
    if len(upload.data) > MAX_WORKFLOW_BYTES:
        raise UploadError([Problem(shown, "(Datei)", f"Die Datei ist größer als {MAX_WORKFLOW_BYTES // 1000} kB. "
                                   "(File too large.)")])
    try:
        text = upload.data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadError([Problem(shown, "(Datei)", "Die Datei ist nicht UTF-8-kodiert. Bitte als UTF-8 speichern. "
                                   "(The file is not UTF-8.)")]) from None
    return match["id"], text.lstrip("\ufeff")


def _id_problems(ident: str, target: Path, replace: bool) -> list[Problem]:
    engine = current_engine()
    known = engine.workflows.get(ident)
    if known is not None and known.source.resolve() != target.resolve():
        return [Problem(target.name, "id", f"Die Id {ident} ist schon durch {known.source} belegt (Erweiterung) und "
                        "kann hier nicht ersetzt werden. (The id is provided elsewhere.)")]
    if target.exists() and not replace:
        return [Problem(target.name, "id", f"Einen Workflow {ident} gibt es schon. Zum Ersetzen „Vorhandenen Workflow "
                        "ersetzen“ ankreuzen; die bisherige Datei wird archiviert. (The id is taken; tick "
                        "“replace” to replace it.)")]
    return []


def _parse(path: Path, shown: str, letters_root: Path | None = None) -> Workflow:
    try:
        return parse_workflow(path, current_engine().types, letters_root)
    except WorkflowError as exc:
        raise UploadError([Problem(shown, exc.key, exc.problem)]) from None


def _template_sources(workflow: Workflow, uploads: dict[str, Upload],
                      letters_dir: Path) -> tuple[dict[str, tuple[bytes, str]], list[Problem]]:
    """Letter -> (bytes, "uploaded" | "kept" | "default") for every letter the workflow declares. A template already
    in the workflow's folder (the one being replaced, or one put there by hand) is kept unless a new one comes."""
    sources: dict[str, tuple[bytes, str]] = {}
    problems = [Problem(f"{letter}.docx", "letters", f"Vorlage hochgeladen, aber der Workflow sieht diese Briefart "
                        f"nicht vor (letters = {list(workflow.letters)}). (Template not declared in letters.)")
                for letter in uploads if letter not in workflow.letters]
    for letter in workflow.letters:
        existing = letters_dir / workflow.id / f"{letter}.docx"
        default = letters_dir / DEFAULT_TEMPLATES / f"{letter}.docx"
        if letter in uploads:
            upload_problems = _docx_problems(letter, uploads[letter].data)
            problems += upload_problems
            if not upload_problems:
                sources[letter] = (uploads[letter].data, "uploaded")
        elif existing.is_file():
            sources[letter] = (existing.read_bytes(), "kept")
        elif default.is_file():
            sources[letter] = (default.read_bytes(), "default")
        else:
            problems.append(Problem(f"{letter}.docx", "letters", f"Vorlage fehlt: bitte {letter}.docx hochladen oder "
                                    f"die Briefart in „letters“ weglassen (z. B. letters = []). Eine gemeinsame "
                                    f"Standardvorlage unter {DEFAULT_TEMPLATES}/ gibt es nicht. (Template missing.)"))
    return sources, problems


# --- replacing one template -----------------------------------------------------------------------------------


def install_template(workflow_id: str, letter: str, upload: Upload, *, actor) -> Installed:
    """Replace (or add) one template of a workflow that exists as a file; the old one goes to the archive."""
    engine = current_engine()
    engine.reload_if_changed()
    shown = f"{letter}.docx"
    if not upload.name:
        raise UploadError([Problem(shown, "(Datei)", "Bitte eine Datei auswählen. (Choose a file.)")])
    workflow, problem = _workflow_for_templates(workflow_id)
    if workflow is None:
        raise UploadError([Problem(f"{workflow_id}.toml", "(Datei)", problem or "unbekannter Workflow")])
    if letter not in workflow.letters:
        raise UploadError([Problem(shown, "letters", f"{workflow.provision} sieht diese Briefart nicht vor "
                                   f"(letters = {list(workflow.letters)}). (Letter not declared.)")])
    problems = _docx_problems(letter, upload.data)
    if not problems:
        with tempfile.TemporaryDirectory(prefix="perspektive-upload-") as staging:
            staged = Path(staging) / shown
            staged.write_bytes(upload.data)
            problems = _template_problems(workflow, letter, staged)
    if problems:
        raise UploadError(problems)
    archived = _commit([(engine.letters_dir / workflow_id / shown, upload.data)], workflow_id)
    if workflow_id not in engine.workflows:
        # Engines reload when a workflow file changes, not a template: the file that failed for want of this
        # template is touched, so that every worker tries it again.
        _touch(engine.workflows_dir / f"{workflow_id}.toml")
    engine.reload_if_changed()
    audit.record(actor, "template.replace" if archived else "template.install", "letter_template",
                 f"{workflow_id}/{letter}")
    return Installed(workflow_id, workflow.provision, replaced=bool(archived), templates=(letter,), defaults=(),
                     archived=tuple(archived))


def _workflow_for_templates(workflow_id: str) -> tuple[Workflow | None, str | None]:
    """The loaded workflow, or – for a file that does not load only because a template is missing – the file read
    without the template check, so that the missing template can be supplied here."""
    engine = current_engine()
    if workflow_id in engine.workflows:
        return engine.workflows[workflow_id], None
    path = engine.workflows_dir / f"{workflow_id}.toml"
    if not WORKFLOW_ID.fullmatch(workflow_id) or not path.is_file():
        return None, "Unbekannter Workflow. (Unknown workflow.)"
    try:
        return parse_workflow(path, engine.types, None), None
    except WorkflowError as exc:
        return None, f"Die Workflow-Datei lädt nicht ({exc.key}: {exc.problem}); bitte zuerst sie berichtigen. " \
                     "(Fix the workflow file first.)"


# --- what is there --------------------------------------------------------------------------------------------


def template_overview() -> list[TemplateRow]:
    """Per workflow file (loaded or not): each declared template, its size and date, and whether it renders."""
    engine = current_engine()
    engine.reload_if_changed()
    ids = sorted({*engine.workflows, *(p.stem for p in engine.workflows_dir.glob("*.toml")
                                       if WORKFLOW_ID.fullmatch(p.stem))})
    rows, jobs = [], []
    for ident in ids:
        workflow, problem = _workflow_for_templates(ident)
        if workflow is None:
            rows.append((ident, f"{ident}.toml", [], problem))
            continue
        infos = []
        for letter in workflow.letters:
            path = engine.letters_dir / ident / f"{letter}.docx"
            if path.is_file():
                jobs.append((workflow, letter, path))
            infos.append((letter, path))
        rows.append((ident, workflow.provision, infos, None))
    results = _render_checks(jobs)
    table = []
    for ident, label, infos, problem in rows:
        letters = []
        for letter, path in infos:
            if not path.is_file():
                letters.append(TemplateInfo(letter, exists=False, problem="Vorlage fehlt. (Template missing.)"))
                continue
            stat = path.stat()
            letters.append(TemplateInfo(letter, True, stat.st_size, dt.datetime.fromtimestamp(
                stat.st_mtime, dt.timezone.utc).replace(tzinfo=None), results.get(str(path))))
        table.append(TemplateRow(ident, label, tuple(letters), problem))
    return table


# --- checking templates ---------------------------------------------------------------------------------------


def _docx_problems(letter: str, data: bytes) -> list[Problem]:
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
                else _unsafe_part(archive)
    except (zipfile.BadZipFile, ValueError, OSError):
        names, members, unpacked, unsafe = set(), [], 0, None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return [Problem(shown, "(Datei)", "Keine Word-Datei (.docx). Bitte in Word oder LibreOffice als "
                        "„Word-Dokument (.docx)“ speichern, nicht als .doc, .odt oder PDF. (Not a .docx file.)")]
    if unpacked > MAX_TEMPLATE_UNPACKED or len(members) > MAX_TEMPLATE_MEMBERS:
        return [Problem(shown, "(Datei)", "Die Vorlage entpackt zu mehr als 20 MB oder hat zu viele Teile und wird "
                        "nicht angenommen. (Unpacks too large.)")]
    if unsafe:
        return [Problem(shown, unsafe, "Die Vorlage enthält Makros, eine DOCTYPE-Deklaration oder Verweise auf "
                        "externe Dateien; bitte als einfaches Word-Dokument ohne Makros und ohne verknüpfte Bilder "
                        "oder Dokumentvorlagen speichern. (Macros, DOCTYPE or external references.)")]
    return []


def _unsafe_part(archive: zipfile.ZipFile) -> str | None:
    """The first part that could act outside the letter when Word or LibreOffice opens it (shared/security-checklist
    rows 6–8): macros, a DOCTYPE (external entities), a relationship to an external target (a linked image or an
    ``attachedTemplate`` fetched from a server)."""
    for member in archive.infolist():
        name = member.filename
        if name.lower().endswith(("vbaproject.bin", ".bin")) or "vba" in name.lower():
            return name
        if not name.endswith((".xml", ".rels")):
            continue
        head = archive.read(member)
        if b"<!DOCTYPE" in head.upper() or b"macroEnabled" in head or b'TargetMode="External"' in head:
            return name
    return None


def _template_problems(workflow: Workflow, letter: str, path: Path) -> list[Problem]:
    problem = _render_checks([(workflow, letter, path)]).get(str(path))
    return [Problem(f"{letter}.docx", "Vorlage (template)", problem)] if problem else []


_CACHE: dict[tuple, str | None] = {}


def _render_checks(jobs: list[tuple[Workflow, str, Path]]) -> dict[str, str | None]:
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
    return parse_facts(json.loads((DEMO_DIR / f"{SAMPLE_CLIENT}.json").read_text(encoding="utf-8")))


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


# --- writing --------------------------------------------------------------------------------------------------


def _commit(writes: list[tuple[Path, bytes]], ident: str) -> list[str]:
    """Archive what is replaced, then write each file atomically; on a failure put back what was there."""
    data_dir = Path(current_app.config["DATA_DIR"])
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    archived, done = [], []
    try:
        for path, data in writes:
            if path.is_file():
                if path.suffix == ".toml":
                    keep = data_dir / WORKFLOW_ARCHIVE / f"{path.stem}.{stamp}.toml"
                else:
                    keep = data_dir / TEMPLATE_ARCHIVE / ident / f"{path.stem}.{stamp}.docx"
                keep.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copy2(path, keep)
                archived.append(keep)
            else:
                keep = None
            _atomic_write(path, data)
            done.append((path, keep))
    except OSError:
        for written, keep in reversed(done):
            if keep is not None:
                _atomic_write(written, keep.read_bytes())
            else:
                written.unlink(missing_ok=True)
        for keep in archived:
            keep.unlink(missing_ok=True)
        raise UploadError([Problem(path.name, "(Datei)", "Die Datei konnte nicht geschrieben werden; es wurde "
                                   "nichts geändert. (The file could not be written.)")]) from None
    return [keep.name for keep in archived]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        _touch(Path(temp))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _touch(path: Path) -> None:
    """Set the modification time to now, to the nanosecond: the file system's own clock ticks in milliseconds, and
    engines compare modification times to notice a changed workflow file."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def _shown_name(name: str | None) -> str:
    """The uploaded name as safe text for the page (it is never used as a path)."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in (name or ""))
    return cleaned[:80] or "(ohne Namen)"
