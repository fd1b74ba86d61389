"""The client page as the place where a counsellor changes facts and cases and sees how the follow-ups followed:
moved dates with the old date and the reason, dropped ones with the reason, closed cases taking their path's
deadlines with them. Today is fixed to Saturday 21.11.2026."""
from __future__ import annotations

import datetime as dt
import html as markup
import json
import re

import pytest

from perspektive.clients import records
from perspektive.clients.models import Case, Client, FactsRevision
from perspektive.db import db
from perspektive.followups import records as followup_records
from perspektive.followups.models import FollowUpRecord
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import csrf_token, demo_facts

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)
WINDOW = "application_window_opens"
MOVED_NOTE = "verschoben von 01.01.2027: Datum geändert von 01.01.2027 auf 01.02.2027: Fakten geändert am 21.11.2026"


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


def add_client(owner, name: str = "yasmin") -> Client:
    return records.create_client(parse_facts(demo_facts(name)), owner)


def page(response) -> str:
    return response.get_data(as_text=True)


def client_page(http, client) -> str:
    response = http.get(f"/clients/{client.id}")
    assert response.status_code == 200
    return page(response)


def deadlines_page(http, client) -> str:
    """The client's deadlines tab: every follow-up, open and closed."""
    response = http.get(f"/clients/{client.id}/fristen")
    assert response.status_code == 200
    return page(response)


def row_of(client, workflow: str, kind: str) -> FollowUpRecord:
    return FollowUpRecord.get((FollowUpRecord.client == client) & (FollowUpRecord.workflow == workflow)
                              & (FollowUpRecord.kind == kind))


def deadlines(html: str) -> tuple[dict[int, str], dict[int, str]]:
    """The open and the done/dropped follow-ups on the page, each as {row id: the row's HTML}."""
    section = html.split('id="fristen"')[1].split("</section>")[0]
    open_part, _, closed_part = section.partition("Erledigt / entfallen")

    def rows(part):
        found = {}
        for chunk in part.split('<tr id="frist-')[1:]:
            row_id, _, rest = chunk.partition('"')
            found[int(row_id)] = rest.split("</tr>")[0]
        return found

    return rows(open_part), rows(closed_part)


def cases_section(html: str) -> str:
    return html.split('id="faelle"')[1].split("</section>")[0]


def save_facts(http, client, facts: dict):
    form = http.get(f"/clients/{client.id}/facts")
    assert form.status_code == 200
    html = page(form)
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)  # the revision the editor was read at
    return http.post(f"/clients/{client.id}/facts", data={
        "csrf_token": csrf_token(html), "revision": revision, "facts_json": json.dumps(facts, ensure_ascii=False)})


def textarea(html: str) -> str:
    """What the facts field holds, as the browser shows it."""
    return markup.unescape(html.split('name="facts_json"')[1].split(">", 1)[1].split("</textarea>")[0])


def yasmin_with(**training) -> dict:
    facts = demo_facts("yasmin")
    facts["training"].update(training)
    return facts


# --- what the page lists ----------------------------------------------------------------------------------------

def test_imported_client_page_lists_her_followups_with_german_dates(logged_in):
    token = csrf_token(page(logged_in.get("/clients")))
    imported = logged_in.post("/clients", data={"csrf_token": token, "facts_json": json.dumps(demo_facts("yasmin"))})
    client = Client.get()
    assert imported.headers["Location"] == f"/clients/{client.id}"
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert closed_rows == {}
    by_kind = {(r.workflow, r.kind): r.id for r in followup_records.of_client(client)}
    assert set(open_rows) == set(by_kind.values()) and len(open_rows) == 6  # five of the paths, her passport
    for workflow, provision in (("section_60c", "§ 60c AufenthG"), ("section_16g", "§ 16g AufenthG")):
        row = open_rows[by_kind[(workflow, WINDOW)]]
        assert "<td>01.01.2027" in row and provision in row
        assert "Ausbildungsbeginn (laut Vertrag) 01.08.2027 minus 7 Monate" in row
        assert "<td>18.12.2026</td>" in row  # reminder 14 days before: Friday 18.12.2026
        assert f'href="/followups/{by_kind[(workflow, WINDOW)]}"' in row
        assert "verschoben" not in row
    assert logged_in.get(f"/followups/{by_kind[('section_60c', WINDOW)]}").status_code == 200  # the link leads on
    birthday = open_rows[by_kind[("section_25a", "last_day_before_27")]]
    assert "<td>13.02.2031" in birthday and "Tag vor dem 27. Geburtstag" in birthday
    assert "§ 25a Abs. 1 S. 1 Nr. 3 AufenthG" in birthday
    dues = {r.id: r.due for r in followup_records.of_client(client)}
    assert [dues[row_id] for row_id in open_rows] == sorted(dues.values())  # soonest first


