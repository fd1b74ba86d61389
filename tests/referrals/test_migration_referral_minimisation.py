"""Migration 12 on a database from before it: the columns arrive, a release of the summary recorded back then
covers every category (the summary it released then held them all), and nothing else changes."""
from __future__ import annotations

import datetime as dt

from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.migrations import SchemaMigration, migrate
from perspektive.referrals.models import Consent
from tests.conftest import demo_facts


def test_upgrade_names_the_categories_of_earlier_releases(dbconn, counsellor, contact):
    client = create_client(parse_facts(demo_facts("amina")), counsellor)
    with_summary = Consent.create(client=client, recipient=contact, given_on=dt.date(2026, 1, 5),
                                  scope="letter,summary")
    without = Consent.create(client=client, recipient=contact, given_on=dt.date(2026, 1, 6), scope="letter")
    for table, column in (("consent", "categories"), ("referral", "categories"), ("referral", "file_number")):
        db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')  # noqa: S608 - fixed names, a test
    SchemaMigration.delete().where(SchemaMigration.version == 12).execute()

    assert migrate() == [12]
    assert {"categories", "file_number"} <= {c.name for c in db.get_columns("referral")}
    assert Consent.get_by_id(with_summary.id).categories == \
        "person,stay,identity,language,work,family,convictions,training,spouse,livelihood_months,procedure,course_and_helper"
    assert Consent.get_by_id(without.id).categories == ""
    assert migrate() == []
