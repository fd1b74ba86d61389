"""Sign-in throttling without lock-outs.

Failed attempts are counted per submitted name (wrong passwords and wrong codes apart, so that a right password
does not reset the count of wrong codes) and per client address across all names (one password sprayed over many
accounts). A number of failures is free; after that each further attempt has to wait, after the last counted
failure, ``LOGIN_DELAY_SECONDS``, doubling with every failure up to ``LOGIN_DELAY_MAX_SECONDS``. An attempt made
too early is refused whatever it holds and is not counted: nobody can prolong another's wait, so the right
password and code get in once it has passed. An attempt is counted when it is let through, in the same write
transaction as the check (``admit``), and withdrawn if it succeeds, so that attempts sent all at once do not all
pass on the same count. A name's failures are forgotten when the account signs in, all of them after ``WINDOW``.

``LoginAttempt`` rows hold keyed digests, never a name or an address: people type their password into the name
field, and who mistyped which name from where is nobody's business.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import current_app
from peewee import fn

from perspektive.db import utcnow, write_transaction

from .models import LoginAttempt

WINDOW = dt.timedelta(days=1)
KINDS = ("password", "code")


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"login-{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()


def counters(kind: str, username: str, address: str | None) -> list[tuple[str, int]]:
    """(key, free failures) for an attempt of ``kind`` at ``username`` from ``address``: the name's first."""
    config = current_app.config
    return [(_key(kind, username), config["LOGIN_MAX_FAILURES"]),
            (_key("address", address or ""), config["LOGIN_ADDRESS_MAX_FAILURES"])]


def wait_seconds(counted: list[tuple[str, int]]) -> float:
    """How long the next attempt under these counters has to wait (0: it may be made now)."""
    config, now, longest = current_app.config, utcnow(), 0.0
    for key, free in counted:
        failures, last = (LoginAttempt.select(fn.COUNT(LoginAttempt.id), fn.MAX(LoginAttempt.at))
                          .where((LoginAttempt.username == key) & (LoginAttempt.at >= now - WINDOW))
                          .tuples().get())
        if failures < free:
            continue
        delay = min(config["LOGIN_DELAY_SECONDS"] * 2 ** min(failures - free, 30), config["LOGIN_DELAY_MAX_SECONDS"])
        longest = max(longest, (_moment(last) + dt.timedelta(seconds=delay) - now).total_seconds())
    return longest


def _moment(value) -> dt.datetime:
    """``MAX(at)`` as SQLite hands it back (text) or PostgreSQL (a datetime)."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def admit(counted: list[tuple[str, int]]) -> list[int] | None:
    """Let an attempt through (None: it has to wait) and count it as a failure at once, in the same write
    transaction: attempts sent all at once are admitted one after the other, not all on the same old count.
    Returns the rows to ``withdraw`` if the attempt succeeds."""
    with write_transaction(serialise="login-admission"):
        if wait_seconds(counted) > 0:
            return None
        return [LoginAttempt.create(username=key).id for key, _ in counted]


def withdraw(rows: list[int]) -> None:
    """The admitted attempt succeeded: it was no failure."""
    LoginAttempt.delete().where(LoginAttempt.id.in_(rows)).execute()


def forget(username: str) -> None:
    """The account signed in: its failed passwords and codes no longer count (its address's do, for a day)."""
    LoginAttempt.delete().where(LoginAttempt.username.in_([_key(kind, username) for kind in KINDS])).execute()
