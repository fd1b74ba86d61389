"""What ships inside the package (``perspektive/defaults/``): the default configuration, the provisions'
workflow files and letter templates, and their plugins; and how the provisions reach the folders the engine reads.

The package is read-only (site-packages, replaced by every upgrade), while administrators upload and replace
workflows and templates at run time. So the engine reads ``WORKFLOWS_DIR`` and ``LETTER_TEMPLATES_DIR`` (by default
folders in the data directory), and ``install_provisions`` copies the shipped files there at every start. A
manifest beside them (``.shipped.json``: file -> hash of what was last installed) tells a file nobody touched,
which an upgrade may replace, from one an administrator uploaded or deleted, which stays as it is.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import resources
from pathlib import Path

MANIFEST = ".shipped.json"
# Which files of each shipped folder are provisions (the template builder script is not).
PATTERNS = {"workflows": ("*.toml",), "letter_templates": ("*/*.docx",), "checklist_translations": ("*.toml",)}


def resource(name: str) -> Path:
    """A file or folder of ``perspektive/defaults`` as a path: the engine globs and stats it, so it must be on disk (a
    wheel installs unzipped; a zipped import is refused here rather than failing later)."""
    found = resources.files("perspektive").joinpath("defaults", name)
    if not isinstance(found, Path):
        raise RuntimeError(f"perspektive/defaults/{name} is not on disk ({found!r}); install Perspektive unzipped")
    return found


def install_provisions(name: str, target: Path) -> list[str]:
    """Bring the shipped files of ``name`` into ``target``; returns the relative paths written.

    A file is written when it is missing and was never installed, or when it is still exactly what was last
    installed and the package now ships another version. A file changed or removed since is left alone."""
    target.mkdir(parents=True, exist_ok=True)
    source = resource(name)
    manifest_path = target / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        manifest = {}
    written = []
    for shipped in sorted(p for pattern in PATTERNS[name] for p in source.glob(pattern)):
        relative = shipped.relative_to(source).as_posix()
        data = shipped.read_bytes()
        new = _digest(data)
        live = target / relative
        current = _digest(live.read_bytes()) if live.is_file() else None
        last = manifest.get(relative)
        if current is None and last is None or current is not None and current == last != new:
            _write_atomically(live, data)
            written.append(relative)
            manifest[relative] = new
        elif current == new:
            manifest[relative] = new
    if written or manifest != _read(manifest_path):
        _write_atomically(manifest_path, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return written


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Several web workers start at once: each writes a whole file under a temporary name and renames it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".shipped-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
