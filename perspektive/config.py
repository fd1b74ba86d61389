"""Configuration: ``perspektive/defaults/default.toml`` (shipped in the package), then an optional second file
(``PERSPEKTIVE_CONFIG``), then ``PERSPEKTIVE_*`` variables.

Relative paths (``PERSPEKTIVE_CONFIG``, ``DATA_DIR``, the provision folders) are taken from the current directory,
as for any command: the package may live in a read-only site-packages, far from the installation's data."""
from __future__ import annotations

import logging
import os
import secrets
import tempfile
import tomllib
from pathlib import Path

from . import shipped

PREFIX = "PERSPEKTIVE_"
log = logging.getLogger("perspektive.config")


def _coerce(raw: str, default):
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{raw!r} ist kein Wahrheitswert")
    if isinstance(default, int):
        return int(raw)
    return raw


def load_config(overrides: dict | None = None, environ=os.environ) -> dict:
    config = tomllib.loads(shipped.resource("default.toml").read_text(encoding="utf-8"))
    extra = environ.get(PREFIX + "CONFIG")
    if extra:
        config.update(tomllib.loads(Path(extra).read_text(encoding="utf-8")))
    for key, default in list(config.items()):
        if PREFIX + key in environ:
            try:
                config[key] = _coerce(environ[PREFIX + key], default)
            except ValueError as exc:
                raise SystemExit(f"{PREFIX}{key}: {exc}") from None
    config.update(overrides or {})
    config["DATA_DIR"] = str(Path(config["DATA_DIR"]).absolute())
    # Empty: uploads and the shipped provisions in the data directory; the shipped plugins where they ship.
    for key, default in (("WORKFLOWS_DIR", Path(config["DATA_DIR"]) / "workflows"),
                         ("LETTER_TEMPLATES_DIR", Path(config["DATA_DIR"]) / "letter_templates"),
                         ("CHECKLIST_TRANSLATIONS_DIR", Path(config["DATA_DIR"]) / "checklist_translations"),
                         ("PLUGINS_DIR", shipped.resource("plugins"))):
        config[key] = str(Path(config[key]).absolute() if config[key] else default)
    _check_writable(Path(config["DATA_DIR"]))
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{Path(config['DATA_DIR']) / 'perspektive.db'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(Path(config["DATA_DIR"]))
    return config


def _check_writable(data_dir: Path) -> None:
    """Stop at start-up, saying which directory and what to do, if the data directory cannot be written (read-only
    mount, wrong owner, full disk): otherwise the worker would fail somewhere later with a bare traceback (probe
    finding 11). A file is really created, since permission bits say nothing on a read-only file system or for
    root."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryFile(dir=data_dir, prefix=".write-check-"):
            pass
    except OSError as exc:
        message = (f"Datenverzeichnis {data_dir} ist nicht beschreibbar ({exc.strerror or exc.__class__.__name__}). "
                   "Perspektive startet nicht. Bitte dem Dienstkonto Schreibrechte darauf geben (chown/chmod, "
                   "Mount nicht schreibgeschützt, Speicherplatz frei) oder PERSPEKTIVE_DATA_DIR auf ein "
                   "beschreibbares Verzeichnis setzen.")
        log.critical("%s", message)
        raise SystemExit(message) from None


def _secret_key(data_dir: Path) -> str:
    """A key created once per data directory, so sessions survive restarts and never ship with the code."""
    path = data_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
