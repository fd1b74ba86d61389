"""What a backup holds besides the database, and where each part goes back on restore.

Each part is a directory (or one file) named by the configuration, stored under a fixed prefix in the archive, so
that a restore can put it under the *target's* configured path, which may differ from the source's:

- ``data/``: the data directory (generated documents, the archives of replaced workflows and templates that
  releases before migration 16 wrote – uploads are versions in the database now –, the session secret, the
  pinned backup key, a data key file kept there) without the databases themselves, which are copied
  consistently on their own (``database.py``);
- ``gnupg/``: the referrals' GnuPG home, when it lies outside the data directory;
- ``workflows/``, ``letter_templates/`` and ``checklist_translations/``: the provisions, letter templates and
  checklist translations, uploaded ones included;
- ``keys/data_key``: a data key file configured outside the data directory; ``keys/DATA_KEY``: a data key given
  in the environment (``PERSPEKTIVE_DATA_KEY``), which a restore writes to a file for the operator to move.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

# SQLite files that the database step copies (never as files: WAL), and the task queue, whose tasks carry ids only
# and which the minute sweeps fill again.
DATABASE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")
QUEUE_FILES = tuple("huey.db" + suffix for suffix in DATABASE_FILE_SUFFIXES)
# Made anew by ``load_config`` in every data directory, so a fresh one is never empty of it.
CREATED_AT_START = ("secret_key",)
KEY_FILE_MODE = 0o600
# The folders that ``shipped.install_provisions`` fills at every start: archive prefix -> configuration key.
PROVISIONS = {"workflows": "WORKFLOWS_DIR", "letter_templates": "LETTER_TEMPLATES_DIR",
              "checklist_translations": "CHECKLIST_TRANSLATIONS_DIR"}


@dataclass(frozen=True)
class Part:
    prefix: str  # name inside the archive
    path: Path  # directory or file on this machine
    private: bool = False  # a directory that only its owner may enter (0700)


def sqlite_path(config) -> Path | None:
    url = config["DATABASE_URL"]
    return Path(url[len("sqlite:///"):]) if urlparse(url).scheme == "sqlite" else None


def gnupg_home(config) -> Path:
    return Path(config["GNUPG_HOME"] or Path(config["DATA_DIR"]) / "gnupg")


def data_key_file(config) -> Path | None:
    """The data key file that encryption at rest reads, if one is configured (``DATA_KEY_FILE``)."""
    name = config.get("DATA_KEY_FILE") or ""
    return Path(name) if name else None


def _inside(path: Path, directory: Path) -> bool:
    return path.resolve().is_relative_to(directory.resolve())


def provision_dir(config, prefix: str) -> Path:
    """Where this installation keeps a provision folder (a configuration from before a folder existed: its
    default place in the data directory)."""
    return Path(config.get(PROVISIONS[prefix]) or Path(config["DATA_DIR"]) / prefix)


def parts(config) -> list[Part]:
    """The directories and files of a backup, each under its archive prefix."""
    data_dir = Path(config["DATA_DIR"])
    found = [Part("data", data_dir, private=True)]
    if not _inside(gnupg_home(config), data_dir):
        found.append(Part("gnupg", gnupg_home(config), private=True))
    found += [Part(prefix, provision_dir(config, prefix)) for prefix in PROVISIONS]
    key_file = data_key_file(config)
    if key_file and not _inside(key_file, data_dir):
        found.append(Part("keys/data_key", key_file))
    return found


def skipped_in_data_dir(config):
    """A predicate on paths relative to the data directory: what the file copy leaves to others, or out."""
    data_dir = Path(config["DATA_DIR"]).resolve()
    database = sqlite_path(config)
    names = set(QUEUE_FILES)
    if database and database.resolve().parent == data_dir:
        names |= {database.name + suffix for suffix in DATABASE_FILE_SUFFIXES}

    def skip(relative: Path) -> bool:
        return str(relative) in names or relative.suffix == ".part"

    return skip
