"""Referrals end to end with the real gpg binary, a real SMTP server, and the authority's side done as an
authority does it: ``gpg --decrypt`` with the contact's secret key, then reading the MIME message."""
from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
from email import policy

import pytest

from perspektive import audit, referrals
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.documents.case_summary import summary_content, summary_lines
from perspektive.law.facts import parse_facts
from perspektive.referrals.consents import record_consent
from perspektive.referrals.models import Outbox, Referral
from tests.common.docx_text import docx_lines
from tests.common.hostile_letters import GROWS_FOR_AMINA, LOOPS_FOR_AMINA, use_letter
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
        expected_summary = summary_lines(summary_content(parse_facts(demo_facts("amina")), "section_25b", ON,
                                                         stored.categories.split(","),
                                                         app.config["ORGANISATION_NAME"]))
        assert Outbox.select().count() == 0  # the plaintext note is gone with the outbox row
    names = [a.get_filename() for a in attachments]
    assert names == ["25b_Antrag_2026-11-21.docx", "25b_Checkliste_2026-11-21.docx",
                     "Fallzusammenfassung.docx"]
    for part, entry in zip(attachments, manifest):
        data = part.get_payload(decode=True)
        assert entry["name"] == part.get_filename()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
    assert docx_lines(attachments[2].get_payload(decode=True)) == expected_summary
    assert body.get_content().replace(b"\r\n", b"\n") == stored.ciphertext.encode()  # kept: what was sent


def _pinned_encryption_subkey(key) -> str:
    import gnupg

    [listed] = gnupg.GPG(gnupghome=key.home).list_keys(keys=[key.fingerprint])
    return next(keyid for keyid, sub in listed["subkey_info"].items() if "e" in sub["cap"])


def test_an_impostor_key_for_the_same_address_is_never_used(app, smtp, contact, counsellor, client_row, pgp_key):
    """Row 24: encryption goes to the pinned fingerprint, not to whatever key carries the address."""
    impostor = pgp_key("brainpoolP256r1", "m.meier@abh.example.evil.example")
    lookalike = pgp_key("rsa3072", "m.meier@abh.example")  # same address, different key
    with app.app_context():
        from perspektive.referrals.contacts import keyring

        ring = keyring()
        for key in (impostor, lookalike):
            assert key.fingerprint in ring.gpg.import_keys(key.public).fingerprints
        referral = _queue(client_row, contact, counsellor, documents=("summary",))
        recipients = ring.gpg.get_recipients(referral.ciphertext)
    pinned = pgp_key("brainpoolP256r1", "m.meier@abh.example")
    assert recipients == [_pinned_encryption_subkey(pinned)]
    [received] = smtp.to("m.meier@abh.example")
    encrypted = list(received.message.iter_parts())[1].get_content()
    for key in (impostor, lookalike):
        assert key.gpg("--decrypt", data=encrypted).returncode != 0
    assert pinned.decrypt(encrypted)


def test_a_key_missing_from_the_keyring_is_imported_from_its_pinned_copy(app, smtp, contact, counsellor,
                                                                         client_row, tmp_path):
    app.config["GNUPG_HOME"] = str(tmp_path / "fresh-keyring")
    referral = _queue(client_row, contact, counsellor, documents=("summary",))
    assert referral.status == "sent"
    assert len(smtp.to("m.meier@abh.example")) == 1


# --- row 25: a key that can not be used ends the referral as failed, with the reason and nothing sent -------------

def _smtp_down(app) -> None:
    from tests.common.smtp_sink import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none")


def _retry_now(app, referral_id: str, port: int) -> Referral:
    from perspektive.db import utcnow

    app.config["SMTP_PORT"] = port
    with db.connection_context():
        Outbox.update(next_attempt_at=utcnow() - dt.timedelta(seconds=1)).where(
            Outbox.referral == referral_id).execute()
        referrals.deliver(referral_id)
        return Referral.get_by_id(referral_id)


def _assert_failed_quietly(referral, smtp, reason: str) -> None:
    assert referral.status == "failed"
    assert reason in referral.last_error
    assert smtp.to("m.meier@abh.example") == []
    assert Outbox.select().where(Outbox.referral == referral.id).count() == 0  # no plaintext note left behind
    [notice] = smtp.to("verwaltung@fluechtlingsrat.example")
    assert "fehlgeschlagen" in notice.message["Subject"] and reason in notice.message.get_content()
    assert b"Yousef" not in notice.data and b"Amina" not in notice.data


