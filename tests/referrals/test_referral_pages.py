"""The counsellor's side of a referral, through the client page: the client's release from confidentiality, the
send form, and what became of each referral. Real gpg keys and a real SMTP server (``smtp``)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from perspektive import referrals
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.referrals.consents import record_consent
from perspektive.referrals.contacts import add_contact, confirm_fingerprint
from perspektive.referrals.models import Consent, Outbox, Referral
from tests.conftest import csrf_token, demo_facts, login

NOTE = "Sehr geehrter Herr Meier,\nanbei der Fall – Müller & Söhne <GmbH>.\n"
XSS = "<img src=x onerror=alert(1)>"
ALL = ("letter", "checklist", "summary")
MEIER = "m.meier@abh.example"


@pytest.fixture
def client_row(app, counsellor):
    with db.connection_context():
        return create_client(parse_facts(demo_facts("amina")), counsellor)


def page(response) -> str:
    return response.get_data(as_text=True)


def section(html: str) -> str:
    """The referral section of the client page."""
    return html.split('id="uebermittlung"')[1].split("</section>")[0]


def client_page(http, client_row, query: str = "") -> str:
    response = http.get(f"/clients/{client_row.id}/uebermittlung{query}")
    assert response.status_code == 200
    return page(response)


EVERY_CATEGORY = ("person", "stay", "identity", "language", "work", "family", "convictions", "training")


def post_consent(http, client_row, contact_id, given_on=None, documents=ALL, token=None, categories=None):
    token = token or csrf_token(client_page(http, client_row))
    given_on = given_on if given_on is not None else (today_in_germany() - dt.timedelta(days=2)).isoformat()
    if categories is None:
        categories = EVERY_CATEGORY if "summary" in documents else ()
    return http.post(f"/clients/{client_row.id}/consents", data={
        "csrf_token": token, "given_on": given_on, "contact": str(contact_id), "documents": list(documents),
        "categories": list(categories)})


def preview_referral(http, client_row, contact_id, documents=ALL, note=NOTE, workflow="section_25b", token=None):
    token = token or csrf_token(client_page(http, client_row))
    return http.post(f"/clients/{client_row.id}/referrals", data={
        "csrf_token": token, "workflow": workflow, "contact": str(contact_id), "documents": list(documents),
        "note": note})


def hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)


def post_referral(http, client_row, contact_id, documents=ALL, note=NOTE, workflow="section_25b", token=None):
    """The counsellor's two steps: the preview, then its confirmation (the preview's response if it failed)."""
    shown = preview_referral(http, client_row, contact_id, documents, note, workflow, token)
    if shown.status_code != 200:
        return shown
    html = page(shown)
    form = html.split('id="bestaetigen"')[1]
    [digest] = hidden(form, "digest")
    data = {"csrf_token": csrf_token(html), "workflow": workflow, "contact": str(contact_id),
            "documents": list(documents), "note": note, "digest": digest, "confirm": "1"}
    if hidden(form, "categories_given"):
        data["categories_given"] = "1"
        data["categories"] = re.findall(r'name="categories" value="([a-z]+)" checked', form)
    return http.post(f"/clients/{client_row.id}/referrals", data=data)


def counts() -> tuple[int, int, int]:
    with db.connection_context():
        return Consent.select().count(), Referral.select().count(), Outbox.select().count()


# --- release from confidentiality -------------------------------------------------------------------------------

def test_a_consent_recorded_on_the_page_is_listed_with_recipient_and_scope(logged_in, client_row, contact):
    before = section(client_page(logged_in, client_row))
    assert "Noch keine Schweigepflichtentbindung erfasst" in before
    given = today_in_germany() - dt.timedelta(days=2)
    response = post_consent(logged_in, client_row, contact.id, given.isoformat(), documents=("summary", "letter"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{client_row.id}/uebermittlung"
    html = client_page(logged_in, client_row)
    assert "Schweigepflichtentbindung erfasst." in html  # the flash, without any personal data
    consents = html.split('class="list consents"')[1].split("</table>")[0]
    assert given.strftime("%d.%m.%Y") in consents
    assert "Max Meier" in consents and "Sachgebiet Bleiberecht" in consents
    assert "Antrag, Fallzusammenfassung" in consents and "Checkliste" not in consents
    assert "gültig" in consents and "Widerrufen" in consents
    with db.connection_context():
        consent = Consent.get()
        assert (consent.client_id, consent.recipient_id, consent.scope) == (client_row.id, contact.id, "letter,summary")
        assert consent.recorded_by.username == "beraterin"
        recorded = AuditEvent.get(AuditEvent.action == "consent.record")
        assert recorded.detail == f"Person {client_row.id}, Kontakt {contact.id}"  # German, ids only


def test_a_date_typed_in_german_is_understood(logged_in, client_row, contact):
    given = today_in_germany() - dt.timedelta(days=10)
    assert post_consent(logged_in, client_row, contact.id, given.strftime("%d.%m.%Y")).status_code == 302
    with db.connection_context():
        assert Consent.get().given_on == given


def test_a_consent_dated_in_the_future_is_refused_with_the_reason_and_the_form_kept(logged_in, client_row, contact):
    tomorrow = today_in_germany() + dt.timedelta(days=1)
    response = post_consent(logged_in, client_row, contact.id, tomorrow.isoformat(), documents=("checklist",))
    html = page(response)
    assert response.status_code == 422
    form = html.split('id="entbindung"')[1].split("</form>")[0]
    assert f"Das Datum der Entbindung ({tomorrow:%d.%m.%Y}) liegt in der Zukunft" in form
    assert f'value="{tomorrow.isoformat()}"' in form
    assert f'<option value="{contact.id}" selected>' in form
    assert 'value="checklist" checked' in form and 'value="letter" checked' not in form
    assert counts() == (0, 0, 0)
    assert "liegt in der Zukunft" not in client_page(logged_in, client_row)  # a page, not a flash


@pytest.mark.parametrize("given_on, documents, reason", [
    ("", ALL, "gültiges Datum"),
    ("2026-02-30", ALL, "gültiges Datum"),
    ("2026-W47-6", ALL, "gültiges Datum"),
    ("2026-11-01", (), "mindestens eine Unterlage"),
    ("2026-11-01", ("letter", "passport"), "Unbekannte Unterlagen: passport"),
])
def test_bad_consent_input_is_refused_clearly(logged_in, client_row, contact, given_on, documents, reason):
    response = post_consent(logged_in, client_row, contact.id, given_on, documents=documents)
    assert response.status_code == 422
    assert reason in page(response).split('id="entbindung"')[1]
    assert counts() == (0, 0, 0)


def test_a_withdrawn_consent_is_shown_as_withdrawn_and_no_longer_covers_a_referral(logged_in, client_row, contact,
                                                                                 smtp):
    post_consent(logged_in, client_row, contact.id)
    with db.connection_context():
        consent = Consent.get()
    token = csrf_token(client_page(logged_in, client_row))
    response = logged_in.post(f"/clients/{client_row.id}/consents/{consent.id}/withdraw", data={"csrf_token": token})
    assert response.status_code == 302
    consents = client_page(logged_in, client_row).split('class="list consents"')[1].split("</table>")[0]
    assert f"widerrufen am {today_in_germany():%d.%m.%Y}" in consents and "Widerrufen" not in consents
    refused = post_referral(logged_in, client_row, contact.id)
    assert refused.status_code == 422 and "Es fehlt eine Schweigepflichtentbindung" in page(refused)
    assert smtp.messages == []


# --- sending ----------------------------------------------------------------------------------------------------

def test_sending_without_a_consent_shows_the_reason_keeps_the_form_and_sends_nothing(logged_in, client_row,
                                                                                    contact, smtp):
    response = post_referral(logged_in, client_row, contact.id, documents=("summary",), note=NOTE + XSS)
    html = page(response)
    assert response.status_code == 422
    form = html.split('id="senden"')[1].split("</form>")[0]
    assert "Es fehlt eine Schweigepflichtentbindung" in form
    assert "Müller &amp; Söhne &lt;GmbH&gt;" in form  # the note is back in the textarea, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in form and XSS not in html
    assert 'value="summary" checked' in form and 'value="letter" checked' not in form
    assert '<option value="section_25b" selected>' in form
    assert counts() == (0, 0, 0)
    assert smtp.messages == []
    assert "Es fehlt eine Schweigepflichtentbindung" not in client_page(logged_in, client_row)  # no flash


def test_sending_with_consent_delivers_one_mail_and_the_page_says_sent(logged_in, client_row, contact, smtp):
    post_consent(logged_in, client_row, contact.id)
    response = post_referral(logged_in, client_row, contact.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{client_row.id}/uebermittlung"
    [received] = smtp.to(MEIER)
    assert received.message.get_content_type() == "multipart/encrypted"
    assert b"Yousef" not in received.data and b"Sehr geehrter" not in received.data
    html = client_page(logged_in, client_row)
    with db.connection_context():
        referral = Referral.get()
    reference = referral.id[:8].upper()
    [flash] = re.findall(r'<p class="flash flash-info" role="status">([^<]*)</p>', html)
    assert flash == f"Übermittlung {reference} eingereiht."
    listed = html.split('class="list referrals"')[1].split("</table>")[0]
    assert reference in listed and "Max Meier" in listed
    assert "Antrag, Checkliste, Fallzusammenfassung" in listed and "§ 25b AufenthG" in listed
    assert re.search(r"gesendet am \d\d\.\d\d\.\d{4} \d\d:\d\d", listed)
    assert "Empfang bestätigt" not in listed
    assert "Sehr geehrter" not in html  # the note is not kept in plaintext, nor shown


def test_a_queued_referral_is_shown_as_waiting(logged_in, client_row, contact, smtp, monkeypatch):
    """As in production, where the Huey consumer sends it later."""
    monkeypatch.setattr("perspektive.referrals.tasks.enqueue", lambda referral_id, delay=None: None)
    post_consent(logged_in, client_row, contact.id)
    assert post_referral(logged_in, client_row, contact.id).status_code == 302
    listed = client_page(logged_in, client_row).split('class="list referrals"')[1].split("</table>")[0]
    assert "in Warteschlange" in listed and "gesendet" not in listed
    assert smtp.messages == []


def test_mail_trouble_is_shown_with_the_attempt_and_reason_then_as_failed(app, logged_in, client_row, contact, smtp):
    from tests.common.smtp_sink import free_port

    post_consent(logged_in, client_row, contact.id)
    app.config.update(SMTP_PORT=free_port(), REFERRAL_MAX_ATTEMPTS=2)  # nobody listens there
    assert post_referral(logged_in, client_row, contact.id, documents=("summary",)).status_code == 302
    listed = client_page(logged_in, client_row).split('class="list referrals"')[1].split("</table>")[0]
    assert re.search(r"wird erneut versucht \(Versuch 1\): [^<]*nicht erreichbar", listed)
    with db.connection_context():
        referral = Referral.get()
        Outbox.update(next_attempt_at=referral.created_at).execute()
        referrals.deliver(referral.id)
    listed = client_page(logged_in, client_row).split('class="list referrals"')[1].split("</table>")[0]
    assert re.search(r"fehlgeschlagen: [^<]*nicht erreichbar[^<]*aufgegeben nach 2 Versuchen", listed)


@pytest.mark.parametrize("documents, workflow, reason", [
    ((), "section_25b", "mindestens eine Unterlage"),
    (("letter",), "", "Für Antrag, Checkliste oder Fallzusammenfassung bitte den Weg"),
    (("summary",), "section_99z", "Unbekannter Weg „section_99z“."),
])
def test_bad_referral_input_is_refused_with_the_reason(logged_in, client_row, contact, smtp, documents, workflow,
                                                       reason):
    post_consent(logged_in, client_row, contact.id)
    response = post_referral(logged_in, client_row, contact.id, documents=documents, workflow=workflow)
    assert response.status_code == 422
    assert reason in page(response).split('id="senden"')[1].split("</form>")[0]
    assert counts() == (1, 0, 0) and smtp.messages == []


def test_no_recipient_chosen_is_a_form_error(logged_in, client_row, contact, smtp):
    response = post_referral(logged_in, client_row, "")
    assert response.status_code == 422 and "Bitte eine Empfängerin / einen Empfänger wählen" in page(response)
    response = post_consent(logged_in, client_row, "")
    assert response.status_code == 422 and "Bitte eine Empfängerin / einen Empfänger wählen" in page(response)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("value, status", [
    ("999", 404), ("abc", 400), ("1.0", 400), ("01", 400), (" 1", 400), ("-1", 400), ("1e0", 400), ("١", 400),
])
def test_contact_ids_are_parsed_strictly_and_an_unknown_one_is_404(logged_in, client_row, contact, smtp, value,
                                                                   status):
    token = csrf_token(client_page(logged_in, client_row))
    assert post_consent(logged_in, client_row, value, token=token).status_code == status
    assert post_referral(logged_in, client_row, value, token=token).status_code == status
    assert counts() == (0, 0, 0) and smtp.messages == []


def test_another_counsellors_client_is_404_for_consent_withdrawal_and_referral(logged_in, client_row, contact,
                                                                              smtp, make_user):
    colleague = make_user("kollege")
    with db.connection_context():
        theirs = create_client(parse_facts(demo_facts("dawit")), colleague)
        consent = record_consent(theirs, contact, today_in_germany(), ALL, colleague, today_in_germany())
    token = csrf_token(client_page(logged_in, client_row))
    assert post_consent(logged_in, theirs, contact.id, token=token).status_code == 404
    assert post_referral(logged_in, theirs, contact.id, token=token).status_code == 404
    withdraw = f"/clients/{theirs.id}/consents/{consent.id}/withdraw"
    assert logged_in.post(withdraw, data={"csrf_token": token}).status_code == 404
    # nor through my own client: the consent is not this client's
    mine = f"/clients/{client_row.id}/consents/{consent.id}/withdraw"
    assert logged_in.post(mine, data={"csrf_token": token}).status_code == 404
    with db.connection_context():
        assert Consent.get_by_id(consent.id).withdrawn_on is None
        assert Referral.select().count() == 0 and Consent.select().count() == 1
        denied = AuditEvent.select().where(AuditEvent.action == "client.access_denied").count()
    assert denied == 3 and smtp.messages == []


def test_row15_posts_without_csrf_token_are_400_and_change_nothing(logged_in, client_row, contact, smtp):
    url = f"/clients/{client_row.id}"
    assert logged_in.post(f"{url}/consents", data={"given_on": today_in_germany().isoformat(),
                                                   "contact": str(contact.id), "documents": "summary"}).status_code == 400
    post_consent(logged_in, client_row, contact.id)
    assert logged_in.post(f"{url}/referrals", data={"workflow": "section_25b", "contact": str(contact.id),
                                                    "documents": "summary", "note": "x"}).status_code == 400
    with db.connection_context():
        consent = Consent.get()
    assert logged_in.post(f"{url}/consents/{consent.id}/withdraw").status_code == 400
    assert counts() == (1, 0, 0) and smtp.messages == []
    with db.connection_context():
        assert Consent.get().withdrawn_on is None


def test_row16_sending_and_withdrawing_over_get_is_405(logged_in, client_row, contact, smtp):
    post_consent(logged_in, client_row, contact.id)
    with db.connection_context():
        consent = Consent.get()
    for url in (f"/clients/{client_row.id}/referrals", f"/clients/{client_row.id}/consents",
                f"/clients/{client_row.id}/consents/{consent.id}/withdraw"):
        assert logged_in.get(url).status_code == 405
    assert counts() == (1, 0, 0)
    with db.connection_context():
        assert Consent.get().withdrawn_on is None


# --- the proposed contacts --------------------------------------------------------------------------------------

def _contact(administrator, pgp_key, name: str, email: str, workflows: str, confirm: bool = True, **key_options):
    key = pgp_key("brainpoolP256r1", email, **key_options)
    with db.connection_context():
        made = add_contact(name=name, email=email, department="Sachgebiet Aufenthalt", workflows=workflows,
                           armor=key.public, actor=administrator)
        if confirm:
            confirm_fingerprint(made, key.fingerprint, administrator)
        return made


def _options(html: str) -> list[str]:
    select = html.split('id="referral-contact"')[1].split("</select>")[0]
    return re.findall(r"<option[^>]*>[^<]*</option>", select)


def test_contacts_responsible_for_the_path_come_first_and_unusable_ones_are_disabled(logged_in, client_row, contact,
                                                                                     administrator, pgp_key):
    albers = _contact(administrator, pgp_key, "Anna Albers", "a.albers@abh.example", "section_60d")
    _contact(administrator, pgp_key, "Bernd Brandt", "b.brandt@abh.example", "section_25b", confirm=False)
    soon = _contact(administrator, pgp_key, "Clara Cramer", "c.cramer@abh.example", "", expire="10d")

    options = _options(client_page(logged_in, client_row, "?workflow=section_25b"))
    names = [re.sub(r"<[^>]*>", "", o).split(" – ")[0].strip() for o in options[1:]]
    assert names == ["Bernd Brandt", "Max Meier", "Anna Albers", "Clara Cramer"]
    brandt, meier, albers_option, cramer = options[1:]
    assert "disabled" in brandt and "noch nicht bestätigt" in brandt
    assert "selected" in meier and "disabled" not in meier  # proposed: responsible and able to receive
    assert "zuständig: § 25b AufenthG, § 25a AufenthG" in meier
    assert "disabled" not in albers_option and "selected" not in albers_option
    assert f"Schlüssel läuft am {soon.key_expires_at:%d.%m.%Y} ab" in cramer and "disabled" not in cramer
    assert "läuft" not in meier  # two years left

    options = _options(client_page(logged_in, client_row, "?workflow=section_60d"))
    assert f'value="{albers.id}" selected' in options[1] and "Anna Albers" in options[1]


def test_a_disabled_contact_can_not_be_sent_to_even_with_a_forged_form(logged_in, client_row, contact,
                                                                       administrator, pgp_key, smtp):
    brandt = _contact(administrator, pgp_key, "Bernd Brandt", "b.brandt@abh.example", "section_25b", confirm=False)
    post_consent(logged_in, client_row, brandt.id)
    response = post_referral(logged_in, client_row, brandt.id)
    assert response.status_code == 422
    assert "An Bernd Brandt kann nicht übermittelt werden: Der Fingerabdruck" in page(response)
    assert counts() == (1, 0, 0) and smtp.messages == []


def test_the_referral_section_is_escaped_and_has_no_inline_script_or_style(logged_in, counsellor, contact,
                                                                           administrator, pgp_key):
    hostile = _contact(administrator, pgp_key, XSS, "x@abh.example", "section_25b")
    with db.connection_context():
        mine = create_client(parse_facts(demo_facts("amina")), counsellor)
    assert post_consent(logged_in, mine, hostile.id).status_code == 302
    html = client_page(logged_in, mine)
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in section(html)
    assert "style=" not in html and "<script" not in html


def test_an_authority_contact_can_not_use_the_counsellor_pages(http, client_row, contact, authority_user):
    login(http, authority_user.username)
    token = csrf_token(page(http.get("/portal/")))
    for url in ("/clients", f"/clients/{client_row.id}"):
        assert http.get(url).status_code == 403
    assert post_consent(http, client_row, contact.id, token=token).status_code == 403
    assert post_referral(http, client_row, contact.id, token=token).status_code == 403
    assert counts() == (0, 0, 0)
