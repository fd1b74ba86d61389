"""The JSON API: the assessment contract of shared/case-facts.md, letters, clients, and who may call it."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.accounts.users import issue_api_token, reset_second_factor, set_password
from perspektive.audit import AuditEvent
from perspektive.clients.models import Client
from perspektive.documents.models import Document
from perspektive.law.facts import parse_facts
from tests.common.hostile_letters import GROWS_FOR_AMINA, use_letter
from tests.conftest import csrf_token, demo_facts
from tests.documents.argument_clients import ahmad

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Api:
    """Calls to /api/v1 with a bearer token, as a script would make them."""

    def __init__(self, http, token: str):
        self.http, self.headers = http, {"Authorization": f"Bearer {token}"}

    def post(self, path, body=None):
        return self.http.post("/api/v1" + path, json=body, headers=self.headers)

    def get(self, path):
        return self.http.get("/api/v1" + path, headers=self.headers)

    def put(self, path, body=None, if_match: str | None = "read"):
        """A write as a careful script makes it: the ETag of a fresh read in ``If-Match`` (or the ``if_match``
        given; ``None``: no header)."""
        headers = dict(self.headers)
        if if_match == "read":
            if_match = self.get(path.removesuffix("/facts")).headers.get("ETag", '"0"')
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.http.put("/api/v1" + path, json=body, headers=headers)


@pytest.fixture
def token(counsellor):
    return issue_api_token(counsellor)


@pytest.fixture
def api(http, token):
    return Api(http, token)


@pytest.fixture
def colleague_api(http, make_user):
    """Another counsellor of the same organisation."""
    return Api(http, issue_api_token(make_user("kollege")))


def field_errors(response) -> dict:
    return {e["field"]: e["reason"] for e in response.get_json()["errors"]}


# --- assessments ------------------------------------------------------------------------------------------------

def test_assessment_follows_the_contract(api):
    response = api.post("/assessments", {"facts": demo_facts("dawit"), "on": "2026-11-21", "workflow": "section_25b"})
    assert response.status_code == 200
    document = response.get_json()
    assert document["assessed_on"] == "2026-11-21"
    [result] = document["results"]
    assert result["workflow"] == "section_25b"
    assert result["provision"] == "§ 25b AufenthG"
    assert result["rules_version"] == "2022-12-31"
    assert result["verdict"] == "eligible_from"
    assert result["earliest_date"] == "2027-08-16"
    for criterion in result["criteria"]:
        assert {"id", "met", "met_from", "explanation", "citation"} <= set(criterion)
        assert criterion["citation"] and criterion["explanation"]
    residence = next(c for c in result["criteria"] if c["id"] == "residence")
    assert residence["met"] is False and residence["met_from"] == "2027-08-16"


def test_assessment_without_workflow_covers_every_workflow(api, app):
    from perspektive.law.engine import current_engine

    response = api.post("/assessments", {"facts": demo_facts("dawit"), "on": "2026-11-21"})
    in_force = [w.id for w in current_engine().workflows.values() if w.in_force(dt.date(2026, 11, 21))]
    assert [r["workflow"] for r in response.get_json()["results"]] == in_force and len(in_force) >= 7


def test_invalid_facts_are_422_naming_the_field(api):
    facts = demo_facts("dawit")
    facts["status_history"] = [{"status": "duldung", "from": "2024-01-01", "to": "2023-01-01"}]
    facts["person"]["gender"] = "x"
    response = api.post("/assessments", {"facts": facts})
    assert response.status_code == 422
    errors = field_errors(response)
    assert "liegt vor" in errors["status_history.0"]
    assert "unzulässiger Wert" in errors["person.gender"]


@pytest.mark.parametrize("on", ["21.11.2026", "2026-02-30", 20261121, "2026-W47-6", ""])
def test_bad_day_is_422_naming_on(api, on):
    response = api.post("/assessments", {"facts": demo_facts("dawit"), "on": on})
    assert response.status_code == 422
    assert list(field_errors(response)) == ["on"]


@pytest.mark.parametrize("workflow", ["section_99z", "", 25])
def test_unknown_workflow_is_422_naming_workflow(api, workflow):
    response = api.post("/assessments", {"facts": demo_facts("dawit"), "workflow": workflow})
    assert response.status_code == 422
    assert "section_25b" in field_errors(response)["workflow"]  # says which ones exist


def test_missing_facts_is_422(api):
    response = api.post("/assessments", {"on": "2026-11-21"})
    assert response.status_code == 422 and "facts" in field_errors(response)


def test_body_that_is_not_json_gets_a_clear_message(http, token):
    auth = {"Authorization": f"Bearer {token}"}
    form = http.post("/api/v1/assessments", data={"facts": "{}"}, headers=auth)
    assert form.status_code == 400 and "application/json" in form.get_json()["errors"][0]["reason"]
    broken = http.post("/api/v1/assessments", data="{facts:", content_type="application/json", headers=auth)
    assert broken.status_code == 400 and "kein gültiges JSON" in broken.get_json()["errors"][0]["reason"]
    array = http.post("/api/v1/assessments", json=[demo_facts("dawit")], headers=auth)
    assert array.status_code == 422 and "JSON-Objekt" in array.get_json()["errors"][0]["reason"]


# --- who may call -----------------------------------------------------------------------------------------------

def test_without_authentication_401(http):
    response = http.post("/api/v1/assessments", json={"facts": demo_facts("dawit")})
    assert response.status_code == 401
    assert "error" in response.get_json()
    assert http.get("/api/v1/clients/1").status_code == 401


@pytest.mark.parametrize("header", ["Bearer pk_falsch", "Bearer ", "Basic YmVyYXRlcmluOng=", "Bearer xyz"])
def test_bad_bearer_token_401(http, counsellor, header):
    response = http.post("/api/v1/assessments", json={"facts": demo_facts("dawit")},
                         headers={"Authorization": header})
    assert response.status_code == 401


def test_bearer_token_works_without_csrf(api):
    assert api.post("/assessments", {"facts": demo_facts("dawit")}).status_code == 200


def test_bearer_token_of_a_deactivated_user_401(api, counsellor):
    User.update(active=False).where(User.id == counsellor.id).execute()
    assert api.post("/assessments", {"facts": demo_facts("dawit")}).status_code == 401


def test_bearer_token_expires_after_the_configured_days(app, api, counsellor):
    """Probe finding 8: a token is good for API_TOKEN_DAYS days, then refused."""
    expires = User.get_by_id(counsellor.id).api_token_expires_at
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert abs(expires - (now + dt.timedelta(days=app.config["API_TOKEN_DAYS"]))) < dt.timedelta(minutes=1)
    assert api.get("/clients/1").status_code != 401
    User.update(api_token_expires_at=now - dt.timedelta(seconds=1)).where(User.id == counsellor.id).execute()
    assert api.get("/clients/1").status_code == 401


def test_bearer_token_ends_with_a_password_change(api, counsellor):
    """Probe finding 8."""
    set_password(User.get_by_id(counsellor.id), "ganz-neues-Kennwort-fuer-Skripte", "cli")
    assert api.post("/assessments", {"facts": demo_facts("dawit")}).status_code == 401


def test_bearer_token_ends_with_a_reset_of_the_second_factor(api, counsellor, administrator):
    """Probe finding 8."""
    reset_second_factor(User.get_by_id(counsellor.id), administrator)
    assert api.post("/assessments", {"facts": demo_facts("dawit")}).status_code == 401


@pytest.mark.parametrize("role", ["administrator", "authority_contact"])
def test_api_is_for_counsellors_only(http, make_user, role):
    other = Api(http, issue_api_token(make_user("andere", role=role)))
    response = other.post("/assessments", {"facts": demo_facts("dawit")})
    assert response.status_code == 403 and "error" in response.get_json()


def test_row15_session_post_needs_the_csrf_header(logged_in):
    body = {"facts": demo_facts("dawit"), "on": "2026-11-21"}
    missing = logged_in.post("/api/v1/assessments", json=body)
    assert missing.status_code == 400 and "X-CSRFToken" in field_errors(missing)
    wrong = logged_in.post("/api/v1/assessments", json=body, headers={"X-CSRFToken": "falsch"})
    assert wrong.status_code == 400
    created = logged_in.post("/api/v1/clients", json=body)
    assert created.status_code == 400 and Client.select().count() == 0  # nothing changed
    token = csrf_token(logged_in.get("/clients").get_data(as_text=True))
    ok = logged_in.post("/api/v1/assessments", json=body, headers={"X-CSRFToken": token})
    verdicts = {r["workflow"]: r["verdict"] for r in ok.get_json()["results"]}
    assert ok.status_code == 200 and verdicts["section_25b"] == "eligible_from"


def test_session_get_needs_no_csrf_header(logged_in, counsellor, api):
    client_id = api.post("/clients", {"facts": demo_facts("dawit")}).get_json()["id"]
    assert logged_in.get(f"/api/v1/clients/{client_id}").status_code == 200


# --- letters ----------------------------------------------------------------------------------------------------

def assert_docx(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()


@pytest.mark.parametrize("letter", ["antrag", "checkliste"])
def test_letter_from_facts_is_a_docx_and_is_not_kept(api, letter):
    response = api.post("/letters", {"facts": demo_facts("dawit"), "workflow": "section_25b", "letter": letter,
                                     "on": "2026-11-21"})
    assert_docx(response)
    assert "2026-11-21" in response.headers["Content-Disposition"]
    assert Document.select().count() == 0


def test_letter_refuses_facts_a_letter_cannot_hold(api):
    facts = demo_facts("dawit")
    facts["person"]["family_name"] = "Tesfaye\x0b"
    response = api.post("/letters", {"facts": facts, "workflow": "section_25b", "letter": "antrag"})
    assert response.status_code == 422
    error = response.get_json()["errors"][0]  # refused by the facts' own check now (probe finding 9), or the letter's
    assert "person.family_name" in error["field"] + error["reason"]


def test_a_letter_that_grows_without_bound_is_refused(app, api, monkeypatch, tmp_path):
    """Probe finding 4, checklist row 4: the render's output limit answers 422 with the reason, not a 500."""
    use_letter(monkeypatch, tmp_path, "section_25b", "antrag", GROWS_FOR_AMINA)
    app.config["RENDER_MAX_OUTPUT_BYTES"] = 1_000_000
    response = api.post("/letters", {"facts": demo_facts("amina"), "workflow": "section_25b", "letter": "antrag"})
    assert response.status_code == 422
    assert "größer als 1 MB" in response.get_json()["errors"][0]["reason"]
    other = api.post("/letters", {"facts": demo_facts("dawit"), "workflow": "section_25b", "letter": "antrag"})
    assert_docx(other)  # the same template, for a client it does not grow for


