"""The organisation's backup key: pinned once from its public part, checked before every backup, and the
archive encrypted to it alone.

The key follows the same policy as the authority contacts' keys (``referrals``: BSI TR-02102-1 strengths, not
expired, not revoked), and like them it is used by full fingerprint only (``BACKUP_KEY``), never by a name. Its
public part is pinned as a file in the data directory (no table: the key must be readable before any database
exists, and a restore brings it back with the rest). Each backup imports the pinned copy into a keyring made
for that one run inside the private work space, so nothing else in a keyring can be picked by mistake.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import gnupg

from perspektive.referrals import (
    KeyPolicyError,
    Keyring,
    KeyUnusable,
    inspect_armor,
    normalise_fingerprint,
    stop_agent,
)

PINNED_NAME = "backup_key.asc"


class BackupKeyError(ValueError):
    """No usable backup key; the message says what to do."""


def pinned_path(config) -> Path:
    return Path(config["DATA_DIR"]) / PINNED_NAME


def pin(config, armor: str, now: dt.datetime):
    """Check ``armor`` against the key policy and keep it as the backup key; returns its ``KeyInfo``."""
    try:
        info = inspect_armor(armor, now)
    except KeyPolicyError as exc:
        raise BackupKeyError(str(exc)) from None
    path = pinned_path(config)
    part = path.with_suffix(".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(armor.strip() + "\n")
    part.replace(path)
    return info


def configured_fingerprint(config) -> str:
    value = config.get("BACKUP_KEY") or ""
    if not value:
        raise BackupKeyError("Kein Backup-Schlüssel konfiguriert: erst `backup key DATEI.asc` (öffentlicher Teil "
                             "des Backup-Schlüssels der Organisation), dann BACKUP_KEY = \"<Fingerabdruck>\" "
                             "in der Konfiguration bzw. PERSPEKTIVE_BACKUP_KEY setzen.")
    try:
        return normalise_fingerprint(value)
    except ValueError:
        raise BackupKeyError(f"BACKUP_KEY ist kein Fingerabdruck (40 Hexadezimalzeichen): {value!r}") from None


def encrypt_file(config, plain: Path, target: Path, home: Path, now: dt.datetime) -> str:
    """Encrypt ``plain`` to the configured backup key into ``target``; returns the fingerprint used."""
    fingerprint = configured_fingerprint(config)
    path = pinned_path(config)
    if not path.exists():
        raise BackupKeyError(f"Der Backup-Schlüssel {fingerprint} ist nicht hinterlegt: `backup key DATEI.asc` "
                             "mit seinem öffentlichen Teil ausführen.")
    keyring = Keyring(home)
    try:
        keyring.check(fingerprint, path.read_text(encoding="ascii"), now)
        with plain.open("rb") as handle:
            result = keyring.gpg.encrypt_file(handle, [fingerprint], always_trust=True, armor=False,
                                              output=str(target), extra_args=["--compress-algo", "zlib"])
    except KeyUnusable as exc:
        raise BackupKeyError(f"Der Backup-Schlüssel {fingerprint} ist nicht verwendbar: {exc}") from None
    finally:
        stop_agent(home)
    if not result.ok:
        raise BackupKeyError(f"gpg konnte nicht verschlüsseln ({result.status}).")
    return fingerprint


def decrypt_file(encrypted: Path, target: Path, home: Path, passphrase: str | None) -> None:
    """Decrypt a backup with the secret key in the GnuPG home ``home`` into ``target``."""
    if not home.is_dir():
        raise BackupKeyError(f"Das GnuPG-Verzeichnis {home} gibt es nicht.")
    if passphrase and any(ch in passphrase for ch in "\r\n\0"):
        raise BackupKeyError("Die Passphrase darf keinen Zeilenumbruch enthalten.")
    gpg = gnupg.GPG(gnupghome=str(home))
    with encrypted.open("rb") as handle:
        result = gpg.decrypt_file(handle, output=str(target), passphrase=passphrase or None,
                                  extra_args=["--no-symkey-cache"])
    if not result.ok:
        target.unlink(missing_ok=True)
        if "no_seckey" in (result.status or "") or "NO_SECKEY" in (result.stderr or ""):
            raise BackupKeyError(f"{home} enthält den geheimen Schlüssel dieses Backups nicht.")
        stderr = result.stderr or ""
        if any(sign in stderr for sign in ("BAD_PASSPHRASE", "MISSING_PASSPHRASE", "pkdecrypt_failed")):
            raise BackupKeyError("Die Passphrase des Backup-Schlüssels fehlt oder ist falsch (--passphrase-file).")
        raise BackupKeyError(f"Entschlüsselung fehlgeschlagen ({result.status or 'keine OpenPGP-Daten'}).")
