"""The administrators' console: access, authority contacts with their keys (real gpg keys), and the dashboard.

Everything is done as an administrator does it, through the pages, and checked on what the pages show."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import uuid

import pytest
from flask import url_for

from perspektive import referrals
from perspektive.accounts.models import User
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.referrals import contacts
from perspektive.referrals.consents import record_consent
from perspektive.referrals.models import AuthorityContact, Referral
from perspektive.referrals.openpgp import group_fingerprint
from perspektive.web.filters import german_time
from tests.conftest import csrf_token, demo_facts, enter_code, login

XSS = "<img src=x onerror=alert(1)>"


def _token(client, path="/admin/contacts/") -> str:
    return csrf_token(client.get(path, follow_redirects=True).get_data(as_text=True))


def _new_contact(client, **fields):
    data = {"name": "Erika Schulz", "department": "Ausländerbehörde Dresden", "email": "e.schulz@abh.example",
            "workflows": ["section_25b"], "user_id": "", "armor": "", "csrf_token": _token(client)}
    data.update(fields)
    return client.post("/admin/contacts/", data=data, content_type="multipart/form-data")


def _stored(contact_id: int) -> AuthorityContact:
    with db.connection_context():
        return AuthorityContact.get_by_id(contact_id)


def _only_contact() -> AuthorityContact:
    with db.connection_context():
        [made] = AuthorityContact.select()
        return made


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- access ---------------------------------------------------------------------------------------------------

def _admin_requests(app, contact_id, client_id):
    """(method, url) for every rule under /admin, with a real contact (or client, or workflow) id where the rule
    takes one."""
    real = {"client_id": client_id, "workflow_id": "section_25b"}
    with app.test_request_context():
        rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
        return [("GET" if "GET" in r.methods else "POST",
                 url_for(r.endpoint, **{a: real.get(a, contact_id) for a in r.arguments}))
                for r in rules]


def test_every_admin_route_is_closed_to_everyone_but_administrators(app, http, make_user, contact, authority_user,
                                                                   counsellor):
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    requests = _admin_requests(app, contact.id, client.id)
    assert len(requests) >= 9  # dashboard, list, create, contact page and the five changes
    assert ("GET", "/admin/") in requests and ("POST", f"/admin/contacts/{contact.id}/remove-key") in requests

    anonymous = app.test_client()
    token = _token(anonymous, "/login")
    for method, url in requests:
        response = anonymous.open(url, method=method, data={"csrf_token": token, "active": "0"})
        assert response.status_code == 302, (method, url)
        expected = f"/login?next={url}" if method == "GET" else "/login"
        assert response.headers["Location"] == expected, (method, url)

    make_user("berater2")
    for username in ("berater2", authority_user.username):
        other = app.test_client()
        assert login(other, username).status_code == 302
        token = _token(other, "/")
        for method, url in requests:
            response = other.open(url, method=method, data={"csrf_token": token, "active": "0"})
            assert response.status_code == 403, (username, method, url)
            assert "Kein Zugriff" in _text(response)
        assert 'href="/admin/"' not in _text(other.get("/", follow_redirects=True))

    stored = _stored(contact.id)
    assert stored.active and stored.fingerprint == contact.fingerprint and stored.confirmed_at is not None

    admin = app.test_client()
    assert login(admin, "verwaltung").status_code == 302
    for method, url in requests:
        if method == "GET":
            assert admin.get(url).status_code == 200, url
    assert 'href="/admin/"' in _text(admin.get("/admin/contacts/"))  # the nav link for administrators


def test_after_login_the_administrator_comes_back_to_the_admin_page(app, http, administrator):
    response = http.get("/admin/contacts/7")
    assert response.headers["Location"] == "/login?next=/admin/contacts/7"
    token = csrf_token(_text(http.get("/login")))
    after = http.post("/login?next=%2Fadmin%2Fcontacts%2F", data={"username": "verwaltung",
                                                                   "password": "korrekt-Pferd-Batterie-42",
                                                                   "csrf_token": token})
    assert after.headers["Location"] == "/login/code"
    assert enter_code(http, "verwaltung").headers["Location"] == "/admin/contacts/"


def test_state_changes_need_post(admin_http, contact):
    assert admin_http.get(f"/admin/contacts/{contact.id}/remove-key").status_code == 405
    assert admin_http.get(f"/admin/contacts/{contact.id}/active").status_code == 405
    assert _stored(contact.id).fingerprint == contact.fingerprint


def test_posts_without_csrf_token_are_refused_and_change_nothing(admin_http, contact):
    no_token = admin_http.post("/admin/contacts/", data={"name": "Ohne Token", "email": "x@abh.example"})
    assert no_token.status_code == 400 and "Formular ungültig" in _text(no_token)
    for action, data in (("remove-key", {}), ("active", {"active": "0"}),
                         ("edit", {"name": "Geändert", "email": "g@abh.example"})):
        response = admin_http.post(f"/admin/contacts/{contact.id}/{action}", data=data)
        assert response.status_code == 400, action
        wrong = admin_http.post(f"/admin/contacts/{contact.id}/{action}", data=dict(data, csrf_token="falsch"))
        assert wrong.status_code == 400, action
    with db.connection_context():
        assert [c.name for c in AuthorityContact.select()] == ["Max Meier"]
    stored = _stored(contact.id)
    assert stored.active and stored.fingerprint == contact.fingerprint and stored.confirmed_at is not None


# --- keys -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, reason", [
    ("rsa2048", "RSA mit 2048 Bit ist zu kurz: verlangt sind mindestens 3072 Bit"),
    ("cv25519", "ist nach BSI TR-02102-1 nicht zugelassen; zulässig sind RSA ab 3072 Bit oder die Brainpool-Kurven"),
    ("dsa", "DSA-Schlüssel werden nicht angenommen"),
])
def test_weak_keys_are_refused_with_the_reason_and_nothing_is_stored(app, admin_http, pgp_key, kind, reason):
    key = pgp_key(kind, "weak@abh.example")
    response = _new_contact(admin_http, armor=key.public)
    assert response.status_code == 422
    page = _text(response)
    assert reason in page
    assert 'value="Erika Schulz"' in page and "-----BEGIN PGP PUBLIC KEY BLOCK-----\n" in page  # form kept
    with db.connection_context():
        assert AuthorityContact.select().count() == 0
        assert AuditEvent.select().where(AuditEvent.action.startswith("contact.")).count() == 0


def test_a_key_that_can_only_sign_is_refused_for_want_of_an_encryption_subkey(admin_http, pgp_key):
    response = _new_contact(admin_http, armor=pgp_key("brainpoolP256r1", "signatur@abh.example",
                                                      encryption=False).public)
    assert response.status_code == 422
    assert "Der Schlüssel hat keinen gültigen Unterschlüssel zum Verschlüsseln." in _text(response)
    with db.connection_context():
        assert AuthorityContact.select().count() == 0


def test_a_weak_replacement_key_leaves_the_confirmed_key_in_place(admin_http, contact, pgp_key):
    weak = pgp_key("rsa2048", "m.meier@abh.example")
    response = admin_http.post(f"/admin/contacts/{contact.id}/key", data={
        "armor": weak.public, "csrf_token": _token(admin_http)}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "RSA mit 2048 Bit ist zu kurz" in _text(response)
    stored = _stored(contact.id)
    assert stored.fingerprint == contact.fingerprint and stored.confirmed_at is not None
    assert group_fingerprint(contact.fingerprint) in _text(response)


def test_a_brainpool_key_pasted_is_pinned_unconfirmed_and_shown_grouped(admin_http, pgp_key):
    key = pgp_key("brainpoolP256r1", "e.schulz@abh.example")
    response = _new_contact(admin_http, armor=key.public)
    assert response.status_code == 303
    made = _only_contact()
    assert response.headers["Location"] == f"/admin/contacts/{made.id}"
    assert made.fingerprint == key.fingerprint and made.confirmed_at is None
    page = _text(admin_http.get(response.headers["Location"]))
    assert "Kontakt Erika Schulz angelegt" in page
    assert f'<p class="fingerprint">{group_fingerprint(key.fingerprint)}</p>' in page
    assert "brainpoolP256r1" in page and "noch nicht bestätigt" in page
    assert 'action="/admin/contacts/%d/confirm"' % made.id in page
    listing = _text(admin_http.get("/admin/contacts/"))
    assert group_fingerprint(key.fingerprint) in listing and "§ 25b AufenthG" in listing


def test_an_rsa3072_key_uploaded_as_file_is_accepted(admin_http, pgp_key):
    key = pgp_key("rsa3072", "e.schulz@abh.example")
    response = _new_contact(admin_http, key_file=(io.BytesIO(key.public.encode("ascii")), "schulz.asc"))
    assert response.status_code == 303
    made = _only_contact()
    assert made.fingerprint == key.fingerprint and made.key_summary == "RSA 3072"
    page = _text(admin_http.get(response.headers["Location"]))
    assert group_fingerprint(key.fingerprint) in page and "RSA 3072" in page


def test_an_uploaded_file_that_is_not_text_is_refused(admin_http):
    binary = b"\x99\x01\x8d\x04" + bytes(range(128, 256))
    response = _new_contact(admin_http, key_file=(io.BytesIO(binary), "schulz.gpg"))
    assert response.status_code == 422
    assert "Die Datei ist kein Text" in _text(response)
    with db.connection_context():
        assert AuthorityContact.select().count() == 0


def test_a_replacement_key_for_an_existing_contact_needs_a_new_confirmation(admin_http, contact, pgp_key):
    new = pgp_key("brainpoolP384r1", "m.meier@abh.example")
    response = admin_http.post(f"/admin/contacts/{contact.id}/key", data={
        "key_file": (io.BytesIO(new.public.encode()), "meier-neu.asc"), "csrf_token": _token(admin_http)},
        content_type="multipart/form-data")
    assert response.status_code == 303
    stored = _stored(contact.id)
    assert stored.fingerprint == new.fingerprint and stored.confirmed_at is None
    page = _text(admin_http.get(response.headers["Location"]))
    assert "Bitte den Fingerabdruck mit dem Kontakt abgleichen" in page
    assert group_fingerprint(new.fingerprint) in page and "noch nicht bestätigt" in page


def test_confirming_needs_the_right_fingerprint(app, admin_http, administrator, pgp_key):
    key = pgp_key("brainpoolP256r1", "e.schulz@abh.example")
    other = pgp_key("brainpoolP384r1", "m.meier@abh.example")
    _new_contact(admin_http, armor=key.public)
    made = _only_contact()
    url = f"/admin/contacts/{made.id}/confirm"

    wrong = admin_http.post(url, data={"fingerprint": group_fingerprint(other.fingerprint),
                                       "csrf_token": _token(admin_http)})
    assert wrong.status_code == 422
    page = _text(wrong)
    assert "Der eingegebene Fingerabdruck stimmt nicht mit dem Schlüssel überein" in page
    assert f'value="{group_fingerprint(other.fingerprint)}"' in page  # what was typed stays in the field
    assert _stored(made.id).confirmed_at is None
    garbage = admin_http.post(url, data={"fingerprint": "1234", "csrf_token": _token(admin_http)})
    assert garbage.status_code == 422 and "40 Hexadezimalzeichen" in _text(garbage)
    assert _stored(made.id).confirmed_at is None

    typed = group_fingerprint(key.fingerprint).lower()
    right = admin_http.post(url, data={"fingerprint": typed, "csrf_token": _token(admin_http)})
    assert right.status_code == 303
    stored = _stored(made.id)
    assert stored.confirmed_at is not None and stored.confirmed_by_id == administrator.id
    page = _text(admin_http.get(right.headers["Location"]))
    assert "Fingerabdruck für Erika Schulz bestätigt" in page
    # German local time, as on every other page (not UTC)
    assert re.search(rf"am {re.escape(german_time(stored.confirmed_at))} von\s+Vera Verwaltung", page)
    assert f"<dd>{german_time(stored.key_imported_at)}</dd>" in page and "UTC" not in page
    assert "Bereit für Übermittlungen" in page and 'id="confirm"' not in page

    with db.connection_context():
        events = [(e.action, e.actor, e.object_id) for e in AuditEvent.select().where(
            AuditEvent.object_type == "authority_contact").order_by(AuditEvent.id)]
    assert events == [(action, "verwaltung", str(made.id)) for action in (
        "contact.create", "contact.key_import", "contact.key_confirm_mismatch", "contact.key_confirm")]


def test_no_referral_to_a_contact_whose_key_is_not_confirmed(app, admin_http, counsellor, pgp_key):
    key = pgp_key("brainpoolP256r1", "e.schulz@abh.example")
    _new_contact(admin_http, armor=key.public)
    made = _only_contact()
    page = _text(admin_http.get(f"/admin/contacts/{made.id}"))
    assert "Keine Übermittlung möglich: Der Fingerabdruck des Schlüssels ist noch nicht bestätigt" in page
    today = dt.date.today()
    with db.connection_context():
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
        record_consent(client, made, today, ["summary"], counsellor, today)
        assert "noch nicht bestätigt" in contacts.key_problem(made)
        with pytest.raises(referrals.ReferralError, match="noch nicht bestätigt"):
            referrals.queue_referral(client=client, contact=made, counsellor=counsellor, documents=["summary"])
        assert Referral.select().count() == 0


# --- edit, remove key, deactivate -------------------------------------------------------------------------------

def test_edit_remove_key_and_deactivate(admin_http, contact, authority_user):
    base = f"/admin/contacts/{contact.id}"
    bad = admin_http.post(f"{base}/edit", data={"name": "Max Meier", "email": "m.meier@abh.example",
                                                "workflows": ["section_99z"], "csrf_token": _token(admin_http)})
    assert bad.status_code == 422 and "Unbekannte Workflows: section_99z" in _text(bad)
    edited = admin_http.post(f"{base}/edit", data={
        "name": "Max Meier-Lange", "email": "m.meier@abh.example", "department": "SG 33",
        "workflows": ["section_25a"], "user_id": str(authority_user.id), "csrf_token": _token(admin_http)})
    assert edited.status_code == 303
    stored = _stored(contact.id)
    assert (stored.name, stored.department, stored.workflows) == ("Max Meier-Lange", "SG 33", "section_25a")
    assert stored.confirmed_at is not None  # details are not the key

    removed = admin_http.post(f"{base}/remove-key", data={"csrf_token": _token(admin_http)})
    assert removed.status_code == 303
    stored = _stored(contact.id)
    assert stored.fingerprint is None and stored.public_key is None and stored.confirmed_at is None
    page = _text(admin_http.get(base))
    assert "Kein Schlüssel hinterlegt" in page and group_fingerprint(contact.fingerprint) not in page

    off = admin_http.post(f"{base}/active", data={"active": "0", "csrf_token": _token(admin_http)})
    assert off.status_code == 303 and not _stored(contact.id).active
    assert "Kontakt Max Meier-Lange deaktiviert" in _text(admin_http.get(base))
    on = admin_http.post(f"{base}/active", data={"active": "1", "csrf_token": _token(admin_http)})
    assert on.status_code == 303 and _stored(contact.id).active
    with db.connection_context():
        actions = [e.action for e in AuditEvent.select().where(
            (AuditEvent.object_type == "authority_contact") & (AuditEvent.actor == "verwaltung"))]
    assert actions[-4:] == ["contact.update", "contact.key_remove", "contact.deactivate", "contact.activate"]


def test_a_portal_account_must_be_an_authority_contact(admin_http, counsellor):
    response = _new_contact(admin_http, user_id=str(counsellor.id))
    assert response.status_code == 422 and "Unbekanntes Portal-Konto" in _text(response)
    with db.connection_context():
        assert AuthorityContact.select().count() == 0


def test_a_portal_account_that_lost_its_role_is_named_by_the_role_it_needs(admin_http, contact, authority_user):
    """The contact's current account stays in the edit form; if it is no longer an authority contact, saving says
    so with the role's name as the account pages show it."""
    with db.connection_context():
        User.update(role="counsellor").where(User.id == authority_user.id).execute()
    form = {"name": "Max Meier", "email": "m.meier@abh.example", "workflows": ["section_25b"],
            "user_id": str(authority_user.id)}
    german = admin_http.post(f"/admin/contacts/{contact.id}/edit", data=dict(form, csrf_token=_token(admin_http)))
    assert german.status_code == 422
    assert "Das Portal-Konto muss die Rolle „Behördenkontakt“ haben." in html.unescape(_text(german))
    assert "authority_contact" not in html.unescape(_text(german))
    english = admin_http.post(f"/admin/contacts/{contact.id}/edit", data=dict(form, csrf_token=_token(admin_http)),
                              headers={"Accept-Language": "en"})
    assert "The portal account must have the role “Authority contact”." in html.unescape(_text(english))


