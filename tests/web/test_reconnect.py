"""A dropped database connection costs a web worker or a task worker no more than one failed request or task.

On PostgreSQL (CI's PostgreSQL pass) the server itself drops the connections, as a restart or an administrator
would: ``pg_terminate_backend`` from a connection of its own. On SQLite the equivalent: the worker thread's
connection is closed underneath peewee. The test client serves every request in this thread, as a gunicorn sync
worker serves them in its one thread, so the connection is the one kept between requests.
"""
from __future__ import annotations

import logging
import os
import re

import peewee
import pytest

from perspektive.clients.models import Client
from perspektive.db import connect_database, db, is_postgres, task_connection
from perspektive.followups.tasks import sweep_followups
from tests.conftest import demo_facts
from tests.web.test_api import Api


def drop_connections(app) -> int:
    """The server (PostgreSQL) or the driver (SQLite) ends the connections the app holds; returns how many."""
    if is_postgres():
        killer = connect_database(os.environ["PERSPEKTIVE_DATABASE_URL"])
        with killer.connection_context():
            rows = killer.execute_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
        return sum(1 for (ended,) in rows if ended)
    conn = db._state.conn
    if db.is_closed() or conn is None:
        return 0
    conn.close()
    return 1


@pytest.fixture
def api(http, counsellor):
    from perspektive.accounts.users import issue_api_token
    return Api(http, issue_api_token(counsellor))


@pytest.fixture
def client_id(api):
    created = api.post("/clients", {"facts": demo_facts()})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()["id"]


def test_reading_after_the_connection_dropped_succeeds_without_an_error(app, api, client_id, caplog):
    assert api.get(f"/clients/{client_id}").status_code == 200
    assert drop_connections(app) >= 1
    with caplog.at_level(logging.WARNING, logger="perspektive.db"):
        answers = [api.get(f"/clients/{client_id}") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].get_json()["facts"]["person"]["family_name"] == demo_facts()["person"]["family_name"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "perspektive.db"]
    assert any("connection lost" in message for message in warnings)
    # The warning names the kind of error, never a value of the query. Only its own records: an earlier test may
    # have left peewee logging its SQL at DEBUG, whose aliases ("t1") would match the id 1.
    assert not any(re.search(rf"\b{client_id}\b", message) for message in warnings)


def test_a_page_after_the_connection_dropped_is_served(app, logged_in, client_id):
    assert logged_in.get(f"/clients/{client_id}").status_code == 200
    drop_connections(app)
    page = logged_in.get(f"/clients/{client_id}")
    assert page.status_code == 200
    assert demo_facts()["person"]["family_name"] in page.get_data(as_text=True)


def test_a_write_after_the_connection_dropped_is_stored_once(app, api):
    assert api.get("/clients/1").status_code in (200, 404)  # the worker holds its connection
    drop_connections(app)
    created = api.post("/clients", {"facts": demo_facts()})
    assert created.status_code == 201, created.get_data(as_text=True)
    with db.connection_context():
        assert Client.select().count() == 1


def test_the_health_probe_after_the_connection_dropped_says_up(app, http):
    assert http.get("/healthz").status_code == 200
    assert drop_connections(app) >= 1
    probe = http.get("/healthz")
    assert probe.status_code == 200
    assert probe.get_json()["database"] == "ok"


def test_a_reading_request_fails_once_at_most_when_the_database_stays_down_then_recovers(app, api, client_id,
                                                                                           monkeypatch):
    """Retried once, not forever: a database that refuses a second time is a 500, and the next request, with
    the database back, is served."""
    assert api.get(f"/clients/{client_id}").status_code == 200
    drop_connections(app)
    real_connect = type(db.obj)._connect
    refusals = []

    def refuse(self, *args, **kwargs):
        refusals.append(1)
        raise peewee.OperationalError("could not connect to server")

    monkeypatch.setattr(type(db.obj), "_connect", refuse)
    assert api.get(f"/clients/{client_id}").status_code == 500
    assert len(refusals) == 1  # one new connection tried for the retry, no loop
    monkeypatch.setattr(type(db.obj), "_connect", real_connect)
    assert api.get(f"/clients/{client_id}").status_code == 200


def test_a_task_that_meets_a_dropped_connection_costs_only_itself(app, counsellor):
    """A consumer's worker thread: its connection dropped in the middle of a task; that task fails, the thread's
    next task gets a new connection and runs."""
    assert db.is_closed()
    with pytest.raises(peewee.PeeweeException), task_connection():
        assert Client.select().count() == 0
        assert drop_connections(app) >= 1
        Client.select().count()
    # peewee would otherwise hand the dead connection to this thread forever.
    result = sweep_followups.call_local()
    assert result["clients"] == 0
    assert db.is_closed()
