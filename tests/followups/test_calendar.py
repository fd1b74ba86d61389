"""The iCalendar feed of a counsellor's open follow-ups: its secret URL (create, rotate, revoke), what it
contains and what it must not, and the RFC 5545 details calendar apps depend on (folding, escaping, CRLF)."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from types import SimpleNamespace

import icalendar
import pytest

from perspektive.accounts.models import User
from perspektive.audit import AuditEvent
from perspektive.clients import records
from perspektive.db import db
from perspektive.followups.calendar_feed import build_calendar, covered_day, escape_text, fold, shorten
from perspektive.followups.models import CalendarFeed, FollowUpRecord
from perspektive.followups.records import days_before, reminder_days
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import BrowserClient, csrf_token, login, without_tokens
from tests.conftest import demo_facts as shipped_demo_facts


def demo_facts(name: str) -> dict:
    """A demo client without the passport's expiry day: that follow-up (plugin document_expiry) has tests of its
    own, and these count the path's follow-ups."""
    facts = shipped_demo_facts(name)
    facts.get("identity", {}).pop("passport_valid_until", None)
    return facts

D = dt.date.fromisoformat
PUBLIC_URL = "https://perspektive.example.org"


@pytest.fixture(autouse=True)
def fixed_day(app, monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany",
                        lambda: dt.datetime(2026, 11, 18, 10, 0, tzinfo=GERMANY))
    app.config["PUBLIC_URL"] = PUBLIC_URL + "/"


def add_client(owner, name: str = "yasmin"):
    with db.connection_context():
        return records.create_client(parse_facts(demo_facts(name)), owner)


def rows_of(client) -> list[FollowUpRecord]:
    with db.connection_context():
        query = FollowUpRecord.select().where(FollowUpRecord.client == client)
        return list(query.order_by(FollowUpRecord.id))


def html_of(response) -> str:
    return response.get_data(as_text=True)


def new_feed_url(http) -> str:
    """Press "Adresse erzeugen" and read the URL off the page; returns it without PUBLIC_URL."""
    token = csrf_token(html_of(http.get("/calendar")))
    response = http.post("/calendar", data={"csrf_token": token})
    assert response.status_code == 200
    html = html_of(response)
    assert "Diese Adresse ist geheim wie ein Passwort." in html
    url = re.search(r'id="feed-url" value="([^"]+)"', html)[1].replace("&amp;", "&")
    assert url.startswith(f"{PUBLIC_URL}/calendar.ics?token=")
    return url.removeprefix(PUBLIC_URL)


@pytest.fixture
def anonymous(app):
    """A calendar app: no session, no cookies."""
    return BrowserClient(app, app.response_class)


def events_of(response) -> list:
    return icalendar.Calendar.from_ical(response.data).walk("VEVENT")


def test_the_feed_has_one_event_per_open_followup_with_its_alarms(logged_in, counsellor, anonymous):
    """Yasmin's follow-ups on their days; the one counted from her date of birth is the next test's."""
    client = add_client(counsellor)
    rows = [r for r in rows_of(client) if r.kind != "last_day_before_27"]
    with db.connection_context():
        FollowUpRecord.update(due=D("2026-11-02")).where(FollowUpRecord.id == rows[0].id).execute()  # overdue
        FollowUpRecord.update(state="done").where(FollowUpRecord.id == rows[1].id).execute()
        FollowUpRecord.update(state="dismissed").where(FollowUpRecord.id == rows[2].id).execute()
        FollowUpRecord.update(state="done").where(FollowUpRecord.kind == "last_day_before_27").execute()
    url = new_feed_url(logged_in)

    response = anonymous.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'filename="perspektive-fristen.ics"' in response.headers["Content-Disposition"]
    assert "Set-Cookie" not in response.headers  # a calendar app gets no session
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["X-WR-CALNAME"]) == "Perspektive – Fristen"

    expected = {rows[0].id: D("2026-11-02"), rows[3].id: rows[3].due}
    events = {int(str(e["UID"]).split("@")[0].removeprefix("followup-")): e for e in calendar.walk("VEVENT")}
    assert {i: e.decoded("DTSTART") for i, e in events.items()} == expected
    for record in (rows[0], rows[3]):
        event = events[record.id]
        assert str(event["UID"]) == f"followup-{record.id}@perspektive.example.org"
        assert event.decoded("DTEND") == event.decoded("DTSTART") + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == f"Frist: {shorten(record.text)}"  # no client reference
        link = f"{PUBLIC_URL}/followups/{record.id}"
        assert str(event["DESCRIPTION"]) == f"{record.text}\n{record.citation}\n{link}"
        assert str(event["URL"]) == link
        days = sorted(int(d) for d in record.remind_days_before.split(","))
        alarms = event.walk("VALARM")
        assert sorted(-a.decoded("TRIGGER").days for a in alarms) == days
        assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}