def test_letter_for_a_stored_client_is_kept(api):
    client_id = api.post("/clients", {"facts": demo_facts("dawit")}).get_json()["id"]
    response = api.post("/letters", {"client_id": client_id, "workflow": "section_25b", "letter": "antrag"})
    assert_docx(response)
    document = Document.get()
    assert (document.client_id, document.kind) == (client_id, "antrag")


@pytest.mark.parametrize("body, field", [
    ({"workflow": "section_25b", "letter": "brief"}, "letter"),
    ({"workflow": "section_99z", "letter": "antrag"}, "workflow"),
    ({"letter": "antrag"}, "workflow"),
    ({"workflow": "section_25b", "letter": "antrag", "client_id": 1}, "facts"),  # both facts and client_id
    ({"workflow": "section_25b", "letter": "antrag", "facts": None}, "facts"),  # neither
])
def test_letter_input_errors_name_the_field(api, body, field):
    body = {"facts": demo_facts("dawit"), **body}
    response = api.post("/letters", body)
    assert response.status_code == 422
    assert field in field_errors(response)


# --- clients ----------------------------------------------------------------------------------------------------

def test_clients_round_trip(api, counsellor):
    facts = demo_facts("dawit")
    created = api.post("/clients", {"facts": facts})
    assert created.status_code == 201
    client_id, reference = created.get_json()["id"], created.get_json()["reference"]
    exported = api.get(f"/clients/{client_id}").get_json()
    assert exported["id"] == client_id and exported["reference"] == reference
    assert exported["facts"]["person"]["family_name"] == "Tesfaye"
    assert parse_facts(exported["facts"]) == parse_facts(facts)  # nothing lost ("to": null is simply left out)
    again = api.post("/clients", exported)  # an export can be imported again (id and reference are ignored)
    assert again.status_code == 201 and again.get_json()["id"] != client_id


