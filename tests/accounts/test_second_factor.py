"""The second factor (TOTP) for every role: enrolment at the first login, codes that work once, throttling,
the half-signed-in state that expires, and the administrator's reset."""
from __future__ import annotations

import base64
import threading
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from perspektive.accounts import totp
from perspektive.accounts.models import User
from perspektive.accounts.users import reset_second_factor
from perspektive.audit import AuditEvent
from tests.accounts.test_auth import SESSION_COOKIE, decode, is_login_redirect, logout
from tests.conftest import PASSWORD, csrf_token, enter_code, login


def password_step(http, username: str, password: str = PASSWORD):
    page = http.get("/login").get_data(as_text=True)
    return http.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(page)})


def send_code(http, code: str):
    page = http.get("/login/code").get_data(as_text=True)
    return http.post("/login/code", data={"code": code, "csrf_token": csrf_token(page)})


def current_code(username: str) -> str:
    return totp.code_for_step(User.get(User.username == username).totp_secret, totp.step_at())


def wrong_code(username: str) -> str:
    """A code of the right form that no authenticator shows now (nor a step before or after)."""
    secret = User.get(User.username == username).totp_secret
    valid = {totp.code_for_step(secret, totp.step_at() + d) for d in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_rfc6238_reference_value():
    """RFC 6238, appendix B, SHA-1 at T = 59 s: 94287082, of which an app shows the last six digits."""
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_for_step(secret, totp.step_at(59)) == "287082"
    assert totp.verify(secret, "287 082", moment=59) == 1
    assert totp.verify(secret, "287082", moment=59 + 30) == 1  # a step late: clocks drift
    assert totp.verify(secret, "287082", moment=59 + 90) is None
    assert totp.verify(secret, "287082", moment=59, after=1) is None
    assert totp.verify(secret, "28708x", moment=59) is None


@pytest.mark.parametrize("role, page", [("counsellor", "/clients"), ("administrator", "/admin/"),
                                        ("authority_contact", "/portal/")])
def test_every_role_needs_the_code(http, make_user, role, page):
    """shared/security-checklist.md row 23: no role signs in with the password alone."""
    make_user("person", role=role)
    assert password_step(http, "person").headers["Location"] == "/login/code"
    assert is_login_redirect(http.get(page))
    assert enter_code(http, "person").status_code == 302
    assert http.get(page).status_code == 200


def test_wrong_code_is_named_next_to_the_field_and_signs_nobody_in(http, counsellor, dbconn):
    password_step(http, counsellor.username)
    wrong = f"{(int(current_code(counsellor.username)) + 1) % 1_000_000:06d}"
    answer = send_code(http, wrong)
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'id="code-error"' in body and "Der Code stimmt nicht" in body
    assert 'aria-describedby="code-error"' in body
    assert is_login_redirect(http.get("/clients"))
    assert AuditEvent.select().where(AuditEvent.action == "auth.login_failed",
                                     AuditEvent.detail == "wrong_code").exists()
    assert send_code(http, current_code(counsellor.username)).status_code == 302
    assert http.get("/clients").status_code == 200


def test_a_code_works_only_once(http, counsellor, dbconn, monkeypatch):
    frozen = time.time()
    monkeypatch.setattr("perspektive.accounts.totp.time.time", lambda: frozen)  # both logins in one time step
    assert login(http, counsellor.username).status_code == 302
    used = current_code(counsellor.username)
    logout(http)
    password_step(http, counsellor.username)
    answer = send_code(http, used)
    assert answer.status_code == 422
    assert is_login_redirect(http.get("/clients"))


def test_too_many_wrong_codes_hold_back_even_the_right_code(app, http, counsellor, dbconn):
    password_step(http, counsellor.username)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        send_code(http, wrong_code(counsellor.username))
    answer = send_code(http, current_code(counsellor.username))
    assert answer.status_code in (302, 429)
    assert is_login_redirect(http.get("/clients"))
    # Starting over with the right password does not help while the throttle lasts.
    assert password_step(http, counsellor.username).headers["Location"] == "/login/code"
    assert send_code(http, current_code(counsellor.username)).status_code == 429


def test_half_signed_in_state_expires(app, http, counsellor, dbconn, monkeypatch):
    password_step(http, counsellor.username)
    token = csrf_token(http.get("/login/code").get_data(as_text=True))
    later = time.time() + app.config["SECOND_FACTOR_MINUTES"] * 60 + 1
    monkeypatch.setattr("perspektive.accounts.views.time.time", lambda: later)
    monkeypatch.setattr("perspektive.accounts.totp.time.time", lambda: later)
    answer = http.post("/login/code", data={"code": current_code(counsellor.username), "csrf_token": token})
    assert is_login_redirect(answer) and answer.headers["Location"] == "/login"
    assert is_login_redirect(http.get("/clients"))


def test_first_login_enrols_an_authenticator(app, http, make_user, dbconn):
    make_user("neu", enrolled=False)
    password_step(http, "neu")
    page = http.get("/login/code").get_data(as_text=True)
    secret = User.get(User.username == "neu").totp_secret
    assert secret and totp.grouped(secret) in page
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn on the server
    # The secret is in the database, not in the (signed, readable) session cookie.
    assert secret not in str(decode(app, http.get_cookie(SESSION_COOKIE).value))
    # The page can be reloaded without the secret changing under the app.
    http.get("/login/code")
    assert User.get(User.username == "neu").totp_secret == secret
    assert send_code(http, totp.code_for_step(secret, totp.step_at())).status_code == 302
    assert User.get(User.username == "neu").totp_confirmed_at is not None
    assert AuditEvent.select().where(AuditEvent.action == "auth.second_factor_enrolled").exists()
    logout(http)
    password_step(http, "neu")
    assert totp.grouped(secret) not in http.get("/login/code").get_data(as_text=True)


def test_provisioning_address_names_the_issuer_and_the_account():
    uri = totp.provisioning_uri("ABCDEFGH", "berta")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert unquote(parts.path) == "/Perspektive:berta"
    assert parse_qs(parts.query) == {"secret": ["ABCDEFGH"], "issuer": ["Perspektive"]}


def test_reset_by_an_administrator_ends_sessions_and_enrols_again(http, counsellor, administrator, dbconn):
    assert login(http, counsellor.username).status_code == 302
    old_secret = User.get_by_id(counsellor.id).totp_secret
    reset_second_factor(User.get_by_id(counsellor.id), administrator)
    assert is_login_redirect(http.get("/clients"))
    password_step(http, counsellor.username)
    page = http.get("/login/code").get_data(as_text=True)
    new_secret = User.get_by_id(counsellor.id).totp_secret
    assert new_secret != old_secret and totp.grouped(new_secret) in page
    assert AuditEvent.select().where(AuditEvent.action == "user.second_factor_reset").exists()


def test_opening_the_code_page_while_signed_in_keeps_the_session(logged_in, app):
    """Probe finding 13: a GET never ends or changes a session; only the POST of a code does."""
    before = decode(app, logged_in.get_cookie(SESSION_COOKIE).value)
    answer = logged_in.get("/login/code")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    after = decode(app, logged_in.get_cookie(SESSION_COOKIE).value)
    assert {k: after.get(k) for k in ("_user_id", "token", "login_at")} == \
        {k: before.get(k) for k in ("_user_id", "token", "login_at")}
    assert logged_in.get("/clients").status_code == 200


def test_one_code_signs_in_only_one_of_two_racing_logins(app, http, counsellor, monkeypatch):
    """Probe finding 10: two sign-ins racing with the same code on real SQLite; the check and record of the used
    time step is one compare-and-set, so only one of them gets in."""
    clients = [http, app.test_client()]
    for client in clients:
        assert password_step(client, counsellor.username).headers["Location"] == "/login/code"
    tokens = [csrf_token(client.get("/login/code").get_data(as_text=True)) for client in clients]
    code = current_code(counsellor.username)
    both_checked = threading.Barrier(2, timeout=10)
    real_verify = totp.verify

    def verify(*args, **kwargs):
        step = real_verify(*args, **kwargs)
        both_checked.wait()  # both have read the last used step before either records its own
        return step

    monkeypatch.setattr(totp, "verify", verify)
    answers = [0, 0]

    def send(i):
        answers[i] = clients[i].post("/login/code", data={"code": code, "csrf_token": tokens[i]}).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [302, 422]
    assert [client.get("/clients").status_code for client in clients].count(200) == 1


def test_guessing_codes_is_throttled_even_with_the_right_password_in_between(app, http, counsellor, dbconn):
    """Probe finding 1: wrong codes count against the account whatever passwords come in between, so someone who
    knows the password cannot guess codes by signing in with it again and again."""
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert password_step(http, counsellor.username).headers["Location"] == "/login/code"
        assert send_code(http, wrong_code(counsellor.username)).status_code == 422
    password_step(http, counsellor.username)
    answer = send_code(http, current_code(counsellor.username))  # even the right code, for now
    assert answer.status_code == 429
    assert is_login_redirect(http.get("/clients"))
    assert AuditEvent.select().where(AuditEvent.detail == "throttled_code").exists()