def test_a_key_revoked_in_the_keyring_fails_the_referral_and_alerts_administrators(app, smtp, contact, counsellor,
                                                                                  client_row, administrator,
                                                                                  pgp_key, tmp_path):
    from tests.common.pgp_keys import make_key

    key = make_key("brainpoolP256r1", "m.meier@abh.example")  # its own, since it gets revoked
    with app.app_context(), db.connection_context():
        from perspektive.referrals.contacts import confirm_fingerprint, import_key, keyring

        import_key(contact, key.public, administrator)
        confirm_fingerprint(contact, key.fingerprint, administrator)
        keyring().gpg.import_keys(key.revoked())  # e.g. the authority's revocation, imported by an administrator
    referral = _queue(client_row, contact, counsellor)
    with db.connection_context():
        _assert_failed_quietly(Referral.get_by_id(referral.id), smtp, "widerrufen")
        assert Referral.get_by_id(referral.id).ciphertext is None


@pytest.mark.parametrize("body, reason", [
    (LOOPS_FOR_AMINA, "dauerte länger als 2 Sekunden"),
    (GROWS_FOR_AMINA, "größer als 1 MB"),
], ids=["loops", "grows"])
def test_a_referral_whose_letter_runs_away_fails_with_the_reason(app, smtp, contact, counsellor, client_row,
                                                               administrator, monkeypatch, tmp_path, body, reason):
    """Probe finding 4, checklist row 4: the consumer's render stops at the limits and the referral fails with the
    reason (administrators are told), instead of blocking the consumer thread."""
    use_letter(monkeypatch, tmp_path, "section_25b", "antrag", body)
    app.config.update(RENDER_TIMEOUT_SECONDS=2, RENDER_MAX_OUTPUT_BYTES=1_000_000)
    referral = _queue(client_row, contact, counsellor, documents=("letter", "summary"))
    with db.connection_context():
        failed = Referral.get_by_id(referral.id)
        _assert_failed_quietly(failed, smtp, reason)
        assert failed.last_error.startswith("Unterlage:") and failed.ciphertext is None


def test_a_key_that_expires_before_the_retry_stops_the_resend(app, smtp, contact, counsellor, client_row,
                                                             administrator):
    import time

    from tests.common.pgp_keys import make_key

    key = make_key("brainpoolP256r1", "m.meier@abh.example", expire="seconds=6")
    with app.app_context(), db.connection_context():
        from perspektive.referrals.contacts import confirm_fingerprint, import_key

        import_key(contact, key.public, administrator)
        confirm_fingerprint(contact, key.fingerprint, administrator)
    port = app.config["SMTP_PORT"]
    _smtp_down(app)
    referral = _queue(client_row, contact, counsellor)
    assert referral.status == "retrying" and "nicht erreichbar" in referral.last_error
    from perspektive.db import utcnow

    assert contact.key_expires_at is not None
    time.sleep(max(0.0, (contact.key_expires_at - utcnow()).total_seconds() + 1.1))
    _assert_failed_quietly(_retry_now(app, referral.id, port), smtp, "abgelaufen")


def test_a_key_replaced_after_queueing_must_be_confirmed_again(app, smtp, contact, counsellor, client_row,
                                                              administrator, pgp_key):
    port = app.config["SMTP_PORT"]
    _smtp_down(app)
    referral = _queue(client_row, contact, counsellor)
    with app.app_context(), db.connection_context():
        from perspektive.referrals.contacts import import_key

        import_key(contact, pgp_key("brainpoolP384r1", "m.meier@abh.example").public, administrator)
    _assert_failed_quietly(_retry_now(app, referral.id, port), smtp, "nicht bestätigt")


def test_a_key_removed_after_queueing_fails_the_referral(app, smtp, contact, counsellor, client_row, administrator):
    port = app.config["SMTP_PORT"]
    _smtp_down(app)
    referral = _queue(client_row, contact, counsellor)
    with db.connection_context():
        contact.public_key = contact.fingerprint = None
        contact.save()
    _assert_failed_quietly(_retry_now(app, referral.id, port), smtp, "kein Schlüssel")


