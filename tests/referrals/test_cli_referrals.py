"""The command line for authority contacts and referrals: real keys written to files, the real gpg binary, and a
real SMTP server (the ``smtp`` sink); Huey runs in immediate mode, so a referral is sent when the command returns."""
from __future__ import annotations

import datetime as dt
import email
import json
from email import policy

import pytest

from perspektive.clients.records import create_client
from perspektive.db import db, utcnow
from perspektive.law.engine import current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.law.rules import in_order_of_use
from perspektive.referrals import canonical_text
from perspektive.referrals.models import AuthorityContact, Consent, Outbox, Referral
from tests.common.smtp_sink import free_port
from tests.conftest import demo_facts

NOTE = "Sehr geehrter Herr Meier, anbei der Fall – Grüße, Müller & Söhne <GmbH>."


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def key_file(tmp_path, pgp_key):
    """``key_file(kind, email)``: the public key of ``pgp_key(kind, email)`` as an .asc file."""
    def write(kind: str = "brainpoolP256r1", email: str = "m.meier@abh.example"):
        path = tmp_path / f"{kind}-{email}.asc"
        path.write_text(pgp_key(kind, email).public, encoding="ascii")
        return str(path)
    return write


@pytest.fixture
def client_id(app, counsellor):
    with db.connection_context():
        return create_client(parse_facts(demo_facts("amina")), counsellor).id


def _add(runner, key_path, *extra, name="Max Meier", email="m.meier@abh.example"):
    return runner.invoke(args=["contacts", "add", "--name", name, "--email", email, "--department",
                               "Sachgebiet Bleiberecht", "--key", key_path, *extra])


