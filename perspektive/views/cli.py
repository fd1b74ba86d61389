"""The command-line face: ``flask --app app <group> <command>``. Each command parses, calls one capability, prints."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import audit
from ..engine import UnknownWorkflow, current_engine
from ..facts import FactsError, json_schema, parse_facts
from ..models import User, db, migrate
from ..records import create_client, export_facts
from ..periods import today_in_germany
from ..rules import assessment_document
from ..users import UserError, create_user, issue_api_token

facts_cli = AppGroup("facts", help="Das Fakten-Modell (case facts).")
clients_cli = AppGroup("clients", help="Mandantinnen und Mandanten importieren und exportieren.")
workflows_cli = AppGroup("workflows", help="Workflow-Dateien prüfen.")
users_cli = AppGroup("users", help="Konten verwalten.")


def init_app(app) -> None:
    from .cli_followups import followups_cli
    from .cli_referrals import contacts_cli, referrals_cli

    for group in (facts_cli, clients_cli, workflows_cli, users_cli, contacts_cli, referrals_cli, followups_cli):
        app.cli.add_command(group)
    for command in (migrate_command, assess_command, letter_command, checklist_command, demo_command):
        app.cli.add_command(command)


def _fail(message: str) -> None:
    click.echo(f"Fehler: {message}", err=True)
    sys.exit(2)


def _read_facts(path: str):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{path}: nicht lesbar ({exc.__class__.__name__})")
    except json.JSONDecodeError as exc:
        _fail(f"{path}: kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}: {exc.msg})")
    try:
        return parse_facts(data)
    except FactsError as exc:
        for error in exc.errors:
            click.echo(f"{path}: {error['field'] or '(Wurzel)'}: {error['reason']}", err=True)
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


@click.command("migrate", help="Datenbank anlegen bzw. auf den neuesten Stand bringen.")
def migrate_command():
    with db.connection_context():
        applied = migrate()
    click.echo(f"Migrationen angewendet: {applied}" if applied else "Datenbank ist aktuell.")


@facts_cli.command("schema", help="JSON Schema der Fallfakten ausgeben.")
def facts_schema():
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _counsellor(username: str | None) -> User:
    query = User.select().where((User.role == "counsellor") & User.active)
    if username:
        user = query.where(User.username == username).first()
        if user is None:
            _fail(f"keine aktive Beraterin / kein aktiver Berater {username!r}")
        return user
    users = list(query.limit(2))
    if len(users) != 1:
        _fail("bitte --counsellor BENUTZERNAME angeben")
    return users[0]


@clients_cli.command("import", help="Fakten aus FILE.json speichern; gibt die Id aus.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--counsellor", help="zuständige Beraterin / zuständiger Berater (Benutzername)")
def clients_import(file, counsellor):
    facts = _read_facts(file)
    with db.connection_context():
        client = create_client(facts, _counsellor(counsellor), actor="cli")
    click.echo(client.id)


@clients_cli.command("export", help="Die Fakten einer Mandantin / eines Mandanten als JSON ausgeben.")
@click.argument("client_id", type=int)
def clients_export(client_id):
    from ..models import Client

    with db.connection_context():
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            _fail(f"keine Mandantin / kein Mandant mit der Id {client_id}")
        audit.record("cli", "client.export", "client", client.id)
        click.echo(json.dumps(export_facts(client), ensure_ascii=False, indent=2))


@workflows_cli.command("check", help="Alle Workflow-Dateien laden und prüfen; Exit-Status 1 bei Fehlern.")
def workflows_check():
    catalogue = current_engine().catalogue
    for workflow in catalogue.workflows.values():
        click.echo(f"ok      {workflow.id:<16} {workflow.provision} (Fassungen: {', '.join(workflow.rules_versions())})")
    for source, error in catalogue.errors.items():
        click.echo(f"FEHLER  {Path(source).name}: {error}")
    if catalogue.errors:
        sys.exit(1)


@click.command("assess", help="Alle (oder einen) Workflow für FILE.json prüfen und das Ergebnis als JSON ausgeben.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--on", "on", type=IsoDate(), default=None, help="Antragstag (Standard: heute)")
@click.option("--workflow", help="nur diesen Workflow prüfen, z. B. section_25b")
def assess_command(file, on, workflow):
    facts = _read_facts(file)
    on = on or today_in_germany()
    try:
        engine = current_engine()
        results = engine.assess(facts, on, workflow)
    except UnknownWorkflow:
        _fail(f"unbekannter Workflow {workflow!r} (bekannt: {', '.join(current_engine().workflows)})")
    document = assessment_document(results, on, engine.notes(facts, results))
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _letter(file, workflow, output, on, counsellor, letter):
    from ..letters import LetterError, render_letter

    facts = _read_facts(file)
    with db.connection_context():
        user = User.get_or_none(User.username == counsellor) if counsellor else None
        if counsellor and user is None:
            _fail(f"unbekannter Benutzer {counsellor!r}")
        try:
            data = render_letter(workflow, facts, on or today_in_germany(), letter, user)
        except LetterError as exc:
            _fail(str(exc))
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


@users_cli.command("create", help="Konto anlegen; das Passwort wird abgefragt oder von stdin gelesen.")
@click.argument("username")
@click.option("--role", type=click.Choice(["counsellor", "administrator", "authority_contact"]), required=True)
@click.option("--name", "display_name", required=True)
@click.option("--email", default="")
@click.option("--password-stdin", is_flag=True, help="Passwort aus der ersten Zeile von stdin lesen")
def users_create(username, role, display_name, email, password_stdin):
    password = sys.stdin.readline().rstrip("\n") if password_stdin else \
        click.prompt("Passwort", hide_input=True, confirmation_prompt=True)
    with db.connection_context():
        try:
            user = create_user(username, role=role, password=password, display_name=display_name, email=email)
        except UserError as exc:
            _fail(str(exc))
    click.echo(user.id)


@users_cli.command("token", help="Neues API-Token (Bearer) ausgeben; ein früheres wird ungültig.")
@click.argument("username")
def users_token(username):
    with db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            _fail(f"unbekannter Benutzer {username!r}")
        click.echo(issue_api_token(user))


@click.command("demo", help="Demo-Konten und zwei Demo-Mandantinnen/-Mandanten anlegen (nur einmal).")
def demo_command():
    from ..demo import load_demo

    with db.connection_context():
        created = load_demo(current_app.config)
    click.echo("Demo-Daten angelegt." if created else "Demo-Daten sind schon vorhanden.")
