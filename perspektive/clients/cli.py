"""Clients on the command line: ``clients import FILE.json``, and the reading of a facts file that every command
taking one shares. The data subject's rights (``clients export``, ``erase``, ``handover``) join this group from
``perspektive.privacy``, which reads every capability."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from perspektive.accounts import counsellor_named
from perspektive.commandline import fail
from perspektive.db import db
from perspektive.law import FactsError, parse_facts
from perspektive.typed import MAX_JSON_DEPTH, JsonTooDeep, load_json

from .records import create_client

clients_cli = AppGroup("clients", help="Mandantinnen und Mandanten importieren, exportieren, löschen und übergeben.")


def read_facts_file(path: str):
    """The facts in a JSON file, or exit 2 naming the file and every field that is wrong."""
    try:
        data = load_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: nicht lesbar ({exc.__class__.__name__})")
    except json.JSONDecodeError as exc:
        fail(f"{path}: kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}: {exc.msg})")
    except JsonTooDeep as exc:
        fail(f"{path}: {exc} (höchstens {MAX_JSON_DEPTH} Ebenen)")
    except ValueError:  # e.g. a number of thousands of digits
        fail(f"{path}: kein gültiges JSON (eine Zahl oder ein Wert ist nicht lesbar)")
    try:
        return parse_facts(data)
    except FactsError as exc:
        for error in exc.errors:
            click.echo(f"{path}: {error['field'] or '(Wurzel)'}: {error['reason']}", err=True)
        sys.exit(2)


@clients_cli.command("import", help="Fakten aus FILE.json speichern; gibt die Id aus.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--counsellor", help="zuständige Beraterin / zuständiger Berater (Benutzername)")
def clients_import(file, counsellor):
    facts = read_facts_file(file)
    with db.connection_context():
        client = create_client(facts, counsellor_named(counsellor), actor="cli")
    click.echo(client.id)


COMMANDS = (clients_cli,)
