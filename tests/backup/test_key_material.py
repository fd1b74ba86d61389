"""Key material outside the data directory travels with the backup and comes back private (0600 / 0700):
the referrals' GnuPG home, a data key file and a data key given in the environment; and a backup key whose
secret part is protected by a passphrase."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from perspektive import create_app
from perspektive.config import load_config
from perspektive.db import db

from .conftest import file_digests, write

DATA_KEY = "k" * 44


def test_key_material_outside_the_data_directory(app, pinned, tmp_path, backup_key):
    gnupg_home, key_file = tmp_path / "gnupg-aussen", tmp_path / "schluessel" / "data.key"
    key_file.parent.mkdir()
    key_file.write_bytes(b"\x01" * 32)
    key_file.chmod(0o600)
    gnupg_home.mkdir(mode=0o700)
    subprocess.run(["gpg", "--homedir", str(gnupg_home), "--batch", "--import"], input=backup_key.public.encode(),
                   capture_output=True, check=True)  # a pinned contact key, as the referrals keep them
    subprocess.run(["gpgconf", "--homedir", str(gnupg_home), "--kill", "gpg-agent"], capture_output=True)
    app.config.update(GNUPG_HOME=str(gnupg_home), DATA_KEY_FILE=str(key_file), DATA_KEY=DATA_KEY)
    db.close()
    made = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.gpg")])
    assert made.exit_code == 0, made.output

    target = load_config({"DATA_DIR": str(tmp_path / "neu"), "DATABASE_URL": _empty_url(app, tmp_path),
                          "GNUPG_HOME": str(tmp_path / "neu-gnupg"), "DATA_KEY_FILE": str(tmp_path / "neu.key"),
                          "WORKFLOWS_DIR": str(tmp_path / "neu-wf"), "LETTER_TEMPLATES_DIR": str(tmp_path / "neu-lt")})
    restored_app = create_app(target)
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "b.gpg"),
                                                             "--gnupg-home", backup_key.home])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "neu.key").read_bytes() == b"\x01" * 32
    assert (tmp_path / "neu.key").stat().st_mode & 0o777 == 0o600
    leave_out = {name for name in file_digests(gnupg_home) if name.startswith("S.")}
    assert file_digests(tmp_path / "neu-gnupg", leave_out) == file_digests(gnupg_home, leave_out)
    assert (tmp_path / "neu-gnupg").stat().st_mode & 0o777 == 0o700
    from_environment = tmp_path / "neu" / "restored-DATA_KEY"
    assert from_environment.read_text() == DATA_KEY and from_environment.stat().st_mode & 0o777 == 0o600
    assert "PERSPEKTIVE_DATA_KEY setzen" in result.output


def _empty_url(app, tmp_path) -> str:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'neu.db'}"
    from .conftest import empty_database, second_url

    second = second_url(url)
    empty_database(second)
    return second


def test_restore_with_a_passphrase_protected_key(app, tmp_path):
    home = tempfile.mkdtemp(prefix="kp", dir="/tmp")
    gpg = ["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "Backup-Tresor-7"]
    subprocess.run(gpg + ["--quick-gen-key", "Backup <backup@example.org>", "brainpoolP256r1", "sign,cert", "1y"],
                   check=True, capture_output=True)
    listing = subprocess.run(["gpg", "--homedir", home, "--with-colons", "--list-keys"], capture_output=True,
                             text=True, check=True).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    subprocess.run(gpg + ["--quick-add-key", fingerprint, "brainpoolP256r1", "encr", "1y"], check=True,
                   capture_output=True)
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True)  # forget the phrase
    public = subprocess.run(["gpg", "--homedir", home, "--armor", "--export", fingerprint], capture_output=True,
                            text=True, check=True).stdout
    runner = app.test_cli_runner()
    db.close()
    assert runner.invoke(args=["backup", "key", write(tmp_path / "p.asc", public)]).exit_code == 0
    app.config["BACKUP_KEY"] = fingerprint
    assert runner.invoke(args=["backup", str(tmp_path / "b.gpg")]).exit_code == 0
    target = load_config({"DATA_DIR": str(tmp_path / "neu"), "DATABASE_URL": _empty_url(app, tmp_path),
                          "WORKFLOWS_DIR": str(tmp_path / "neu-wf"), "LETTER_TEMPLATES_DIR": str(tmp_path / "neu-lt")})
    restored_app = create_app(target)
    try:
        with restored_app.app_context():
            wrong = restored_app.test_cli_runner().invoke(args=[
                "restore", str(tmp_path / "b.gpg"), "--gnupg-home", home,
                "--passphrase-file", write(tmp_path / "falsch", "falsch\n")])
            assert wrong.exit_code == 2 and "Passphrase" in wrong.output
            right = restored_app.test_cli_runner().invoke(args=[
                "restore", str(tmp_path / "b.gpg"), "--gnupg-home", home,
                "--passphrase-file", write(tmp_path / "richtig", "Backup-Tresor-7\n")])
            assert right.exit_code == 0, right.output
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True)
    assert (Path(target["DATA_DIR"]) / "backup_key.asc").read_text().strip() == public.strip()