@pytest.mark.parametrize("change, reason", [
    ({"confirmed_at": None}, "nicht bestätigt"),
    ({"public_key": None}, "kein Schlüssel"),
    ({"key_expires_at": dt.datetime(2026, 1, 1)}, "abgelaufen"),
    ({"active": False}, "deaktiviert"),
])
def test_a_contact_whose_key_can_not_be_used_can_not_be_chosen(app, contact, counsellor, client_row, change, reason):
    with db.connection_context():
        for field, value in change.items():
            setattr(contact, field, value)
        contact.save()
        with pytest.raises(referrals.ReferralError, match=reason):
            _queue(client_row, contact, counsellor)
        assert Referral.select().count() == 0 and Outbox.select().count() == 0


# --- row 26: the key policy ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, reason", [
    ("rsa2048", "RSA mit 2048 Bit ist zu kurz"),
    ("cv25519", "Kurve ed25519 ist nach BSI TR-02102-1 nicht zugelassen"),
    ("nistp256", "Kurve nistp256"),
    ("dsa", "DSA-Schlüssel werden nicht angenommen"),
])
def test_weak_keys_are_refused_with_the_reason(app, administrator, pgp_key, kind, reason):
    from perspektive.referrals.contacts import add_contact
    from perspektive.referrals.models import AuthorityContact
    from perspektive.referrals.openpgp import KeyPolicyError

    with db.connection_context():
        with pytest.raises(KeyPolicyError, match=reason):
            add_contact(name="Erika Muster", email="e.muster@abh.example", armor=pgp_key(kind).public,
                        actor=administrator)
        assert AuthorityContact.select().count() == 0


@pytest.mark.parametrize("kind, summary", [("rsa3072", "RSA 3072"), ("brainpoolP384r1", "brainpoolP384r1")])
def test_rsa_3072_and_brainpool_keys_are_accepted_but_wait_for_confirmation(app, administrator, pgp_key, kind,
                                                                           summary):
    from perspektive.referrals.contacts import add_contact, key_problem
    from perspektive.referrals.openpgp import group_fingerprint

    key = pgp_key(kind)
    with db.connection_context():
        made = add_contact(name="Erika Muster", email="e.muster@abh.example", armor=key.public, actor=administrator)
    assert made.fingerprint == key.fingerprint and made.key_summary == summary
    assert made.key_expires_at.date() > ON + dt.timedelta(days=700)
    assert group_fingerprint(made.fingerprint).split() == [key.fingerprint[i:i + 4] for i in range(0, 40, 4)]
    assert "nicht bestätigt" in key_problem(made)


def test_keys_that_are_not_one_public_key_are_refused(app, pgp_key):
    from perspektive.db import utcnow
    from perspektive.referrals.openpgp import KeyPolicyError, inspect_armor

    one, other = pgp_key("brainpoolP256r1"), pgp_key("rsa3072")
    secret = one.gpg("--armor", "--export-secret-keys", one.fingerprint).stdout.decode()
    for armor, reason in ((secret, "privater Schlüssel"), (one.public + other.public, "genau einen"),
                          ("hallo", "Kein ASCII-armierter"), (one.public.replace("A", "B", 40), "genau einen")):
        with pytest.raises(KeyPolicyError, match=reason):
            inspect_armor(armor, utcnow())


def test_an_expired_key_is_refused_at_import(app, pgp_key):
    from perspektive.db import utcnow
    from perspektive.referrals.openpgp import KeyPolicyError, inspect_armor

    old = pgp_key("brainpoolP256r1", expire="1d", faked_time="20240101T000000")
    with pytest.raises(KeyPolicyError, match="abgelaufen"):
        inspect_armor(old.public, utcnow())


def test_a_confirmation_needs_the_exact_fingerprint(app, administrator, pgp_key):
    from perspektive.referrals.contacts import ContactError, add_contact, confirm_fingerprint

    key = pgp_key("brainpoolP256r1")
    with db.connection_context():
        made = add_contact(name="Erika Muster", email="e.muster@abh.example", armor=key.public, actor=administrator)
        wrong = key.fingerprint[:-1] + ("0" if key.fingerprint[-1] != "0" else "1")
        with pytest.raises(ContactError, match="stimmt nicht"):
            confirm_fingerprint(made, wrong, administrator)
        assert made.confirmed_at is None
        spaced = " ".join(key.fingerprint[i:i + 4] for i in range(0, 40, 4)).lower()
        confirm_fingerprint(made, spaced, administrator)
        assert made.confirmed_at is not None


# --- row 27: passphrases and the installed package --------------------------------------------------------------

