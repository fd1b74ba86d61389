"""``keys rotate``: a new data key, everything sealed moved onto it in batches, the old key retired.

The run can be stopped at any point (Ctrl-C, a crash) and started again: a key file holding more than one key
means a rotation is under way, and the next run carries on under the newest key instead of making another one;
values and documents still to do are found by their key id. The old key leaves the key file only once nothing is
sealed under it any more (the canary last). With ``PERSPEKTIVE_DATA_KEY`` the command cannot write the keys: the
new key is added at the end of the variable by hand, and the command says when the old one may go.
"""
from __future__ import annotations

import click
from flask import current_app

from perspektive import resealing, sealing
from perspektive.commandline import fail
from perspektive.db import db, write_transaction

keys_cli = click.Group("keys", help="Datenschlüssel der Verschlüsselung im Ruhezustand (docs/encryption.md).")


def _start(ring: sealing.Keyring) -> sealing.Keyring:
    """The keyring to rotate onto: a new key appended to the key file, or the one of an unfinished run."""
    if len(ring.keys) > 1:
        click.echo(f"Rotation wird fortgesetzt: neuer Schlüssel {ring.newest_id}, alte {', '.join(ring.ids[:-1])}.")
        return ring
    if ring.path is None:
        fail("Die Schlüssel stehen in PERSPEKTIVE_DATA_KEY: einen neuen Schlüssel (32 Bytes, base64) mit Komma "
             "ans Ende setzen und den Befehl erneut aufrufen.")
    sealing.write_key_file(ring.path, ring.keys + [sealing.new_key()])
    ring = sealing.read_keyring(current_app.config)
    sealing.install(ring, current_app)
    click.echo(f"Neuer Schlüssel {ring.newest_id} in {ring.path} (alter Schlüssel {ring.ids[0]}).")
    return ring


@keys_cli.command("rotate", help="Neuen Datenschlüssel anlegen, alles Verschlüsselte in Stapeln umschlüsseln, "
                                 "den alten Schlüssel danach entfernen. Unterbrechbar; erneut aufrufen setzt fort.")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Werte bzw. Dokumente je Transaktion.")
def rotate_command(batch):
    ring = _start(sealing.current())
    with db.connection_context():
        total = resealing.pending_count(ring)
        with click.progressbar(length=total, label="Umschlüsseln", show_pos=True) as bar:
            resealing.reseal_all(ring, batch, bar.update)
        with write_transaction():
            sealing.write_canary(ring)
        used = resealing.keys_in_use(ring)
    retired = [kid for kid in ring.ids if kid not in used]
    still = [kid for kid in ring.ids[:-1] if kid in used]
    if ring.path is not None and retired:
        sealing.write_key_file(ring.path, [key for key in ring.keys if sealing.key_id(key) in used])
        sealing.install(sealing.read_keyring(current_app.config), current_app)
    if still:  # a worker that still had only the old key wrote meanwhile
        fail(f"Noch unter {', '.join(still)} verschlüsselt (während des Laufs geschrieben?): Web-Server und "
             "Consumer mit dem neuen Schlüssel neu starten und den Befehl erneut aufrufen.")
    if not retired:
        click.echo("Alle Werte liegen schon unter dem neuesten Schlüssel.")
    elif ring.path is None:
        click.echo(f"Fertig. Nicht mehr benutzt: {', '.join(retired)} – jetzt aus PERSPEKTIVE_DATA_KEY entfernen.")
    else:
        click.echo(f"Fertig: alles unter {ring.newest_id}; entfernt: {', '.join(retired)}.")
