"""Probe finding 11, storage failures. With the database full (SQLite: the file may not grow by one page; PostgreSQL:
every write fails with SQLSTATE 53100, disk_full) a save answers 503 with a German page saying the storage is full
and nothing was saved, the log says so without personal data, and pages that only read keep working. A data
directory that cannot be written stops the start-up with a message naming it and what to do."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import peewee as pw
import pytest

from perspektive.clients.models import Client, FactsRevision
from perspektive.clients.records import export_facts
from perspektive.db import db, is_postgres
from perspektive.web.storage import storage_failure
from tests.clients.test_fact_forms import add_client, fill, page, stored
from tests.conftest import ROOT, demo_facts

NAME = "Zeynep-Schreibtest"


def make_disk_full(client_id: int) -> None:
    """From now on no write finds room. SQLite: the file may not grow by a page, and the space left inside the
    pages of the facts history is filled with rows of a client's history (the disk filled up while it was
    edited); PostgreSQL: every table refuses writes the way a full disk does."""
    db.connect(reuse_if_open=True)
    if is_postgres():
        db.execute_sql("CREATE OR REPLACE FUNCTION perspektive_test_disk_full() RETURNS trigger AS $$ BEGIN "
                       "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = "
                       "'disk_full'; END $$ LANGUAGE plpgsql")
        for table in db.get_tables():
            db.execute_sql(f'CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
                           "FOR EACH STATEMENT EXECUTE FUNCTION perspektive_test_disk_full()")
        return
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute_sql("VACUUM")
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.obj.pragma("max_page_count", pages, permanent=True)
    for size in (4000, 1000, 250, 60, 1):
        while True:
            try:
                FactsRevision.insert(client=client_id, facts_json="x" * size).execute()
            except pw.OperationalError:
                break


@pytest.fixture
def full(app, logged_in, counsellor):
    client = add_client(counsellor, person={**demo_facts("dawit")["person"], "given_name": NAME})
    forms = {group: page(logged_in.get(f"/clients/{client.id}/facts/{group}")) for group in ("person", "identity")}
    make_disk_full(client.id)
    yield client, forms
    if not is_postgres():
        db.obj._pragmas = [p for p in db.obj._pragmas if p[0] != "max_page_count"]


def test_a_save_on_a_full_disk_is_503_saying_so_and_saves_nothing(logged_in, full, caplog):
    client, forms = full
    before = stored(client)
    response = fill(logged_in, forms["person"], {"person.address": "Lange Straße " + "9" * 280,
                                                 "person.abh_file_number": "X" * 200})
    assert response.status_code == 503
    html = page(response)
    assert "Speicher voll – nichts wurde gespeichert" in html
    assert "Ihre Eingabe wurde nicht gespeichert" in html and "Administration" in html
    assert response.headers["Retry-After"] == "300"
    assert stored(client) == before
    lines = [r.getMessage() for r in caplog.records if r.name == "perspektive.storage"]
    assert len(lines) == 1 and lines[0].startswith("storage full: a write was refused in POST facts.edit_group")
    assert all(NAME not in r.getMessage() and "Lange Straße" not in r.getMessage() for r in caplog.records)


def test_reading_pages_keep_working_on_a_full_disk(logged_in, full):
    client, _forms = full
    for path in ("/clients", f"/clients/{client.id}", f"/clients/{client.id}/facts/person",
                 f"/clients/{client.id}/facts"):
        response = logged_in.get(path)
        assert response.status_code == 200, path
    assert NAME in page(logged_in.get(f"/clients/{client.id}"))


def test_the_api_answers_503_as_json_on_a_full_disk(http, counsellor, app):
    from perspektive.accounts.users import issue_api_token

    headers = {"Authorization": f"Bearer {issue_api_token(counsellor)}"}
    made = http.post("/api/v1/clients", json={"facts": {"person": {"given_name": NAME}}}, headers=headers)
    etag = http.get(f"/api/v1/clients/{made.get_json()['id']}", headers=headers).headers["ETag"]
    make_disk_full(made.get_json()["id"])
    try:
        response = http.put(f"/api/v1/clients/{made.get_json()['id']}/facts", headers={**headers, "If-Match": etag},
                            json={"facts": {"person": {"given_name": NAME, "address": "Weg " + "1" * 290}}})
        assert response.status_code == 503
        assert response.get_json()["error"] == "Speicher voll – nichts wurde gespeichert"
        # (GET /clients/<id> records the export in the audit trail, a write: on a full disk it is 503 as well.)
        with db.connection_context():
            kept = Client.get_by_id(made.get_json()["id"])
            assert export_facts(kept)["person"] == {"given_name": NAME} and kept.revision == 0
    finally:
        if not is_postgres():
            db.obj._pragmas = [p for p in db.obj._pragmas if p[0] != "max_page_count"]


def test_a_file_write_on_a_full_device_is_recognised():
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    with pytest.raises(OSError) as caught, open("/dev/full", "wb", buffering=0) as device:
        device.write(b"x")
    assert caught.value.errno == errno.ENOSPC and storage_failure(caught.value) == "full"
    assert storage_failure(ValueError("database or disk is full?")) == "full"
    assert storage_failure(RuntimeError("something else")) is None


def test_a_read_only_data_directory_stops_the_start_up_saying_which_and_what_to_do():
    """Start-up as a service account would run it, in a process of its own that cannot override file permissions
    (as root, the capability to do so is dropped with setpriv)."""
    data_dir = Path(tempfile.mkdtemp(prefix="perspektive-ro-"))
    data_dir.chmod(0o555)
    try:
        drop = (["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"] if os.geteuid() == 0 else [])
        env = {**os.environ, "PERSPEKTIVE_DATA_DIR": str(data_dir), "PERSPEKTIVE_DATABASE_URL": "",
               "PERSPEKTIVE_CONFIG": str(ROOT / "tests" / "config.toml")}
        result = subprocess.run([*drop, sys.executable, "-c", "from perspektive import create_app; create_app()"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    finally:
        data_dir.chmod(0o700)
        data_dir.rmdir()
    assert result.returncode != 0
    assert f"Datenverzeichnis {data_dir} ist nicht beschreibbar (Permission denied)" in result.stderr
    assert "PERSPEKTIVE_DATA_DIR" in result.stderr and "Schreibrechte" in result.stderr
    assert "Traceback" not in result.stderr
    # once as a log line (for the service's journal) and once as the exit message
    assert result.stderr.count("ist nicht beschreibbar") == 2
