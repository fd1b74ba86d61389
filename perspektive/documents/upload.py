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

Any problem names the file and the key, and nothing is stored. On success each new file is stored in the
database as the next version of its (workflow, letter), with who and when (``upload_store``; the file it replaces
is kept there too, as the first version, if the table did not know it yet), and written into this process's
folders in the same transaction: templates before the workflow file (so the engine never sees a workflow without
its templates), each through a temporary file and ``os.replace``; a failed write puts back what was there and
stores nothing. Every other process, on this server or another, writes the new version into its own folders on
its next request or task (``upload_store.sync``).

``restore`` brings an older version back as a new one, through the same checks.
"""
from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from perspektive import audit
from perspektive.db import write_transaction
from perspektive.law import WORKFLOW_ID, Workflow, WorkflowError, current_engine, parse_workflow

from . import upload_store
from .template_checks import (
    Problem,
    docx_problems,
    render_checks,
    template_problems,
)

MAX_WORKFLOW_BYTES = 200_000
DEFAULT_TEMPLATES = "_default"
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
    versions: tuple[str, ...]  # the versions stored, as "file vN"


@dataclass(frozen=True)
class TemplateInfo:
    letter: str
    exists: bool
    size: int | None = None
    modified: dt.datetime | None = None  # UTC: when the version in force was uploaded (else the file's time)
    problem: str | None = None  # None: renders for the sample client
    version: int | None = None  # the version in force, if uploaded


@dataclass(frozen=True)
class TemplateRow:
    workflow_id: str
    label: str  # the provision, or the file name of a workflow that does not load
    letters: tuple[TemplateInfo, ...]
    workflow_problem: str | None = None


# --- adding or replacing a workflow ---------------------------------------------------------------------------


def install_workflow(workflow_file: Upload, templates: dict[str, Upload], *, replace: bool, actor,
                     restored_from: int | None = None) -> Installed:
    """Check ``workflow_file`` and ``templates`` (letter -> upload) and install them; ``UploadError`` lists every
    problem found, and then nothing has been stored or written. ``restored_from``: the version brought back."""
    engine = current_engine()
    engine.reload_if_changed()
    ident, text = _workflow_text(workflow_file)
    target = engine.workflows_dir / f"{ident}.toml"
    workflow, sources = _checked(ident, text, templates, _id_problems(ident, target, replace))
    replacing = target.exists()
    writes = [(ident, letter, content, "upload" if kind == "uploaded" else kind)
              for letter, (content, kind) in sources.items() if kind != "kept"]
    # The workflow file last: an engine never sees the workflow before its templates.
    writes.append((ident, "", text.encode("utf-8"), "restore" if restored_from else "upload"))
    with write_transaction(serialise=upload_store.SERIALISE):
        for letter, (_data, kind) in sources.items():
            if kind == "kept":  # relied on: the other servers need it too
                upload_store.keep_previous(ident, letter, engine.letters_dir / ident / f"{letter}.docx",
                                           unless_shipped=True)
        versions = _store_and_write(writes, actor, restored_from)
    engine.reload_if_changed()
    uploaded = tuple(letter for letter, (_, kind) in sources.items() if kind == "uploaded")
    defaults = tuple(letter for letter, (_, kind) in sources.items() if kind == "default")
    audit.record(actor, "workflow.replace" if replacing else "workflow.install", "workflow", ident,
                 f"templates={','.join(uploaded) or '-'}; defaults={','.join(defaults) or '-'}"
                 + (f"; restored=v{restored_from}" if restored_from else ""))
    return Installed(ident, workflow.provision, replaced=replacing, templates=uploaded, defaults=defaults,
                     versions=versions)


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
                                             "Workflow ersetzen“ ankreuzen; die bisherige Fassung bleibt unter „Versionen“ erhalten.",
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


def install_template(workflow_id: str, letter: str, upload: Upload, *, actor,
                     restored_from: int | None = None) -> Installed:
    """Replace (or add) one template of a workflow that exists as a file; the old one stays in the history."""
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
    replacing = (engine.letters_dir / workflow_id / shown).is_file()
    with write_transaction(serialise=upload_store.SERIALISE):
        # A workflow file put there by hand reaches the other servers with its template.
        upload_store.keep_previous(workflow_id, "", engine.workflows_dir / f"{workflow_id}.toml",
                                   unless_shipped=True)
        versions = _store_and_write([(workflow_id, letter, upload.data, "restore" if restored_from else "upload")],
                                    actor, restored_from)
    if workflow_id not in engine.workflows:
        # Engines reload when a workflow file changes, not a template: the file that failed for want of this
        # template is touched, so that every worker on this server tries it again (the others reload on sync).
        upload_store.touch(engine.workflows_dir / f"{workflow_id}.toml")
    engine.reload_if_changed()
    audit.record(actor, "template.replace" if replacing else "template.install", "letter_template",
                 f"{workflow_id}/{letter}" + (f" restored=v{restored_from}" if restored_from else ""))
    return Installed(workflow_id, workflow.provision, replaced=replacing, templates=(letter,), defaults=(),
                     versions=versions)


def restore(version_id: int, *, actor) -> Installed:
    """Bring back an older version of a workflow file or template as its newest, checked as an upload is (a
    workflow file against the templates in force, a template against the workflow in force)."""
    row = upload_store.version(version_id)
    if row is None:
        raise UploadError([Problem("?", "(Version)", _("Diese Version gibt es nicht."))])
    data = bytes(row.content)
    if row.letter:
        return install_template(row.workflow_id, row.letter, Upload(row.file_name, data), actor=actor,
                                restored_from=row.version)
    return install_workflow(Upload(row.file_name, data), {}, replace=True, actor=actor, restored_from=row.version)


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
        return None, _("Die Workflow-Datei lädt nicht (%(key)s: %(problem)s); bitte zuerst diese Datei "
                       "berichtigen.", key=exc.key, problem=exc.problem)


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
    uploaded = upload_store.newest_versions()
    table = []
    for ident, label, infos, problem in rows:
        letters = []
        for letter, path in infos:
            if not path.is_file():
                letters.append(TemplateInfo(letter, exists=False, problem=_("Vorlage fehlt.")))
                continue
            row = uploaded.get((ident, letter))
            modified = row.uploaded_at if row and row.sha256 == upload_store.digest(path.read_bytes()) else \
                upload_store.file_time(path)
            letters.append(TemplateInfo(letter, True, path.stat().st_size, modified, results.get(str(path)),
                                        row.version if row else None))
        table.append(TemplateRow(ident, label, tuple(letters), problem))
    return table


# --- storing and writing -------------------------------------------------------------------------------------


def _store_and_write(writes: list[tuple[str, str, bytes, str]], actor, restored_from: int | None) -> tuple[str, ...]:
    """Store each (workflow, letter, bytes, source) as a new version, keeping a replaced file the table does not
    know as the version before it, then write the files; inside the caller's transaction, so that a failed write
    (``UploadError``, after putting back what was there) stores nothing either."""
    stored = []
    for workflow_id, letter, data, source in writes:
        upload_store.keep_previous(workflow_id, letter, upload_store.local_path(workflow_id, letter),
                                   unless_shipped=False)
        row = upload_store.store(workflow_id, letter, data, source, actor,
                                 restored_from=restored_from if source == "restore" else None)
        stored.append(f"{row.file_name} v{row.version}")
    _commit([(upload_store.local_path(w, letter), data) for w, letter, data, _source in writes])
    return tuple(stored)


def _commit(writes: list[tuple[Path, bytes]]) -> None:
    """Write each file atomically; on a failure put back what was there."""
    done = []
    try:
        for path, data in writes:
            before = path.read_bytes() if path.is_file() else None
            _atomic_write(path, data)
            done.append((path, before))
    except OSError:
        for written, before in reversed(done):
            if before is not None:
                _atomic_write(written, before)
            else:
                written.unlink(missing_ok=True)
        raise UploadError([Problem(path.name, "(Datei)", _("Die Datei konnte nicht geschrieben werden; es wurde "
                                                           "nichts geändert."))]) from None


_atomic_write = upload_store.atomic_write  # a name of its own here, so that a test can make it fail


def _shown_name(name: str | None) -> str:
    """The uploaded name as safe text for the page (it is never used as a path)."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in (name or ""))
    return cleaned[:80] or "(ohne Namen)"
