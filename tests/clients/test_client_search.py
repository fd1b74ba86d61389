"""The client list as a counsellor uses it: her own clients with date of birth, nationality, the next open
deadline and the open cases, and a search (sent by POST, so that no name ends up in a URL) by reference, name
without caring for accents, date of birth as 21.11.1990, and nationality. Today is Saturday 21.11.2026."""
from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from perspektive.clients import records
from perspektive.clients import search as client_search
from perspektive.clients.models import Case, Client
from perspektive.db import db
from perspektive.followups.models import FollowUpRecord
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import csrf_token, demo_facts

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


def add_client(owner, name: str = "yasmin", **person) -> Client:
    facts = demo_facts(name)
    facts["person"].update(person)
    return records.create_client(parse_facts(facts), owner)


def page(response) -> str:
    return response.get_data(as_text=True)


def listed(html: str) -> dict[str, list[str]]:
    """The list's rows: reference → the text of each cell."""
    doc = lxml.html.fromstring(html)
    rows = [[" ".join(td.text_content().split()) for td in row.xpath("./td")]
            for row in doc.xpath('//table[contains(@class, "clients")]/tbody/tr')]
    return {cells[0]: cells for cells in rows}


def search(http, term: str):
    token = csrf_token(page(http.get("/clients")))
    return http.post("/clients/search", data={"csrf_token": token, "q": term})


@pytest.fixture
def people(counsellor, make_user):
    """Three clients of the counsellor and one of a colleague."""
    return {
        "mueller": add_client(counsellor, "amina", family_name="Müller", given_name="Lena", nationality="SY",
                              date_of_birth="1990-11-21"),
        "sahin": add_client(counsellor, "karim", family_name="Şahin", given_name="Ayşe", nationality="TR"),
        "tesfaye": add_client(counsellor, "dawit"),
        "colleague": add_client(make_user("kollege"), "amina", family_name="Müllerová", nationality="SY"),
    }


def test_the_list_shows_what_a_counsellor_needs_at_a_glance(logged_in, counsellor, people):
    yasmin = add_client(counsellor, "yasmin")
    Case.create(client=yasmin, counsellor=counsellor, workflow="section_25a", rules_version="2022-12-31",
                verdict="eligible", opened_on=TODAY.date())
    Case.create(client=yasmin, counsellor=counsellor, workflow="section_60c", rules_version="2022-12-31",
                verdict="eligible", opened_on=TODAY.date())
    Case.create(client=yasmin, counsellor=counsellor, workflow="section_16g", rules_version="2022-12-31",
                verdict="eligible", opened_on=TODAY.date(), status="refused")  # closed: not counted
    soonest = min(r.due for r in FollowUpRecord.select().where(FollowUpRecord.client == yasmin))
    rows = listed(page(logged_in.get("/clients")))
    assert set(rows) == {c.reference for c in (yasmin, people["mueller"], people["sahin"], people["tesfaye"])}
    reference, name, born, country, next_due, open_cases = rows[yasmin.reference]
    assert name == "Ben Salah, Yasmin" and born == "14.02.2004" and country == "Tunesien (TN)"
    assert next_due == soonest.strftime("%d.%m.%Y") and open_cases == "2"
    assert rows[people["mueller"].reference][1:4] == ["Müller, Lena", "21.11.1990", "Syrien (SY)"]
    assert rows[people["sahin"].reference][5] == "0"


@pytest.mark.parametrize("term, found", [
    ("muller", {"mueller"}), ("MÜLLER", {"mueller"}), ("mueller", {"mueller"}), ("lena müller", {"mueller"}),
    ("sahin", {"sahin"}), ("ayse", {"sahin"}), ("21.11.1990", {"mueller"}), ("1990-11-21", {"mueller"}),
    ("sy", {"mueller"}), ("syrien", {"mueller"}), ("Türkei", {"sahin"}), ("tesfaye", {"tesfaye"}),
    ("müller 01.01.1990", set()), ("nobody", set()),
])
def test_search_finds_own_clients_the_way_they_are_typed(logged_in, people, term, found):
    response = search(logged_in, term)
    html = page(response)
    assert response.status_code == 200
    assert set(listed(html)) == {people[key].reference for key in found}
    assert f'value="{term}"' in html  # the term stays in the field
    assert f"{len(found)} Treffer" in html
    if not found:
        assert "Keine Mandantin und kein Mandant passt zur Suche." in html


def test_search_by_reference(logged_in, people):
    reference = people["tesfaye"].reference
    assert set(listed(page(search(logged_in, reference.lower())))) == {reference}
    assert set(listed(page(search(logged_in, reference[2:8])))) == {reference}


def test_search_never_puts_the_term_into_a_url(logged_in, people):
    html = page(logged_in.get("/clients"))
    form = lxml.html.fromstring(html).xpath('//form[@role="search"]')[0]
    assert form.method.lower() == "post" and form.action == "/clients/search"
    assert logged_in.get("/clients/search?q=muller").status_code == 405
    assert search(logged_in, "").status_code == 200 and len(listed(page(search(logged_in, "  ")))) == 3


def test_search_without_csrf_token_is_refused(logged_in, people):
    assert logged_in.post("/clients/search", data={"q": "muller"}).status_code == 400


def test_only_counsellors_search(http, make_user, people):
    from tests.conftest import login

    make_user("behoerde", role="authority_contact")
    login(http, "behoerde")
    token = csrf_token(page(http.get("/portal/")))
    assert http.post("/clients/search", data={"csrf_token": token, "q": "muller"}).status_code == 403


def test_the_list_needs_the_same_few_queries_for_many_clients_cases_and_deadlines(logged_in, counsellor,
                                                                                  monkeypatch):
    add_client(counsellor, "dawit")
    database, statements = db.obj, []
    execute = database.execute_sql
    monkeypatch.setattr(database, "execute_sql", lambda sql, *a, **k: statements.append(sql) or execute(sql, *a, **k))

    def count(request) -> int:
        statements.clear()
        assert request().status_code == 200
        return len(statements)

    one = count(lambda: logged_in.get("/clients"))
    one_searched = count(lambda: search(logged_in, "tesfaye"))
    for _ in range(15):
        client = add_client(counsellor, "yasmin")
        for workflow in ("section_25a", "section_60c"):
            Case.create(client=client, counsellor=counsellor, workflow=workflow, rules_version="2022-12-31",
                        verdict="eligible", opened_on=TODAY.date())
    assert client_search.overview(counsellor)[0].open_cases == 2
    many = count(lambda: logged_in.get("/clients"))
    many_searched = count(lambda: search(logged_in, "tesfaye"))
    assert many == one <= 4
    assert many_searched == one_searched
