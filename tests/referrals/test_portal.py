"""The authority contacts' portal: the referrals addressed to them, the ciphertext to fetch and decrypt with their
own key, their receipt; nobody else's referrals and no client data. Real gpg keys and a real SMTP server."""
from __future__ import annotations

import email
import json
import re
from email import policy

import pytest

from perspektive import referrals
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.referrals.consents import record_consent
from perspektive.referrals.contacts import add_contact, confirm_fingerprint
from perspektive.referrals.models import Referral
from tests.common.docx_text import docx_lines
from tests.conftest import BrowserClient, csrf_token, demo_facts, login, without_tokens

NOTE = "Sehr geehrter Herr Meier,\nanbei der Fall, Rückfragen gern telefonisch.\n"
XSS = "<img src=x onerror=alert(1)>"
MEIER = "m.meier@abh.example"


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def browser(app):
    """A fresh browser per person: the counsellor and each authority contact have their own."""
    def new():
        app.test_client_class = BrowserClient
        return app.test_client()
    return new


@pytest.fixture
def client_row(app, counsellor):
    with db.connection_context():
        return create_client(parse_facts(demo_facts("amina")), counsellor)


def send(client_row, contact, counsellor, documents=("letter", "summary"), note=NOTE) -> Referral:
    """A consent and a referral through the core, as the counsellor's page does it."""
    with db.connection_context():
        record_consent(client_row, contact, today_in_germany(), documents, counsellor, today_in_germany())
        return referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                        documents=documents, note=note, workflow="section_25b")


@pytest.fixture
def sent(smtp, client_row, contact, counsellor) -> Referral:
    referral = send(client_row, contact, counsellor)
    assert referral.status == "sent", referral.last_error
    return referral


@pytest.fixture
def meier(browser, authority_user):
    http = browser()
    assert login(http, authority_user.username).status_code == 302
    return http


@pytest.fixture
def schulz(browser, make_user, administrator, pgp_key):
    """A second authority contact with her own portal account and key."""
    user = make_user("abh-schulz", role="authority_contact", display_name="Sabine Schulz",
                     email="s.schulz@abh.example")
    key = pgp_key("brainpoolP256r1", "s.schulz@abh.example")
    with db.connection_context():
        made = add_contact(name="Sabine Schulz", email="s.schulz@abh.example", workflows="section_60d",
                           armor=key.public, user=user, actor=administrator)
        confirm_fingerprint(made, key.fingerprint, administrator)
    http = browser()
    assert login(http, "abh-schulz").status_code == 302
    http.contact = made
    return http


def reference(referral) -> str:
    return referral.id[:8].upper()


def _token(http) -> str:
    return csrf_token(page(http.get("/portal/")))


# --- end to end through the pages -------------------------------------------------------------------------------

def test_a_referral_goes_from_the_client_page_to_the_contact_and_back(browser, client_row, contact, smtp, pgp_key,
                                                                       counsellor, authority_user):
    berta = browser()
    login(berta, counsellor.username)
    client_url = f"/clients/{client_row.id}"
    token = csrf_token(page(berta.get(client_url)))
    assert berta.post(f"{client_url}/consents", data={
        "csrf_token": token, "given_on": today_in_germany().isoformat(), "contact": str(contact.id),
        "documents": ["letter", "checklist", "summary"], "categories": ["person", "stay"]}).status_code == 302
    fields = {"csrf_token": token, "workflow": "section_25b", "contact": str(contact.id),
              "documents": ["letter", "checklist", "summary"], "note": NOTE + XSS}
    preview = page(berta.post(f"{client_url}/referrals", data=fields))  # the counsellor sees it, then confirms
    [digest] = re.findall(r'name="digest" value="([0-9a-f]{64})"', preview)
    assert berta.post(f"{client_url}/referrals", data={
        **fields, "digest": digest, "confirm": "1", "categories_given": "1",
        "categories": ["person", "stay"]}).status_code == 302
    assert "gesendet am" in page(berta.get(f"{client_url}/uebermittlung"))
    assert len(smtp.to(MEIER)) == 1
    with db.connection_context():
        referral = Referral.get()

    http = browser()
    login(http, authority_user.username)
    start = http.get("/")
    assert start.status_code == 302 and start.headers["Location"] == "/portal/"
    html = page(http.get("/portal/"))
    assert '<a href="/portal/">Übermittlungen</a>' in html  # nav
    row = html.split('class="list portal"')[1].split("</table>")[0]
    assert reference(referral) in row and "Berta Beraterin" in row and "§ 25b AufenthG" in row
    day = today_in_germany().strftime("%Y-%m-%d")
    for name in (f"25b_Antrag_{day}.docx", f"25b_Checkliste_{day}.docx", "Fallzusammenfassung.docx"):
        assert name in row
    assert "noch nicht bestätigt" in row
    person = demo_facts("amina")["person"]
    for value in (person["given_name"], person["family_name"], person["date_of_birth"], "12.04.1990",
                  person["address"], client_row.reference, "Sehr geehrter", "onerror"):
        assert value not in html
    assert person["abh_file_number"] in row  # the authority's own file number, as it files the case

    download = http.get(f"/portal/referrals/{referral.id}.asc")
    assert download.status_code == 200
    assert download.data.startswith(b"-----BEGIN PGP MESSAGE-----")
    inner = email.message_from_bytes(pgp_key("brainpoolP256r1", MEIER).decrypt(download.data), policy=policy.default)
    text, *attachments = inner.iter_parts()
    assert text.get_content().rstrip("\r\n") == referrals.canonical_text(NOTE + XSS)  # the note as typed
    assert [a.get_filename() for a in attachments][-1] == "Fallzusammenfassung.docx"
    # the data is there, for the key holder only
    assert "Familienname: Yousef" in docx_lines(attachments[-1].get_payload(decode=True))

    acknowledged = http.post(f"/portal/referrals/{referral.id}/acknowledge", data={"csrf_token": csrf_token(html)})
    assert acknowledged.status_code == 302 and acknowledged.headers["Location"] == "/portal/"
    after = page(http.get("/portal/"))
    assert f"Empfang von Vorgang {reference(referral)} bestätigt." in after  # flash with the reference only
    assert re.search(r"bestätigt am \d\d\.\d\d\.\d{4} \d\d:\d\d", after) and "noch nicht bestätigt" not in after

    listed = page(berta.get(f"{client_url}/uebermittlung")).split('class="list referrals"')[1].split("</table>")[0]
    assert re.search(r"Empfang bestätigt am \d\d\.\d\d\.\d{4} \d\d:\d\d durch Max Meier", listed)


