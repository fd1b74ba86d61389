"""Storage failures while serving: a full disk (or a write refused by a read-only file system) answers 503 with a
page that says what is wrong, instead of the generic 500, and one log line for the administrator (probe finding
11). Pages that only read keep working, since nothing they do writes.

The cause is found in the exception chain: SQLite's SQLITE_FULL / SQLITE_READONLY (also from the Huey store),
PostgreSQL's SQLSTATE 53100 (disk_full) and 25006 (read_only_sql_transaction), or an OSError ENOSPC, EDQUOT or
EROFS from a file written (a letter, the keyring). Log lines name the kind only, never a message, which could
hold personal data.
"""
from __future__ import annotations

import errno
import logging

log = logging.getLogger("perspektive.storage")

_FULL_TEXTS = ("database or disk is full", "no space left on device")
_READ_ONLY_TEXTS = ("attempt to write a readonly database", "read-only file system")
_FULL_CODES = {"53100"}
_READ_ONLY_CODES = {"25006"}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        orig = getattr(exc, "orig", None)  # peewee keeps the driver's exception here
        if orig is not None and id(orig) not in seen:
            yield orig
        exc = exc.__cause__ or exc.__context__


def storage_failure(exc: BaseException | None) -> str | None:
    """``"full"`` or ``"read_only"`` if a storage failure caused ``exc``, else ``None``."""
    for cause in _chain(exc):
        code = getattr(cause, "sqlstate", None)  # psycopg's SQLSTATE of a PostgreSQL error
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS or code in _FULL_CODES:
            return "full"
        if isinstance(cause, OSError) and cause.errno == errno.EROFS or code in _READ_ONLY_CODES:
            return "read_only"
        text = str(cause).lower() if not isinstance(cause, OSError) else ""
        if any(t in text for t in _FULL_TEXTS):
            return "full"
        if any(t in text for t in _READ_ONLY_TEXTS):
            return "read_only"
    return None


def log_failure(kind: str, method: str, endpoint: str | None) -> None:
    log.error("storage %s: a write was refused in %s %s; nothing was saved. Free space on the data directory's and "
              "the database's disk or make them writable; reading pages keep working", kind, method, endpoint)