def test_page_needs_no_more_queries_for_more_followups(logged_in, counsellor, monkeypatch):
    """One query for the follow-ups, whatever their number (no lookup per row)."""
    none = records.create_client(parse_facts({"person": {"family_name": "Neu"}}), counsellor)
    five = add_client(counsellor)
    assert not followup_records.of_client(none).exists() and followup_records.of_client(five).count() == 6
    database, statements = db.obj, []
    execute = database.execute_sql
    monkeypatch.setattr(database, "execute_sql", lambda sql, *a, **k: statements.append(sql) or execute(sql, *a, **k))

    def count(client) -> int:
        statements.clear()
        client_page(logged_in, client)
        deadlines_page(logged_in, client)
        return len(statements)

    with_five, with_none = count(five), count(none)
    assert with_five == with_none and with_none > 0


# --- facts change -----------------------------------------------------------------------------------------------

def test_facts_form_shows_the_current_facts_as_pretty_json(logged_in, counsellor):
    client = add_client(counsellor)
    assert f'href="/clients/{client.id}/facts"' in page(logged_in.get(f"/clients/{client.id}/fakten"))
    html = page(logged_in.get(f"/clients/{client.id}/facts"))
    assert "Fakten ändern" in html and client.reference in html
    assert "style=" not in html and "<script" not in html  # the CSP allows neither
    shown = textarea(html)
    assert '"family_name": "Ben Salah"' in shown and '"address": "Bürgerwiese 7, 01069 Dresden"' in shown
    assert '\n    "start_date": "2027-08-01",' in shown  # indented, umlauts as they are
    assert json.loads(shown) == records.export_facts(client)


def test_moving_the_training_start_moves_both_application_windows_and_says_why(logged_in, counsellor):
    client = add_client(counsellor)
    response = save_facts(logged_in, client, yasmin_with(start_date="2027-09-01"))
    assert response.status_code == 302 and response.headers["Location"] == f"/clients/{client.id}/fristen"
    html = client_page(logged_in, client)
    assert "Fakten gespeichert, Fristen neu berechnet." in html
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert closed_rows == {} and len(open_rows) == 6
    for workflow in ("section_60c", "section_16g"):
        row = open_rows[row_of(client, workflow, WINDOW).id]
        assert "<td>01.02.2027" in row and "01.09.2027 minus 7 Monate" in row
        assert MOVED_NOTE in row
        assert "<td>18.01.2027</td>" in row  # the reminder moved with it
    unchanged = open_rows[row_of(client, "section_60c", "training_ends").id]
    assert "<td>31.07.2030" in unchanged and "verschoben" not in unchanged


def test_removing_the_training_drops_its_followups_and_says_why(logged_in, counsellor):
    client = add_client(counsellor)
    facts = demo_facts("yasmin")
    del facts["training"]
    assert save_facts(logged_in, client, facts).status_code == 302
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert list(open_rows) == [row_of(client, "", "passport_expires").id,  # soonest first
                               row_of(client, "section_25a", "last_day_before_27").id]
    dropped = {(r.workflow, r.kind) for r in FollowUpRecord.select().where(FollowUpRecord.id.in_(list(closed_rows)))}
    assert dropped == {(w, k) for w in ("section_60c", "section_16g") for k in (WINDOW, "training_ends")}
    for row in closed_rows.values():
        assert "<strong>entfallen</strong>" in row
        assert "entfallen: Fakten geändert am 21.11.2026, die Grundlage trägt nicht mehr (Stand 21.11.2026)" in row
    window = closed_rows[row_of(client, "section_60c", WINDOW).id]
    assert "<td>01.01.2027</td>" in window and "Frühester Tag für den Antrag nach § 60c" in window

    assert save_facts(logged_in, client, demo_facts("yasmin")).status_code == 302  # the training is back
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert len(open_rows) == 6 and closed_rows == {}
    assert "wieder offen: Fakten geändert am 21.11.2026, die Grundlage trägt wieder" in \
        open_rows[row_of(client, "section_16g", WINDOW).id]