def test_row11_another_counsellors_client_is_404(api, colleague_api):
    theirs = colleague_api.post("/clients", {"facts": demo_facts("amina")}).get_json()["id"]
    response = api.get(f"/clients/{theirs}")
    assert response.status_code == 404 and response.get_json() == {"error": "Nicht gefunden"}
    assert api.get(f"/clients/{theirs + 1000}").get_json() == response.get_json()  # same as a missing one
    letter = api.post("/letters", {"client_id": theirs, "workflow": "section_25b", "letter": "antrag"})
    assert letter.status_code == 404 and Document.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "client.access_denied").count() == 3
    assert colleague_api.get(f"/clients/{theirs}").status_code == 200


def test_row14_extra_fields_never_change_ownership(api, counsellor, make_user):
    other = make_user("kollege", role="administrator")
    body = {"facts": demo_facts("dawit"), "counsellor_id": other.id, "counsellor": other.id,
            "role": "administrator", "org_id": 7, "id": 999, "reference": "K-GEKAPERT"}
    response = api.post("/clients", body)
    assert response.status_code == 201
    client = Client.get_by_id(response.get_json()["id"])
    assert client.counsellor_id == counsellor.id
    assert client.id != 999 and client.reference != "K-GEKAPERT"
    assert User.get_by_id(counsellor.id).role == "counsellor"
    assert api.get(f"/clients/{client.id}").status_code == 200
    inside = demo_facts("dawit") | {"counsellor_id": other.id}  # inside the facts: refused, not ignored
    refused = api.post("/clients", {"facts": inside})
    assert refused.status_code == 422 and field_errors(refused) == {"counsellor_id": "unbekanntes Feld"}


