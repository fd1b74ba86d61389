"""A case's outcome on the case page: recorded with the form, the case's state follows it, and a refused form
comes back with status 422, the values as typed and the German reason next to each field. Today is 21.11.2026."""
from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from perspektive.clients import cases, records
from perspektive.clients.models import Case
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from perspektive.statistics.models import CaseOutcome
from tests.conftest import csrf_token, demo_facts

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


@pytest.fixture
def case(counsellor):
    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    return cases.open_case(client, "section_25b", counsellor)


def url(case) -> str:
    return f"/clients/{case.client_id}/cases/{case.id}"


def send(http, case, **form):
    token = csrf_token(http.get(url(case)).get_data(as_text=True))
    return http.post(f"{url(case)}/outcome", data={"csrf_token": token, **form})


def errors(response) -> dict[str, str]:
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    return {p.get("id").removeprefix("outcome-").removesuffix("-error"): p.text_content().strip()
            for p in doc.xpath('//section[@id="ergebnis"]//p[@class="field-error"]')}


def test_a_grant_is_recorded_and_closes_the_case(logged_in, case):
    response = send(logged_in, case, outcome="granted", filed_on="02.03.2026", decided_on="14.10.2026",
                    permit_provision="section_25b", permit_valid_until="13.10.2028")
    assert response.status_code == 302
    stored = CaseOutcome.get(CaseOutcome.case_id == case.id)
    assert (stored.outcome, stored.filed_on, stored.decided_on, stored.permit_provision,
            stored.permit_valid_until) == ("granted", dt.date(2026, 3, 2), dt.date(2026, 10, 14), "section_25b",
                                           dt.date(2028, 10, 13))
    assert Case.get_by_id(case.id).status == "granted"
    page = logged_in.get(url(case)).get_data(as_text=True)
    doc = lxml.html.fromstring(page)
    assert doc.get_element_by_id("outcome-filed_on").get("value") == "02.03.2026"
    assert doc.xpath('//select[@id="outcome-outcome"]/option[@selected]')[0].text_content().strip() == "erteilt"


def test_a_refusal_keeps_several_reasons_and_filing_marks_the_case_submitted(logged_in, case):
    assert send(logged_in, case, outcome="open", filed_on="01.11.2026").status_code == 302
    assert Case.get_by_id(case.id).status == "submitted"
    response = send(logged_in, case, outcome="refused", filed_on="01.11.2026", decided_on="20.11.2026",
                    reasons=["identity", "convictions"])
    assert response.status_code == 302
    stored = CaseOutcome.get(CaseOutcome.case_id == case.id)
    assert (stored.refusal_identity, stored.refusal_livelihood, stored.refusal_language,
            stored.refusal_convictions, stored.refusal_other) == (True, False, False, True, False)
    assert Case.get_by_id(case.id).status == "refused"


@pytest.mark.parametrize("form, expected", [
    ({"outcome": "granted", "filed_on": "10.10.2026", "decided_on": "01.10.2026", "permit_provision": "section_25b"},
     {"decided_on": "Die Entscheidung kann nicht vor der Antragstellung liegen."}),
    ({"outcome": "refused", "filed_on": "01.10.2026", "decided_on": "22.11.2026", "reasons": ["language"]},
     {"decided_on": "Das Datum liegt in der Zukunft."}),
    ({"outcome": "refused", "filed_on": "01.10.2026", "decided_on": "20.11.2026"},
     {"reasons": "Bitte mindestens einen Ablehnungsgrund wählen."}),
    ({"outcome": "granted", "decided_on": "20.11.2026"},
     {"filed_on": "Bitte angeben, wann der Antrag gestellt wurde.",
      "permit_provision": "Bitte die erteilte Rechtsgrundlage wählen."}),
    ({"outcome": "open", "filed_on": "31.02.2026", "decided_on": "01.11.2026"},
     {"filed_on": "Bitte ein gültiges Datum angeben, z. B. 21.11.2026.",
      "decided_on": "Ein offener Fall hat noch kein Entscheidungsdatum."}),
    ({"outcome": "withdrawn", "filed_on": "01.10.2026", "decided_on": "05.10.2026", "reasons": ["other"]},
     {"reasons": "Ablehnungsgründe gibt es nur bei einer Ablehnung."}),
    ({"outcome": "granted", "filed_on": "01.10.2026", "decided_on": "05.10.2026", "permit_provision": "section_25b",
      "permit_valid_until": "05.10.2026"},
     {"permit_valid_until": "Die Erlaubnis muss nach der Entscheidung ablaufen."}),
    ({"outcome": "won"}, {"outcome": "Bitte ein Ergebnis wählen."}),
])
def test_a_wrong_outcome_is_refused_next_to_the_field_with_the_values_kept(logged_in, case, form, expected):
    response = send(logged_in, case, **form)
    assert response.status_code == 422
    assert errors(response) == expected
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    if "filed_on" in form:
        assert doc.get_element_by_id("outcome-filed_on").get("value") == form["filed_on"]
    assert CaseOutcome.get(CaseOutcome.case_id == case.id).outcome == "open"
    assert Case.get_by_id(case.id).status == "open"


def test_another_counsellors_case_is_not_found(logged_in, make_user):
    other = make_user("kollege")
    client = records.create_client(parse_facts(demo_facts("karim")), other)
    foreign = cases.open_case(client, "section_25b", other)
    token = csrf_token(logged_in.get("/clients").get_data(as_text=True))
    response = logged_in.post(f"{url(foreign)}/outcome", data={"csrf_token": token, "outcome": "granted"})
    assert response.status_code == 404


def test_a_granted_permits_expiry_becomes_a_renewal_followup(logged_in, case):
    from perspektive.followups.models import FollowUpRecord

    send(logged_in, case, outcome="granted", filed_on="02.03.2026", decided_on="14.10.2026",
         permit_provision="section_25b", permit_valid_until="13.10.2028")
    renewal = FollowUpRecord.get(FollowUpRecord.kind == f"verlaengerung-{case.id}")
    assert (renewal.client_id, renewal.workflow, renewal.due, renewal.state, renewal.citation) == (
        case.client_id, "", dt.date(2028, 10, 13), "open", "§ 81 Abs. 4 S. 1 AufenthG")
    assert renewal.text == "Aufenthaltserlaubnis nach § 25b AufenthG läuft ab: Verlängerung vor Ablauf beantragen"
    assert renewal.remind_days_before == "90,30"
    page = logged_in.get(url(case)).get_data(as_text=True)
    assert "13.10.2028" in page.split('id="fristen"')[1].split("</section>")[0]
