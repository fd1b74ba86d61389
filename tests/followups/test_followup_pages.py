"""The counsellor's follow-up pages: the dashboard grouped by due date, the team's counts, one follow-up in
detail, and marking it done, dismissing it with a reason, opening it again."""
from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from perspektive.audit import AuditEvent
from perspektive.clients import records
from perspektive.db import db
from perspektive.followups.models import FollowUpRecord
from perspektive.law.engine import current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import csrf_token, login, without_tokens
from tests.conftest import demo_facts as shipped_demo_facts


def demo_facts(name: str) -> dict:
    """A demo client without the passport's expiry day: that follow-up (plugin document_expiry) has tests of its
    own, and these count the path's follow-ups."""
    facts = shipped_demo_facts(name)
    facts.get("identity", {}).pop("passport_valid_until", None)
    return facts

D = dt.date.fromisoformat
TODAY = D("2026-11-18")  # a Wednesday: this week runs to Sunday 22.11., this month to 30.11.


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany",
                        lambda: dt.datetime(2026, 11, 18, 10, 0, tzinfo=GERMANY))


def add_client(owner, name: str = "yasmin", **changes):
    facts = demo_facts(name)
    facts.update(changes)
    with db.connection_context():
        return records.create_client(parse_facts(facts), owner)


def rows_of(client) -> list[FollowUpRecord]:
    with db.connection_context():
        query = FollowUpRecord.select().where(FollowUpRecord.client == client)
        return list(query.order_by(FollowUpRecord.id))


def set_due(record: FollowUpRecord, due: str, **fields) -> None:
    with db.connection_context():
        FollowUpRecord.update(due=D(due), **fields).where(FollowUpRecord.id == record.id).execute()


def html_of(response) -> str:
    return response.get_data(as_text=True)


def table_rows(html: str, section_id: str) -> list[list[str]]:
    """The text of each body row's cells in the section ``section_id``."""
    section = lxml.html.fromstring(html).get_element_by_id(section_id)
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
            for row in section.xpath(".//tbody/tr|.//tfoot/tr")]


def post_state(http, record_id: int, state: str, note: str = ""):
    token = csrf_token(html_of(http.get("/followups")))
    return http.post(f"/followups/{record_id}/state",
                     data={"csrf_token": token, "state": state, "note": note})


def test_the_dashboard_groups_open_followups_by_due_date(logged_in, counsellor):
    first, second = add_client(counsellor), add_client(counsellor)
    a, b = rows_of(first), rows_of(second)
    for record, due in zip(a, ["2026-11-17", "2026-11-18", "2026-11-22", "2026-11-23", "2026-12-01"]):
        set_due(record, due)
    set_due(b[0], "2026-11-30")
    set_due(b[1], "2026-11-19", state="done")  # closed rows are not on the dashboard
    set_due(b[2], "2026-11-20", state="dismissed")
    set_due(b[3], "2027-06-30", workflow="")  # a follow-up that concerns every path
    set_due(b[4], "2025-01-10")  # long overdue

    html = html_of(logged_in.get("/followups"))

    def dues(section):
        return [(row[0], row[1]) for row in table_rows(html, section)]

    r1, r2 = first.reference, second.reference
    assert dues("overdue") == [("10.01.2025", r2), ("17.11.2026", r1)]
    assert dues("week") == [("18.11.2026", r1), ("22.11.2026", r1)]
    assert dues("month") == [("23.11.2026", r1), ("30.11.2026", r2)]
    assert dues("later") == [("01.12.2026", r1), ("30.06.2027", r2)]
    headings = [" ".join(h.text_content().split()) for h in lxml.html.fromstring(html).xpath("//section/h2")]
    assert headings[:4] == ["Überfällig: 2 bis 17.11.2026",
                            "Diese Woche: 2 18.11.2026 – 22.11.2026",
                            "Diesen Monat: 2 23.11.2026 – 30.11.2026",
                            "Später: 2 ab 01.12.2026"]
    assert "20.11.2026" not in html and "19.11.2026" not in html

    overdue = table_rows(html, "overdue")[1]
    provision = current_engine().workflows[a[0].workflow].provision
    assert overdue[2] == provision and provision.startswith("§ ")  # the path's provision, e.g. § 60c AufenthG
    assert a[0].text in overdue[3] and a[0].citation in overdue[3]
    assert table_rows(html, "later")[1][2] == "alle Wege"
    tree = lxml.html.fromstring(html)
    links = tree.get_element_by_id("overdue").xpath(".//tbody/tr[2]//a/@href")
    assert links == [f"/clients/{first.id}", f"/followups/{a[0].id}"]


