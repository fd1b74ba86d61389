"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 seconds): the second factor of every login.

The numbers are those every authenticator app uses by default, so any of them works. A code is accepted for the
time step before and after the current one (clocks drift), and each step only once per user: ``verify`` returns
the step it matched, which the caller stores and passes back as ``after``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno

STEP_SECONDS = 30
DIGITS = 6
ISSUER = "Perspektive"


def new_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends and authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def step_at(moment: float | None = None) -> int:
    return int((time.time() if moment is None else moment) // STEP_SECONDS)


def code_for_step(secret: str, step: int) -> str:
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** DIGITS).zfill(DIGITS)


def verify(secret: str, code: str, *, after: int | None = None, moment: float | None = None) -> int | None:
    """The time step ``code`` belongs to (current ±1), or None; a step not later than ``after`` is refused."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(moment)
    for step in (now, now - 1, now + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{account}")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": ISSUER})


def qr_data_uri(uri: str) -> str:
    """The address as an SVG QR code in a ``data:`` URI for an ``<img>`` (no script, no external service: the
    secret never leaves the page, and the template needs no ``|safe``)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