def test_the_feed_names_no_client_and_no_fact(logged_in, counsellor, anonymous):
    """No more than a reminder mail: neither name nor reference (probe finding 12), nor any fact."""
    client = add_client(counsellor)
    response = anonymous.get(new_feed_url(logged_in))
    unfolded = response.data.decode("utf-8").replace("\r\n ", "")
    for secret in ("Yasmin", "Ben Salah", "Salah", "2004-02-14", "14.02.2004", "20040214", "Bürgerwiese",
                   client.reference, "2031-02-13", "13.02.2031", "20310213"):
        assert secret not in unfolded


BORN = D("2013-03-21")  # a 13-year-old: § 25a opens on the 14th birthday and closes the day before the 27th


def test_no_event_gives_the_birth_date_away_yet_each_warns_in_time(logged_in, counsellor, anonymous):
    """Probe finding 12: the days counted from a date of birth (the day before the 27th birthday, the 14th birthday
    on which § 25a opens) appear nowhere in the feed, nor does the birth date or its day and month in any year,
    nor the kind or citation that would say which birthday it is. Each still has an event: on the first working
    day of a month, no later than the first reminder mail, with a link to the follow-up."""
    facts = shipped_demo_facts("yasmin")
    facts["person"]["date_of_birth"] = BORN.isoformat()
    with db.connection_context():
        client = records.create_client(parse_facts(facts), counsellor)
    rows = {(r.workflow, r.kind): r for r in rows_of(client)}
    opens, last_day = rows[("section_25a", "path_opens")], rows[("section_25a", "last_day_before_27")]
    assert (opens.due, last_day.due) == (D("2027-03-21"), D("2040-03-20"))

    response = anonymous.get(new_feed_url(logged_in))
    unfolded = response.data.decode("utf-8").replace("\r\n ", "")
    for day in (BORN, BORN - dt.timedelta(days=1)):  # any year: 14th birthday, 27th birthday, the day before
        assert re.findall(rf"\d{{4}}{day:%m%d}|-{day:%m}-{day:%d}|{day:%d}\.{day:%m}\.", unfolded) == []
    for secret in (client.reference, "Geburtstag", "path_opens", "last_day_before", opens.text[:40],
                   last_day.text[:40], opens.citation, last_day.citation):
        assert secret not in unfolded

    listed = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    # In the order of the days shown, not of the due days: a covered event's place among the others would tell
    # between which two due days its own falls.
    assert [e.decoded("DTSTART") for e in listed] == sorted(e.decoded("DTSTART") for e in listed)
    events = {str(e["UID"]): e for e in listed}
    assert len(events) == len(rows)
    for row, shown_on in ((opens, D("2026-12-01")), (last_day, D("2039-08-01"))):
        event = events[f"followup-{row.id}@perspektive.example.org"]
        link = f"{PUBLIC_URL}/followups/{row.id}"
        assert str(event["SUMMARY"]) == "Frist (Details nach Anmeldung)"
        assert str(event["DESCRIPTION"]) == f"Eine Frist steht an. Worum es geht und bis wann: nach der Anmeldung.\n{link}"
        assert str(event["URL"]) == link
        assert event.decoded("DTSTART") == shown_on < reminder_days(row.due, days_before(row))[0]
        assert [a.decoded("TRIGGER") for a in event.walk("VALARM")] == [dt.timedelta(0)]  # on that day
    # The other follow-ups keep their day: it is what a calendar is for.
    training = rows[("section_16g", "training_ends")]
    assert events[f"followup-{training.id}@perspektive.example.org"].decoded("DTSTART") == training.due


