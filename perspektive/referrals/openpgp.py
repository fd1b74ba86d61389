"""OpenPGP through the real gpg binary (python-gnupg): the key policy, and encryption to one pinned fingerprint.

Two rules carry the security of referrals (shared/security-checklist.md, rows 24-27):

- A recipient is always a full fingerprint, never a name or an address: with two keys for one address in a
  keyring, gpg picks whichever it likes, and an impostor's key would do. Because the fingerprint was confirmed by
  an administrator, encryption trusts that key (``always_trust``) and no other.
- Keys follow BSI TR-02102-1 as GnuPG's ``de-vs`` mode does: RSA with at least 3072 bits, or the Brainpool
  curves. Shorter RSA, DSA, Elgamal, Curve25519 and the NIST curves are refused with the reason, and so are
  expired and revoked keys. The policy is checked on import and again before every use, because keys expire.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gnupg
from flask_babel import gettext as _

RSA_MIN_BITS = 3072
BRAINPOOL = ("brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1")
_ALGORITHMS = {"1": "RSA", "2": "RSA", "3": "RSA", "16": "Elgamal", "17": "DSA", "18": "ECDH", "19": "ECDSA",
               "22": "EdDSA"}
_FINGERPRINT = re.compile(r"[0-9A-F]{40}")


class KeyProblem(ValueError):
    """Base for key problems; the message is the reason a counsellor or an administrator reads."""


class KeyPolicyError(KeyProblem):
    """The key may not be used (policy, expiry, revocation, not exactly one public key)."""


class KeyUnusable(KeyProblem):
    """Encryption to a pinned key failed now (expired, revoked, replaced, or gpg refused it)."""


def normalise_fingerprint(text: str) -> str:
    """``text`` as 40 upper-case hex digits, spaces and colons ignored; ``ValueError`` otherwise."""
    value = re.sub(r"[\s:]", "", text or "").upper()
    if value.startswith("0X"):
        value = value[2:]
    if not _FINGERPRINT.fullmatch(value):
        raise ValueError(_("Ein Fingerabdruck hat 40 Hexadezimalzeichen."))
    return value


def group_fingerprint(fingerprint: str) -> str:
    """Groups of four, as read out on the phone: ``ABCD 1234 …``."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))


@dataclass(frozen=True)
class KeyInfo:
    fingerprint: str
    summary: str  # "RSA 4096" or "brainpoolP384r1"
    expires_at: dt.datetime | None  # naive UTC; when the key can no longer be used for encryption
    uids: tuple[str, ...]


def _timestamp(value: str) -> dt.datetime | None:
    return dt.datetime.utcfromtimestamp(int(value)) if value else None


def _strength_problem(algo: str, length: str, curve: str) -> str | None:
    name = _ALGORITHMS.get(algo, f"Algorithmus {algo}")
    if name == "RSA":
        if int(length or 0) < RSA_MIN_BITS:
            return _("RSA mit %(bits)s Bit ist zu kurz: verlangt sind mindestens %(least)s Bit (BSI TR-02102-1).",
                     bits=length, least=RSA_MIN_BITS)
        return None
    if name in ("ECDH", "ECDSA", "EdDSA"):
        if curve in BRAINPOOL:
            return None
        return _("Die Kurve %(curve)s ist nach BSI TR-02102-1 nicht zugelassen; zulässig sind RSA ab %(least)s Bit "
                 "oder die Brainpool-Kurven.", curve=curve or _("unbekannt"), least=RSA_MIN_BITS)
    return _("%(algorithm)s-Schlüssel werden nicht angenommen; zulässig sind RSA ab %(least)s Bit oder die "
             "Brainpool-Kurven (BSI TR-02102-1).", algorithm=name, least=RSA_MIN_BITS)


def _summary(algo: str, length: str, curve: str) -> str:
    return f"RSA {length}" if _ALGORITHMS.get(algo) == "RSA" else curve or _ALGORITHMS.get(algo, algo)


