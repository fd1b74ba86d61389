"""Encryption at rest: values and files sealed with AES-256-GCM under a data key kept outside the database.

A text value is sealed as ``pk1:<keyid>:<base64(nonce|ciphertext)>``; its table, column and row id are the
associated data, so a value copied to another row or column does not open. A file starts with ``PKS1``, the key
id and the nonce, then the ciphertext, bound to the name it is stored under. The key id is derived from the key
itself, so a value names the key it needs and a wrong key is told apart from a damaged value.

The keys come from ``DATA_KEY`` (base64, several separated by commas, newest last), else from the file
``DATA_KEY_FILE``, else from ``DATA_DIR/data_keys`` (one base64 key a line, newest last, mode 0600), made at the
first start of an installation that has no sealed value yet. New values are sealed under the newest key; older
keys open what they sealed until ``keys rotate`` has moved everything on and retired them.

``seal_canary`` holds one value sealed at setup: at start-up it is opened, and a key that does not open it stops
the app and the command line with a message naming the key expected and where it was looked for.

Search tokens (blind indexes) are HMAC-SHA256 under a key derived from each data key by HKDF with a purpose of
its own, so the index key is never the encryption key.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, has_app_context

from perspektive.db import BaseModel, db

PREFIX = "pk1"
FILE_MAGIC = b"PKS1"
KEY_ID_LENGTH = 8
NONCE_LENGTH = 12
CANARY_TEXT = "perspektive-seal-canary"


class SealError(ValueError):
    """A sealed value or file that does not open: wrong key, unknown key, moved or altered."""


class KeyProblem(RuntimeError):
    """The data key is missing or wrong for this database; the message says which key and where it was sought."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"perspektive data key id\x00" + key).hexdigest()[:KEY_ID_LENGTH]


@dataclass
class Keyring:
    """The known data keys, oldest first; ``source`` says where they were read (for messages)."""

    keys: list[bytes]
    source: str
    path: Path | None = None  # the key file, when the keys live in one (rotation writes it)
    _ciphers: dict = field(default_factory=dict, repr=False)
    _index: dict = field(default_factory=dict, repr=False)

    @property
    def ids(self) -> list[str]:
        return [key_id(k) for k in self.keys]

    @property
    def newest_id(self) -> str:
        return key_id(self.keys[-1])

    def cipher(self, kid: str) -> AESGCM:
        if kid not in self._ciphers:
            for key in self.keys:
                if key_id(key) == kid:
                    self._ciphers[kid] = AESGCM(key)
                    break
            else:
                raise SealError(f"sealed under key {kid}, which is not among the known keys {self.ids}")
        return self._ciphers[kid]

    def index_key(self, kid: str) -> bytes:
        """The blind-index key of one data key (HKDF-SHA256, its own purpose)."""
        if kid not in self._index:
            key = next(k for k in self.keys if key_id(k) == kid)
            self._index[kid] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                                    info=b"perspektive search index v1").derive(key)
        return self._index[kid]


# --- finding the keys --------------------------------------------------------------------------------------------

def key_file_path(config: dict) -> Path:
    return Path(config.get("DATA_KEY_FILE") or Path(config["DATA_DIR"]) / "data_keys")


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{where}: kein gültiger Schlüssel (base64 erwartet)") from None
    if len(key) != 32:
        raise KeyProblem(f"{where}: ein Schlüssel muss 32 Bytes lang sein (AES-256), nicht {len(key)}")
    return key


def read_keyring(config: dict) -> Keyring:
    """The keys the configuration names; an empty keyring when the key file does not exist (yet)."""
    if config.get("DATA_KEY"):
        keys = [_decode(part, "PERSPEKTIVE_DATA_KEY") for part in config["DATA_KEY"].split(",") if part.strip()]
        return Keyring(keys, "PERSPEKTIVE_DATA_KEY")
    path = key_file_path(config)
    if not path.exists():
        return Keyring([], str(path), path)
    lines = [line for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    return Keyring([_decode(line, str(path)) for line in lines], str(path), path)


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Replace the key file atomically, readable by the owner only."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("".join(base64.b64encode(k).decode() + "\n" for k in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, path)


def new_key() -> bytes:
    return secrets.token_bytes(32)


# --- the keyring in use ------------------------------------------------------------------------------------------

_installed: Keyring | None = None


def install(keyring: Keyring, app=None) -> None:
    """Make ``keyring`` the one used by ``seal``/``open_value``: the app's (in its context) and the process's."""
    global _installed
    _installed = keyring
    if app is not None:
        app.extensions["sealing"] = keyring


def current() -> Keyring:
    if has_app_context() and "sealing" in current_app.extensions:
        return current_app.extensions["sealing"]
    if _installed is None:
        raise KeyProblem("kein Datenschlüssel geladen: create_app lädt ihn")
    return _installed


# --- values and files --------------------------------------------------------------------------------------------

def _aad(table: str, column: str, row_id) -> bytes:
    return f"{PREFIX}\x1f{table}\x1f{column}\x1f{row_id}".encode()


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def value_key_id(value: str) -> str | None:
    return value.split(":", 2)[1] if is_sealed(value) else None


def seal(text: str, table: str, column: str, row_id, keyring: Keyring | None = None) -> str:
    """``text`` sealed under the newest key, bound to ``table``, ``column`` and ``row_id``. "" stays ""."""
    if text == "" or text is None:
        return text
    ring = keyring or current()
    kid = ring.newest_id
    nonce = secrets.token_bytes(NONCE_LENGTH)
    body = ring.cipher(kid).encrypt(nonce, text.encode("utf-8"), _aad(table, column, row_id))
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + body).decode('ascii')}"