# --- dashboard and escaping -------------------------------------------------------------------------------------

def test_dashboard_warns_of_ending_keys_and_lists_failed_referrals_without_the_client(app, admin_http, contact,
                                                                                     counsellor, pgp_key):
    ending = pgp_key("brainpoolP256r1", "x@abh.example", expire="20d")
    with db.connection_context():
        soon = contacts.add_contact(name="Susanne Bald", email="x@abh.example", armor=ending.public, actor="test")
        contacts.add_contact(name="Otto Ohneschlüssel", email="o@abh.example", actor="test")
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
        consent = record_consent(client, contact, dt.date.today(), ["summary"], counsellor, dt.date.today())
        failed = Referral.create(id=uuid.uuid4().hex, client=client, contact=contact, counsellor=counsellor,
                                 consent=consent, documents="summary", documents_on=dt.date.today(), status="failed",
                                 last_error="Schlüssel: Der Schlüssel ist widerrufen.")
        Referral.create(id=uuid.uuid4().hex, client=client, contact=contact, counsellor=counsellor, consent=consent,
                        documents="summary", documents_on=dt.date.today(), status="sent")
        soon = AuthorityContact.get_by_id(soon.id)
    page = _text(admin_http.get("/admin/"))

    expiring = page[page.index('id="expiring"'):page.index('id="unconfirmed"')]
    assert "endet am %s" % soon.key_expires_at.strftime("%d.%m.%Y") in expiring
    assert "Susanne Bald" in expiring and "Max Meier" not in expiring
    unconfirmed = page[page.index('id="unconfirmed"'):page.index('id="failed"')]
    assert "Otto Ohneschlüssel" in unconfirmed and "kein Schlüssel hinterlegt" in unconfirmed
    assert "Susanne Bald" in unconfirmed and "Max Meier" not in unconfirmed
    failures = page[page.index('id="failed"'):]
    failures = failures[:failures.index("</section>")]  # the team's follow-ups follow in their own section
    assert f"<code>{failed.id[:8].upper()}</code>" in failures
    assert "Max Meier" in failures and "Der Schlüssel ist widerrufen" in failures
    assert failures.count("<tr>") == 2  # the header and the one failed referral, not the sent one
    for personal in ("Amina", "Yousef", "DD-4711-25", client.reference):
        assert personal not in page


def test_markup_in_a_contact_name_is_shown_as_text(admin_http):
    response = _new_contact(admin_http, name=XSS, department=XSS)
    assert response.status_code == 303
    escaped = html.escape(XSS, quote=False)
    for url in ("/admin/contacts/", response.headers["Location"], "/admin/"):
        page = admin_http.get(url)
        text = _text(page)
        assert XSS not in text, url
        assert escaped in text, url
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
