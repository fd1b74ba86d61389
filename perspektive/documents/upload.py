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
4. every template is a real .docx and renders in the letters' sandbox for the sample client, assessed under the new
   workflow (``template_checks``).

Any problem names the file and the key, and nothing is written. On success the replaced files are kept under
``DATA_DIR/workflow_archive/`` and ``DATA_DIR/template_archive/`` with a time stamp, templates are written before
the workflow file (so the engine never sees a workflow without its templates), each through a temporary file and
``os.replace``. Every engine picks the new file up through ``Engine.reload_if_changed`` on its next request.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from perspektive import audit
from perspektive.db import utcnow
from perspektive.law import WORKFLOW_ID, Workflow, WorkflowError, current_engine, parse_workflow

from .template_checks import (
    Problem,
    docx_problems,
    render_checks,
    template_problems,
)

MAX_WORKFLOW_BYTES = 200_000
DEFAULT_TEMPLATES = "_default"
WORKFLOW_ARCHIVE = "workflow_archive"
TEMPLATE_ARCHIVE = "template_archive"
FILE_NAME = re.compile(rf"(?P<id>{WORKFLOW_ID.pattern.lstrip('^').rstrip('$')})\.toml")


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
            files = [p for letter, upload in templates.items() for p in docx_problems(letter, upload.data)]
            later = [Problem(f"{letter}.docx", _("Vorlage"), _("Noch nicht ausgefüllt: das geschieht, sobald die "
                                                              "Workflow-Datei fehlerfrei ist."))
                     for letter in templates if not any(p.file == f"{letter}.docx" for p in files)]
            raise UploadError(problems + exc.problems + files + later) from None
        sources, missing_templates = _template_sources(workflow, templates, current_engine().letters_dir)
        if problems or missing_templates:
            raise UploadError(problems + missing_templates)
        folder = Path(staging) / "letters" / ident
        folder.mkdir(parents=True)
        for letter, (data, _kind) in sources.items():
            (folder / f"{letter}.docx").write_bytes(data)
        _parse(staged, shown, folder.parent)  # the loader's own check of the complete set, as an engine runs it
        rendered = [p for letter in sources for p in template_problems(workflow, letter, folder / f"{letter}.docx")]
        if rendered:
            raise UploadError(rendered)
    return workflow, sources


