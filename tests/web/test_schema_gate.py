"""An upgrade whose ``perspektive migrate`` has not run yet: the pages say what the administration has to do (503),
in the page's language, instead of failing one by one on a missing table; once migrated, everything answers."""
from __future__ import annotations

from perspektive.db import db
from perspektive.migrations import MIGRATIONS, SchemaMigration, migrate, pending


def _forget_newest_migration() -> int:
    newest = MIGRATIONS[-1][0]
    with db.connection_context():
        SchemaMigration.delete().where(SchemaMigration.version == newest).execute()
    return newest


def test_pages_and_api_say_the_database_needs_migrating_until_it_is(app):
    newest = _forget_newest_migration()
    http = app.test_client()
    page = http.get("/login")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    assert "Die Datenbank ist nicht auf dem Stand dieser Version" in text and "perspektive migrate" in text
    assert "database" not in text.lower().replace("datenbank", "")  # German only
    api = http.get("/api/v1/clients")
    assert api.status_code == 503 and "perspektive migrate" in api.get_json()["detail"]
    with db.connection_context():
        assert pending() == [newest]
        assert migrate() == [newest]
    assert http.get("/login").status_code == 200


def test_the_notice_is_english_on_request(app):
    _forget_newest_migration()
    english = app.test_client().get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The database is not up to date with this version" in english and "perspektive migrate" in english
    assert "Datenbank" not in english


def test_a_database_never_set_up_lists_every_migration_as_pending(app):
    with db.connection_context():
        db.drop_tables([SchemaMigration])
        assert pending() == [version for version, _ in MIGRATIONS]
    assert app.test_client().get("/login").status_code == 503


def test_the_notice_keeps_its_style_sheet(app):
    _forget_newest_migration()
    http = app.test_client()
    page = http.get("/login").get_data(as_text=True)
    sheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert http.get(sheet).status_code == 200
