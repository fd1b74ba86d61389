"""The authority's side of the portal: referrals listed by the authority's file number without names, the e-mail
as sent to fetch again, and how to read it with Thunderbird, Outlook (GpgOL) or Kleopatra."""
from __future__ import annotations

import email
from email import policy

import pytest

from perspektive import referrals
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.referrals.consents import record_consent
from tests.conftest import demo_facts, login

MEIER = "m.meier@abh.example"


def _client(counsellor, given: str, family: str, file_number: str | None):
    facts = demo_facts("amina")
    facts["person"].update(given_name=given, family_name=family, abh_file_number=file_number)
    if file_number is None:
        del facts["person"]["abh_file_number"]
    with db.connection_context():
        return create_client(parse_facts(facts), counsellor)


def _send(client_row, contact, counsellor):
    today = today_in_germany()
    with db.connection_context():
        record_consent(client_row, contact, today, ("letter",), counsellor, today)
        referral = referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                            documents=("letter",), note="Bitte um Prüfung.", workflow="section_25b")
    assert referral.status == "sent", referral.last_error
    return referral


@pytest.fixture
def meier(http, authority_user):
    assert login(http, authority_user.username).status_code == 302
    return http


@pytest.fixture
def three(app, smtp, contact, counsellor):
    """Three referrals: file numbers DD-4711-25 and AB-0815-24, and one the counsellor did not record."""
    return [_send(_client(counsellor, given, family, number), contact, counsellor)
            for given, family, number in (("Amina", "Yousef", "DD-4711-25"), ("Dawit", "Haile", "AB-0815-24"),
                                          ("Karim", "Nouri", None))]


def test_the_portal_lists_by_file_number_without_names(meier, three):
    html = meier.get("/portal/").get_data(as_text=True)
    table = html.split('class="list portal"')[1].split("</table>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in table.split('<td class="file-number">')[1:]]
    assert cells == ["AB-0815-24", "DD-4711-25", "nicht angegeben"]
    for name in ("Amina", "Yousef", "Dawit", "Haile", "Karim", "Nouri"):
        assert name not in html


def test_the_search_finds_a_file_number_however_it_is_typed(meier, three):
    found = meier.get("/portal/?az=dd 4711/25").get_data(as_text=True)
    table = found.split('class="list portal"')[1].split("</table>")[0]
    assert "DD-4711-25" in table and "AB-0815-24" not in table and "nicht angegeben" not in table
    assert "Keine Übermittlung mit diesem Aktenzeichen." in meier.get("/portal/?az=XY-1").get_data(as_text=True)


def test_the_email_can_be_fetched_again_exactly_as_sent(meier, three, smtp, pgp_key):
    referral = three[0]
    response = meier.get(f"/portal/referrals/{referral.id}.eml")
    assert response.status_code == 200 and response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"].endswith(".eml")
    fetched = email.message_from_bytes(response.data, policy=policy.default)
    [received] = [m for m in smtp.to(MEIER) if m.message["Message-ID"] == fetched["Message-ID"]]
    assert fetched.get_content_type() == "multipart/encrypted"
    assert list(fetched.iter_parts())[1].get_content() == list(received.message.iter_parts())[1].get_content()
    assert b"Yousef" not in response.data
    inner = pgp_key("brainpoolP256r1", MEIER).decrypt(list(fetched.iter_parts())[1].get_content())
    assert b"Bitte um Pr" in inner


def test_the_help_page_explains_the_tools_an_authority_has(meier):
    response = meier.get("/portal/anleitung")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for section in ('id="thunderbird"', 'id="outlook"', 'id="kleopatra"'):
        assert section in html
    for step in ("Ende-zu-Ende-Verschlüsselung", "GpgOL", "Entschlüsseln/Prüfen", ".eml"):
        assert step in html
    assert "gpg --decrypt" not in html
    assert 'href="/portal/anleitung"' in meier.get("/portal/").get_data(as_text=True)


def test_the_help_page_is_for_authority_contacts_only(logged_in):
    assert logged_in.get("/portal/anleitung").status_code in (302, 403, 404)
