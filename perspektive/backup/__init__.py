"""Backup and restore: the database (SQLite's online backup API or pg_dump), the files beside it and the key
material, as one archive encrypted to the organisation's backup key; and putting it back into an empty
installation. It reads every capability's data, so it sits above them all, below the faces."""
from .cli import COMMANDS
from .keys import BackupKeyError, pin
from .making import BackupError, create_backup
from .restoring import refusals, restore_backup

__all__ = ["COMMANDS", "BackupError", "BackupKeyError", "create_backup", "pin", "refusals", "restore_backup"]
