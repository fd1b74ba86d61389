"""The command line: every capability's groups and commands on ``flask --app app``; here the law's (the law has
no faces of its own: ``facts schema``, ``workflows check``, ``assess``) and ``migrate`` and ``demo``, which reach
across all capabilities. Each command parses, calls one capability, prints."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import peewee
from flask import current_app
from flask.cli import AppGroup

from perspektive import (
    accounts,
    backup,
    clients,
    documents,
    followups,
    privacy,
    referrals,
    relocation,
    statistics,
)
from perspektive.accounts.models import User
from perspektive.clients import read_facts_file
from perspektive.commandline import IsoDate, fail
from perspektive.db import db
from perspektive.demo import load_demo
from perspektive.demo_seed import seed
from perspektive.law import (
    UnknownWorkflow,
    assessment_document,
    current_engine,
    json_schema,
    today_in_germany,
)
from perspektive.migrations import migrate

facts_cli = AppGroup("facts", help="Das Fakten-Modell (case facts).")
workflows_cli = AppGroup("workflows", help="Workflow-Dateien prüfen.")


@facts_cli.command("schema", help="JSON Schema der Fallfakten ausgeben.")
def facts_schema():
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@workflows_cli.command("check", help="Alle Workflow-Dateien laden und prüfen; Exit-Status 1 bei Fehlern.")
def workflows_check():
    _uploads_in_step()
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
    facts = read_facts_file(file)
    on = on or today_in_germany()
    _uploads_in_step()
    try:
        engine = current_engine()
        results = engine.assess(facts, on, workflow)
    except UnknownWorkflow:
        fail(f"unbekannter Workflow {workflow!r} (bekannt: {', '.join(current_engine().workflows)})")
    document = assessment_document(results, on, engine.notes(facts, results))
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))



def _uploads_in_step() -> None:
    """The provisions uploaded through any server, as a request would see them (docs/workflows.md); without the
    database, the files this server has, with a warning."""
    try:
        with db.connection_context():
            documents.sync_uploads()
    except peewee.OperationalError:
        click.echo("Warnung: Datenbank nicht erreichbar; geprüft werden nur die Dateien dieses Servers.", err=True)


@click.command("migrate", help="Datenbank anlegen bzw. auf den neuesten Stand bringen.")
def migrate_command():
    with db.connection_context():
        applied = migrate()
    click.echo(f"Migrationen angewendet: {applied}" if applied else "Datenbank ist aktuell.")


@click.group("demo", invoke_without_command=True,
             help="Demo-Konten und Demo-Mandantinnen und Mandanten anlegen (nur einmal); `demo seed`: viele "
                  "erfundene Mandantinnen und Mandanten.")
@click.pass_context
def demo_command(context):
    if context.invoked_subcommand is not None:
        return
    with db.connection_context():
        created = load_demo(current_app.config)
    click.echo("Demo-Daten angelegt." if created else "Demo-Daten sind schon vorhanden.")


@demo_command.command("seed", help="Erfundene Mandantinnen und Mandanten mit Fällen und Beratungen anlegen (nur Demo).")
@click.option("--clients", "clients_count", type=click.IntRange(0, 100_000), default=100, show_default=True)
@click.option("--consultations", type=click.IntRange(0, 1_000_000), default=300, show_default=True)
@click.option("--counsellor", "usernames", multiple=True, help="Beraterin/Berater (mehrfach möglich; Standard: alle)")
@click.option("--random-seed", type=int, default=None, help="für wiederholbare Daten")
def demo_seed_command(clients_count, consultations, usernames, random_seed):
    import random

    with db.connection_context():
        query = User.select().where((User.role == "counsellor") & User.active)
        if usernames:
            query = query.where(User.username.in_(list(usernames)))
        counsellors = list(query.order_by(User.id))
        if not counsellors:
            fail("keine aktive Beraterin / kein aktiver Berater: zuerst `flask --app app demo` ausführen")
        with click.progressbar(length=clients_count + consultations, label="Demo-Daten") as bar:
            made = seed(clients_count, consultations, counsellors, bar.update, random.Random(random_seed))
    click.echo(f"{made['clients']} Mandantinnen und Mandanten, {made['cases']} Fälle, "
               f"{made['consultations']} Beratungen angelegt.")


def init_app(app) -> None:
    for capability in (clients, documents, accounts, referrals, followups, privacy, statistics, backup, relocation):
        for command in capability.COMMANDS:
            app.cli.add_command(command)
    from .keys_cli import keys_cli

    for command in (facts_cli, workflows_cli, assess_command, migrate_command, demo_command, keys_cli):
        app.cli.add_command(command)
