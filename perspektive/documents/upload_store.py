"""Uploaded workflows and letter templates live in the database (``ProvisionUpload``), versioned, with who and when,
so that every web server and task consumer serves the same provisions without a shared disk.

The database is the source of truth for what administrators uploaded; the shipped provisions stay package data,
installed into the folders at every start (``shipped``). Each process keeps its folders (``WORKFLOWS_DIR``,
``LETTER_TEMPLATES_DIR``) in step with the table: ``sync`` asks for the newest row id (one query on the primary
key, at most every ``UPLOAD_SYNC_SECONDS``), and when it changed since the process last looked, writes the newest
version of every uploaded file whose content differs from the file on disk (templates before workflow files), and
reloads the engine. The web face calls it at the start of every request, the consumer at the start of every task
(``tasks.before_each_task``).

The engine keeps reading files, as before: the loader's checks, the plugins' workflow folders and the letters'
render process are unchanged, and a file the table does not know (shipped, or put there by hand) stays as it is.

``import_local_once``: an installation from before this table has its uploads only as files. At start, while the
table is empty, every workflow file and template that differs from the one the package ships is stored, the
replaced versions of ``DATA_DIR/workflow_archive`` and ``template_archive`` before it as older versions.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import peewee as pw
from flask import current_app

from perspektive import shipped
from perspektive.db import db, task_connection, utcnow, write_transaction
from perspektive.law import LETTERS, WORKFLOW_ID, current_engine

from .models import ProvisionUpload

log = logging.getLogger("perspektive.uploads")

SERIALISE = "provision_upload"  # the advisory lock that numbers versions one after the other
STATE = "perspektive.uploads"  # app.extensions key of the process's sync state
WORKFLOW_ARCHIVE = "workflow_archive"
TEMPLATE_ARCHIVE = "template_archive"
_STAMP = re.compile(r"\.(\d{8}T\d{6})\d*Z$")


class _State:
    def __init__(self):
        self.seen: int | None = None
        self.asked_at = float("-inf")  # time.monotonic() of the last look at the table
        self.lock = threading.Lock()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def local_path(workflow_id: str, letter: str) -> Path:
    """Where this process's engine reads the file."""
    engine = current_engine()
    if letter:
        return engine.letters_dir / workflow_id / f"{letter}.docx"
    return engine.workflows_dir / f"{workflow_id}.toml"


def file_time(path: Path) -> dt.datetime:
    """When the file was last written, as the table keeps times (UTC, naive)."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)


def shipped_bytes(workflow_id: str, letter: str) -> bytes | None:
    """The file the package ships under the same name, if any."""
    folder = shipped.resource("letter_templates" if letter else "workflows")
    path = folder / workflow_id / f"{letter}.docx" if letter else folder / f"{workflow_id}.toml"
    return path.read_bytes() if path.is_file() else None


# --- writing versions -----------------------------------------------------------------------------------------


def store(workflow_id: str, letter: str, data: bytes, source: str, actor=None, *,
          restored_from: int | None = None, uploaded_at: dt.datetime | None = None) -> ProvisionUpload:
    """Add the next version of (workflow, letter); call inside ``write_transaction(SERIALISE)``."""
    newest = (ProvisionUpload.select(pw.fn.MAX(ProvisionUpload.version))
              .where((ProvisionUpload.workflow_id == workflow_id) & (ProvisionUpload.letter == letter)).scalar())
    return ProvisionUpload.create(workflow_id=workflow_id, letter=letter, version=(newest or 0) + 1, content=data,
                                  sha256=digest(data), source=source, restored_from=restored_from,
                                  uploaded_by=actor, uploaded_at=uploaded_at or utcnow())


def newest_sha(workflow_id: str, letter: str) -> str | None:
    row = (ProvisionUpload.select(ProvisionUpload.sha256)
           .where((ProvisionUpload.workflow_id == workflow_id) & (ProvisionUpload.letter == letter))
           .order_by(ProvisionUpload.version.desc()).first())
    return row.sha256 if row else None


def keep_previous(workflow_id: str, letter: str, path: Path, *, unless_shipped: bool) -> None:
    """Store the file the engine reads now as the first version of a (workflow, letter) the table does not know
    yet: the file an upload replaces stays in the history (and can be restored), and a file an upload relies on
    reaches the other servers. ``unless_shipped``: not when it is what the package ships (every server has it)."""
    if not path.is_file() or newest_sha(workflow_id, letter) is not None:
        return
    data = path.read_bytes()
    if unless_shipped and data == shipped_bytes(workflow_id, letter):
        return
    store(workflow_id, letter, data, "previous", uploaded_at=file_time(path))


# --- reading --------------------------------------------------------------------------------------------------


def history(workflow_id: str) -> list[ProvisionUpload]:
    """Every version of the workflow's file and templates, without their content: the file, newest first."""
    return list(ProvisionUpload.select(*_WITHOUT_CONTENT).where(ProvisionUpload.workflow_id == workflow_id)
                .order_by(ProvisionUpload.letter, ProvisionUpload.version.desc()))


