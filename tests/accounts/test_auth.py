"""Login, logout and the session: what a counsellor (or an attacker holding a copied cookie) notices.

Rows of shared/security-checklist.md section 5 are named in the test names (``row21`` ...).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import pytest

from perspektive import audit
from perspektive.accounts.models import LoginAttempt, User
from perspektive.audit import AuditEvent
from tests.conftest import PASSWORD, csrf_token, enter_code, login, without_tokens

SESSION_COOKIE = "__Host-session"


def session_cookie(http) -> str | None:
    cookie = http.get_cookie(SESSION_COOKIE)
    return cookie.value if cookie else None


def decode(app, value: str) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(value)


def logout(http):
    token = csrf_token(http.get("/clients").get_data(as_text=True))
    return http.post("/logout", data={"csrf_token": token})


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- logging in -------------------------------------------------------------------------------------------------

def test_login_opens_the_client_list(http, counsellor):
    response = login(http, counsellor.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = http.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert "Mandantinnen und Mandanten" in page.get_data(as_text=True)
    assert "Berta Beraterin" in page.get_data(as_text=True)


def test_pages_need_a_login_and_come_back_after_it(http, counsellor):
    response = http.get("/clients")
    assert is_login_redirect(response)
    assert response.headers["Location"] == "/login?next=%2Fclients"
    page = http.get(response.headers["Location"]).get_data(as_text=True)
    answer = http.post("/login", data={"username": counsellor.username, "password": PASSWORD,
                                       "next": "/clients", "csrf_token": csrf_token(page)})
    assert answer.headers["Location"] == "/login/code"
    assert is_login_redirect(http.get("/clients"))  # the password alone signs nobody in
    assert enter_code(http, counsellor.username).headers["Location"] == "/clients"


def test_login_and_logout_are_audited_without_personal_data(http, counsellor):
    login(http, counsellor.username)
    logout(http)
    login(http, "niemand", "falsch-falsch-falsch")
    events = {e.action: e for e in AuditEvent.select()}
    assert {"auth.login", "auth.logout", "auth.login_failed"} <= set(events)
    assert events["auth.login"].actor == counsellor.username
    failed = events["auth.login_failed"]
    assert "niemand" not in f"{failed.actor}{failed.object_id}{failed.detail}"
    assert audit.verify_chain() is None


def test_administrator_gets_403_on_counsellor_pages(http, make_user):
    make_user("admin", role="administrator")
    assert login(http, "admin").status_code == 302
    assert http.get("/clients").status_code == 403


# --- row 22: throttling, same answer for unknown user and wrong password ----------------------------------------

def test_row22_unknown_user_and_wrong_password_get_the_same_answer(http, counsellor):
    wrong_password = login(http, counsellor.username, "falsches-Passwort-123")
    unknown_user = login(http, "gibt-es-nicht", "falsches-Passwort-123")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert without_tokens(wrong_password.get_data(as_text=True)) == without_tokens(unknown_user.get_data(as_text=True))
    assert "Anmeldung fehlgeschlagen" in wrong_password.get_data(as_text=True)
    assert session_cookie(http) is None or "_user_id" not in decode(http.application, session_cookie(http))


def test_row22_inactive_account_gets_the_same_answer_as_a_wrong_password(http, counsellor):
    User.update(active=False).where(User.username == counsellor.username).execute()
    inactive = login(http, counsellor.username)
    unknown = login(http, "gibt-es-nicht")
    assert without_tokens(inactive.get_data(as_text=True)) == without_tokens(unknown.get_data(as_text=True))


def test_row22_throttled_after_max_failures_even_with_the_right_password(http, app, counsellor):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert login(http, counsellor.username, "falsches-Passwort-123").status_code == 200
    refused = login(http, counsellor.username)  # the right password now
    wrong = login(http, counsellor.username, "falsches-Passwort-123")
    assert refused.status_code == 200
    assert without_tokens(refused.get_data(as_text=True)) == without_tokens(wrong.get_data(as_text=True))
    assert http.get("/clients").status_code == 302
    assert User.get_by_id(counsellor.id).locked_until is not None

    # When the wait has passed, the right password works again, and signing in forgets the failures.
    wait_out(app)
    assert login(http, counsellor.username).status_code == 302
    assert User.get_by_id(counsellor.id).failed_logins == 0
    assert User.get_by_id(counsellor.id).locked_until is None


def wait_out(app):
    """Let the longest wait pass: every failure recorded so far happened that long ago."""
    past = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(
        seconds=app.config["LOGIN_DELAY_MAX_SECONDS"] + 1)
    LoginAttempt.update(at=past).execute()


def test_row22_twenty_wrong_passwords_are_throttled_and_logged(http, app, counsellor, caplog):
    caplog.set_level(logging.DEBUG)
    for i in range(20):
        login(http, counsellor.username, f"rate-mal-{i:02d}-geheim")
    # Only the failures before the wait are counted (for the name and the address): the rest came too early.
    assert LoginAttempt.select().count() == 2 * app.config["LOGIN_MAX_FAILURES"]
    assert not LoginAttempt.select().where(LoginAttempt.username == counsellor.username).exists()  # a digest
    failures = AuditEvent.select().where(AuditEvent.action == "auth.login_failed")
    assert failures.count() == 20
    assert [e.detail for e in failures].count("throttled") == 20 - app.config["LOGIN_MAX_FAILURES"]
    logged = caplog.text + "".join(f"{e.actor}{e.object_id}{e.detail}" for e in failures)
    assert "rate-mal" not in logged  # no password, ever
    assert "login failed" in caplog.text


def test_row22_a_password_typed_into_the_name_field_is_stored_nowhere(http, caplog):
    caplog.set_level(logging.DEBUG)
    login(http, "Mein-Geheimes-Passwort-42", "")
    stored = [a.username for a in LoginAttempt.select()]
    stored += [f"{e.actor}{e.object_id}{e.detail}" for e in AuditEvent.select()]
    assert len(stored) == 3 and "Geheimes" not in "".join(stored) + caplog.text


def test_row22_unknown_names_are_throttled_too(http, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        login(http, "gibt-es-nicht", "falsches-Passwort-123")
    events = AuditEvent.select().where(AuditEvent.action == "auth.login_failed").order_by(AuditEvent.id)
    assert [e.detail for e in events][-1] == "throttled"


def client_from(app, address: str):
    """Another browser, at another client address (``request.remote_addr``)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_row22_one_address_spraying_a_password_over_many_accounts_is_throttled(app, http, counsellor):
    """Probe finding 6: failures count per client address too, across accounts; other addresses are not held up."""
    app.config.update(LOGIN_ADDRESS_MAX_FAILURES=6)
    sprayer = client_from(app, "203.0.113.9")
    for i in range(6):
        assert login(sprayer, f"konto-{i}", "Sommer-im-Garten-2025").status_code == 200
    refused = login(sprayer, counsellor.username)  # the right password of an account not tried yet
    wrong = login(sprayer, counsellor.username, "falsches-Passwort-123")
    assert refused.status_code == 200
    assert without_tokens(refused.get_data(as_text=True)) == without_tokens(wrong.get_data(as_text=True))
    assert is_login_redirect(sprayer.get("/clients"))
    assert login(http, counsellor.username).status_code == 302  # the counsellor at her own address