def test_row35_client_create_and_export_are_audited_without_personal_data(api, counsellor):
    facts = demo_facts("dawit")
    facts["person"]["family_name"] = "Tesfaye\nZweite Zeile"
    client_id = api.post("/clients", {"facts": facts}).get_json()["id"]
    api.get(f"/clients/{client_id}")
    events = list(AuditEvent.select().where(AuditEvent.object_type == "client"))
    assert [(e.actor, e.action, e.object_id) for e in events] == [
        ("beraterin", "client.create", str(client_id)), ("beraterin", "client.export", str(client_id))]
    assert all(e.at is not None for e in events)
    everything = " ".join(f"{e.actor} {e.action} {e.object_type} {e.object_id} {e.detail}"
                          for e in AuditEvent.select())
    assert "Tesfaye" not in everything and "Zweite Zeile" not in everything and "\n" not in everything
    assert audit.verify_chain() is None


# --- facts change and follow-ups --------------------------------------------------------------------------------

@pytest.fixture
def saturday(monkeypatch):
    """Today is Saturday 21.11.2026 for the follow-ups computed and shown."""
    from perspektive.law.periods import GERMANY

    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: dt.datetime(2026, 11, 21, 10, tzinfo=GERMANY))


def yasmin(**training) -> dict:
    facts = demo_facts("yasmin")
    facts["training"].update(training)
    return facts


def test_put_facts_moves_the_followups_and_answers_with_them(api, saturday):
    client_id = api.post("/clients", {"facts": yasmin()}).get_json()["id"]
    response = api.put(f"/clients/{client_id}/facts", {"facts": yasmin(start_date="2027-09-01")})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == client_id and body["facts"]["training"]["start_date"] == "2027-09-01"
    assert body["facts"] == api.get(f"/clients/{client_id}").get_json()["facts"]
    windows = {f["workflow"]: f for f in body["followups"] if f["kind"] == "application_window_opens"}
    assert set(windows) == {"section_60c", "section_16g"}
    for followup in windows.values():
        assert (followup["due"], followup["previous_due"], followup["state"]) == ("2027-02-01", "2027-01-01", "open")
        assert followup["change_note"] == "Datum geändert von 01.01.2027 auf 01.02.2027: Fakten geändert am 21.11.2026"
        assert "7 Monate vor Ausbildungsbeginn" in followup["text"] and followup["citation"].startswith("§ ")
        assert followup["basis"] == "Ausbildungsbeginn (laut Vertrag) 01.09.2027 minus 7 Monate"
    birthday = next(f for f in body["followups"] if f["kind"] == "last_day_before_27")
    assert (birthday["due"], birthday["previous_due"], birthday["change_note"]) == ("2031-02-13", None, "")


def test_followups_list_keeps_what_was_dropped_and_why(api, saturday):
    client_id = api.post("/clients", {"facts": yasmin()}).get_json()["id"]
    facts = yasmin()
    del facts["training"]
    response = api.put(f"/clients/{client_id}/facts", {"facts": facts})
    assert [f["kind"] for f in response.get_json()["followups"]] == ["passport_expires", "last_day_before_27"]  # open
    listed = api.get(f"/clients/{client_id}/followups")
    assert listed.status_code == 200
    followups = listed.get_json()["followups"]
    assert len(followups) == 6 and [f["due"] for f in followups] == sorted(f["due"] for f in followups)
    dropped = [f for f in followups if f["state"] == "dismissed"]
    assert {(f["workflow"], f["kind"]) for f in dropped} == {
        (w, k) for w in ("section_60c", "section_16g") for k in ("application_window_opens", "training_ends")}
    assert all(f["state_note"].startswith("entfallen: Fakten geändert am 21.11.2026") for f in dropped)