def test_a_passphrase_with_a_line_break_is_refused(tmp_path):
    from perspektive.referrals.openpgp import Keyring

    with pytest.raises(ValueError, match="Zeilenumbruch"):
        Keyring(tmp_path / "ring", "0" * 40, "geheim\nGET /etc/passwd")
    import gnupg

    with pytest.raises(ValueError):  # the library's own guard (CVE-2019-6690) is present too
        gnupg.GPG(gnupghome=str(tmp_path / "other")).encrypt(b"x", ["0" * 40], passphrase="a\nb", sign="0" * 40)


def test_the_installed_gnupg_wrapper_is_python_gnupg_with_the_passphrase_fix():
    import importlib.metadata as metadata

    names = {d.metadata["Name"].lower() for d in metadata.distributions()}
    assert "python-gnupg" in names and "gnupg" not in names  # PyPI "gnupg" is an unmaintained fork
    major, minor, patch = (int(p) for p in metadata.version("python-gnupg").split(".")[:3])
    assert (major, minor, patch) >= (0, 5, 4)


def test_referrals_are_signed_with_the_counselling_key_when_one_is_configured(app, smtp, contact, counsellor,
                                                                             client_row, pgp_key):
    import subprocess
    import tempfile

    from perspektive.referrals.openpgp import stop_agent

    home = tempfile.mkdtemp(prefix="s", dir="/tmp")
    subprocess.run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase",
                    "Beratung 2026 geheim", "--quick-gen-key", "Beratung <bleiberecht@fluechtlingsrat.example>",
                    "brainpoolP256r1", "sign", "2y"], check=True, capture_output=True)
    listing = subprocess.run(["gpg", "--homedir", home, "--with-colons", "--list-secret-keys"], check=True,
                             capture_output=True, text=True).stdout
    ours = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    app.config.update(GNUPG_HOME=home, SIGNING_KEY=ours, SIGNING_KEY_PASSPHRASE="Beratung 2026 geheim")
    try:
        referral = _queue(client_row, contact, counsellor, documents=("summary",))
        assert referral.status == "sent", referral.last_error
    finally:
        stop_agent(home)
    authority = pgp_key("brainpoolP256r1", "m.meier@abh.example")
    authority.gpg("--import", data=subprocess.run(["gpg", "--homedir", home, "--armor", "--export", ours],
                                                  capture_output=True, check=True).stdout)
    [received] = smtp.to("m.meier@abh.example")
    result = authority.gpg("--status-fd", "2", "--decrypt", data=list(received.message.iter_parts())[1].get_content())
    assert f"VALIDSIG {ours}".encode() in result.stderr


# --- row 28: nothing personal in logs --------------------------------------------------------------------------

