"""What every command-line group shares: a refusal with exit status 2, dates typed as JJJJ-MM-TT, and ids."""
from __future__ import annotations

import datetime as dt
import sys

import click

from perspektive.db import MAX_ID


def fail(message: str) -> None:
    click.echo(f"Fehler: {message}", err=True)
    sys.exit(2)


class IsoDate(click.ParamType):
    name = "JJJJ-MM-TT"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} ist kein Datum der Form JJJJ-MM-TT", param, ctx)


class RecordId(click.ParamType):
    """An id of a stored row: a whole number from 1 below ``MAX_ID``, so that no number reaches the database driver
    that it cannot hold (probe finding 9); anything else ends with exit status 2 naming the argument."""

    name = "ID"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and 0 < int(text) < MAX_ID:
            return int(text)
        shown = text if len(text) <= 30 else text[:30] + "…"
        self.fail(f"{shown!r} ist keine gültige Id (ganze Zahl von 1 bis {MAX_ID - 1})", param, ctx)
