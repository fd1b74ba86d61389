"""The data subject's rights on the command line: ``clients export``, ``clients erase``, ``clients handover`` (in
the ``clients`` group) and the ``retention`` group. Exit status 2 for a refusal, as every command here."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients import clients_cli
from perspektive.clients.models import Client
from perspektive.commandline import IsoDate, RecordId, fail
from perspektive.db import db
from perspektive.law import de, quantity, today_in_germany

from . import retention
from .erasure import ErasureRefused
from .export import export_filename, write_export
from .handover import HandoverError, hand_over
from .tasks import erase_client, run_retention

retention_cli = AppGroup("retention", help="Löschfristen: wer fällig ist, und fällige Personen löschen.")


def _client(client_id: int) -> Client:
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        fail(f"keine Mandantin und kein Mandant mit der Id {client_id}")
    return client


@clients_cli.command("export", help="Auskunft nach Art. 15 DSGVO: alles über eine Person als ZIP; mit --all eine "
                                    "ZIP-Datei je Person in einem Ordner.")
@click.argument("client_id", type=RecordId(), required=False)
@click.option("--all", "everyone", is_flag=True, help="alle Personen, je eine Datei in den Ordner -o")
@click.option("-o", "--output", required=True, type=click.Path(), help="FILE.zip, mit --all ein Ordner")
def clients_export(client_id, everyone, output):
    if everyone == (client_id is not None):
        fail("entweder eine Id oder --all angeben")
    with db.connection_context():
        if everyone:
            folder = Path(output)
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            clients = list(Client.select().order_by(Client.id))
        else:
            clients = [_client(client_id)]
        for client in clients:
            target = folder / export_filename(client) if everyone else Path(output)
            try:
                write_export(client, target)
            except OSError as exc:
                fail(f"{target}: nicht schreibbar ({exc.__class__.__name__})")
            audit.record("cli", "client.export", "client", client.id, "Art. 15")
            click.echo(target)


@clients_cli.command("erase", help="Eine Person löschen (Art. 17 DSGVO); --confirm mit ihrem Aktenzeichen.")
@click.argument("client_id", type=RecordId())
@click.option("--confirm", "reference", required=True, help="das Aktenzeichen der Person, zur Bestätigung")
def clients_erase(client_id, reference):
    with db.connection_context():
        client = _client(client_id)
        try:
            done = erase_client(client, reference, "cli")
        except ErasureRefused:
            fail(f"das Aktenzeichen passt nicht zur Id {client_id}; nichts gelöscht")
    click.echo(f"Gelöscht: Id {done.client_id}, in der Statistik als {done.pseudonym}.")
    if done.recipients:
        click.echo("Bitte über die Löschung informieren (Art. 19 DSGVO):")
        for r in done.recipients:
            click.echo(f"  {r.name}, {r.organisation} <{r.email}> – Weiterleitung vom {de(r.sent_at.date())}, "
                       f"Schlüssel {r.fingerprint}")
    else:
        click.echo("Es wurde nichts an Behörden weitergeleitet; niemand ist zu informieren.")


@clients_cli.command("handover", help="Alle Personen von FROM an TO übergeben (Benutzernamen).")
@click.argument("departing")
@click.argument("successor")
def clients_handover(departing, successor):
    with db.connection_context():
        users = {u.username: u for u in User.select().where(User.username.in_([departing, successor]))}
        for name in (departing, successor):
            if name not in users:
                fail(f"kein Konto {name!r}")
        try:
            moved = hand_over(users[departing], users[successor], "cli")
        except HandoverError as exc:
            fail(str(exc))
    click.echo(f"{quantity(moved, 'Person', 'Personen')} von {departing} an {successor} übergeben.")


@retention_cli.command("list", help="Wer nach der Löschfrist fällig ist (es wird nichts gelöscht).")
@click.option("--on", "on", type=IsoDate(), default=None, help="Stichtag (Standard: heute)")
def retention_list(on):
    on = on or today_in_germany()
    with db.connection_context():
        items = retention.due(on)
        for item in items:
            click.echo(f"{item.client.id}\t{item.client.reference}\tletzter Kontakt {de(item.last_contact)}"
                       f"\t{item.client.counsellor.username}")
    click.echo(f"{len(items)} fällig (Löschfrist {retention.retention_days()} Tage nach dem letzten Kontakt).")


@retention_cli.command("run", help="Alle nach der Löschfrist fälligen Personen löschen.")
@click.option("--on", "on", type=IsoDate(), default=None, help="Stichtag (Standard: heute)")
def retention_run(on):
    on = on or today_in_germany()
    with db.connection_context():
        done = run_retention(on, "cli")
    for item in done:
        click.echo(f"Gelöscht: Id {item.client_id} ({item.pseudonym})")
        for r in item.recipients:
            click.echo(f"  informieren (Art. 19): {r.name}, {r.organisation} <{r.email}>")
    click.echo(f"{len(done)} gelöscht.")


COMMANDS = (retention_cli,)