def test_a_referral_at_debug_level_logs_no_names_note_or_passphrase(app, smtp, contact, counsellor, client_row,
                                                                   caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        for name in ("gnupg", "perspektive", "peewee", "huey", "mail.log"):
            caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
        app.config["SIGNING_KEY_PASSPHRASE"] = ""  # none configured; the check below still covers the note
        referral = _queue(client_row, contact, counsellor)
    assert referral.status == "sent"
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "gnupg" in {r.name.split(".")[0] for r in caplog.records}  # the wrapper did log at DEBUG
    for personal in ("Yousef", "Amina", "Bautzner", "DD-4711", "Sehr geehrter", "Müller & Söhne"):
        assert personal not in logged


# --- row 30 and the outbox ---------------------------------------------------------------------------------------

def test_a_failure_before_commit_leaves_neither_referral_nor_outbox_row(app, smtp, contact, counsellor, client_row,
                                                                       monkeypatch):
    real = audit.record

    def fail_on_queue(actor, action, *args, **kwargs):
        if action == "referral.queue":
            raise RuntimeError("simulated crash after the inserts, before the commit")
        return real(actor, action, *args, **kwargs)

    monkeypatch.setattr("perspektive.referrals.outbox.audit.record", fail_on_queue)
    with pytest.raises(RuntimeError):
        _queue(client_row, contact, counsellor)
    with db.connection_context():
        assert Referral.select().count() == 0 and Outbox.select().count() == 0
    assert smtp.messages == []


def test_mail_failures_retry_with_growing_delays_and_end_failed_with_the_reason(app, contact, counsellor,
                                                                               client_row, smtp):
    from perspektive.db import utcnow

    _smtp_down(app)
    app.config["REFERRAL_MAX_ATTEMPTS"] = 3
    referral = _queue(client_row, contact, counsellor)
    delays = []
    with db.connection_context():
        for _ in range(2):
            row = Outbox.get(Outbox.referral == referral.id)
            delays.append(round((row.next_attempt_at - utcnow()).total_seconds() / 60))
            assert Referral.get_by_id(referral.id).status == "retrying"
            Outbox.update(next_attempt_at=utcnow()).where(Outbox.id == row.id).execute()
            referrals.deliver(referral.id)
        final = Referral.get_by_id(referral.id)
    assert delays == [1, 2]
    assert final.status == "failed" and final.attempts == 3
    assert "nicht erreichbar" in final.last_error and "nach 3 Versuchen" in final.last_error
    with db.connection_context():
        attempts = [e.detail for e in audit.AuditEvent.select().where(
            (audit.AuditEvent.object_id == referral.id) & (audit.AuditEvent.action == "referral.send_attempt"))
            .order_by(audit.AuditEvent.id)]
    # The log's details, in German as the administrators' audit page shows them.
    assert attempts == ["Versuch 1: Versand fehlgeschlagen, neuer Versuch in 60 s",
                        "Versuch 2: Versand fehlgeschlagen, neuer Versuch in 120 s",
                        "Versuch 3: fehlgeschlagen (Versand)"]


def test_the_sweep_resends_what_a_dead_worker_left_behind(app, contact, counsellor, client_row):
    from perspektive.db import utcnow

    _smtp_down(app)
    port = app.config["SMTP_PORT"]
    referral = _queue(client_row, contact, counsellor)
    with db.connection_context():
        # A worker claimed the row and died: its lease is still running, so nobody may take it yet.
        Outbox.update(next_attempt_at=utcnow(), lease_until=utcnow() + dt.timedelta(minutes=5)).execute()
        assert referrals.sweep() == 0
        Outbox.update(lease_until=utcnow() - dt.timedelta(seconds=1)).execute()
    from tests.common.smtp_sink import start_sink

    controller, sink = start_sink(port)
    try:
        with db.connection_context():
            assert referrals.sweep() == 1
            assert Referral.get_by_id(referral.id).status == "sent"
            assert Outbox.select().count() == 0
    finally:
        controller.stop()
    [received] = sink.to("m.meier@abh.example")
    assert received.message["Message-ID"] == f"<{referral.id}@fluechtlingsrat.example>"


def test_every_attempt_sends_the_same_bytes(app, smtp, contact, counsellor, client_row):
    referral = _queue(client_row, contact, counsellor, documents=("summary",))
    with db.connection_context():
        again = referrals.wire_message(Referral.get_by_id(referral.id))
    [received] = smtp.to("m.meier@abh.example")
    assert again.replace(b"\r\n", b"\n").strip() == received.data.replace(b"\r\n", b"\n").strip()


# --- consent ----------------------------------------------------------------------------------------------------

def test_no_referral_without_a_consent_that_covers_recipient_and_documents(app, smtp, contact, counsellor,
                                                                           client_row):
    from perspektive.referrals.consents import ConsentError, withdraw

    with db.connection_context():
        with pytest.raises(referrals.ReferralError, match="Schweigepflichtentbindung"):
            referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                     documents=["summary"], workflow="section_25b", on=ON)
        with pytest.raises(ConsentError, match="Zukunft"):
            record_consent(client_row, contact, ON + dt.timedelta(days=1), ["summary"], counsellor, ON)
        consent = record_consent(client_row, contact, ON, ["summary"], counsellor, ON)
        with pytest.raises(referrals.ReferralError, match="Schweigepflichtentbindung"):
            referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                     documents=["summary", "letter"], workflow="section_25b", on=ON)
        withdraw(consent, ON, counsellor)
        with pytest.raises(referrals.ReferralError, match="Schweigepflichtentbindung"):
            referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                     documents=["summary"], workflow="section_25b", on=ON)
    assert smtp.messages == []


@pytest.mark.parametrize("documents, note, workflow, reason", [
    ([], "", "section_25b", "mindestens eine Unterlage"),
    (["letter"], "", None, "Workflow"),
    (["summary"], "x" * 10_001, "section_25b", "zu lang"),
    (["summary"], "Hallo\x00", "section_25b", "Steuerzeichen"),
    (["fax"], "", "section_25b", "Unbekannte Unterlagen"),
])
def test_bad_referral_input_is_refused_clearly(app, contact, counsellor, client_row, documents, note, workflow,
                                              reason):
    with db.connection_context():
        record_consent(client_row, contact, ON, ["letter", "checklist", "summary"], counsellor, ON)
        with pytest.raises(referrals.ReferralError, match=reason):
            referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                     documents=documents, note=note, workflow=workflow, on=ON)
        assert Referral.select().count() == 0


