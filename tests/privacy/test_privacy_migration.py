"""Migration 7: a database from before it gets the tombstone table and keeps its clients."""
from __future__ import annotations

from perspektive.clients.models import Client
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.migrations import SchemaMigration, migrate
from perspektive.privacy.models import ErasedClient
from tests.conftest import demo_facts


def test_upgrade_adds_the_tombstones_and_keeps_clients(dbconn, counsellor):
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    db.drop_tables([ErasedClient])
    SchemaMigration.delete().where(SchemaMigration.version == 7).execute()
    assert "erased_client" not in db.get_tables()
    assert migrate() == [7]
    assert "erased_client" in db.get_tables() and ErasedClient.select().count() == 0
    assert Client.get_by_id(client.id).reference == client.reference
