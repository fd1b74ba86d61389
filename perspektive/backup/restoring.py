"""``restore FILE``: a backup put back into an empty installation (or, forced, over a used one).

Everything that can refuse does so before anything is written: the target must be empty, the archive must
decrypt with the secret key from the given GnuPG home, every file must match the manifest's checksum, and a
SQLite copy must pass ``PRAGMA integrity_check``. Then the database goes in (pg_restore in one transaction, whose
exit status decides), and then the files, each with its mode; key files always get 0600 and private directories
0700.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from perspektive import shipped

from . import database, keys
from .archive import ArchiveError, regular_files, sha256_of, unpack, workspace
from .making import BackupError
from .sources import (
    CREATED_AT_START,
    KEY_FILE_MODE,
    PROVISIONS,
    QUEUE_FILES,
    gnupg_home,
    parts,
    provision_dir,
    sqlite_path,
)

KEY_NAMES = ("secret_key", keys.PINNED_NAME, "data_key")


@dataclass(frozen=True)
class Restored:
    created_at: str
    engine: str
    files: int
    notes: tuple[str, ...]  # what the operator must still do (a data key to put in place)


def _unexpected_in_data_dir(config) -> list[str]:
    data_dir = Path(config["DATA_DIR"])
    if not data_dir.exists():
        return []
    allowed = set(CREATED_AT_START) | set(QUEUE_FILES)
    database_file = sqlite_path(config)
    if database_file and database_file.parent.resolve() == data_dir.resolve():
        allowed |= {database_file.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    # Every start installs the shipped provisions, by default into the data directory: a folder holding just them,
    # as installed, is part of an empty installation.
    for prefix in PROVISIONS:
        folder = provision_dir(config, prefix)
        if folder.parent.resolve() == data_dir.resolve() and _only_as_shipped(folder):
            allowed.add(folder.name)
    return sorted(entry.name for entry in data_dir.iterdir() if entry.name not in allowed)


def _only_as_shipped(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but shipped files, each still as installed (by its manifest)."""
    if not folder.is_dir():
        return False
    try:
        installed = json.loads((folder / shipped.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        installed = {}
    for path in regular_files(folder):
        relative = path.relative_to(folder).as_posix()
        if relative != shipped.MANIFEST and installed.get(relative) != sha256_of(path):
            return False
    return True


def refusals(config) -> list[str]:
    """Why the configured installation is not empty (nothing: it is)."""
    found = []
    tables = database.tables_in(config)
    if tables:
        found.append(f"die Datenbank hat schon {len(tables)} Tabellen")
    unexpected = _unexpected_in_data_dir(config)
    if unexpected:
        found.append(f"das Datenverzeichnis {config['DATA_DIR']} enthält schon {', '.join(unexpected[:5])}")
    home = gnupg_home(config)
    if home.is_dir() and any(home.iterdir()) and not home.resolve().is_relative_to(
            Path(config["DATA_DIR"]).resolve()):
        found.append(f"das GnuPG-Verzeichnis {home} ist nicht leer")
    return found


def _conflicts(unpacked: Path, config) -> list[str]:
    """Provision and template files that exist on this machine with other content."""
    found = []
    for part in parts(config):
        if part.prefix not in PROVISIONS or not (unpacked / part.prefix).is_dir():
            continue
        for path in regular_files(unpacked / part.prefix):
            relative = path.relative_to(unpacked / part.prefix)
            there = part.path / relative
            if there.exists() and sha256_of(there) != sha256_of(path):
                found.append(f"{part.prefix}/{relative}")
    return found


def restore_backup(config, source: Path, gnupg_dir: Path, *, passphrase: str | None = None,
                   force: bool = False) -> Restored:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} gibt es nicht.")
    if not force:
        try:
            problems = refusals(config)
        except database.DatabaseError as exc:
            raise BackupError(str(exc)) from None
        if problems:
            raise BackupError("Wiederherstellung nur in eine leere Installation (mit --force auch darüber): "
                              + "; ".join(problems) + ".")
    with workspace() as space:
        try:
            keys.decrypt_file(source, space / "backup.tar", Path(gnupg_dir), passphrase)
            manifest = unpack(space / "backup.tar", space / "unpacked")
        except (keys.BackupKeyError, ArchiveError) as exc:
            raise BackupError(str(exc)) from None
        finally:
            (space / "backup.tar").unlink(missing_ok=True)
        unpacked = space / "unpacked"
        conflicts = _conflicts(unpacked, config)
        if conflicts and not force:
            raise BackupError("Diese Dateien gibt es hier schon mit anderem Inhalt (mit --force überschreiben): "
                              + ", ".join(conflicts[:5]) + ".")
        name = database.SQLITE_NAME if manifest["engine"] == "sqlite" else database.POSTGRES_NAME
        try:
            database.load(config, unpacked / name, name, force=force)
        except database.DatabaseError as exc:
            raise BackupError(str(exc)) from None
        if any(p.prefix == "gnupg" for p in parts(config)) and not (unpacked / "gnupg").exists() \
                and (unpacked / "data" / "gnupg").is_dir():
            (unpacked / "data" / "gnupg").rename(unpacked / "gnupg")  # the GnuPG home moved out of DATA_DIR
        for part in parts(config):
            _place(unpacked / part.prefix, part.path, private=part.private)
        if (unpacked / "gnupg").is_dir() and not any(p.prefix == "gnupg" for p in parts(config)):
            _place(unpacked / "gnupg", gnupg_home(config), private=True)  # the GnuPG home moved into DATA_DIR
        notes = _loose_keys(unpacked, config)
    return Restored(manifest["created_at"], manifest["engine"], len(manifest["files"]), tuple(notes))


def _loose_keys(unpacked: Path, config) -> list[str]:
    """Data keys this installation does not say where to keep: written to 0600 files, with what to do."""
    notes, data_dir = [], Path(config["DATA_DIR"])
    if (unpacked / "keys" / "data_key").is_file() and not any(p.prefix == "keys/data_key" for p in parts(config)):
        path = data_dir / "restored-data_key"
        _place(unpacked / "keys" / "data_key", path, private=True)
        notes.append(f"Die Datenschlüssel-Datei (DATA_KEY_FILE) des Backups liegt in {path} (0600): an ihren Ort "
                     "verschieben und DATA_KEY_FILE darauf zeigen lassen.")
    if (unpacked / "keys" / "DATA_KEY").is_file():
        path = data_dir / "restored-DATA_KEY"
        _place(unpacked / "keys" / "DATA_KEY", path, private=True)
        notes.append(f"Das Backup enthielt den Datenschlüssel aus PERSPEKTIVE_DATA_KEY: er liegt jetzt in {path} "
                     "(0600). Als PERSPEKTIVE_DATA_KEY setzen und die Datei löschen.")
    return notes


def _place(source: Path, target: Path, *, private: bool) -> None:
    """Move ``source`` (a file or a tree) to ``target``, keeping each file's mode; keys 0600, private dirs 0700."""
    if not source.exists():
        return
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(source, target)
        os.chmod(target, KEY_FILE_MODE)
        return
    target.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o755)
    if private:
        target.chmod(0o700)
    for path in regular_files(source):
        there = target / path.relative_to(source)
        there.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o755)
        part = there.with_name(there.name + ".restoring")
        shutil.copyfile(path, part)
        key = path.name in KEY_NAMES or path.suffix == ".key"
        os.chmod(part, KEY_FILE_MODE if key else path.stat().st_mode & 0o755)
        part.replace(there)
    if private:
        for directory in [target, *(p for p in target.rglob("*") if p.is_dir() and not p.is_symlink())]:
            directory.chmod(0o700)
