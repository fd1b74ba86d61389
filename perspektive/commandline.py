"""What every command-line group shares: a refusal with exit status 2, and dates typed as JJJJ-MM-TT."""
from __future__ import annotations

import datetime as dt
import sys

import click


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
