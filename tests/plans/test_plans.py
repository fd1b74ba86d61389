"""Planned events on the client page: recorded in their own sealed row, shown beside the Perspektiven with the
earliest day with and without them, and never part of a letter or checklist (issue 16)."""
from __future__ import annotations

import io
import zipfile

from perspektive.clients import records
from perspektive.law import PlannedEvent, parse_facts
from perspektive.plans import plans_of, save_plans
from perspektive.plans.models import ClientPlans
from tests.conftest import csrf_token
from tests.law.provisions.test_section_25b import person

EXAM = "15.03.2027"


def page(response) -> str:
    return response.get_data(as_text=True)


def a1_client(owner):
    """Meets § 25b but for oral German (A1): a B1 exam opens the path."""
    return records.create_client(parse_facts(person(german={"oral": "A1", "written": "A1"})), owner)


def plan_exam(http, client, day: str = EXAM):
    form = page(http.get(f"/clients/{client.id}/plans"))
    return http.post(f"/clients/{client.id}/plans", data={
        "csrf_token": csrf_token(form), "rows": "3", "0.on": day, "0.kind": "german_exam", "0.level": "B1",
        "1.kind": "", "2.kind": ""})


def test_a_planned_b1_exam_shows_section_25b_open_on_the_exam_day(logged_in, counsellor):
    client = a1_client(counsellor)
    response = plan_exam(logged_in, client)
    assert response.status_code == 302 and response.headers["Location"].endswith("#plaene")
    html = page(logged_in.get(f"/clients/{client.id}"))
    section = html[html.index('id="plaene"'):]
    row = section[section.index("§ 25b AufenthG"):section.index("</tr>", section.index("§ 25b AufenthG"))]
    assert "Blockiert" in row and EXAM in row and "Deutschprüfung" in row
    assert plans_of(client)[0] == PlannedEvent(on="2027-03-15", kind="german_exam", level="B1")


def test_plans_are_sealed_and_bound_to_the_client(logged_in, counsellor):
    client = a1_client(counsellor)
    plan_exam(logged_in, client)
    stored = ClientPlans.get(ClientPlans.client == client.id).events_json
    assert "german_exam" not in stored and "2027" not in stored


def test_a_plan_in_the_past_is_refused_with_the_reason(logged_in, counsellor):
    client = a1_client(counsellor)
    response = plan_exam(logged_in, client, "01.01.2020")
    assert response.status_code == 422
    assert "Geschehenes gehört in die Fakten" in page(response)
    assert plans_of(client) == []


def test_plans_never_leak_into_letters_or_checklists(logged_in, counsellor):
    client = a1_client(counsellor)
    save_plans(client, [PlannedEvent(on="2027-03-15", kind="german_exam", level="B1"),
                        PlannedEvent(on="2027-02-01", kind="employment_start", hours_per_week=38)], counsellor)
    token = csrf_token(page(logged_in.get(f"/clients/{client.id}")))
    for letter in ("antrag", "checkliste"):
        response = logged_in.post(f"/clients/{client.id}/letters/section_25b/{letter}", data={"csrf_token": token})
        assert response.status_code == 200, page(response)
        with zipfile.ZipFile(io.BytesIO(response.data)) as docx:
            text = docx.read("word/document.xml").decode("utf-8")
        assert "15.03.2027" not in text and "01.02.2027" not in text and "B1" not in text
        assert "Mustermann" not in text  # the letter is this client's (sanity: the name below is)
        assert "Haddad" in text


def test_another_counsellors_client_has_no_plans_page(logged_in, make_user):
    theirs = a1_client(make_user("kollege"))
    assert logged_in.get(f"/clients/{theirs.id}/plans").status_code == 404


def test_the_art_15_export_lists_the_plans(app, dbconn, counsellor):
    from perspektive.privacy.export import export_client
    client = a1_client(counsellor)
    save_plans(client, [PlannedEvent(on="2027-03-15", kind="german_exam", level="B1")], counsellor)
    with zipfile.ZipFile(io.BytesIO(export_client(client))) as archive:
        data = archive.read(f"{client.reference}/geplante_ereignisse.json").decode("utf-8")
    assert '"german_exam"' in data and "2027-03-15" in data


def test_a_plan_whose_day_has_come_asks_to_be_moved_into_the_facts(logged_in, counsellor):
    client = a1_client(counsellor)
    save_plans(client, [PlannedEvent(on="2026-01-15", kind="identity_clarified")], counsellor)
    html = page(logged_in.get(f"/clients/{client.id}"))
    section = html[html.index('id="plaene"'):]
    assert "Identität geklärt am 15.01.2026" in section and "bitte in die Fakten übernehmen" in section