# --- SMTP over TLS ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, standing in for the mail server's private CA."""
    import subprocess

    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder / "key.pem",
                    "-out", folder / "cert.pem"], check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_tls_and_a_wrong_certificate_stops_it(app, contact, counsellor, client_row, certificate,
                                                            security, tmp_path):
    import ssl

    from tests.common.smtp_sink import start_sink

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    options = {"tls_context": context, "require_starttls": True} if security == "starttls" else \
        {"ssl_context": context}
    controller, sink = start_sink(**options)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SECURITY=security,
                      SMTP_CA_FILE=str(cert), SMTP_USERNAME="")
    try:
        referral = _queue(client_row, contact, counsellor, documents=("summary",))
        assert referral.status == "sent", referral.last_error
        assert len(sink.to("m.meier@abh.example")) == 1
        app.config["SMTP_CA_FILE"] = ""  # the system CAs do not know this server: no mail, a clear reason
        with db.connection_context():
            second = referrals.queue_referral(client=client_row, contact=contact, counsellor=counsellor,
                                              documents=["summary"], workflow="section_25b", on=ON)
        assert second.status == "retrying" and "TLS" in second.last_error
        assert len(sink.to("m.meier@abh.example")) == 1
    finally:
        controller.stop()


def test_no_login_over_a_plain_connection(app, smtp, contact, counsellor, client_row):
    app.config.update(SMTP_USERNAME="beratung", SMTP_PASSWORD="geheim")
    referral = _queue(client_row, contact, counsellor, documents=("summary",))
    assert referral.status == "retrying" and "nur über starttls oder tls" in referral.last_error
    assert smtp.messages == []


# --- warnings and the audit trail --------------------------------------------------------------------------------

def test_administrators_hear_each_morning_of_keys_that_end_within_30_days(app, smtp, contact, administrator,
                                                                        pgp_key):
    from perspektive.referrals.contacts import add_contact, expiring_keys, expiring_keys_notice

    soon = pgp_key("brainpoolP256r1", "kurz@abh.example", expire="20d")
    with db.connection_context():
        short = add_contact(name="Karla Kurz", email="kurz@abh.example", armor=soon.public, actor=administrator)
        assert [c.id for c in expiring_keys()] == [short.id]  # Max Meier's key runs for two years
        assert expiring_keys_notice() == 1
    [notice] = smtp.to("verwaltung@fluechtlingsrat.example")
    body = notice.message.get_content()
    assert "Karla Kurz" in body and "Max Meier" not in body
    assert short.key_expires_at.strftime("%d.%m.%Y") in body


def test_the_audit_trail_records_key_import_confirmation_attempts_and_acknowledgement(app, smtp, contact,
                                                                                     counsellor, client_row,
                                                                                     authority_user):
    from perspektive.audit import AuditEvent

    referral = _queue(client_row, contact, counsellor, documents=("summary",))
    with db.connection_context():
        referrals.acknowledge(Referral.get_by_id(referral.id), authority_user)
        events = [(e.actor, e.action, e.detail) for e in AuditEvent.select().order_by(AuditEvent.id)]
        assert audit.verify_chain() is None
    actions = [action for _, action, _ in events]
    for expected in ("contact.key_import", "contact.key_confirm", "consent.record", "referral.queue",
                     "referral.send_attempt", "referral.acknowledge"):
        assert expected in actions
    assert ("abh-meier", "referral.acknowledge") in [(actor, action) for actor, action, _ in events]
    text = " ".join(" ".join(event) for event in events)
    assert "Yousef" not in text and "Amina" not in text and "Sehr geehrter" not in text


def test_the_summary_is_german_when_the_counsellor_reads_the_pages_in_english(app):
    """The authority reads German, whatever language the counsellor's pages are in."""
    facts = parse_facts(demo_facts("amina"))

    def summary(language: str) -> list[str]:
        with app.test_request_context(headers={"Accept-Language": language}):
            return summary_lines(summary_content(facts, "section_25b", ON, ["person", "stay"], "Flüchtlingsrat"))

    assert summary("en") == summary("de")
    assert "– Status: Duldung; von: 15.03.2021; bis: laufend" in summary("en")
    assert "Ausweisungsverfügung oder Abschiebungsanordnung nach § 58a: nein" in summary("en")
