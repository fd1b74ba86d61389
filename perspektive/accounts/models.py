"""Staff accounts and the record of failed sign-ins."""
from __future__ import annotations

import peewee as pw

from perspektive.db import BaseModel, utcnow

ROLES = ("counsellor", "administrator", "authority_contact")

class User(BaseModel):
    username = pw.CharField(max_length=80, unique=True)
    display_name = pw.CharField(max_length=200)
    email = pw.CharField(max_length=200, default="")
    phone = pw.CharField(max_length=80, default="")
    role = pw.CharField(max_length=40, choices=[(r, r) for r in ROLES])
    password_hash = pw.CharField(max_length=300)
    active = pw.BooleanField(default=True)
    # Rotated at logout and password change: a replayed cookie names an old token and is refused.
    session_token = pw.CharField(max_length=64)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    api_token_hash = pw.CharField(max_length=64, null=True, unique=True)
    # A bearer token ends at this time (API_TOKEN_DAYS after it was issued), or earlier with the password, a
    # deactivation or a reset of the second factor; a token without it is not accepted.
    api_token_expires_at = pw.DateTimeField(null=True)
    # Second factor (RFC 6238): the shared secret once confirmed by a first code, and the last time step
    # accepted, so that a code seen over a shoulder can not be used again.
    totp_secret = pw.CharField(max_length=64, null=True)
    totp_confirmed_at = pw.DateTimeField(null=True)
    totp_last_step = pw.BigIntegerField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

class LoginAttempt(BaseModel):
    """Failed logins per submitted name, also for names that do not exist (same answer for both)."""

    username = pw.CharField(max_length=80, index=True)
    at = pw.DateTimeField(default=utcnow, index=True)