def _contacts(runner) -> list[dict]:
    result = runner.invoke(args=["contacts", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _referrals(runner, *extra) -> list[dict]:
    result = runner.invoke(args=["referrals", "list", "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _send(runner, client_id, contact_id, *extra, consent_on=None):
    consent_on = consent_on or today_in_germany() - dt.timedelta(days=2)
    return runner.invoke(args=["referrals", "send", "--client", str(client_id), "--contact", str(contact_id),
                               "--consent-on", consent_on.isoformat(), *extra])


# --- contacts --------------------------------------------------------------------------------------------------------

def test_add_with_confirmation_prints_only_the_id_and_the_list_shows_the_key(runner, key_file, pgp_key,
                                                                             authority_user):
    key = pgp_key("brainpoolP256r1", "m.meier@abh.example")
    grouped = " ".join(key.fingerprint[i:i + 4] for i in range(0, 40, 4))
    result = _add(runner, key_file(), "--workflows", "section_25b,section_25a", "--user", authority_user.username,
                  "--confirm-fingerprint", grouped.lower())
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().isdigit() and result.stdout == result.stdout.strip() + "\n"
    contact_id = int(result.stdout)

    [listed] = _contacts(runner)
    assert listed["id"] == contact_id
    assert (listed["name"], listed["department"], listed["email"]) == \
        ("Max Meier", "Sachgebiet Bleiberecht", "m.meier@abh.example")
    assert listed["workflows"] == ["section_25b", "section_25a"]
    assert listed["fingerprint"] == grouped
    assert listed["key_summary"] == "brainpoolP256r1"
    assert dt.date.fromisoformat(listed["key_expires_on"]) > dt.date.today() + dt.timedelta(days=700)
    assert listed["confirmed"] is True and listed["problem"] is None
    with db.connection_context():
        stored = AuthorityContact.get_by_id(contact_id)
        assert stored.fingerprint == key.fingerprint and stored.user_id == authority_user.id

    text = runner.invoke(args=["contacts", "list"])
    assert text.exit_code == 0
    assert grouped in text.output and "Bestätigt:     ja" in text.output and "brainpoolP256r1" in text.output
    assert listed["key_expires_on"] in text.output


@pytest.mark.parametrize("kind, reason", [
    ("rsa2048", "RSA mit 2048 Bit ist zu kurz"),
    ("cv25519", "Kurve ed25519 ist nach BSI TR-02102-1 nicht zugelassen"),
])
def test_a_key_breaking_the_policy_is_refused_with_the_reason_and_nothing_is_stored(runner, key_file, kind,
                                                                                     reason):
    result = _add(runner, key_file(kind, "e.muster@abh.example"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Fehler: ") and reason in result.stderr
    with db.connection_context():
        assert AuthorityContact.select().count() == 0


def test_an_rsa_3072_key_is_accepted_and_waits_for_confirmation(runner, key_file):
    result = _add(runner, key_file("rsa3072", "e.muster@abh.example"), email="e.muster@abh.example")
    assert result.exit_code == 0, result.output
    [listed] = _contacts(runner)
    assert listed["key_summary"] == "RSA 3072" and listed["confirmed"] is False
    assert "nicht bestätigt" in listed["problem"]
    assert "Bestätigt:     nein" in runner.invoke(args=["contacts", "list"]).output


def test_a_mismatching_confirmation_leaves_the_contact_unconfirmed_and_says_so(runner, key_file, pgp_key):
    other = pgp_key("brainpoolP256r1", "jemand.anders@abh.example")
    result = _add(runner, key_file(), "--confirm-fingerprint", other.fingerprint)
    assert result.exit_code == 2
    assert "stimmt nicht" in result.stderr and "NICHT bestätigt" in result.stderr
    [listed] = _contacts(runner)
    assert f"Id {listed['id']} angelegt" in result.stderr
    assert listed["confirmed"] is False

    wrong = runner.invoke(args=["contacts", "confirm", str(listed["id"]), "--fingerprint", other.fingerprint])
    assert wrong.exit_code == 2 and "Fehler: Der eingegebene Fingerabdruck stimmt nicht" in wrong.stderr
    garbage = runner.invoke(args=["contacts", "confirm", str(listed["id"]), "--fingerprint", "1234"])
    assert garbage.exit_code == 2 and "40 Hexadezimalzeichen" in garbage.stderr
    missing = runner.invoke(args=["contacts", "confirm", "999", "--fingerprint", other.fingerprint])
    assert missing.exit_code == 2 and "kein Behördenkontakt mit der Id 999" in missing.stderr

    own = pgp_key("brainpoolP256r1", "m.meier@abh.example").fingerprint
    right = runner.invoke(args=["contacts", "confirm", str(listed["id"]), "--fingerprint", own])
    assert right.exit_code == 0, right.output
    [listed] = _contacts(runner)
    assert listed["confirmed"] is True and listed["problem"] is None


def test_the_portal_account_must_exist_and_be_an_authority_contact(runner, key_file, counsellor):
    unknown = _add(runner, key_file(), "--user", "niemand")
    assert unknown.exit_code == 2 and "unbekannter Benutzer 'niemand'" in unknown.stderr
    wrong_role = _add(runner, key_file(), "--user", counsellor.username)
    assert wrong_role.exit_code == 2 and "authority_contact" in wrong_role.stderr
    unknown_workflow = _add(runner, key_file(), "--workflows", "section_99")
    assert unknown_workflow.exit_code == 2 and "Unbekannte Workflows: section_99" in unknown_workflow.stderr
    with db.connection_context():
        assert AuthorityContact.select().count() == 0


# --- referrals -------------------------------------------------------------------------------------------------------

def test_send_records_the_consent_queues_and_the_authority_receives_it(app, runner, smtp, contact, client_id,
                                                                       pgp_key, counsellor):
    result = _send(runner, client_id, contact.id, "--note", NOTE)
    assert result.exit_code == 0, result.output
    referral_id = result.stdout.strip()
    assert len(referral_id) == 32 and result.stdout == referral_id + "\n"

    [received] = smtp.to("m.meier@abh.example")
    assert received.message["Message-ID"] == f"<{referral_id}@fluechtlingsrat.example>"
    assert b"Yousef" not in received.data
    inner = pgp_key("brainpoolP256r1", "m.meier@abh.example").decrypt(
        list(received.message.iter_parts())[1].get_content())
    # The case summary is sent only when chosen: by default the letter and the checklist.
    assert b"25b_Antrag_" in inner and b"Fallzusammenfassung" not in inner

    with db.connection_context():
        referral = Referral.get_by_id(referral_id)
        consent = Consent.get()
        assert referral.status == "sent" and referral.counsellor_id == counsellor.id
        # Amina's first path that Herr Meier handles (§ 25b or § 25a), in the order the client page shows them.
        paths = [a.workflow for a in in_order_of_use(current_engine().assess(
            parse_facts(demo_facts("amina")), today_in_germany()))]
        assert referral.workflow == next(p for p in paths if p in ("section_25b", "section_25a"))
        assert referral.documents == "letter,checklist" and referral.consent_id == consent.id
        assert consent.scope == "letter,checklist" and consent.recorded_by is None
        assert consent.given_on == today_in_germany() - dt.timedelta(days=2)
        assert Outbox.select().count() == 0

    [listed] = _referrals(runner)
    assert listed["id"] == referral_id and listed["status"] == "sent" and listed["attempts"] == 1
    assert listed["client_id"] == client_id and listed["contact_id"] == contact.id
    assert listed["contact_name"] == "Max Meier" and listed["documents"] == ["letter", "checklist"]
    assert listed["sent_at"] and listed["created_at"] and listed["acknowledged_at"] is None
    assert listed["last_error"] is None


def test_send_with_chosen_documents_workflow_and_counsellor(runner, smtp, contact, client_id, make_user):
    make_user("vertretung", display_name="Vera Vertretung")
    result = _send(runner, client_id, contact.id, "--document", "summary", "--document", "letter",
                   "--workflow", "section_25a", "--counsellor", "vertretung")
    assert result.exit_code == 0, result.output
    [listed] = _referrals(runner)
    assert listed["workflow"] == "section_25a" and listed["documents"] == ["letter", "summary"]
    with db.connection_context():
        referral = Referral.get_by_id(listed["id"])
        assert referral.counsellor.username == "vertretung" and referral.consent.scope == "letter,summary"
    unknown = _send(runner, client_id, contact.id, "--counsellor", "niemand")
    assert unknown.exit_code == 2 and "niemand" in unknown.stderr


def test_without_a_responsible_path_the_first_path_is_proposed(runner, smtp, contact, client_id):
    with db.connection_context():
        AuthorityContact.update(workflows="").execute()
    result = _send(runner, client_id, contact.id, "--document", "summary")
    assert result.exit_code == 0, result.output
    first = in_order_of_use(current_engine().assess(parse_facts(demo_facts("amina")), today_in_germany()))[0]
    assert _referrals(runner)[0]["workflow"] == first.workflow


def test_the_note_can_come_from_stdin_instead_of_the_command_line(runner, smtp, contact, client_id, pgp_key):
    result = runner.invoke(args=["referrals", "send", "--client", str(client_id), "--contact", str(contact.id),
                                 "--consent-on", today_in_germany().isoformat(), "--note-file", "-"],
                           input=NOTE + "\n")
    assert result.exit_code == 0, result.output
    [received] = smtp.to("m.meier@abh.example")
    inner = email.message_from_bytes(pgp_key("brainpoolP256r1", "m.meier@abh.example").decrypt(
        list(received.message.iter_parts())[1].get_content()), policy=policy.default)
    assert next(inner.iter_parts()).get_content() == canonical_text(NOTE + "\n")
    both = _send(runner, client_id, contact.id, "--note", "x", "--note-file", "-")
    assert both.exit_code == 2 and "entweder --note oder --note-file" in both.stderr


def test_a_consent_dated_in_the_future_is_refused_and_nothing_is_queued(runner, smtp, contact, client_id):
    result = _send(runner, client_id, contact.id, consent_on=today_in_germany() + dt.timedelta(days=1))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Fehler: ") and "liegt in der Zukunft" in result.stderr
    bad_date = runner.invoke(args=["referrals", "send", "--client", str(client_id), "--contact", str(contact.id),
                                   "--consent-on", "21.11.2026"])
    assert bad_date.exit_code == 2 and "JJJJ-MM-TT" in bad_date.output
    with db.connection_context():
        assert Consent.select().count() == 0 and Referral.select().count() == 0
    assert smtp.messages == []


def test_a_contact_whose_key_is_not_confirmed_gets_no_referral(runner, smtp, contact, client_id):
    with db.connection_context():
        AuthorityContact.update(confirmed_at=None).execute()
    result = _send(runner, client_id, contact.id)
    assert result.exit_code == 2
    assert "nicht bestätigt" in result.stderr and "Die Entbindung wurde als Nr." in result.stderr
    with db.connection_context():
        assert Referral.select().count() == 0
    assert smtp.messages == []
    for args, message in (((999, contact.id), "keine Mandantin und kein Mandant mit der Id 999"),
                          ((client_id, 999), "kein Behördenkontakt mit der Id 999")):
        missing = _send(runner, *args)
        assert missing.exit_code == 2 and message in missing.stderr


def test_list_filters_by_status_and_sweep_requeues_what_is_due(app, runner, smtp, contact, client_id):
    sent = _send(runner, client_id, contact.id, "--note", NOTE).stdout.strip()
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there: the mail server is down
    retrying = _send(runner, client_id, contact.id, "--note", NOTE).stdout.strip()
    app.config["SMTP_PORT"] = port

    assert [r["id"] for r in _referrals(runner, "--status", "sent")] == [sent]
    [waiting] = _referrals(runner, "--status", "retrying")
    assert waiting["id"] == retrying and waiting["attempts"] == 1 and "nicht erreichbar" in waiting["last_error"]
    assert _referrals(runner, "--status", "failed") == []
    assert {r["id"] for r in _referrals(runner)} == {sent, retrying}
    text = runner.invoke(args=["referrals", "list"]).output
    assert sent in text and retrying in text and "letzter Fehler: Mailserver nicht erreichbar" in text
    both = runner.invoke(args=["referrals", "list", "--format", "json"]).output + text
    assert "Yousef" not in both and "Amina" not in both and "Müller" not in both
    bad = runner.invoke(args=["referrals", "list", "--status", "lost"])
    assert bad.exit_code == 2

    # The retry is not due yet: the sweep leaves it to its scheduled task.
    assert runner.invoke(args=["referrals", "sweep"]).output.startswith("0 ")
    with db.connection_context():
        Outbox.update(next_attempt_at=utcnow() - dt.timedelta(seconds=1)).execute()
    swept = runner.invoke(args=["referrals", "sweep"])
    assert swept.exit_code == 0 and swept.output.startswith("1 ")
    assert [r["id"] for r in _referrals(runner, "--status", "sent")] == [retrying, sent]
    assert sorted(m.message["Message-ID"] for m in smtp.to("m.meier@abh.example")) == \
        sorted(f"<{i}@fluechtlingsrat.example>" for i in (sent, retrying))


def test_empty_lists_say_so(runner):
    assert runner.invoke(args=["contacts", "list"]).output == "Keine Behördenkontakte.\n"
    assert runner.invoke(args=["referrals", "list"]).output == "Keine Fallübermittlungen.\n"
    assert _contacts(runner) == [] and _referrals(runner) == []


def test_send_with_the_summary_names_its_categories_and_refuses_unknown_ones(runner, smtp, contact, client_id):
    result = _send(runner, client_id, contact.id, "--document", "summary", "--category", "person",
                   "--category", "stay", "--workflow", "section_25b")
    assert result.exit_code == 0, result.output
    with db.connection_context():
        referral = Referral.get_by_id(result.stdout.strip())
        assert referral.consent.categories == "person,stay" and referral.categories == "person,stay"
    unknown = _send(runner, client_id, contact.id, "--document", "summary", "--category", "gesundheit")
    assert unknown.exit_code == 2 and "Unbekannte Datenkategorien: gesundheit" in unknown.stderr
    assert len(_referrals(runner)) == 1
