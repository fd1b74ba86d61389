"""A restore checks what it unpacks before it writes: a file that does not match its checksum, and a database
copy that is damaged but listed with the right checksum (SQLite's integrity check, pg_restore's exit status)."""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
from pathlib import Path

from perspektive import create_app
from perspektive.db import db

from .conftest import table_rows


def _repack(archive: Path, key, change) -> None:
    """Decrypt ``archive`` with the backup key, let ``change(name, data, manifest)`` alter members, encrypt it
    again to the same key: an archive as an attacker with the key, or a failing disk, might leave it."""
    plain = key.decrypt(archive.read_bytes())
    members = {}
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        for entry in tar.getmembers():
            members[entry.name] = tar.extractfile(entry).read()
    manifest = json.loads(members.pop("MANIFEST.json"))
    for name in list(members):
        members[name] = change(name, members[name], manifest)
    members["MANIFEST.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in members.items():
            entry = tarfile.TarInfo(name)
            entry.size, entry.mode = len(data), manifest["files"].get(name, {}).get("mode", 0o600)
            tar.addfile(entry, io.BytesIO(data))
    result = key.gpg("--encrypt", "--trust-model", "always", "--recipient", key.fingerprint, "--output", "-",
                     data=out.getvalue())
    assert result.returncode == 0, result.stderr
    archive.write_bytes(result.stdout)


def _restore(target, archive: Path, key):
    restored_app = create_app(dict(target))
    with restored_app.app_context():
        return restored_app.test_cli_runner().invoke(args=["restore", str(archive), "--gnupg-home", key.home])


def _backup(app, archive: Path):
    db.close()
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output


def test_a_changed_file_is_refused_by_its_checksum(filled, tmp_path, target, backup_key):
    archive = tmp_path / "b.gpg"
    _backup(filled, archive)

    def change(name, data, manifest):
        return data + "\n# angehängt".encode() if name.startswith("workflows/") and name.endswith(".toml") else data

    _repack(archive, backup_key, change)
    result = _restore(target, archive, backup_key)
    assert result.exit_code == 2 and "Prüfsumme falsch: workflows/" in result.output
    assert table_rows(target["DATABASE_URL"]) == {}
    # The target may hold the provisions it ships (installed at every start), never the refused file.
    written = Path(target["WORKFLOWS_DIR"]).glob("*.toml")
    assert not any("# angehängt".encode() in path.read_bytes() for path in written)


def test_a_damaged_database_is_refused_and_nothing_is_written(filled, tmp_path, target, backup_key):
    archive = tmp_path / "b.gpg"
    _backup(filled, archive)

    def change(name, data, manifest):
        if not name.startswith("database/"):
            return data
        if name.endswith(".sqlite"):
            damaged = data[:8192] + bytes(range(256)) * 16 + data[8192 + 4096:]  # page 3 overwritten
        else:
            damaged = data[: len(data) // 2]  # a dump cut off half-way
        manifest["files"][name].update(size=len(damaged), sha256=hashlib.sha256(damaged).hexdigest())
        return damaged

    _repack(archive, backup_key, change)
    result = _restore(target, archive, backup_key)
    assert result.exit_code == 2
    expected = ("Die Datenbank im Backup ist nicht in Ordnung" if target["DATABASE_URL"].startswith("sqlite")
                else "pg_restore ist fehlgeschlagen")
    assert expected in result.output, result.output
    assert table_rows(target["DATABASE_URL"]) == {}
    assert not (Path(target["DATA_DIR"]) / "documents").exists()


def test_an_archive_that_is_not_a_backup(app, tmp_path, target, backup_key):
    archive = tmp_path / "fremd.gpg"
    result = subprocess.run(["gpg", "--homedir", backup_key.home, "--batch", "--encrypt", "--trust-model", "always",
                             "--recipient", backup_key.fingerprint, "--output", str(archive)],
                            input=b"kein tar", capture_output=True)
    assert result.returncode == 0
    result = _restore(target, archive, backup_key)
    assert result.exit_code == 2 and "kein Perspektive-Backup" in result.output
