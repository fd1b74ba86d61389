"""Letters on the command line: ``letter`` and ``checklist`` for a facts file."""
from __future__ import annotations

from pathlib import Path

import click

from perspektive.accounts.models import User
from perspektive.clients import read_facts_file
from perspektive.commandline import IsoDate, fail
from perspektive.db import db
from perspektive.law import today_in_germany

from .letters import LetterError, render_letter
from .upload_store import sync


def _letter(file, workflow, output, on, counsellor, letter):
    facts = read_facts_file(file)
    with db.connection_context():
        sync()  # the provisions uploaded through any server, as a request would see them
        user = User.get_or_none(User.username == counsellor) if counsellor else None
        if counsellor and user is None:
            fail(f"unbekannter Benutzer {counsellor!r}")
        try:
            data = render_letter(workflow, facts, on or today_in_germany(), letter, user)
        except LetterError as exc:
            fail(str(exc))
    Path(output).write_bytes(data)
    click.echo(f"{output} geschrieben ({len(data)} Bytes)")


def _letter_options(fn):
    fn = click.option("--counsellor", help="Absender: Benutzername der Beraterin / des Beraters")(fn)
    fn = click.option("--on", "on", type=IsoDate(), default=None, help="Datum des Schreibens (Standard: heute)")(fn)
    fn = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Ziel (.docx)")(fn)
    fn = click.option("--workflow", required=True, help="z. B. section_25b")(fn)
    return click.argument("file", type=click.Path(dir_okay=False))(fn)


@click.command("letter", help="Antragsschreiben (.docx) für FILE.json erzeugen.")
@_letter_options
def letter_command(file, workflow, output, on, counsellor):
    _letter(file, workflow, output, on, counsellor, "antrag")


@click.command("checklist", help="Unterlagen-Checkliste (.docx) für FILE.json erzeugen.")
@_letter_options
def checklist_command(file, workflow, output, on, counsellor):
    _letter(file, workflow, output, on, counsellor, "checkliste")


COMMANDS = (letter_command, checklist_command)