def version(version_id: int) -> ProvisionUpload | None:
    return ProvisionUpload.get_or_none(ProvisionUpload.id == version_id)


def newest_versions() -> dict[tuple[str, str], ProvisionUpload]:
    """(workflow, letter) -> its newest version, without content."""
    newest: dict[tuple[str, str], ProvisionUpload] = {}
    for row in ProvisionUpload.select(*_WITHOUT_CONTENT).order_by(ProvisionUpload.version):
        newest[(row.workflow_id, row.letter)] = row
    return newest


_WITHOUT_CONTENT = (ProvisionUpload.id, ProvisionUpload.workflow_id, ProvisionUpload.letter, ProvisionUpload.version,
                    ProvisionUpload.sha256, ProvisionUpload.source, ProvisionUpload.restored_from,
                    ProvisionUpload.uploaded_by, ProvisionUpload.uploaded_at)


# --- keeping a process's folders in step ------------------------------------------------------------------------


def sync() -> bool:
    """Bring this process's provision folders up to the table when it changed; returns whether a file was
    written. Needs an open connection."""
    app = current_app._get_current_object()
    state = app.extensions.setdefault(STATE, _State())
    now = time.monotonic()
    if now - state.asked_at < app.config.get("UPLOAD_SYNC_SECONDS", 0):
        return False
    state.asked_at = now
    newest = _newest_id()
    if newest == state.seen:
        return False
    with state.lock:
        if newest == state.seen:
            return False
        written = write_newest()
        if written:
            current_engine().reload()
            log.info("provision uploads: %d file(s) updated from the database", len(written))
        state.seen = newest
    return bool(written)


# Written out once: peewee builds a query in ~10x the time the database needs to answer this one (bench/uploads.py).
_NEWEST_ID = f'SELECT MAX("id") FROM "{ProvisionUpload._meta.table_name}"'


def _newest_id() -> int | None:
    try:
        return db.execute_sql(_NEWEST_ID).fetchone()[0]
    except (pw.OperationalError, pw.ProgrammingError):  # not migrated yet: no uploads to follow
        if db.in_transaction():
            raise
        return None


def write_newest() -> list[Path]:
    """Write the newest version of every uploaded file whose content differs on disk, templates first (an engine
    never sees a workflow before its templates)."""
    newest = newest_versions()
    written = []
    for key in sorted(newest, key=lambda k: (not k[1], k)):
        row, path = newest[key], local_path(*key)
        if path.is_file() and digest(path.read_bytes()) == row.sha256:
            continue
        atomic_write(path, bytes(version(row.id).content))
        written.append(path)
    return written


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        touch(Path(temp))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def touch(path: Path) -> None:
    """Set the modification time to now, to the nanosecond: the file system's own clock ticks in milliseconds, and
    engines compare modification times to notice a changed workflow file."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))


# --- an installation from before the table ----------------------------------------------------------------------


def import_local_once() -> int:
    """Store the uploads an installation has only as files, once: while the table is empty. Returns the number of
    versions stored. Needs an app context; skips (0) while the database has no table yet."""
    if not db.table_exists(ProvisionUpload._meta.table_name):
        return 0
    with write_transaction(serialise=SERIALISE):
        if ProvisionUpload.select().exists():
            return 0
        count = 0
        for workflow_id, letter, path in _local_files():
            data = path.read_bytes()
            if data == shipped_bytes(workflow_id, letter):
                continue
            for stamp, archived in _archived(workflow_id, letter):
                store(workflow_id, letter, archived.read_bytes(), "import", uploaded_at=stamp)
                count += 1
            store(workflow_id, letter, data, "import", uploaded_at=file_time(path))
            count += 1
    if count:
        log.info("provision uploads: %d version(s) imported from the data directory", count)
    return count


def _local_files():
    engine = current_engine()
    for path in sorted(engine.workflows_dir.glob("*.toml")):
        if WORKFLOW_ID.fullmatch(path.stem):
            yield path.stem, "", path
    for path in sorted(engine.letters_dir.glob("*/*.docx")):
        if WORKFLOW_ID.fullmatch(path.parent.name) and path.stem in LETTERS:
            yield path.parent.name, path.stem, path


def _archived(workflow_id: str, letter: str) -> list[tuple[dt.datetime, Path]]:
    """The replaced versions the file archive kept (``<name>.<YYYYmmddTHHMMSS…Z>.<suffix>``), oldest first."""
    data_dir = Path(current_app.config["DATA_DIR"])
    folder = data_dir / TEMPLATE_ARCHIVE / workflow_id if letter else data_dir / WORKFLOW_ARCHIVE
    name, suffix = (letter, ".docx") if letter else (workflow_id, ".toml")
    found = []
    for path in folder.glob(f"{name}.*{suffix}"):
        match = _STAMP.search(path.name[:-len(suffix)])
        if match and path.name[:-len(suffix)][:match.start()] == name:
            found.append((dt.datetime.strptime(match[1], "%Y%m%dT%H%M%S"), path))
    return sorted(found)


def sync_for_task() -> None:
    """``sync`` at the start of a task, on the task's connection (or the request's, in immediate mode)."""
    with task_connection():
        sync()
