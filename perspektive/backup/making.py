"""``backup FILE``: the database, the files beside it and the key material, as one archive encrypted to the
organisation's backup key.

Nothing readable reaches the disk outside the private work space (``archive.workspace``): the database copy and
the tar are made there, gpg writes only ciphertext next to the target (``FILE.part``), and the finished file takes
the target's name in one rename, so an interrupted backup never leaves a half-written archive under that name.
The key is checked before the slow part starts, so a backup that cannot be encrypted fails at once.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from . import database, keys
from .archive import Writer, regular_files, workspace
from .sources import parts, skipped_in_data_dir


class BackupError(RuntimeError):
    """The backup was not made; the message says why and what to do."""


@dataclass(frozen=True)
class Made:
    path: Path
    fingerprint: str
    files: int
    size: int


def _disk_message(exc: OSError, where: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Kein Platz mehr auf dem Datenträger ({where}): {exc.strerror}."
    return f"{where}: {exc.strerror or exc}"


def create_backup(config, target: Path, *, force: bool = False, now: dt.datetime | None = None) -> Made:
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    target = Path(target)
    if target.exists() and not force:
        raise BackupError(f"Die Datei {target} gibt es schon; mit --force wird sie überschrieben.")
    if target.is_dir():
        raise BackupError(f"{target} ist ein Verzeichnis.")
    if not target.parent.is_dir():
        raise BackupError(f"Das Verzeichnis {target.parent} gibt es nicht.")
    if any(target.resolve().is_relative_to(part.path.resolve()) for part in parts(config)):
        # The next backup would hold this one, and the next one both: backups grow without end.
        raise BackupError(f"{target} liegt in {config['DATA_DIR']} oder einem anderen gesicherten Verzeichnis; "
                          "Backups bitte woanders ablegen.")
    try:
        keys.configured_fingerprint(config)  # fails early, before any copying, when no key is configured
    except keys.BackupKeyError as exc:
        raise BackupError(str(exc)) from None
    partial = target.with_name(target.name + ".part")
    try:
        with workspace() as space:
            home = space / "gnupg"
            keyring_check(config, home, now)
            plain = space / "backup.tar"
            files = _write_archive(config, space, plain, now)
            fingerprint = keys.encrypt_file(config, plain, partial, home, now)
            os.chmod(partial, 0o600)
            partial.replace(target)
    except (keys.BackupKeyError, database.DatabaseError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(str(exc)) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(_disk_message(exc, Path(exc.filename or target))) from None
    return Made(target, fingerprint, files, target.stat().st_size)


def keyring_check(config, home: Path, now: dt.datetime) -> None:
    """Encrypt a few bytes first: an expired or missing key stops the backup before the database is copied."""
    probe = home.parent / "probe"
    probe.write_bytes(b"probe")
    keys.encrypt_file(config, probe, home.parent / "probe.gpg", home, now)


def _write_archive(config, space: Path, plain: Path, now: dt.datetime) -> int:
    copy = space / "database.copy"
    name = database.dump(config, copy)
    writer = Writer(plain, {"created_at": now.isoformat(timespec="seconds") + "Z",
                            "engine": database.engine_of(config)})
    writer.add(copy, name)
    skip_data = skipped_in_data_dir(config)
    for part in parts(config):
        if not part.path.exists():
            continue
        if part.path.is_file():
            writer.add(part.path, part.prefix)
            continue
        skip = skip_data if part.prefix == "data" else (lambda relative: False)
        for path in regular_files(part.path, skip):
            try:
                writer.add(path, f"{part.prefix}/{path.relative_to(part.path)}")
            except FileNotFoundError:
                continue  # deleted while we walked (a document past its retention): it is gone either way
    if config.get("DATA_KEY"):
        writer.add_bytes(str(config["DATA_KEY"]).encode(), "keys/DATA_KEY")
    count = len(writer.files)
    writer.close()
    copy.unlink()
    return count
