"""Probe finding 2, lost updates: two people editing the same client's facts from the same read. The second save
is refused (409 on a page, 412 in the API) with what the first one changed, nothing is reverted, and under many
threads on either engine no acknowledged write is lost."""
from __future__ import annotations

import threading

import lxml.html

from perspektive.clients import records
from perspektive.clients.conflicts import Conflict
from perspektive.clients.models import Client, FactsRevision
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.migrations import SchemaMigration, migrate
from tests.clients.test_fact_forms import add_client, fill, page, stored
from tests.conftest import BrowserClient, demo_facts, login


def second_session(app, counsellor):
    """The same counsellor at a second computer (or a colleague at hers): a session of its own."""
    app.test_client_class = BrowserClient
    other = app.test_client()
    assert login(other, counsellor.username).status_code == 302
    return other


def test_two_sessions_editing_different_groups_from_the_same_read(app, logged_in, counsellor):
    client = add_client(counsellor)
    other = second_session(app, counsellor)
    person_form = page(logged_in.get(f"/clients/{client.id}/facts/person"))
    identity_form = page(other.get(f"/clients/{client.id}/facts/identity"))

    first = fill(logged_in, person_form, {"person.given_name": "Dawitt", "person.abh_file_number": "ABH-77"})
    assert first.status_code == 302
    second = fill(other, identity_form, {"identity.clarified_on": "01.10.2026"})
    assert second.status_code == 409
    html = page(second)
    assert "Die Fakten wurden inzwischen von jemand anderem geändert" in html
    doc = lxml.html.fromstring(html)
    rows = {row.get("data-path"): [" ".join(td.text_content().split()) for td in row.xpath("./td")]
            for row in doc.xpath('//table[contains(@class, "conflict-changes")]//tr[@data-path]')}
    assert rows == {"person.given_name": ["Vorname", "Dawit", "Dawitt"],
                    "person.abh_file_number": ["Aktenzeichen der Ausländerbehörde", "nicht erfasst", "ABH-77"]}
    # What the second person typed is still in the form, and nothing of the first save was reverted.
    assert doc.xpath('//input[@name="identity.clarified_on"]/@value') == ["01.10.2026"]
    facts = stored(client)
    assert facts["person"]["given_name"] == "Dawitt" and facts["person"]["abh_file_number"] == "ABH-77"
    assert "clarified_on" not in facts["identity"]

    # Saving the form the 409 page holds is a deliberate save on top of the stored facts: both changes stay.
    again = fill(other, html)
    assert again.status_code == 302
    facts = stored(client)
    assert facts["identity"]["clarified_on"] == "2026-10-01" and facts["person"]["given_name"] == "Dawitt"
    assert Client.get_by_id(client.id).revision == 2


def test_a_stale_json_editor_save_is_refused_and_keeps_the_text(app, logged_in, counsellor):
    client = add_client(counsellor)
    editor = page(logged_in.get(f"/clients/{client.id}/facts"))
    form = lxml.html.fromstring(editor).xpath("//form[.//textarea]")[0]
    values = dict(form.form_values())
    records.update_facts(client, parse_facts({**demo_facts("dawit"), "in_education": True}), counsellor)
    values["facts_json"] = values["facts_json"].replace('"Dawit"', '"Dawid"')
    response = logged_in.post(form.action, data=values)
    assert response.status_code == 409
    assert "inzwischen von jemand anderem geändert" in page(response) and "Dawid" in page(response)
    assert stored(client)["person"]["given_name"] == "Dawit" and stored(client)["in_education"] is True


def test_api_write_needs_the_etag_of_its_read(http, counsellor):
    from perspektive.accounts.users import issue_api_token

    headers = {"Authorization": f"Bearer {issue_api_token(counsellor)}"}
    facts = demo_facts("dawit")
    created = http.post("/api/v1/clients", json={"facts": facts}, headers=headers).get_json()["id"]
    read = http.get(f"/api/v1/clients/{created}", headers=headers)
    assert read.headers["ETag"] == '"0"'

    blind = http.put(f"/api/v1/clients/{created}/facts", json={"facts": facts}, headers=headers)
    assert blind.status_code == 428 and blind.get_json()["errors"][0]["field"] == "If-Match"

    mine = {**facts, "in_education": True}
    ok = http.put(f"/api/v1/clients/{created}/facts", json={"facts": mine},
                  headers={**headers, "If-Match": read.headers["ETag"]})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"1"'

    stale = http.put(f"/api/v1/clients/{created}/facts", json={"facts": {**facts, "fdgo_declaration": False}},
                     headers={**headers, "If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    body = stale.get_json()
    assert body["errors"][0]["field"] == "If-Match" and "veraltet" in body["errors"][0]["reason"]
    assert body["revision"] == 1 and body["changed"] == ["in_education"]
    now = http.get(f"/api/v1/clients/{created}", headers=headers).get_json()["facts"]
    assert now["in_education"] is True and now["fdgo_declaration"] is True


def test_many_writers_lose_no_acknowledged_write(app, dbconn, counsellor):
    """Threads each read the facts, add one conviction of their own and write from that read, retrying on a
    conflict, as a form or script would. Every acknowledged conviction must be in the final facts, and the
    revision must count exactly the acknowledged writes (on PostgreSQL writers really run side by side)."""
    client = records.create_client(parse_facts({**demo_facts("dawit"), "convictions": []}), counsellor)
    acknowledged, conflicts, failures = [], [], []
    lock = threading.Lock()

    def writer(number: int) -> None:
        try:
            with app.app_context(), db.connection_context():
                for round_ in range(6):
                    marker = number * 100 + round_
                    while True:
                        read = Client.get_by_id(client.id)

                        def add(data, marker=marker):
                            data = {**data, "convictions": [*data.get("convictions", []),
                                                            {"date": "2020-01-01", "fine_daily_rates": marker}]}
                            return parse_facts(data)

                        try:
                            records.change_facts(read, read.revision, add, counsellor)
                        except Conflict:
                            with lock:
                                conflicts.append(marker)
                            continue
                        with lock:
                            acknowledged.append(marker)
                        break
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    final = records.export_facts(Client.get_by_id(client.id))
    assert sorted(c["fine_daily_rates"] for c in final["convictions"]) == sorted(acknowledged)
    assert len(acknowledged) == 24
    assert Client.get_by_id(client.id).revision == 24
    assert FactsRevision.select().where(FactsRevision.client == client.id).count() == 25


def test_migration_6_adds_the_revision_to_an_old_database_and_keeps_its_clients(dbconn, counsellor):
    client = add_client(counsellor)
    db.execute_sql('ALTER TABLE "client" DROP COLUMN "revision"')
    SchemaMigration.delete().where(SchemaMigration.version == 6).execute()
    assert migrate() == [6]
    again = Client.get_by_id(client.id)
    assert again.revision == 0 and again.reference == client.reference
    assert FactsRevision.select().where(FactsRevision.client == client.id).count() == 1