def test_row22_nobody_can_lock_out_an_account_the_right_user_waits_briefly(app, http, counsellor):
    """Probe finding 6: failures made by someone else hold the account back by a growing but capped wait, not a
    lock: the right password and code get in once the wait has passed, however often the other tries."""
    app.config.update(LOGIN_DELAY_SECONDS=30, LOGIN_DELAY_MAX_SECONDS=60)
    attacker = client_from(app, "203.0.113.9")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(attacker, counsellor.username, "falsches-Passwort-123").status_code == 200
    until = User.get_by_id(counsellor.id).locked_until
    for _ in range(10):  # too early: refused, and the wait is not prolonged
        assert login(attacker, counsellor.username, "falsches-Passwort-123").status_code == 200
    assert User.get_by_id(counsellor.id).locked_until == until
    held_back = login(http, counsellor.username)
    assert held_back.status_code == 200 and "Anmeldung fehlgeschlagen" in held_back.get_data(as_text=True)
    wait_out(app)
    signed_in = login(http, counsellor.username)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert http.get("/clients").status_code == 200


def test_row22_the_wait_doubles_with_every_further_failure_up_to_a_cap(app, http, counsellor):
    """Probe finding 6: the account's wait grows with each failure after the free ones, and stops growing."""
    app.config.update(LOGIN_DELAY_SECONDS=30, LOGIN_DELAY_MAX_SECONDS=100)
    waits = []
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        wait_out(app)
        login(http, counsellor.username, "falsches-Passwort-123")
        locked_until = User.get_by_id(counsellor.id).locked_until
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        waits.append(round((locked_until - now).total_seconds(), -1) if locked_until else 0)
    assert waits == [0] * (app.config["LOGIN_MAX_FAILURES"] - 1) + [30, 60, 100, 100]