def test_a_done_followup_whose_date_moves_is_open_again(logged_in, counsellor):
    client = add_client(counsellor)
    window = row_of(client, "section_60c", WINDOW)
    followup_records.set_state(window, "done", counsellor)
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert window.id not in open_rows and "<strong>erledigt</strong>" in closed_rows[window.id]

    assert save_facts(logged_in, client, yasmin_with(start_date="2027-09-01")).status_code == 302
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert window.id not in closed_rows
    row = open_rows[window.id]
    assert "<td>01.02.2027" in row and MOVED_NOTE in row
    assert "wieder offen: erledigt war die Frist zum 01.01.2027" in row


@pytest.mark.parametrize("typed, shown", [
    ('{"person": {"family_name": "Müller & Söhne"}, "training": {"start_date": "2027-09-01"',
     "JSON</code>: kein gültiges JSON (Zeile 1"),
    (json.dumps({"person": {"family_name": "Müller & Söhne"}, "colour": "blau",
                 "status_history": [{"status": "duldung", "from": "2024-01-01", "to": "2023-01-01"}]},
                ensure_ascii=False),
     "status_history.0</code>: das Ende liegt vor dem Beginn"),
])
def test_invalid_facts_keep_the_typed_text_and_say_what_to_fix(logged_in, counsellor, typed, shown):
    client = add_client(counsellor)
    before = (Client.get_by_id(client.id).facts_json, [(r.id, r.due, r.state) for r in followup_records.of_client(client)])
    token = csrf_token(page(logged_in.get(f"/clients/{client.id}/facts")))
    response = logged_in.post(f"/clients/{client.id}/facts", data={"csrf_token": token, "facts_json": typed})
    html = page(response)
    assert response.status_code == 422
    assert "Nicht gespeichert, bitte korrigieren" in html and shown in html
    if "colour" in typed:
        assert "colour</code>: unbekanntes Feld" in html
    assert "Müller &amp; Söhne" in html and textarea(html).strip() == typed  # the typed text, not the stored facts
    after = (Client.get_by_id(client.id).facts_json, [(r.id, r.due, r.state) for r in followup_records.of_client(client)])
    assert after == before and FactsRevision.select().count() == 1


# --- cases ------------------------------------------------------------------------------------------------------

def open_case(http, client, workflow: str):
    token = csrf_token(client_page(http, client))
    return http.post(f"/clients/{client.id}/cases", data={"csrf_token": token, "workflow": workflow})


def set_case_status(http, client, case_id, status: str):
    token = csrf_token(client_page(http, client))
    return http.post(f"/clients/{client.id}/cases/{case_id}/status", data={"csrf_token": token, "status": status})


def test_a_granted_case_drops_its_paths_followups_and_a_new_case_brings_them_back(logged_in, counsellor):
    client = add_client(counsellor)
    assert "Noch keine Fälle" in cases_section(client_page(logged_in, client))
    response = open_case(logged_in, client, "section_25a")
    assert response.status_code == 302 and response.headers["Location"] == f"/clients/{client.id}#faelle"
    html = client_page(logged_in, client)
    assert "Fall § 25a AufenthG eröffnet." in html
    case = Case.get()
    listed = cases_section(html).split(f'<tr id="fall-{case.id}">')[1].split("</tr>")[0]
    for shown in ("§ 25a AufenthG", "<td>21.11.2026</td>", "31.12.2022", "<td>Offen</td>",
                  "<strong>offen</strong>", f'action="/clients/{client.id}/cases/{case.id}/status"'):
        assert shown in listed
    assert 'value="section_25a"' not in cases_section(html)  # no second case while one runs

    assert set_case_status(logged_in, client, case.id, "granted").status_code == 302
    html = client_page(logged_in, client)
    assert "Fall § 25a AufenthG: erteilt." in html
    assert f'<tr id="fall-{case.id}">' not in cases_section(html)  # no longer among the open cases ...
    listed = cases_section(html).split(f'id="fall-{case.id}">')[1].split("</a>")[0]
    assert "erteilt" in listed  # ... but listed as closed
    assert f"/cases/{case.id}/status" not in cases_section(html)  # a closed case is not changed
    birthday = row_of(client, "section_25a", "last_day_before_27")
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert birthday.id not in open_rows
    assert "<strong>entfallen</strong>" in closed_rows[birthday.id]
    assert "Fall § 25a AufenthG erteilt (Stand 21.11.2026)" in closed_rows[birthday.id]
    for workflow in ("section_60c", "section_16g"):
        assert row_of(client, workflow, WINDOW).id in open_rows

    assert open_case(logged_in, client, "section_25a").status_code == 302
    open_rows, closed_rows = deadlines(deadlines_page(logged_in, client))
    assert birthday.id in open_rows and closed_rows == {}
    assert "wieder offen: Fall § 25a AufenthG eröffnet, die Grundlage trägt wieder" in open_rows[birthday.id]
    assert Case.select().count() == 2


