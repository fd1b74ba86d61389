"""Referrals end to end with the real gpg binary, a real SMTP server, and the authority's side done as an
authority does it: ``gpg --decrypt`` with the contact's secret key, then reading the MIME message."""
from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
from email import policy

import pytest

from perspektive import referrals
from perspektive.case_summary import render_summary
from perspektive.consents import record_consent
from perspektive.facts import parse_facts
from perspektive.models import Outbox, Referral, db
from perspektive.records import create_client
from tests.conftest import demo_facts

ON = dt.date(2026, 11, 21)
NOTE = "Sehr geehrter Herr Meier,\nanbei der Fall von Frau Yousef – Grüße, Müller & Söhne <GmbH>.\n"


@pytest.fixture
def client_row(app, counsellor):
    with db.connection_context():
        return create_client(parse_facts(demo_facts("amina")), counsellor)


def _queue(client_row, contact, counsellor, documents=("letter", "checklist", "summary"), note=NOTE,
           consent_documents=None):
    with db.connection_context():
        record_consent(client_row, contact, ON - dt.timedelta(days=3), consent_documents or documents, counsellor, ON)
        return referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                        documents=documents, note=note, workflow="section_25b", on=ON)


def _inner(key, received) -> email.message.EmailMessage:
    outer = received.message
    encrypted = list(outer.iter_parts())[1].get_content()
    return email.message_from_bytes(key.decrypt(encrypted), policy=policy.default)


def test_the_authority_decrypts_note_and_attachments_byte_for_byte(app, smtp, contact, counsellor, client_row,
                                                                   pgp_key):
    referral = _queue(client_row, contact, counsellor)
    assert referral.status == "sent", referral.last_error
    [received] = smtp.to("m.meier@abh.example")
    outer = received.message
    assert outer.get_content_type() == "multipart/encrypted"
    assert outer.get_param("protocol") == "application/pgp-encrypted"
    control, body = outer.iter_parts()
    assert control.get_content_type() == "application/pgp-encrypted"
    assert control.get_content().strip() in ("Version: 1", b"Version: 1")
    assert body.get_content_type() == "application/octet-stream"
    assert outer["Message-ID"] == f"<{referral.id}@fluechtlingsrat.example>"
    assert "Yousef" not in outer["Subject"] and "Amina" not in outer["Subject"]
    assert b"Yousef" not in received.data and NOTE.encode() not in received.data

    inner = _inner(pgp_key("brainpoolP256r1", "m.meier@abh.example"), received)
    text, *attachments = inner.iter_parts()
    assert text.get_content() == referrals.canonical_text(NOTE)
    with db.connection_context():
        stored = Referral.get_by_id(referral.id)
        manifest = json.loads(stored.manifest)
        expected_summary = render_summary(parse_facts(demo_facts("amina")), ON, app.config["ORGANISATION_NAME"])
        assert Outbox.select().count() == 0  # the plaintext note is gone with the outbox row
    names = [a.get_filename() for a in attachments]
    assert names == ["section_25b_antrag_2026-11-21.docx", "section_25b_checkliste_2026-11-21.docx",
                     "Fallzusammenfassung.txt"]
    for part, entry in zip(attachments, manifest):
        data = part.get_payload(decode=True)
        assert entry["name"] == part.get_filename()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
    assert attachments[2].get_payload(decode=True) == expected_summary
    assert body.get_content().replace(b"\r\n", b"\n") == stored.ciphertext.encode()  # kept: what was sent
