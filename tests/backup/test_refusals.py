"""What a backup or a restore refuses, with a message that says what to do, and without leaving anything."""
from __future__ import annotations

from pathlib import Path

from perspektive import create_app
from perspektive.db import db

from .conftest import table_rows, write


def _run(app, *args: str):
    db.close()
    return app.test_cli_runner().invoke(args=list(args))


def test_no_backup_key_configured(app, tmp_path):
    result = _run(app, "backup", str(tmp_path / "b.gpg"))
    assert result.exit_code == 2
    assert "Kein Backup-Schlüssel konfiguriert" in result.output and "backup key" in result.output
    assert list(tmp_path.glob("b.gpg*")) == []


def test_configured_but_not_pinned(app, tmp_path, backup_key):
    app.config["BACKUP_KEY"] = backup_key.fingerprint
    result = _run(app, "backup", str(tmp_path / "b.gpg"))
    assert result.exit_code == 2 and "nicht hinterlegt" in result.output
    assert list(tmp_path.glob("b.gpg*")) == []


def test_expired_backup_key(app, tmp_path, pgp_key):
    """A key pinned while it was valid and expired since: the backup stops before copying anything."""
    old = pgp_key("brainpoolP256r1", "alt@fluechtlingsrat.example", expire="1d", faked_time="20200101T000000")
    write(Path(app.config["DATA_DIR"]) / "backup_key.asc", old.public)
    app.config["BACKUP_KEY"] = old.fingerprint
    result = _run(app, "backup", str(tmp_path / "b.gpg"))
    assert result.exit_code == 2 and "abgelaufen" in result.output
    assert list(tmp_path.glob("b.gpg*")) == []


def test_key_policy_on_pinning(app, tmp_path, pgp_key):
    weak = pgp_key("rsa2048", "schwach@fluechtlingsrat.example")
    result = _run(app, "backup", "key", write(tmp_path / "weak.asc", weak.public))
    assert result.exit_code == 2 and "RSA mit 2048 Bit ist zu kurz" in result.output
    secret = weak.gpg("--armor", "--pinentry-mode", "loopback", "--passphrase", "",
                      "--export-secret-keys", weak.fingerprint).stdout.decode()
    result = _run(app, "backup", "key", write(tmp_path / "secret.asc", secret))
    assert result.exit_code == 2 and "privater Schlüssel" in result.output
    assert not (Path(app.config["DATA_DIR"]) / "backup_key.asc").exists()


def test_no_overwrite_without_force(app, pinned, tmp_path):
    target = tmp_path / "b.gpg"
    target.write_bytes(b"das vorige Backup")
    result = _run(app, "backup", str(target))
    assert result.exit_code == 2 and "--force" in result.output
    assert target.read_bytes() == b"das vorige Backup"
    result = _run(app, "backup", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() != b"das vorige Backup"


def test_missing_directory(app, pinned, tmp_path):
    result = _run(app, "backup", str(tmp_path / "gibt-es-nicht" / "b.gpg"))
    assert result.exit_code == 2 and "gibt es nicht" in result.output


def test_not_into_the_data_directory(app, pinned):
    inside = Path(app.config["DATA_DIR"]) / "documents-backup.gpg"
    result = _run(app, "backup", str(inside))
    assert result.exit_code == 2 and "woanders ablegen" in result.output
    assert not inside.exists()


def test_restore_refuses_a_used_installation_unless_forced(filled, tmp_path, target, backup_key):
    archive = tmp_path / "b.gpg"
    assert _run(filled, "backup", str(archive)).exit_code == 0
    expected = table_rows(filled.config["DATABASE_URL"])
    restored_app = create_app(dict(target))
    with restored_app.app_context():
        first = _run(restored_app, "restore", str(archive), "--gnupg-home", backup_key.home)
        assert first.exit_code == 0, first.output
        (Path(target["DATA_DIR"]) / "documents" / "später").write_bytes(b"x")
        again = _run(restored_app, "restore", str(archive), "--gnupg-home", backup_key.home)
        assert again.exit_code == 2
        assert "nur in eine leere Installation" in again.output and "Tabellen" in again.output
        forced = _run(restored_app, "restore", str(archive), "--gnupg-home", backup_key.home, "--force")
        assert forced.exit_code == 0, forced.output
    assert table_rows(target["DATABASE_URL"]) == expected


def test_disk_full_says_so_and_leaves_nothing(app, pinned, tmp_path, monkeypatch):
    """The device fills up while the archive is written (the one fault injected: a full disk cannot be made
    without mounting a file system): the message says so, and neither the target nor the work space remains."""
    import errno
    import tempfile

    from perspektive.backup import archive

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))

    def full(source, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(archive.shutil, "copyfile", full)
    result = _run(app, "backup", str(tmp_path / "b.gpg"))
    assert result.exit_code == 2 and "Kein Platz mehr auf dem Datenträger" in result.output
    assert list(tmp_path.glob("b.gpg*")) == []
    assert list((tmp_path / "tmp").iterdir()) == []