def test_refused_case_changes_say_why_on_the_page(logged_in, counsellor):
    client = add_client(counsellor)
    open_case(logged_in, client, "section_60c")
    case = Case.get()
    for response, reason in (
            (open_case(logged_in, client, "section_60c"), "Für diesen Weg ist bereits ein Fall offen."),
            (open_case(logged_in, client, "section_99z"), "Unbekannter Weg."),
            (set_case_status(logged_in, client, case.id, "erteilt"), "Unbekannter Stand"),
    ):
        assert response.status_code == 422
        assert reason in cases_section(page(response))
    assert Case.select().count() == 1 and Case.get().status == "open"
    set_case_status(logged_in, client, case.id, "closed")
    reopen = set_case_status(logged_in, client, case.id, "open")
    assert reopen.status_code == 422 and "Der Fall ist abgeschlossen" in cases_section(page(reopen))
    assert Case.get().status == "closed"


# --- who may -----------------------------------------------------------------------------------------------------

def test_every_new_route_is_404_for_another_counsellors_client(logged_in, counsellor, make_user):
    colleague = make_user("kollege")
    theirs = add_client(colleague)
    their_case = Case.create(client=theirs, counsellor=colleague, workflow="section_25a", opened_on=TODAY.date(),
                             rules_version="2022-12-31", verdict="eligible")
    mine = add_client(counsellor)
    token = csrf_token(client_page(logged_in, mine))
    before = Client.get_by_id(theirs.id).facts_json
    moved = json.dumps(yasmin_with(start_date="2027-09-01"))
    assert logged_in.get(f"/clients/{theirs.id}/facts").status_code == 404
    for url, data in ((f"/clients/{theirs.id}/facts", {"facts_json": moved}),
                      (f"/clients/{theirs.id}/cases", {"workflow": "section_60c"}),
                      (f"/clients/{theirs.id}/cases/{their_case.id}/status", {"status": "granted"}),
                      (f"/clients/{mine.id}/cases/{their_case.id}/status", {"status": "granted"})):
        assert logged_in.post(url, data={"csrf_token": token, **data}).status_code == 404, url
    assert Client.get_by_id(theirs.id).facts_json == before
    assert [(c.id, c.status) for c in Case.select()] == [(their_case.id, "open")]
    assert row_of(theirs, "section_60c", WINDOW).due == dt.date(2027, 1, 1)


def test_forms_without_csrf_token_are_400_and_change_nothing(logged_in, counsellor):
    client = add_client(counsellor)
    case = Case.create(client=client, counsellor=counsellor, workflow="section_25a", opened_on=TODAY.date(),
                       rules_version="2022-12-31", verdict="eligible")
    moved = json.dumps(yasmin_with(start_date="2027-09-01"))
    for url, data in ((f"/clients/{client.id}/facts", {"facts_json": moved}),
                      (f"/clients/{client.id}/cases", {"workflow": "section_60c"}),
                      (f"/clients/{client.id}/cases/{case.id}/status", {"status": "granted"})):
        assert logged_in.post(url, data=data).status_code == 400, url
    assert row_of(client, "section_60c", WINDOW).due == dt.date(2027, 1, 1)
    assert [(c.id, c.status) for c in Case.select()] == [(case.id, "open")]
