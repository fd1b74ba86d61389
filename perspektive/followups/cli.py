"""The command line for follow-ups: ``flask --app app followups list`` and ``… followups sweep``.

An operator's view across all clients, so it shows the client's id and reference and never a name; the text and
citation come from the rule, not from the facts.
"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from perspektive import audit
from perspektive.clients.models import Client
from perspektive.commandline import IsoDate, RecordId, fail
from perspektive.db import db
from perspektive.law import de, quantity

from .models import FollowUpRecord
from .records import STATE_NAMES

followups_cli = AppGroup("followups", help="Fristen (Follow-ups) und ihre Erinnerungen.")


def _entry(record: FollowUpRecord) -> dict:
    return {"id": record.id, "client_id": record.client_id, "client_reference": record.client.reference,
            "due": record.due.isoformat(), "workflow": record.workflow, "kind": record.kind, "state": record.state,
            "next_reminder_on": record.next_reminder_on.isoformat() if record.next_reminder_on else None,
            "text": record.text, "citation": record.citation}


@followups_cli.command("list", help="Fristen aller Mandantinnen und Mandanten auflisten (Id und Aktenzeichen, keine "
                                    "Namen), früheste zuerst.")
@click.option("--client", "client_id", type=RecordId(), default=None, help="nur diese Mandantin oder dieser Mandant (Id)")
@click.option("--due-before", type=IsoDate(), default=None, help="nur Fristen vor diesem Tag (JJJJ-MM-TT, ohne ihn)")
@click.option("--state", type=click.Choice([*STATE_NAMES, "all"]), default="open", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def followups_list(client_id, due_before, state, fmt):
    with db.connection_context():
        query = (FollowUpRecord.select(FollowUpRecord, Client).join(Client)
                 .order_by(FollowUpRecord.due, FollowUpRecord.id))
        if client_id is not None:
            if Client.get_or_none(Client.id == client_id) is None:
                fail(f"keine Mandantin und kein Mandant mit der Id {client_id}")
            query = query.where(FollowUpRecord.client == client_id)
        if due_before is not None:
            query = query.where(FollowUpRecord.due < due_before)
        if state != "all":
            query = query.where(FollowUpRecord.state == state)
        records = list(query)
        audit.record("cli", "followup.list", "client" if client_id is not None else "followup",
                     client_id if client_id is not None else "", f"{len(records)} Fristen")
    if fmt == "json":
        click.echo(json.dumps([_entry(r) for r in records], ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo("Keine Fristen.")
    for r in records:
        click.echo(f"{r.id}  fällig {de(r.due)}  {STATE_NAMES[r.state]:<9}  Person {r.client_id} "
                   f"({r.client.reference})  {r.workflow or 'alle Wege'}/{r.kind}")
        click.echo(f"    {r.text} ({r.citation})")
        click.echo(f"    nächste Erinnerung: {de(r.next_reminder_on)}")


@followups_cli.command("sweep", help="Alle Fristen neu berechnen und fällige, nicht gesendete Erinnerungen in die "
                                     "Warteschlange stellen (läuft sonst täglich und beim Start des Consumers).")
def followups_sweep():
    from .tasks import sweep

    with db.connection_context():
        counts = sweep()
    clients = quantity(counts["clients"], "Mandantin oder Mandant", "Mandantinnen und Mandanten")
    click.echo(f"Fristen neu berechnet für {clients}, {quantity(counts['scheduled'], 'Erinnerung', 'Erinnerungen')} "
               f"geplant, {counts['queued']} fällige in die Warteschlange gestellt.")


COMMANDS = (followups_cli,)
