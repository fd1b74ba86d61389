"""The archive reveals nothing without the organisation's secret key, and a restore needs that key."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from perspektive import create_app
from perspektive.db import db

from .conftest import table_rows

PLAINTEXT = [b"Yousef", b"Tesfaye", b"Qureshi", b"Amina", b"1990-04-12", b"DD-4711-25", b"MANIFEST",
             b"perspektive.sqlite", b"perspektive.pgdump", b"documents/", b"SQLite format", b"PGDMP",
             b"section_25b", b"BEGIN PGP"]


def _backup(app, path: Path, *extra: str):
    db.close()
    return app.test_cli_runner().invoke(args=["backup", str(path), *extra])


def test_archive_holds_no_plaintext_and_needs_the_secret_key(filled, tmp_path, backup_key, monkeypatch):
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where the work space goes, for this test
    archive = tmp_path / "sicherung.gpg"
    assert _backup(filled, archive).exit_code == 0
    data = archive.read_bytes()
    assert [word for word in PLAINTEXT if word in data] == []
    assert archive.stat().st_mode & 0o777 == 0o600
    with tempfile.TemporaryDirectory(prefix="e", dir="/tmp") as stranger:
        refused = subprocess.run(["gpg", "--homedir", stranger, "--batch", "--decrypt", str(archive)],
                                 capture_output=True)
        packets = subprocess.run(["gpg", "--homedir", stranger, "--batch", "--list-packets", str(archive)],
                                 capture_output=True, text=True)
        subprocess.run(["gpgconf", "--homedir", stranger, "--kill", "gpg-agent"], capture_output=True)
    assert refused.returncode != 0 and refused.stdout == b""
    encrypted_to = [line.split("keyid ")[1].split()[0] for line in packets.stdout.splitlines()
                    if "pubkey enc packet" in line]
    subkeys = backup_key.gpg("--with-colons", "--list-keys", backup_key.fingerprint).stdout.decode()
    fingerprints = [line.split(":")[9] for line in subkeys.splitlines() if line.startswith("fpr:")]
    assert len(encrypted_to) == 1 and any(f.endswith(encrypted_to[0]) for f in fingerprints[1:])
    assert len(list(tmp_path.glob("sicherung.gpg*"))) == 1  # no .part left beside it
    assert list((tmp_path / "tmp").iterdir()) == []  # the work space with the plaintext is gone


def test_restore_with_another_key_refuses_and_writes_nothing(filled, tmp_path, target, pgp_key):
    archive = tmp_path / "sicherung.gpg"
    assert _backup(filled, archive).exit_code == 0
    other = pgp_key("brainpoolP384r1", "jemand-anderes@example.org")
    restored_app = create_app(dict(target))
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["restore", str(archive), "--gnupg-home", other.home])
    assert result.exit_code == 2
    assert "enthält den geheimen Schlüssel dieses Backups nicht" in result.output
    assert table_rows(target["DATABASE_URL"]) == {}
    assert not (Path(target["DATA_DIR"]) / "documents").exists()