def test_another_counsellors_followups_are_not_in_the_feed(logged_in, counsellor, make_user, anonymous):
    mine, theirs = add_client(counsellor), add_client(make_user("kollege"), "yasmin")
    response = anonymous.get(new_feed_url(logged_in))
    assert len(events_of(response)) == len(rows_of(mine))
    assert theirs.reference not in response.data.decode("utf-8")
    ids = {f"followup-{r.id}@" for r in rows_of(theirs)}
    assert not any(uid in response.data.decode("utf-8") for uid in ids)


def test_only_the_hash_of_the_token_is_kept_and_the_url_is_shown_once(logged_in, counsellor):
    assert "Noch kein Kalender-Abo eingerichtet" in html_of(logged_in.get("/calendar"))
    url = new_feed_url(logged_in)
    token = url.split("token=")[1]
    with db.connection_context():
        feed = CalendarFeed.get(CalendarFeed.user == counsellor.id)
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
        events = list(AuditEvent.select().where(AuditEvent.action.startswith("calendar.")))
        assert [(e.actor, e.action, e.object_id) for e in events] == [("beraterin", "calendar.create",
                                                                       str(counsellor.id))]
        assert all(token not in e.detail for e in events)
    later = html_of(logged_in.get("/calendar"))
    assert "Ein Kalender-Abo ist eingerichtet" in later and token not in later


def test_a_rotated_token_makes_the_old_url_404(logged_in, counsellor, anonymous):
    add_client(counsellor)
    old = new_feed_url(logged_in)
    assert anonymous.get(old).status_code == 200
    new = new_feed_url(logged_in)
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    with db.connection_context():
        assert CalendarFeed.select().count() == 1
        actions = [e.action for e in AuditEvent.select().where(AuditEvent.action.startswith("calendar."))]
        assert actions == ["calendar.create", "calendar.rotate"]