def test_the_dashboard_needs_no_query_per_row(logged_in, counsellor, monkeypatch):
    add_client(counsellor)
    real = db.obj.execute_sql
    seen = []

    def counting(sql, *args, **kwargs):
        seen.append(sql)
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", counting)
    logged_in.get("/followups")
    with_five = len(seen)
    monkeypatch.setattr(db.obj, "execute_sql", real)
    add_client(counsellor)
    add_client(counsellor)
    monkeypatch.setattr(db.obj, "execute_sql", counting)
    seen.clear()
    html = html_of(logged_in.get("/followups"))
    assert len(seen) == with_five
    assert html.count("/followups/") >= 15


def test_team_counts_show_every_counsellor_but_not_their_clients(logged_in, counsellor, make_user):
    mine = add_client(counsellor)
    dues = ["2026-11-17", "2026-11-20", "2026-11-25", "2026-11-26", "2027-03-01"]
    for record, due in zip(rows_of(mine), dues):
        set_due(record, due)
    colleague = make_user("kollege", display_name="Karl Kollege")
    theirs = add_client(colleague)
    set_due(rows_of(theirs)[0], "2026-11-01")

    html = html_of(logged_in.get("/followups"))
    assert table_rows(html, "team") == [
        ["Berta Beraterin", "1", "1", "2", "1"],
        ["Karl Kollege", "1", "0", "0", "4"],
        ["Ganzes Team", "2", "1", "2", "5"],
    ]
    assert theirs.reference not in html and f"/clients/{theirs.id}" not in html
    assert "01.11.2026" not in html  # their overdue row is counted, not shown


def test_administrators_see_the_team_counts_on_their_dashboard_and_no_client(http, counsellor, administrator):
    client = add_client(counsellor)
    set_due(rows_of(client)[0], "2026-11-17")
    login(http, administrator.username)
    html = html_of(http.get("/admin/"))
    assert table_rows(html, "team") == [["Berta Beraterin", "1", "0", "0", "4"],
                                        ["Ganzes Team", "1", "0", "0", "4"]]
    assert client.reference not in html and "17.11.2026" not in html


def test_another_counsellors_followup_is_404_like_a_missing_one(logged_in, counsellor, make_user):
    theirs = rows_of(add_client(make_user("kollege")))[0]
    foreign = logged_in.get(f"/followups/{theirs.id}")
    missing = logged_in.get(f"/followups/{theirs.id + 1000}")
    assert foreign.status_code == missing.status_code == 404
    assert without_tokens(html_of(foreign)) == without_tokens(html_of(missing))
    response = post_state(logged_in, theirs.id, "dismissed", "nicht meine")
    assert response.status_code == 404
    with db.connection_context():
        assert FollowUpRecord.get_by_id(theirs.id).state == "open"
        denied = AuditEvent.select().where(AuditEvent.action == "followup.access_denied")
        assert [(e.actor, e.object_id) for e in denied] == [("beraterin", str(theirs.id)),
                                                            ("beraterin", str(theirs.id + 1000)),
                                                            ("beraterin", str(theirs.id))]


def test_detail_page_shows_the_followup(logged_in, counsellor):
    client = add_client(counsellor)
    record = next(r for r in rows_of(client) if r.kind == "last_day_before_27")
    html = html_of(logged_in.get(f"/followups/{record.id}"))
    assert "13.02.2031" in html and record.text in html and record.citation in html
    assert record.basis in html  # how the date was computed
    assert "§ 25a AufenthG" in html
    assert f'href="/clients/{client.id}">{client.reference}</a>' in html
    assert "Nächste Erinnerung" in html and "16.08.2030" in html  # 180 days before: Saturday -> Friday
    assert "offen" in html and 'name="note"' in html and 'for="dismiss-note"' in html
    assert "Yasmin" not in html and "Ben Salah" not in html  # the page is about the deadline, not the person