# --- the list and the download ----------------------------------------------------------------------------------

def test_the_download_is_the_stored_ciphertext_as_an_attachment_and_is_audited(meier, sent):
    response = meier.get(f"/portal/referrals/{sent.id}.asc")
    assert response.status_code == 200
    assert response.mimetype == "application/pgp-encrypted"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"uebermittlung-{reference(sent)}.eml.asc" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with db.connection_context():
        assert response.data == Referral.get_by_id(sent.id).ciphertext.encode()
        events = [(e.actor, e.object_id) for e in AuditEvent.select().where(AuditEvent.action == "referral.download")]
    assert events == [("abh-meier", sent.id)]


def test_the_referral_page_lists_the_files_with_size_and_checksum(meier, sent):
    response = meier.get(f"/portal/referrals/{sent.id}")
    html = page(response)
    assert response.status_code == 200
    assert f"Vorgang {reference(sent)}" in html
    with db.connection_context():
        manifest = json.loads(Referral.get_by_id(sent.id).manifest)
    assert len(manifest) == 2
    for entry in manifest:
        assert entry["name"] in html and entry["sha256"] in html and f"{entry['size']} Bytes" in html
    assert "Yousef" not in html and "Amina" not in html


def test_a_referral_not_yet_sent_is_not_in_the_portal(meier, client_row, contact, counsellor, smtp, monkeypatch):
    monkeypatch.setattr("perspektive.referrals.tasks.enqueue", lambda referral_id, delay=None: None)
    queued = send(client_row, contact, counsellor)
    assert queued.status == "queued"
    assert "Keine Übermittlungen an Sie" in page(meier.get("/portal/"))
    assert meier.get(f"/portal/referrals/{queued.id}.asc").status_code == 404


def test_acknowledging_twice_keeps_the_first_receipt(meier, sent):
    token = _token(meier)
    assert meier.post(f"/portal/referrals/{sent.id}/acknowledge", data={"csrf_token": token}).status_code == 302
    with db.connection_context():
        first = Referral.get_by_id(sent.id).acknowledged_at
    assert meier.post(f"/portal/referrals/{sent.id}/acknowledge", data={"csrf_token": token}).status_code == 302
    with db.connection_context():
        again = Referral.get_by_id(sent.id)
        assert again.acknowledged_at == first and again.acknowledged_by.username == "abh-meier"
        assert AuditEvent.select().where(AuditEvent.action == "referral.acknowledge").count() == 1


# --- row 12: only one's own referrals --------------------------------------------------------------------------

def test_row12_another_contact_gets_404_for_the_referral_and_does_not_see_it(schulz, meier, sent):
    assert reference(sent) in page(meier.get("/portal/"))
    html = page(schulz.get("/portal/"))
    assert reference(sent) not in html and "Keine Übermittlungen an Sie" in html
    token = csrf_token(html)
    for response in (schulz.get(f"/portal/referrals/{sent.id}"), schulz.get(f"/portal/referrals/{sent.id}.asc"),
                     schulz.post(f"/portal/referrals/{sent.id}/acknowledge", data={"csrf_token": token})):
        assert response.status_code == 404
        assert "Nicht gefunden" in page(response) and "BEGIN PGP" not in page(response)
    with db.connection_context():
        assert Referral.get_by_id(sent.id).acknowledged_at is None
        denied = [(e.actor, e.object_id) for e in AuditEvent.select().where(
            AuditEvent.action == "referral.access_denied")]
        assert denied == [("abh-schulz", sent.id)] * 3
        assert AuditEvent.select().where(AuditEvent.action == "referral.download").count() == 0


