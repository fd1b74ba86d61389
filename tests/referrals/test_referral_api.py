"""Referrals through the JSON API: the summary is off unless named, the preview shows what will be sent, only its
confirmation sends, and more than the release covers is a clear 422."""
from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest

from perspektive.accounts.users import issue_api_token
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.referrals.consents import record_consent
from perspektive.referrals.models import Referral
from tests.common.docx_text import docx_lines
from tests.conftest import demo_facts
from tests.web.test_api import Api

MEIER = "m.meier@abh.example"


@pytest.fixture
def api(http, counsellor):
    return Api(http, issue_api_token(counsellor))


@pytest.fixture
def client_row(app, counsellor):
    with db.connection_context():
        return create_client(parse_facts(demo_facts("amina")), counsellor)


def _release(client_row, contact, counsellor, documents, categories=None):
    today = today_in_germany()
    with db.connection_context():
        record_consent(client_row, contact, today - dt.timedelta(days=1), documents, counsellor, today,
                       categories=categories)


def test_without_documents_the_summary_stays_out(api, client_row, contact, counsellor, smtp):
    _release(client_row, contact, counsellor, ("letter", "checklist", "summary"))
    shown = api.post(f"/clients/{client_row.id}/referrals/preview",
                     {"contact_id": contact.id, "workflow": "section_25b"})
    assert shown.status_code == 200, shown.json
    assert [a["name"].split("_")[1] for a in shown.json["attachments"]] == ["Antrag", "Checkliste"]
    assert shown.json["summary"] is None and shown.json["categories"] == []
    with db.connection_context():
        assert Referral.select().count() == 0
    assert smtp.to(MEIER) == []


def test_the_preview_then_its_confirmation_sends_what_was_shown(api, client_row, contact, counsellor, smtp,
                                                                 pgp_key):
    _release(client_row, contact, counsellor, ("summary",), categories=("person", "language"))
    body = {"contact_id": contact.id, "workflow": "section_25b", "documents": ["summary"], "note": "Zur Kenntnis."}
    shown = api.post(f"/clients/{client_row.id}/referrals/preview", body).json
    assert shown["categories"] == ["person", "language"]
    assert "mündliche Deutschkenntnisse: B1" in shown["summary"]

    unconfirmed = api.post(f"/clients/{client_row.id}/referrals", body)
    assert unconfirmed.status_code == 422 and unconfirmed.json["errors"][0]["field"] == "confirm"
    sent = api.post(f"/clients/{client_row.id}/referrals", {**body, "confirm": shown["digest"]})
    assert sent.status_code == 201, sent.json
    assert sent.json["status"] == "sent" and sent.json["categories"] == ["person", "language"]
    [received] = smtp.to(MEIER)
    inner = email.message_from_bytes(pgp_key("brainpoolP256r1", MEIER).decrypt(
        list(received.message.iter_parts())[1].get_content()), policy=policy.default)
    [summary] = [p for p in inner.iter_parts() if p.get_filename() == "Fallzusammenfassung.docx"]
    assert docx_lines(summary.get_payload(decode=True)) == shown["summary"]


def test_more_than_the_release_is_a_clear_422(api, client_row, contact, counsellor, smtp):
    _release(client_row, contact, counsellor, ("summary",), categories=("person",))
    refused = api.post(f"/clients/{client_row.id}/referrals/preview", {
        "contact_id": contact.id, "workflow": "section_25b", "documents": ["summary"],
        "categories": ["person", "convictions"]})
    assert refused.status_code == 422
    [error] = refused.json["errors"]
    assert "mehr, als die Schweigepflichtentbindung" in error["reason"] and "Verurteilungen" in error["reason"]
    with db.connection_context():
        assert Referral.select().count() == 0
    assert smtp.to(MEIER) == []


def test_a_stale_confirmation_is_refused(api, client_row, contact, counsellor, smtp):
    _release(client_row, contact, counsellor, ("letter",))
    body = {"contact_id": contact.id, "workflow": "section_25b", "documents": ["letter"], "note": "Erste Fassung"}
    shown = api.post(f"/clients/{client_row.id}/referrals/preview", body).json
    changed = api.post(f"/clients/{client_row.id}/referrals",
                       {**body, "note": "Andere Fassung", "confirm": shown["digest"]})
    assert changed.status_code == 422 and "seit der Vorschau geändert" in changed.json["errors"][0]["reason"]
    assert smtp.to(MEIER) == []


def test_bad_input_names_the_field(api, client_row, contact):
    for body, field in (({"workflow": "section_25b"}, "contact_id"),
                        ({"contact_id": contact.id, "workflow": "section_25b", "documents": "summary"}, "documents"),
                        ({"contact_id": contact.id, "workflow": "section_25b", "note": 5}, "note"),
                        ({"contact_id": contact.id}, "workflow")):
        answer = api.post(f"/clients/{client_row.id}/referrals/preview", body)
        assert answer.status_code == 422 and answer.json["errors"][0]["field"] == field, (body, answer.json)