def test_revoking_makes_the_url_404(logged_in, counsellor, anonymous):
    url = new_feed_url(logged_in)
    token = csrf_token(html_of(logged_in.get("/calendar")))
    response = logged_in.post("/calendar/revoke", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/calendar"
    html = html_of(logged_in.get("/calendar"))
    assert "Kalender-Abo gelöscht" in html and "Noch kein Kalender-Abo eingerichtet" in html
    assert anonymous.get(url).status_code == 404
    with db.connection_context():
        assert CalendarFeed.select().count() == 0
        assert AuditEvent.select().where(AuditEvent.action == "calendar.revoke").count() == 1


def test_unknown_missing_and_malformed_tokens_are_the_same_404(logged_in, anonymous):
    new_feed_url(logged_in)
    answers = [anonymous.get(path) for path in (
        "/calendar.ics", "/calendar.ics?token=", "/calendar.ics?token=" + "A" * 43,
        "/calendar.ics?token=%27%20OR%201=1", "/calendar.ics?token=" + "A" * 5000)]
    assert {a.status_code for a in answers} == {404}
    assert len({without_tokens(html_of(a)) for a in answers}) == 1


def test_the_feed_of_an_inactive_counsellor_is_404(logged_in, counsellor, anonymous):
    url = new_feed_url(logged_in)
    with db.connection_context():
        User.update(active=False).where(User.id == counsellor.id).execute()
    assert anonymous.get(url).status_code == 404


def test_the_calendar_page_is_for_counsellors(http, administrator, anonymous):
    assert anonymous.get("/calendar").status_code == 302  # to the login
    login(http, administrator.username)
    refused = http.get("/calendar")
    assert refused.status_code == 403
    token = csrf_token(html_of(refused))
    assert http.post("/calendar", data={"csrf_token": token}).status_code == 403


def test_creating_a_feed_needs_the_csrf_token(logged_in):
    assert logged_in.post("/calendar").status_code == 400
    with db.connection_context():
        assert CalendarFeed.select().count() == 0


# --- the format itself --------------------------------------------------------------------------------------

def test_text_values_are_escaped():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


@pytest.mark.parametrize("line", [
    "SUMMARY:" + "Frist: Übergangsregelung § 104c – Aufenthaltserlaubnis läuft ab " * 4,
    "DESCRIPTION:" + "ä" * 200,
    "X:" + "€" * 100 + "x",
    "SUMMARY:short",
])
def test_folding_keeps_lines_within_75_octets_and_unfolds_to_the_original(line):
    folded = fold(line).encode("utf-8")
    physical = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in physical)
    assert all(p.decode("utf-8") for p in physical)  # no character cut in two
    assert all(p.startswith(b" ") for p in physical[1:])
    assert folded.replace(b"\r\n ", b"").decode("utf-8") == line
    if len(line.encode("utf-8")) > 75:
        assert len(physical) > 1


def test_a_whole_feed_round_trips_text_with_special_characters():
    text = 'Frist nach § 25b; Nachweise: Pass, Zeugnis \\ "Übergang"\nzweite Zeile'
    record = SimpleNamespace(id=7, workflow="section_25b", kind="path_opens", due=D("2027-02-01"), text=text,
                             remind_days_before="60,14", citation="§ 25b Abs. 1 S. 2 Nr. 1 AufenthG")
    body = build_calendar([record], "https://beratung.example:8443/", dt.datetime(2026, 11, 18, 9, 30),
                          covered={("section_25a", "path_opens")}, today=D("2026-11-18"))
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends with CRLF, no bare LF
    assert all(len(line.encode("utf-8")) <= 75 for line in body.split("\r\n"))
    assert "DTSTAMP:20261118T093000Z" in body
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    link = "https://beratung.example:8443/followups/7"
    assert str(event["DESCRIPTION"]) == f"{text}\n§ 25b Abs. 1 S. 2 Nr. 1 AufenthG\n{link}"
    assert str(event["UID"]) == "followup-7@beratung.example"
    assert str(event["SUMMARY"]) == f"Frist: {shorten(text)}"
    triggers = [a.decoded("TRIGGER") for a in event.walk("VALARM")]
    assert triggers == [dt.timedelta(days=-60), dt.timedelta(days=-14)]


def test_a_covered_event_depends_on_the_due_month_only_and_comes_before_the_first_reminder():
    """Probe finding 12: a covered event stands on the first working day of a month; every due day of one month
    gives the same day (so it tells the month, not the day), no later than the first reminder mail, and never
    before the current month (a follow-up created late is still in view)."""
    today = D("2026-11-18")
    assert {covered_day(D("2040-03-01") + dt.timedelta(days=n), [180, 30], today) for n in range(31)} == \
        {D("2039-08-01")}
    assert covered_day(D("2027-03-21"), [60, 14], today) == D("2026-12-01")
    assert covered_day(D("2027-01-10"), [180, 30], today) == D("2026-11-02")  # 01.11.2026 is a Sunday
    for days in ([180, 30], [60, 14], [56, 28], [27], [14], [7], [0]):
        for n in range(6 * 366):
            due = D("2027-01-01") + dt.timedelta(days=n)
            assert covered_day(due, days, D("2020-01-01")) <= reminder_days(due, days)[0], (due, days)
