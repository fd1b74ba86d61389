"""The byte search: clients with distinctive names, birth dates, addresses and convictions are created through the
pages, a letter is made and kept, a checklist note written, a referral sent through the outbox with real gpg and
SMTP through the real Huey queue; then no file the server wrote (the SQLite database, its WAL, the Huey store, logs,
the temp directory), no queued task, no log record and no mail holds any of it in the clear. On PostgreSQL every stored value is read instead of the file.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import tempfile
import time
from pathlib import Path

from perspektive import referrals
from perspektive.clients.models import Case, Client
from perspektive.db import db, is_postgres
from perspektive.referrals.consents import record_consent
from perspektive.referrals.models import Referral
from perspektive.tasks import huey
from tests.conftest import csrf_token, demo_facts

GIVEN, FAMILY = "Xaverine", "Quastenbrück-Nyambura"
BORN, CONVICTED = dt.date(1987, 3, 14), dt.date(2016, 8, 29)
STREET = "Zwiebelturmgasse 77"
FILE_NUMBER = "ZZ-9931-77"
CHECKLIST_NOTE = "Pass liegt bei Tante Roswitha Ullrichsen"
REFERRAL_NOTE = "Vertraulich: Frau Xaverine wartet auf den Bescheid"


def needles() -> dict[str, bytes]:
    texts = {"given name": GIVEN, "family name": FAMILY, "family name part": "Nyambura",
             "family name folded": "Quastenbruck", "birth date": BORN.isoformat(),
             "birth date (German)": BORN.strftime("%d.%m.%Y"), "conviction": CONVICTED.isoformat(),
             "conviction (German)": CONVICTED.strftime("%d.%m.%Y"), "street": STREET, "file number": FILE_NUMBER,
             "checklist note": CHECKLIST_NOTE, "referral note": REFERRAL_NOTE}
    found = {}
    for what, text in texts.items():
        found[what] = text.encode("utf-8")
        found[what + " (utf-16)"] = text.encode("utf-16-le")
    return found


def facts() -> dict:
    data = demo_facts("amina")
    data["person"].update(given_name=GIVEN, family_name=FAMILY, date_of_birth=BORN.isoformat(), address=STREET,
                          abh_file_number=FILE_NUMBER)
    data["convictions"] = [{"date": CONVICTED.isoformat(), "intentional": True, "fine_daily_rates": 40}]
    return data


def files_written_since(roots, since: float):
    """Every file under ``roots`` changed since ``since``; os.walk, unlike Path.rglob, steps over a folder that
    another process removes while it is walked (the system's temporary folder is searched too)."""
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                try:
                    if path.is_file() and not path.is_symlink() and path.stat().st_mtime >= since - 1:
                        yield path
                except OSError:  # another process's file that came and went
                    continue


def leaks_in(data: bytes) -> list[str]:
    return [what for what, needle in needles().items() if needle in data]


def test_no_name_birth_date_conviction_or_note_in_clear_anywhere(app, logged_in, counsellor, contact, smtp,
                                                                 caplog, tmp_path, dbconn):
    """The connection stays open to the end, so that SQLite's WAL is still there to be searched."""
    started = time.time()
    for name in ("perspektive", "peewee", "huey", "gnupg", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test: later tests keep their levels
    caplog.set_level(logging.DEBUG)

    page = logged_in.get("/clients").get_data(as_text=True)
    made = logged_in.post("/clients", data={"csrf_token": csrf_token(page),
                                            "facts_json": json.dumps(facts(), ensure_ascii=False)})
    assert made.status_code == 302, made.get_data(as_text=True)
    client_id = int(re.search(r"/clients/(\d+)", made.headers["Location"])[1])
    client_page = logged_in.get(f"/clients/{client_id}").get_data(as_text=True)
    assert FAMILY in client_page and BORN.strftime("%d.%m.%Y") in client_page  # the page shows them, opened

    opened = logged_in.post(f"/clients/{client_id}/cases",
                            data={"csrf_token": csrf_token(client_page), "workflow": "section_25b"})
    assert opened.status_code == 302
    case_id = Case.get(Case.client == client_id).id
    case_url = f"/clients/{client_id}/cases/{case_id}"
    case_page = logged_in.get(case_url).get_data(as_text=True)
    noted = logged_in.post(f"{case_url}/checklist/note", data={
        "csrf_token": csrf_token(case_page), "item": re.search(r'name="item" value="([^"]+)"', case_page)[1], "note": CHECKLIST_NOTE})
    assert noted.status_code == 302
    assert CHECKLIST_NOTE in logged_in.get(case_url).get_data(as_text=True)

    letter = logged_in.post(f"/clients/{client_id}/letters/section_25b/antrag",
                            data={"csrf_token": csrf_token(client_page)})
    assert letter.status_code == 200 and letter.data.startswith(b"PK")

    client = Client.get_by_id(client_id)
    today = dt.date.today()
    record_consent(client, contact, today - dt.timedelta(days=1), ("letter", "summary"), counsellor, today)
    found = {}
    huey.immediate = False  # the real queue (SqliteHuey or Redis), as in production: what waits there is searched
    huey.flush()
    try:
        queued = referrals.queue_referral(client=client, contact=contact, counsellor=counsellor,
                                          documents=("letter", "summary"), note=REFERRAL_NOTE,
                                          workflow="section_25b", on=today)
        waiting = huey.storage.enqueued_items()
        assert waiting
        if leaked := leaks_in(b"".join(waiting)):
            found["huey queue"] = leaked
        while (task := huey.dequeue()) is not None:  # the consumer's work, in this process
            huey.execute(task)
    finally:
        huey.flush()
        huey.immediate = True
    referral = Referral.get_by_id(queued.id)
    assert referral.status == "sent", referral.last_error
    assert len(smtp.messages) == 1

    for table in db.get_tables():
        rows = db.execute_sql(f'SELECT * FROM "{table}"').fetchall()
        if leaked := leaks_in(repr(rows).encode("utf-8") + "".join(map(str, rows)).encode("utf-8")):
            found[f"table {table}"] = leaked
    roots = [tmp_path, app.config["DATA_DIR"], tempfile.gettempdir()]
    if hasattr(huey.storage, "filename"):  # SqliteHuey: its database file and WAL
        roots.append(Path(huey.storage.filename).parent)
    if not is_postgres():
        database_file = Path(app.config["DATABASE_URL"][len("sqlite:///"):])
        assert database_file.exists() and Path(f"{database_file}-wal").exists()
    searched = {}
    for path in files_written_since(roots, started):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        searched[path] = data
        if leaked := leaks_in(data):
            found[str(path)] = leaked
    if not is_postgres():  # the search does see what is in the clear there: the reference, a clear column
        assert client.reference.encode() in searched[database_file] + searched[Path(f"{database_file}-wal")]
    assert any(p.parent.name == "documents" for p in searched)  # the kept letter was searched too
    for message in smtp.messages:
        if leaked := leaks_in(message.data):
            found["mail"] = leaked
    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    if leaked := leaks_in(logged.encode("utf-8")):
        found["log"] = leaked
    assert found == {}