def open_value(value: str, table: str, column: str, row_id, keyring: Keyring | None = None) -> str:
    """The text of a sealed value; ``SealError`` if it does not open here. "" and None are returned as they are."""
    if value == "" or value is None:
        return value
    if not is_sealed(value):
        raise SealError(f"{table}.{column} of row {row_id} is not sealed")
    try:
        _, kid, payload = value.split(":", 2)
        raw = base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error):
        raise SealError(f"{table}.{column} of row {row_id} is damaged") from None
    ring = keyring or current()
    try:
        plain = ring.cipher(kid).decrypt(raw[:NONCE_LENGTH], raw[NONCE_LENGTH:], _aad(table, column, row_id))
    except InvalidTag:
        raise SealError(f"{table}.{column} of row {row_id} does not open: altered or moved") from None
    return plain.decode("utf-8")


def reseal(value: str, table: str, column: str, row_id, keyring: Keyring | None = None) -> str:
    """``value`` under the newest key (a plaintext value is sealed, one under the newest key kept)."""
    ring = keyring or current()
    if value in ("", None) or value_key_id(value) == ring.newest_id:
        return value
    text = open_value(value, table, column, row_id, ring) if is_sealed(value) else value
    return seal(text, table, column, row_id, ring)


def seal_bytes(data: bytes, name: str, keyring: Keyring | None = None) -> bytes:
    """A file's bytes sealed: ``PKS1``, key id, nonce, ciphertext; bound to the ``name`` it is stored under."""
    ring = keyring or current()
    kid = ring.newest_id
    nonce = secrets.token_bytes(NONCE_LENGTH)
    body = ring.cipher(kid).encrypt(nonce, data, b"file\x1f" + name.encode())
    return FILE_MAGIC + kid.encode("ascii") + nonce + body


def file_key_id(blob: bytes) -> str | None:
    if not blob.startswith(FILE_MAGIC):
        return None
    return blob[len(FILE_MAGIC):len(FILE_MAGIC) + KEY_ID_LENGTH].decode("ascii", "replace")


def open_bytes(blob: bytes, name: str, keyring: Keyring | None = None) -> bytes:
    kid = file_key_id(blob)
    if kid is None:
        raise SealError(f"file {name} is not sealed")
    start = len(FILE_MAGIC) + KEY_ID_LENGTH
    nonce, body = blob[start:start + NONCE_LENGTH], blob[start + NONCE_LENGTH:]
    try:
        return (keyring or current()).cipher(kid).decrypt(nonce, body, b"file\x1f" + name.encode())
    except InvalidTag:
        raise SealError(f"file {name} does not open: altered or moved") from None


def blind_tokens(words: set[str], keyring: Keyring | None = None, kid: str | None = None) -> set[str]:
    """HMAC-SHA256 of each (already normalised) word under the index key of ``kid`` (default: the newest)."""
    ring = keyring or current()
    key = ring.index_key(kid or ring.newest_id)
    return {hmac.new(key, w.encode("utf-8"), hashlib.sha256).hexdigest() for w in words}


# --- the canary and the check at start-up ------------------------------------------------------------------------

class SealCanary(BaseModel):
    """One value sealed at setup (and re-sealed by rotation): the key check at start-up opens it."""

    value = pw.TextField()


def write_canary(keyring: Keyring | None = None) -> None:
    ring = keyring or current()
    row = SealCanary.get_or_none()
    if row is None:
        row = SealCanary.create(value="")
    row.value = seal(CANARY_TEXT, "seal_canary", "value", row.id, ring)
    row.save()


def check_key(keyring: Keyring) -> None:
    """``KeyProblem`` unless ``keyring`` opens the canary; nothing to check before migration 8 wrote it."""
    if "seal_canary" not in db.get_tables():
        return
    row = SealCanary.get_or_none()
    if row is None:
        return
    expected = value_key_id(row.value) or "?"
    known = ", ".join(keyring.ids) or "keiner"
    if expected not in keyring.ids:
        raise KeyProblem(
            f"Der Datenschlüssel {expected} fehlt: die Datenbank ist mit ihm verschlüsselt, gesucht wurde in "
            f"{keyring.source} (gefundene Schlüssel: {known}). Den Schlüssel aus der Sicherung zurücklegen "
            "(DATA_KEY_FILE, PERSPEKTIVE_DATA_KEY oder DATA_DIR/data_keys), siehe docs/encryption.md.")
    try:
        if open_value(row.value, "seal_canary", "value", row.id, keyring) != CANARY_TEXT:
            raise SealError("canary text differs")
    except SealError:
        raise KeyProblem(f"Der Datenschlüssel {expected} aus {keyring.source} öffnet die Prüfzeile nicht: "
                         "Schlüssel oder Datenbank beschädigt, siehe docs/encryption.md.") from None


def prepare(config: dict) -> Keyring:
    """The keyring for this installation, checked against the database (connected by the caller): a new key file
    is made only when there is no key and nothing sealed yet. ``KeyProblem`` when the key does not fit."""
    ring = read_keyring(config)
    if not ring.keys:
        has_canary = "seal_canary" in db.get_tables() and SealCanary.select().exists()
        if ring.path is None or has_canary:
            check_key(ring)
        ring.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_key_file(ring.path, [new_key()])
        ring = read_keyring(config)
    check_key(ring)
    return ring