def test_someone_elses_referral_looks_exactly_like_a_missing_one(schulz, sent):
    other = schulz.get(f"/portal/referrals/{sent.id}.asc")
    missing = schulz.get(f"/portal/referrals/{'0' * 32}.asc")
    assert (other.status_code, without_tokens(page(other))) == (missing.status_code, without_tokens(page(missing)))


@pytest.mark.parametrize("suffix", ["", ".asc"])
def test_malformed_referral_ids_are_404(meier, sent, suffix):
    for bad in (sent.id + "0", sent.id.upper(), sent.id[:31], f"{sent.id[:31]}%27", "..%2f..%2fetc%2fpasswd"):
        assert meier.get(f"/portal/referrals/{bad}{suffix}").status_code == 404


def test_each_contact_sees_only_the_referrals_addressed_to_them(schulz, meier, sent, client_row, counsellor):
    theirs = send(client_row, schulz.contact, counsellor, documents=("summary",), note="")
    assert theirs.status == "sent", theirs.last_error
    meier_html, schulz_html = page(meier.get("/portal/")), page(schulz.get("/portal/"))
    assert reference(sent) in meier_html and reference(theirs) not in meier_html
    assert reference(theirs) in schulz_html and reference(sent) not in schulz_html
    assert meier.get(f"/portal/referrals/{theirs.id}.asc").status_code == 404
    assert schulz.get(f"/portal/referrals/{theirs.id}.asc").status_code == 200


def test_row12_authority_contacts_get_403_on_client_pages(meier, client_row, sent):
    for url in ("/clients", f"/clients/{client_row.id}"):
        response = meier.get(url)
        assert response.status_code == 403 and "Kein Zugriff" in page(response)
        assert "Yousef" not in page(response)


@pytest.mark.parametrize("user_fixture", ["counsellor", "administrator"])
def test_other_roles_get_403_in_the_portal(request, browser, sent, user_fixture):
    user = request.getfixturevalue(user_fixture)
    http = browser()
    login(http, user.username)
    for url in ("/portal/", f"/portal/referrals/{sent.id}", f"/portal/referrals/{sent.id}.asc"):
        assert http.get(url).status_code == 403
    token = csrf_token(page(http.get("/portal/")))  # the 403 page carries a token too
    assert http.post(f"/portal/referrals/{sent.id}/acknowledge", data={"csrf_token": token}).status_code == 403
    with db.connection_context():
        assert Referral.get_by_id(sent.id).acknowledged_at is None


def test_anonymous_visitors_are_sent_to_the_login(http, sent):
    for url in ("/portal/", f"/portal/referrals/{sent.id}.asc"):
        response = http.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- rows 15, 16, 17 --------------------------------------------------------------------------------------------

def test_row16_acknowledge_over_get_and_download_over_post_are_405(meier, sent):
    assert meier.get(f"/portal/referrals/{sent.id}/acknowledge").status_code == 405
    token = _token(meier)
    assert meier.post(f"/portal/referrals/{sent.id}.asc", data={"csrf_token": token}).status_code == 405
    with db.connection_context():
        assert Referral.get_by_id(sent.id).acknowledged_at is None


def test_row15_acknowledge_without_csrf_token_is_400_and_changes_nothing(meier, sent):
    for data in ({}, {"csrf_token": "falsch"}):
        response = meier.post(f"/portal/referrals/{sent.id}/acknowledge", data=data)
        assert response.status_code == 400
    with db.connection_context():
        assert Referral.get_by_id(sent.id).acknowledged_at is None
        assert AuditEvent.select().where(AuditEvent.action == "referral.acknowledge").count() == 0
    assert "noch nicht bestätigt" in page(meier.get("/portal/"))


def test_row17_a_script_in_the_note_or_the_counsellors_name_is_never_rendered(browser, smtp, client_row, contact,
                                                                             make_user, authority_user):
    hostile = make_user("xss", display_name=XSS)
    with db.connection_context():
        theirs = create_client(parse_facts(demo_facts("amina")), hostile)
    referral = send(theirs, contact, hostile, note=XSS)
    assert referral.status == "sent", referral.last_error
    http = browser()
    login(http, authority_user.username)
    for url in ("/portal/", f"/portal/referrals/{referral.id}"):
        response = http.get(url)
        html = page(response)
        assert XSS not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the counsellor's name, escaped; the note not at all
        assert html.count("onerror") == 1
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert "<script" not in html and "style=" not in html
