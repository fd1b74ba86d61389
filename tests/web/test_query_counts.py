"""No page needs more than a few database queries, and none needs more as the data grows: every page is requested
once with one of everything and once with ten times as much, and both must cost the same small number of queries.
(The client page with a long history has its own test in test_web.py.)"""
from __future__ import annotations

import datetime as dt

import pytest

from perspektive import audit
from perspektive.audit import AuditEvent
from perspektive.clients import cases
from perspektive.clients.models import Client
from perspektive.db import db
from perspektive.documents.models import ChecklistTick
from perspektive.followups.models import FollowUpRecord
from perspektive.referrals.models import AuthorityContact
from tests.conftest import login
from tests.web.test_web import _history, add_client

MOST = 12  # queries per page, whatever it shows


@pytest.fixture
def statements(monkeypatch):
    """The SQL statements the app sends, as a list that each request first empties."""
    database, sent = db.obj, []
    execute = database.execute_sql
    monkeypatch.setattr(database, "execute_sql", lambda sql, *a, **k: sent.append(sql) or execute(sql, *a, **k))
    return sent


def grow(counsellor, administrator, size: int) -> dict:
    """``size`` clients, each with ``size`` of everything; returns the ids the pages need."""
    contacts = [AuthorityContact.create(name=f"Sachbearbeitung {i}", email=f"abh{i}@abh.example",
                                        workflows="section_25b") for i in range(size)]
    client = None
    for i in range(size):
        client = add_client(counsellor, given_name=f"Person{i}")
        _history(client, counsellor, contacts, size)
        case = cases.open_case(client, "section_25b", counsellor)
        ChecklistTick.insert_many([{"case": case.id, "item": f"item{j}", "done": True, "expires_on": dt.date(2027, 1, 1)}
                                   for j in range(size)]).execute()
    for i in range(5 * size):
        audit.record(administrator, "test.event", "client", i)
    followup = FollowUpRecord.select().where(FollowUpRecord.client == client).first()
    return {"client": client.id, "case": case.id, "followup": followup.id, "contact": contacts[0].id,
            "user": counsellor.id}


COUNSELLOR_PAGES = ["/clients", "/clients/{client}", "/clients/{client}/fakten", "/clients/{client}/fakten/work",
                    "/clients/{client}/wege", "/clients/{client}/wege/section_25b", "/clients/{client}/fristen",
                    "/clients/{client}/beratungen", "/clients/{client}/uebermittlung", "/clients/{client}/cases/{case}",
                    "/clients/{client}/facts/person", "/clients/{client}/facts/stay", "/clients/{client}/facts/work",
                    "/clients/{client}/facts/family", "/clients/{client}/facts/convictions",
                    "/clients/{client}/facts", "/clients/new",
                    "/followups", "/followups/{followup}", "/calendar"]
ADMIN_PAGES = ["/admin/", "/admin/users/", "/admin/users/{user}", "/admin/contacts/", "/admin/contacts/{contact}",
               "/admin/workflows/", "/admin/templates/", "/admin/audit/"]


def counts(http, pages: list[str], ids: dict, statements: list) -> dict[str, int]:
    result = {}
    for path in pages:
        url = path.format(**ids)
        statements.clear()
        response = http.get(url)
        assert response.status_code == 200, url
        result[path] = len(statements)
    return result


@pytest.mark.parametrize("role, pages", [("counsellor", COUNSELLOR_PAGES), ("administrator", ADMIN_PAGES)])
def test_every_page_costs_the_same_few_queries_however_much_data(app, http, counsellor, administrator, make_user,
                                                                 statements, role, pages):
    small = grow(counsellor, administrator, 1)
    login(http, counsellor.username if role == "counsellor" else administrator.username)
    before = counts(http, pages, small, statements)
    grown = grow(counsellor, administrator, 10)
    after = counts(http, pages, grown, statements)
    assert Client.select().count() == 11 and AuditEvent.select().count() > 50
    too_many = {page: n for page, n in after.items() if n > MOST}
    assert not too_many, f"more than {MOST} queries: {too_many}"
    grew = {page: (before[page], after[page]) for page in pages if after[page] > before[page]}
    assert not grew, f"queries grow with the data (before, after): {grew}"
