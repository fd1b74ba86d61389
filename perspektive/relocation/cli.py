"""``migrate-to postgresql://…``: parse, call, print; a refusal or a failed check exits with 2."""
from __future__ import annotations

import contextlib
import sys
from urllib.parse import urlparse, urlunparse

import click
from flask import current_app

from perspektive.commandline import fail
from perspektive.db import db

from .copying import RelocationError, relocate

QUEUE_NOTE = ("Die Aufgaben-Warteschlange (huey.db im Datenverzeichnis, oder Redis) ist keine Tabelle und wurde "
              "nicht kopiert; ihre Aufgaben tragen nur Ids, die in PostgreSQL dieselben sind. Bleibt die "
              "Warteschlange dieselbe, laufen sie gegen die neue Datenbank weiter. Wechselt sie (etwa zu Redis), "
              "gehen nur die Weckrufe verloren, nicht die Arbeit: beim Start des Workers und jeden Morgen stellt "
              "die Fristen-Runde alle fälligen Erinnerungen neu ein, und jede Minute stellt die Postausgangs-Runde "
              "offene Übermittlungen neu ein.")


def shown_url(url: str) -> str:
    """The URL without its password, for the screen and any log of it."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return urlunparse(parsed._replace(netloc=netloc))


def _rows(count: int) -> str:
    return f"{count:,d}".replace(",", ".") + (" Zeile" if count == 1 else " Zeilen")


@contextlib.contextmanager
def _bar(label: str, total: int):
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.command("migrate-to", help="Die eingebettete SQLite-Datenbank in eine leere PostgreSQL-Datenbank umziehen "
                                  "(ZIEL: postgresql://…), mit Prüfung von Zeilenzahlen und Prüfsummen. Vorher "
                                  "Web-Server und Worker anhalten.")
@click.argument("target_url", metavar="ZIEL")
def migrate_to_command(target_url):
    db.close()  # the move opens its own connections to both databases
    try:
        moved = relocate(current_app.config["DATABASE_URL"], target_url, _bar)
    except RelocationError as exc:
        fail(str(exc))
    width = max(len(table) for table in moved.tallies)
    for table, tally in moved.tallies.items():
        click.echo(f"  {table:<{width}}  {_rows(tally.rows):>15}  {tally.checksum[:16]}")
    click.echo(f"Umzug abgeschlossen: {len(moved.tallies)} Tabellen, {_rows(moved.rows)}. "
               "Zeilenzahlen und Prüfsummen stimmen überein.")
    click.echo(QUEUE_NOTE)
    click.echo(f"Nächster Schritt: PERSPEKTIVE_DATABASE_URL={shown_url(target_url)} in der Konfiguration setzen "
               "(z. B. /etc/perspektive/perspektive.env) und Web-Server und Worker neu starten. Die SQLite-Datei "
               "bleibt unverändert liegen; der Datenschlüssel bleibt, wo er ist, beide Installationen nutzen ihn.")


COMMANDS = (migrate_to_command,)