def evaluate(key: dict, now: dt.datetime) -> KeyInfo:
    """Apply the policy to one entry of ``GPG.list_keys()``; ``KeyPolicyError`` names the first problem."""
    fingerprint = key["fingerprint"]
    if key.get("trust") == "r":
        raise KeyPolicyError(_("Der Schlüssel ist widerrufen."))
    expires = _timestamp(key.get("expires", ""))
    if key.get("trust") == "e" or (expires and expires <= now):
        raise KeyPolicyError(_("Der Schlüssel ist abgelaufen (seit %(day)s).", day=f"{expires:%d.%m.%Y}") if expires
                             else _("Der Schlüssel ist abgelaufen."))
    problem = _strength_problem(key["algo"], key["length"], key.get("curve", ""))
    if problem:
        raise KeyPolicyError(problem)
    encrypting = [key] if "e" in key.get("cap", "") else []
    for sub in key.get("subkey_info", {}).values():
        sub_expires = _timestamp(sub.get("expires", ""))
        if "e" not in sub.get("cap", "") or sub.get("trust") in ("e", "r") or (sub_expires and sub_expires <= now):
            continue
        problem = _strength_problem(sub["algo"], sub["length"], sub.get("curve", ""))
        if problem:
            raise KeyPolicyError(_("Verschlüsselungs-Unterschlüssel: %(problem)s", problem=problem))
        encrypting.append(sub)
    if not encrypting:
        raise KeyPolicyError(_("Der Schlüssel hat keinen gültigen Unterschlüssel zum Verschlüsseln."))
    ends = [_timestamp(k.get("expires", "")) for k in encrypting]
    usable_until = None if any(end is None for end in ends) else max(ends)
    if expires and (usable_until is None or expires < usable_until):
        usable_until = expires
    strongest = encrypting[-1]
    return KeyInfo(fingerprint, _summary(strongest["algo"], strongest["length"], strongest.get("curve", "")),
                   usable_until, tuple(key.get("uids", ())))


def inspect_armor(armor: str, now: dt.datetime) -> KeyInfo:
    """Check an ASCII-armoured public key against the policy in a throw-away keyring; nothing is kept."""
    text = (armor or "").strip()
    if "PRIVATE KEY BLOCK" in text:
        raise KeyPolicyError(_("Das ist ein privater Schlüssel. Bitte nur den öffentlichen Schlüssel einfügen; der "
                               "private gehört allein der Behörde."))
    if "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in text:
        raise KeyPolicyError(_("Kein ASCII-armierter öffentlicher Schlüssel "
                               "(-----BEGIN PGP PUBLIC KEY BLOCK-----)."))
    with tempfile.TemporaryDirectory(prefix="pk-", dir="/tmp") as home:
        gpg = gnupg.GPG(gnupghome=home)
        result = gpg.import_keys(text)
        keys = gpg.list_keys()
        stop_agent(home)
        if len(keys) != 1 or not result.fingerprints:
            raise KeyPolicyError(_("Die Eingabe muss genau einen gültigen öffentlichen Schlüssel enthalten "
                                   "(gefunden: %(count)s).", count=len(keys)))
        return evaluate(keys[0], now)


def stop_agent(home: str | Path) -> None:
    """gpg starts an agent per home on first use; one for a throw-away home should not outlive it."""
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False)


class Keyring:
    """The server's keyring: contact keys are imported from their pinned copies, and used by fingerprint only."""

    def __init__(self, home: str | Path, signing_key: str = "", passphrase: str = ""):
        if passphrase and any(ch in passphrase for ch in "\r\n\0"):
            # python-gnupg hands the passphrase to gpg on a line of its own (CVE-2019-6690).
            raise ValueError("Die Passphrase darf keinen Zeilenumbruch enthalten.")
        Path(home).mkdir(mode=0o700, parents=True, exist_ok=True)
        self.gpg = gnupg.GPG(gnupghome=str(home))
        self.signing_key = signing_key or None
        self.passphrase = passphrase or None

    def check(self, fingerprint: str, armor: str, now: dt.datetime) -> None:
        """``KeyUnusable`` unless the pinned key is usable for encryption at ``now`` (as gpg sees it now)."""
        imported = self.gpg.import_keys(armor)
        if fingerprint not in imported.fingerprints:
            raise KeyUnusable("Der gespeicherte Schlüssel passt nicht zum bestätigten Fingerabdruck.")
        [key] = [k for k in self.gpg.list_keys(keys=[fingerprint]) if k["fingerprint"] == fingerprint]
        try:
            evaluate(key, now)
        except KeyPolicyError as exc:
            raise KeyUnusable(str(exc)) from None

    def encrypt(self, data: bytes, fingerprint: str, armor: str, now: dt.datetime) -> str:
        """``data`` encrypted (and signed, if a signing key is configured) to ``fingerprint`` alone."""
        self.check(fingerprint, armor, now)
        try:
            result = self.gpg.encrypt(data, [fingerprint], always_trust=True, armor=True,
                                      sign=self.signing_key, passphrase=self.passphrase)
        except BrokenPipeError:
            # gpg may exit before reading its input when it refuses the recipient (stack-notes, section 5).
            raise KeyUnusable("gpg hat den Empfängerschlüssel abgelehnt.") from None
        if not result.ok:
            detail = f": {result.status_detail}" if getattr(result, "status_detail", "") else ""
            raise KeyUnusable(f"Verschlüsselung fehlgeschlagen ({result.status}{detail}).")
        return str(result)