def test_a_moved_date_and_the_systems_dismissal_are_explained(logged_in, counsellor):
    facts = demo_facts("yasmin")
    client = add_client(counsellor)
    window = next(r for r in rows_of(client)
                  if (r.workflow, r.kind) == ("section_60c", "application_window_opens"))
    facts["training"]["start_date"] = "2027-09-01"
    with db.connection_context():
        records.update_facts(client, parse_facts(facts), counsellor)
    html = " ".join(html_of(logged_in.get(f"/followups/{window.id}")).split())
    assert "Frist am 01.02.2027" in html
    assert "vom 01.01.2027" in html
    assert "Datum geändert von 01.01.2027 auf 01.02.2027" in html

    del facts["training"]
    with db.connection_context():
        records.update_facts(client, parse_facts(facts), counsellor)
    html = " ".join(html_of(logged_in.get(f"/followups/{window.id}")).split())
    assert "verworfen, am " in html and "durch System" in html
    assert "die Grundlage trägt nicht mehr" in html
    assert "Wieder öffnen" in html


def test_done_dismiss_and_reopen(logged_in, counsellor):
    record = next(r for r in rows_of(add_client(counsellor)) if r.kind == "application_window_opens")

    done = post_state(logged_in, record.id, "done")
    assert done.status_code == 302 and done.headers["Location"] == f"/followups/{record.id}"
    html = html_of(logged_in.get(done.headers["Location"]))
    assert "Frist erledigt." in html
    assert "erledigt, am " in html and "durch Berta Beraterin" in html
    assert f"/followups/{record.id}" not in html_of(logged_in.get("/followups"))
    with db.connection_context():
        assert FollowUpRecord.get_by_id(record.id).next_reminder_on is None

    reopened = post_state(logged_in, record.id, "open")
    assert reopened.status_code == 302
    assert "Frist wieder offen." in html_of(logged_in.get(f"/followups/{record.id}"))
    assert f"/followups/{record.id}" in html_of(logged_in.get("/followups"))
    with db.connection_context():
        assert FollowUpRecord.get_by_id(record.id).next_reminder_on == D("2026-12-18")

    reason = "Antrag nach § 16g stattdessen; Ausbildung verschoben"
    dismissed = post_state(logged_in, record.id, "dismissed", reason)
    assert dismissed.status_code == 302
    html = html_of(logged_in.get(f"/followups/{record.id}"))
    assert "Frist verworfen." in html and reason in html
    with db.connection_context():
        row = FollowUpRecord.get_by_id(record.id)
        assert (row.state, row.note, row.state_by_id) == ("dismissed", reason, counsellor.id)
        events = AuditEvent.select().where(AuditEvent.object_type == "followup").order_by(AuditEvent.id)
        assert [(e.actor, e.action, e.object_id) for e in events] == [
            ("beraterin", f"followup.{state}", str(record.id)) for state in ("done", "open", "dismissed")]
        assert all(reason not in e.detail for e in events)


@pytest.mark.parametrize("note", ["", "   \n "])
def test_dismissing_without_a_reason_keeps_the_form(logged_in, counsellor, note):
    record = rows_of(add_client(counsellor))[0]
    response = post_state(logged_in, record.id, "dismissed", note)
    assert response.status_code == 422
    tree = lxml.html.fromstring(html_of(response))
    form = tree.get_element_by_id("verwerfen")
    assert "Bitte kurz begründen" in form.get_element_by_id("dismiss-error").text_content()
    textarea = form.get_element_by_id("dismiss-note")
    assert textarea.get("aria-invalid") == "true"
    assert textarea.text_content().removeprefix("\n") == note  # browsers drop the newline after <textarea>
    with db.connection_context():
        assert FollowUpRecord.get_by_id(record.id).state == "open"
    assert "Bitte kurz begründen" not in html_of(logged_in.get("/followups"))  # no flash of it later


def test_state_changes_need_the_csrf_token_and_a_known_state(logged_in, counsellor):
    record = rows_of(add_client(counsellor))[0]
    assert logged_in.post(f"/followups/{record.id}/state", data={"state": "done"}).status_code == 400
    assert post_state(logged_in, record.id, "erledigt").status_code == 400
    with db.connection_context():
        assert FollowUpRecord.get_by_id(record.id).state == "open"


def test_only_counsellors_see_the_followups(http, administrator):
    login(http, administrator.username)
    assert http.get("/followups").status_code == 403
    anonymous = http.application.test_client()
    assert anonymous.get("/followups").status_code == 302


def test_counsellors_find_the_followups_in_the_navigation(logged_in):
    assert 'href="/followups">Fristen' in html_of(logged_in.get("/clients"))
