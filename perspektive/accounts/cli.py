"""Accounts on the command line: ``users create`` and ``users token``."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from perspektive.commandline import fail
from perspektive.db import db

from .models import ROLES, User
from .users import UserError, create_user, issue_api_token

users_cli = AppGroup("users", help="Konten verwalten.")


def counsellor_named(username: str | None) -> User:
    """The active counsellor ``username``; without a name the only one there is; else exit 2 saying why."""
    query = User.select().where((User.role == "counsellor") & User.active)
    if username:
        user = query.where(User.username == username).first()
        if user is None:
            fail(f"keine aktive Beraterin / kein aktiver Berater {username!r}")
        return user
    users = list(query.limit(2))
    if len(users) != 1:
        fail("bitte --counsellor BENUTZERNAME angeben")
    return users[0]


@users_cli.command("create", help="Konto anlegen; das Passwort wird abgefragt oder von stdin gelesen.")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
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
            fail(str(exc))
    click.echo(user.id)


@users_cli.command("token", help="Neues API-Token (Bearer) ausgeben; ein früheres wird ungültig.")
@click.argument("username")
def users_token(username):
    with db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            fail(f"unbekannter Benutzer {username!r}")
        click.echo(issue_api_token(user))
        click.echo(f"gültig bis {user.api_token_expires_at:%d.%m.%Y %H:%M} UTC", err=True)


COMMANDS = (users_cli,)
