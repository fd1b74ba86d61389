"""``flask --app app stats report --quarter 2026Q3 [--team T] --format docx|xlsx|csv|json -o FILE``: the quarterly
report with small counts suppressed, as the page's download makes it. A wrong quarter, team, counsellor or format
is a clear message and exit status 2."""
from __future__ import annotations

import re
from pathlib import Path

import click
from flask.cli import AppGroup

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.commandline import fail
from perspektive.db import db
from perspektive.law import today_in_germany

from .exports import FORMATS, export
from .figures import compute
from .periods import PeriodError, parse_period
from .report import build

stats_cli = AppGroup("stats", help="Statistik der Beratung und der Quartalsbericht.")
TEAMS = ("all", "alle")  # there is no team concept yet: the one team is every counsellor


@stats_cli.command("report", help="Quartalsbericht schreiben (kleine Zahlen ausgeblendet).")
@click.option("--quarter", required=True, help="das Quartal, z. B. 2026Q3")
@click.option("--team", default="all", show_default=True,
              help="das Team; es gibt noch keine Teams: 'all' (alle Beratenden)")
@click.option("--counsellor", default=None, help="nur die Beratungen dieser Beraterin / dieses Beraters (Anmeldename)")
@click.option("--format", "kind", required=True, help="docx, xlsx, csv (eine .zip je Tabelle) oder json")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="die Datei, in die der Bericht geschrieben wird")
def report_command(quarter, team, counsellor, kind, output):
    if kind not in FORMATS:
        fail(f"unbekanntes Format {kind!r}; möglich: {', '.join(FORMATS)}")
    if not re.fullmatch(r"\d{4}[qQ][1-4]", quarter.strip()):
        fail(f"kein Quartal: {quarter!r}; bitte z. B. 2026Q3 angeben")
    if team not in TEAMS:
        fail(f"unbekanntes Team {team!r}: Teams gibt es noch nicht, nur 'all' (alle Beratenden)")
    if not output.parent.is_dir():
        fail(f"den Ordner {str(output.parent)!r} gibt es nicht")
    try:
        period = parse_period(quarter, today_in_germany())
    except PeriodError as exc:
        fail(str(exc))
    with db.connection_context():
        who, scope = None, "alle Beratenden"
        if counsellor is not None:
            user = User.get_or_none((User.username == counsellor) & (User.role == "counsellor"))
            if user is None:
                fail(f"keine Beraterin / kein Berater mit dem Anmeldenamen {counsellor!r}")
            who, scope = user.id, f"Beratungen von {user.display_name}"
        data = export(build(compute(period, who), scope), kind)
        audit.record("cli", "statistics.report", "statistics", period.code, kind)
    output.write_bytes(data)
    click.echo(f"Quartalsbericht {period.code} ({kind}) geschrieben: {output}")


COMMANDS = (stats_cli,)