def test_put_invalid_facts_is_422_naming_the_fields_and_changes_nothing(api, saturday):
    client_id = api.post("/clients", {"facts": yasmin()}).get_json()["id"]
    before = api.get(f"/clients/{client_id}/followups").get_json()
    facts = yasmin(start_date="2027-09-01")
    facts["status_history"] = [{"status": "duldung", "from": "2024-01-01", "to": "2023-01-01"}]
    facts["person"]["gender"] = "x"
    response = api.put(f"/clients/{client_id}/facts", {"facts": facts})
    assert response.status_code == 422
    errors = field_errors(response)
    assert "liegt vor" in errors["status_history.0"] and "unzulässiger Wert" in errors["person.gender"]
    missing = api.put(f"/clients/{client_id}/facts", {"fakten": yasmin()})
    assert missing.status_code == 422 and "facts" in field_errors(missing)
    assert api.get(f"/clients/{client_id}/followups").get_json() == before
    assert api.get(f"/clients/{client_id}").get_json()["facts"]["training"]["start_date"] == "2027-08-01"


def test_another_counsellors_followups_and_facts_are_404(api, colleague_api, saturday):
    theirs = colleague_api.post("/clients", {"facts": yasmin()}).get_json()["id"]
    not_found = {"error": "Nicht gefunden"}
    for response in (api.put(f"/clients/{theirs}/facts", {"facts": yasmin(start_date="2027-09-01")}),
                     api.put(f"/clients/{theirs}/facts", {"facts": {"person": {"gender": "x"}}}),
                     api.get(f"/clients/{theirs}/followups"), api.get(f"/clients/{theirs + 1000}/followups")):
        assert response.status_code == 404 and response.get_json() == not_found
    unchanged = colleague_api.get(f"/clients/{theirs}/followups").get_json()["followups"]
    assert {f["due"] for f in unchanged if f["kind"] == "application_window_opens"} == {"2027-01-01"}


def test_session_put_needs_the_csrf_header(logged_in, api, saturday):
    client_id = api.post("/clients", {"facts": yasmin()}).get_json()["id"]
    body = {"facts": yasmin(start_date="2027-09-01")}
    missing = logged_in.put(f"/api/v1/clients/{client_id}/facts", json=body)
    assert missing.status_code == 400 and "X-CSRFToken" in field_errors(missing)
    assert api.get(f"/clients/{client_id}").get_json()["facts"]["training"]["start_date"] == "2027-08-01"
    token = csrf_token(logged_in.get("/clients").get_data(as_text=True))
    ok = logged_in.put(f"/api/v1/clients/{client_id}/facts", json=body,
                       headers={"X-CSRFToken": token, "If-Match": '"0"'})
    assert ok.status_code == 200 and ok.get_json()["facts"]["training"]["start_date"] == "2027-09-01"
    assert logged_in.get(f"/api/v1/clients/{client_id}/followups").status_code == 200


def test_the_facts_a_letter_argues_from_round_trip_through_the_api(api, counsellor):
    """Occupation, training company, employer, school, certificates and voluntary work (issue 14): accepted,
    stored and exported under the contract's names; a wrong certificate kind is a 422 naming the field."""
    facts = ahmad()
    created = api.post("/clients", {"facts": facts})
    assert created.status_code == 201
    exported = api.get(f"/clients/{created.get_json()['id']}").get_json()["facts"]
    assert exported["training"]["company"] == "Pflegedienst Elbtal GmbH" and exported["school"]["from_year"] == 2017
    assert exported["certificates"][0] == {"kind": "language_certificate", "name": "telc Deutsch B1", "level": "B1",
                                           "date": "2026-03-12", "issuer": "telc gGmbH"}
    assert exported["voluntary_work"][0]["from"] == "2024-05-01"
    assert exported["employment"][0]["employer"] == "Bäckerei Schmidt"
    assert parse_facts(exported) == parse_facts(facts)
    facts["certificates"] = [{"kind": "B1"}]
    refused = api.post("/assessments", {"facts": facts})
    assert refused.status_code == 422 and "unzulässiger Wert" in field_errors(refused)["certificates.0.kind"]