def test_row22_parallel_guesses_do_not_slip_past_the_wait(app, http, counsellor, monkeypatch):
    """Probe finding 6: attempts sent all at once are admitted one after the other; beyond the free failures they
    wait like any other (the count is checked and taken in one write transaction, before the slow password hash)."""
    from perspektive.accounts import views

    parallel = app.config["LOGIN_MAX_FAILURES"] * 2
    all_checked = threading.Barrier(parallel, timeout=20)
    real_verify = views.verify_password

    def verify(user, password):
        all_checked.wait()  # every attempt has been let through or held back before any is decided
        return real_verify(user, password)

    clients = [client_from(app, f"198.51.100.{i}") for i in range(parallel)]
    tokens = [csrf_token(client.get("/login").get_data(as_text=True)) for client in clients]
    monkeypatch.setattr(views, "verify_password", verify)

    def guess(i):
        clients[i].post("/login", data={"username": counsellor.username, "password": f"rate-mal-{i}-nochmal",
                                        "csrf_token": tokens[i]})

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    reasons = [e.detail for e in AuditEvent.select().where(AuditEvent.action == "auth.login_failed")]
    assert sorted(reasons) == ["throttled"] * (parallel // 2) + ["wrong_password"] * (parallel // 2)


# --- row 21: the session dies with logout, deactivation and time; a new one at login ----------------------------

def test_row21_session_id_changes_at_login(http, app, counsellor):
    http.get("/login")
    before = session_cookie(http)
    assert before and "csrf_token" in decode(app, before)
    login(http, counsellor.username)
    after = session_cookie(http)
    assert after != before
    assert decode(app, after).get("csrf_token") is None  # nothing from before the login survives
    http.set_cookie(SESSION_COOKIE, before)  # the pre-login cookie (e.g. planted by an attacker) is anonymous
    assert is_login_redirect(http.get("/clients"))


def test_row21_cookie_replayed_after_logout_is_refused(http, counsellor):
    login(http, counsellor.username)
    copied = session_cookie(http)
    assert http.get("/clients").status_code == 200
    response = logout(http)
    assert is_login_redirect(response)
    http.set_cookie(SESSION_COOKIE, copied)
    assert is_login_redirect(http.get("/clients"))
    assert http.get("/api/v1/clients/1").status_code == 401


def test_row16_logout_over_get_is_405(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.get("/clients").status_code == 200  # still logged in


def test_row21_deactivated_users_session_dies(logged_in, counsellor):
    assert logged_in.get("/clients").status_code == 200
    User.update(active=False).where(User.id == counsellor.id).execute()
    assert is_login_redirect(logged_in.get("/clients"))
    assert logged_in.get("/api/v1/clients/1").status_code == 401


def age_session(http, **seconds_ago):
    with http.session_transaction() as session:
        for key, seconds in seconds_ago.items():
            session[key] = int(time.time()) - seconds


def test_row21_idle_timeout(logged_in, app):
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    age_session(logged_in, seen_at=idle - 60)
    assert logged_in.get("/clients").status_code == 200  # activity renews it
    age_session(logged_in, seen_at=idle + 60)
    assert is_login_redirect(logged_in.get("/clients"))


def test_row21_absolute_timeout_even_when_active(logged_in, app):
    age_session(logged_in, login_at=app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 60)
    assert is_login_redirect(logged_in.get("/clients"))


# --- row 20: the cookie ---------------------------------------------------------------------------------------

def test_row20_session_cookie_flags_and_no_personal_data(http, app, counsellor):
    response = login(http, counsellor.username)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE + "="))
    flags = [part.strip() for part in header.split(";")[1:]]
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(flags)
    assert not any(flag.lower().startswith(("domain=", "expires=", "max-age=")) for flag in flags)

    data = decode(app, session_cookie(http))
    assert set(data) <= {"_user_id", "_fresh", "token", "login_at", "seen_at"}
    assert data["_user_id"] == counsellor.id
    text = repr(data).lower()
    for personal in ("berta", "beraterin", "fluechtlingsrat", "127.0.0.1"):
        assert personal not in text


# --- rows 18, 15, 14: the login form ----------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.tld", "//evil.tld/clients", "https://evil.tld/", "javascript:alert(1)", "/\\evil.tld",
    "/\t/evil.tld", "\\\\evil.tld", "evil.tld", "https:evil.tld", "///evil.tld",
])
def test_row18_login_redirects_only_to_same_site_paths(http, counsellor, target):
    page = http.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert "evil" not in page  # not even offered in the form
    response = http.post("/login", data={"username": counsellor.username, "password": PASSWORD,
                                         "next": target, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert enter_code(http, counsellor.username).headers["Location"] == "/"


def test_row18_same_site_path_is_kept(http, counsellor):
    page = http.get("/login").get_data(as_text=True)
    response = http.post("/login", data={"username": counsellor.username, "password": PASSWORD,
                                         "next": "/clients?x=1", "csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/login/code"
    assert enter_code(http, counsellor.username).headers["Location"] == "/clients?x=1"


def test_row15_login_post_without_csrf_token_is_400(http, counsellor):
    response = http.post("/login", data={"username": counsellor.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "Formular ungültig" in response.get_data(as_text=True)
    assert is_login_redirect(http.get("/clients"))
    assert not AuditEvent.select().where(AuditEvent.action == "auth.login").exists()


def test_row15_logout_without_csrf_token_is_400(logged_in):
    assert logged_in.post("/logout").status_code == 400
    assert logged_in.get("/clients").status_code == 200


def test_row14_extra_role_field_at_login_is_ignored(http, counsellor):
    page = http.get("/login").get_data(as_text=True)
    response = http.post("/login", data={"username": counsellor.username, "password": PASSWORD,
                                         "role": "administrator", "is_admin": "1", "user_id": "99",
                                         "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    enter_code(http, counsellor.username)
    assert User.get_by_id(counsellor.id).role == "counsellor"
    assert decode(http.application, session_cookie(http))["_user_id"] == counsellor.id
