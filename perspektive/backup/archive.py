"""The archive inside the encryption: a tar file with a manifest of every member's size, mode and SHA-256.

The tar is only ever written and read inside a private temporary directory (``workspace``: mode 0700, removed on
every way out), because before encryption it holds the whole database in the clear. The manifest lets a restore
prove that what it unpacked is what the backup wrote, file by file, before anything is put in place; the
extraction uses tarfile's ``data`` filter, so a crafted archive cannot write outside its directory or make
devices, links out of the tree or set-uid files.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

MANIFEST = "MANIFEST.json"
FORMAT = 1


class ArchiveError(ValueError):
    """The archive is damaged, incomplete, or not a Perspektive backup; the message says which."""


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    """A directory only this user can enter, removed afterwards whatever happens."""
    path = Path(tempfile.mkdtemp(prefix="perspektive-backup-"))
    try:
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def regular_files(root: Path, skip=lambda relative: False) -> Iterator[Path]:
    """Every regular file under ``root`` (sockets, pipes and links are not data and are left out), sorted."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if skip(relative) or any(skip(parent) for parent in relative.parents if parent != Path(".")):
            continue
        if path.is_file() and not path.is_symlink():
            yield path


class Writer:
    """Adds files under archive names and records them in the manifest, which goes in last."""

    def __init__(self, target: Path, meta: dict):
        self.tar = tarfile.open(target, "w")
        self.snapshot = target.with_name("snapshot")  # beside the tar, inside the private work space
        self.meta = dict(meta, format=FORMAT)
        self.files: dict[str, dict] = {}

    def add(self, source: Path, name: str) -> None:
        """Add a snapshot of ``source``: a file that changes while it is read (a keyring, a document being
        written) must not go in with a checksum of other bytes than the archive holds."""
        mode = stat.S_IMODE(source.stat().st_mode)
        shutil.copyfile(source, self.snapshot)
        entry = self.tar.gettarinfo(str(self.snapshot), arcname=name)
        entry.mode, entry.uid, entry.gid, entry.uname, entry.gname = mode, 0, 0, "", ""
        self.files[name] = {"size": entry.size, "mode": mode, "sha256": sha256_of(self.snapshot)}
        with self.snapshot.open("rb") as handle:
            self.tar.addfile(entry, handle)
        self.snapshot.unlink()

    def add_bytes(self, data: bytes, name: str, mode: int = 0o600) -> None:
        entry = tarfile.TarInfo(name)
        entry.size, entry.mode = len(data), mode
        self.files[name] = {"size": len(data), "mode": mode, "sha256": hashlib.sha256(data).hexdigest()}
        self.tar.addfile(entry, io.BytesIO(data))

    def close(self) -> None:
        self.add_bytes(json.dumps(dict(self.meta, files=self.files), indent=1, sort_keys=True).encode(), MANIFEST)
        self.tar.close()


def unpack(archive: Path, into: Path) -> dict:
    """Unpack ``archive`` into ``into`` and return its manifest, after checking every member against it."""
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise ArchiveError(f"Das Archiv ist beschädigt oder kein Perspektive-Backup ({exc}).") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ArchiveError("Das Archiv hat kein lesbares Inhaltsverzeichnis (MANIFEST.json).") from None
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"Unbekanntes Backup-Format {manifest.get('format')!r} (erwartet {FORMAT}).")
    present = {str(p.relative_to(into)) for p in regular_files(into)} - {MANIFEST}
    listed = set(manifest["files"])
    if present != listed:
        raise ArchiveError(f"Das Archiv passt nicht zu seinem Inhaltsverzeichnis ({len(listed ^ present)} "
                           "Dateien fehlen oder sind zu viel).")
    for name, entry in manifest["files"].items():
        if sha256_of(into / name) != entry["sha256"]:
            raise ArchiveError(f"Prüfsumme falsch: {name}")
        (into / name).chmod(entry["mode"] & 0o755)  # never set-uid, never writable by others
    return manifest
