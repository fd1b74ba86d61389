"""``backup FILE``, ``backup key FILE.asc`` and ``restore FILE``: parse, call, print; refusals exit with 2."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from perspektive import audit
from perspektive.commandline import fail
from perspektive.db import db, utcnow
from perspektive.referrals import group_fingerprint

from . import keys
from .making import BackupError, create_backup
from .restoring import restore_backup


class _BackupGroup(AppGroup):
    """``backup FILE`` makes a backup, ``backup key FILE.asc`` pins the key: a first word that is not a
    subcommand is the file (a file named ``key`` is written ``./key``)."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["create", *args]
        return super().parse_args(ctx, args)


backup_cli = _BackupGroup("backup", help="Verschlüsseltes Backup: `backup DATEI [--force]`, "
                                         "`backup key DATEI.asc` hinterlegt den Backup-Schlüssel.")


@backup_cli.command("create", help="Backup nach DATEI schreiben (verschlüsselt an BACKUP_KEY).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="eine vorhandene DATEI überschreiben")
def backup_create(file, force):
    try:
        made = create_backup(current_app.config, file, force=force)
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"Backup geschrieben: {made.path} ({made.files} Dateien, {made.size} Bytes), verschlüsselt an "
               f"{group_fingerprint(made.fingerprint)}.")


@backup_cli.command("key", help="Öffentlichen Backup-Schlüssel (ASCII-armiert) prüfen und hinterlegen.")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"))
def backup_key(file):
    armor = file.read(200_000)
    try:
        info = keys.pin(current_app.config, armor, utcnow())
    except keys.BackupKeyError as exc:
        fail(str(exc))
    with db.connection_context():
        audit.record("cli", "backup.key", "backup_key", info.fingerprint)
    expires = f"{info.expires_at:%d.%m.%Y}" if info.expires_at else "nie"
    click.echo(f"Backup-Schlüssel hinterlegt: {group_fingerprint(info.fingerprint)} ({info.summary}, "
               f"läuft ab: {expires}).")
    configured = current_app.config.get("BACKUP_KEY") or ""
    if configured.replace(" ", "").upper() != info.fingerprint:
        click.echo(f"Jetzt in der Konfiguration setzen: BACKUP_KEY = \"{info.fingerprint}\" "
                   f"(oder PERSPEKTIVE_BACKUP_KEY={info.fingerprint}).")


@click.command("restore", help="Ein Backup in eine leere Installation zurückspielen.")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--gnupg-home", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="GnuPG-Verzeichnis mit dem geheimen Teil des Backup-Schlüssels")
@click.option("--passphrase-file", type=click.File("r", encoding="utf-8"),
              help="Datei mit der Passphrase des geheimen Schlüssels (erste Zeile)")
@click.option("--force", is_flag=True, help="auch in eine nicht leere Installation zurückspielen (überschreibt)")
def restore_command(file, gnupg_home, passphrase_file, force):
    passphrase = passphrase_file.readline().rstrip("\r\n") if passphrase_file else None
    db.close()  # the restore opens its own connections; none of ours may hold the database
    try:
        restored = restore_backup(current_app.config, file, gnupg_home, passphrase=passphrase, force=force)
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"Wiederhergestellt: Backup vom {restored.created_at} ({restored.engine}, {restored.files} "
               "Dateien). Danach `flask --app app migrate` ausführen, falls die Version neuer ist.")
    for note in restored.notes:
        click.echo(note)


COMMANDS = (backup_cli, restore_command)