def _workflow_text(upload: Upload) -> tuple[str, str]:
    if not upload.name:
        raise UploadError([Problem("(keine Datei)", "(Datei)", _("Bitte eine Workflow-Datei (.toml) auswählen."))])
    shown = _shown_name(upload.name)
    match = FILE_NAME.fullmatch(upload.name or "")
    if match is None:
        raise UploadError([Problem(shown, "(Dateiname)", _(
            "Der Dateiname muss die Workflow-Id mit der Endung .toml sein, z. B. section_25b.toml oder "
            "section_25_5.toml (Kleinbuchstaben, Ziffern, Unterstrich; kein Pfad)."))])
    if not upload.data:
        raise UploadError([Problem(shown, "(Datei)", _("Die Datei ist leer."))])
    if len(upload.data) > MAX_WORKFLOW_BYTES:
        raise UploadError([Problem(shown, "(Datei)", _("Die Datei ist größer als %(size)s kB.",
                                                       size=MAX_WORKFLOW_BYTES // 1000))])
    try:
        text = upload.data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadError([Problem(shown, "(Datei)", _("Die Datei ist nicht UTF-8-kodiert. Bitte als UTF-8 "
                                                       "speichern."))]) from None
    return match["id"], text.lstrip("\ufeff")


def _id_problems(ident: str, target: Path, replace: bool) -> list[Problem]:
    engine = current_engine()
    known = engine.workflows.get(ident)
    if known is not None and known.source.resolve() != target.resolve():
        return [Problem(target.name, "id", _("Die Id %(id)s ist schon durch %(source)s belegt (Erweiterung) und "
                                             "kann hier nicht ersetzt werden.", id=ident, source=known.source))]
    if target.exists() and not replace:
        return [Problem(target.name, "id", _("Einen Workflow %(id)s gibt es schon. Zum Ersetzen „Vorhandenen "
                                             "Workflow ersetzen“ ankreuzen; die bisherige Datei wird archiviert.",
                                             id=ident))]
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
    problems = [Problem(f"{letter}.docx", "letters", _("Vorlage hochgeladen, aber der Workflow sieht diese "
                                                       "Briefart nicht vor (letters = %(letters)s).",
                                                       letters=list(workflow.letters)))
                for letter in uploads if letter not in workflow.letters]
    for letter in workflow.letters:
        existing = letters_dir / workflow.id / f"{letter}.docx"
        default = letters_dir / DEFAULT_TEMPLATES / f"{letter}.docx"
        if letter in uploads:
            upload_problems = docx_problems(letter, uploads[letter].data)
            problems += upload_problems
            if not upload_problems:
                sources[letter] = (uploads[letter].data, "uploaded")
        elif existing.is_file():
            sources[letter] = (existing.read_bytes(), "kept")
        elif default.is_file():
            sources[letter] = (default.read_bytes(), "default")
        else:
            problems.append(Problem(f"{letter}.docx", "letters", _(
                "Vorlage fehlt: bitte %(file)s hochladen oder die Briefart in „letters“ weglassen (z. B. letters = "
                "[]). Eine gemeinsame Standardvorlage unter %(folder)s/ gibt es nicht.", file=f"{letter}.docx",
                folder=DEFAULT_TEMPLATES)))
    return sources, problems


# --- replacing one template -----------------------------------------------------------------------------------


def install_template(workflow_id: str, letter: str, upload: Upload, *, actor) -> Installed:
    """Replace (or add) one template of a workflow that exists as a file; the old one goes to the archive."""
    engine = current_engine()
    engine.reload_if_changed()
    shown = f"{letter}.docx"
    if not upload.name:
        raise UploadError([Problem(shown, "(Datei)", _("Bitte eine Datei auswählen."))])
    workflow, problem = _workflow_for_templates(workflow_id)
    if workflow is None:
        raise UploadError([Problem(f"{workflow_id}.toml", "(Datei)", problem or _("unbekannter Workflow"))])
    if letter not in workflow.letters:
        raise UploadError([Problem(shown, "letters", _("%(provision)s sieht diese Briefart nicht vor (letters = "
                                                       "%(letters)s).", provision=workflow.provision,
                                                       letters=list(workflow.letters)))])
    problems = docx_problems(letter, upload.data)
    if not problems:
        with tempfile.TemporaryDirectory(prefix="perspektive-upload-") as staging:
            staged = Path(staging) / shown
            staged.write_bytes(upload.data)
            problems = template_problems(workflow, letter, staged)
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
        return None, _("Unbekannter Workflow.")
    try:
        return parse_workflow(path, engine.types, None), None
    except WorkflowError as exc:
        return None, _("Die Workflow-Datei lädt nicht (%(key)s: %(problem)s); bitte zuerst sie berichtigen.",
                       key=exc.key, problem=exc.problem)


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
    results = render_checks(jobs)
    table = []
    for ident, label, infos, problem in rows:
        letters = []
        for letter, path in infos:
            if not path.is_file():
                letters.append(TemplateInfo(letter, exists=False, problem=_("Vorlage fehlt.")))
                continue
            stat = path.stat()
            letters.append(TemplateInfo(letter, True, stat.st_size, dt.datetime.fromtimestamp(
                stat.st_mtime, dt.timezone.utc).replace(tzinfo=None), results.get(str(path))))
        table.append(TemplateRow(ident, label, tuple(letters), problem))
    return table


# --- checking templates ---------------------------------------------------------------------------------------


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
        raise UploadError([Problem(path.name, "(Datei)", _("Die Datei konnte nicht geschrieben werden; es wurde "
                                                           "nichts geändert."))]) from None
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
