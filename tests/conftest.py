"""Fixtures: a fresh database per test on the engine CI chose (SQLite by default, PostgreSQL when
PERSPEKTIVE_DATABASE_URL says so), Huey in immediate mode, and logged-in test clients."""
from __future__ import annotations

import base64
import contextvars
import json
import os
import re
import secrets
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from perspektive import create_app
from perspektive.accounts import totp
from perspektive.accounts.models import User
from perspektive.accounts.users import create_user
from perspektive.db import connect_database, db, is_postgres, utcnow
from perspektive.law.engine import Engine
from perspektive.migrations import migrate
from perspektive.referrals.openpgp import stop_agent

# The browser fixtures (live server, chromium) live in their own module.
pytest_plugins = ("tests.common.browser",)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "perspektive" / "defaults"  # the configuration, provisions and plugins the package ships
DEMO = ROOT / "perspektive" / "demo_data"
PASSWORD = "korrekt-Pferd-Batterie-42"

# One data key for the whole run, in the environment: consumers started in subprocesses inherit it, and on
# PostgreSQL (one database for the run) every test's app opens the canary the previous test left.
os.environ.setdefault("PERSPEKTIVE_DATA_KEY", base64.b64encode(secrets.token_bytes(32)).decode())


@pytest.fixture(scope="module")
def engine():
    """The rules engine over the project's workflows, letter templates and plugins, once per module."""
    return Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(SHIPPED / "plugins"))


def _drop_all(database) -> None:
    """PostgreSQL keeps one database for the run: start every test from empty tables."""
    cascade = " CASCADE" if is_postgres() else ""
    for table in database.get_tables():
        database.execute_sql(f'DROP TABLE IF EXISTS "{table}"{cascade}')


@pytest.fixture
def app(tmp_path):
    overrides = {"DATA_DIR": str(tmp_path / "data")}
    if not os.environ.get("PERSPEKTIVE_DATABASE_URL"):
        overrides["DATABASE_URL"] = f"sqlite:///{tmp_path / 'test.db'}"
    else:  # an earlier run's canary was sealed under that run's key: the tables go anyway, the canary first
        leftover = connect_database(os.environ["PERSPEKTIVE_DATABASE_URL"])
        with leftover.connection_context():
            leftover.execute_sql('DROP TABLE IF EXISTS "seal_canary"')
    app = create_app(overrides)
    app.config["TESTING"] = True
    with app.app_context():
        db.connect(reuse_if_open=True)
        _drop_all(db.obj)
        migrate()
        db.close()
        yield app
    if not db.is_closed():
        db.close()
    stop_agent(app.config["GNUPG_HOME"] or Path(app.config["DATA_DIR"]) / "gnupg")


@pytest.fixture
def dbconn(app):
    """An open connection for tests that call capabilities directly."""
    db.connect(reuse_if_open=True)
    yield db
    db.close()


@pytest.fixture
def make_user(app):
    """A user with a confirmed authenticator (``enrolled=False``: one who still has to set it up)."""
    def make(username: str, role: str = "counsellor", password: str = PASSWORD, enrolled: bool = True, **extra):
        with db.connection_context():
            user = create_user(username, role=role, password=password,
                               display_name=extra.pop("display_name", username.title()), **extra)
            if enrolled:
                user.totp_secret, user.totp_confirmed_at = totp.new_secret(), utcnow()
                user.save()
            return user
    return make


@pytest.fixture
def counsellor(make_user):
    return make_user("beraterin", display_name="Berta Beraterin", email="berta@fluechtlingsrat.example")


def login(http, username: str, password: str = PASSWORD):
    """Sign in as a user would: password, then the current code of the user's authenticator.

    Returns the last answer: the password page on a refused password, else the answer to the code. A code is
    accepted once per time step, so the user's last step is forgotten first: tests log in several times within
    30 seconds (tests/test_auth.py checks that a replayed code is refused)."""
    page = http.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    answer = http.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if answer.status_code != 302 or not answer.headers["Location"].endswith("/login/code"):
        return answer
    return enter_code(http, username)


def enter_code(http, username: str):
    """The second step of the login: the current code of the user's authenticator (see ``login``)."""
    with db.connection_context():
        user = User.get(User.username == username)
        User.update(totp_last_step=None).where(User.id == user.id).execute()
    code = totp.code_for_step(user.totp_secret, totp.step_at())
    page = http.get("/login/code")
    return http.post("/login/code", data={"code": code, "csrf_token": csrf_token(page.get_data(as_text=True))})


def csrf_token(html: str) -> str:
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def without_tokens(html: str) -> str:
    """The page with its CSRF token values blanked, so two answers can be compared byte for byte.

    A token is signed with the second it was made in: two requests either side of a second differ there alone.
    """
    html = re.sub(r'name="csrf-token" content="[^"]*"', 'name="csrf-token" content=""', html)
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)


class BrowserClient(FlaskClient):
    """A test client that behaves like a browser talking to a production server.

    Each request runs in an empty ``contextvars`` context, so Flask gives it a fresh app context (and ``g``) as it
    does in production; otherwise the ``app`` fixture's context, active for the whole test, would carry
    Flask-Login's cached user and the CSRF token from one request into the next and hide what a new request
    sees. Requests are HTTPS (the ``__Host-`` cookie needs it) and carry a same-origin Referer, which
    CSRFProtect demands over HTTPS.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/"})

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def http(app):
    app.test_client_class = BrowserClient
    return app.test_client()


@pytest.fixture
def logged_in(http, counsellor):
    response = login(http, counsellor.username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return http


def demo_facts(name: str = "amina") -> dict:
    return json.loads((DEMO / f"{name}.json").read_text(encoding="utf-8"))


# --- referrals: real gpg keys, a real SMTP server, an authority contact with a confirmed key ----------------------

@pytest.fixture(scope="session")
def pgp_key():
    """``pgp_key(kind, email, expire=..., faked_time=...)``: a real key, made once per session and argument set."""
    from tests.common.pgp_keys import make_key

    made = {}

    def get(kind: str = "brainpoolP256r1", email: str = "sachbearbeitung@abh.example", **options):
        key = (kind, email, tuple(sorted(options.items())))
        if key not in made:
            made[key] = make_key(kind, email, **options)
        return made[key]

    yield get
    for key in made.values():
        stop_agent(key.home)


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 that the app sends to (plain SMTP: a relay on the same host)."""
    from tests.common.smtp_sink import start_sink

    controller, sink = start_sink()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SECURITY="none")
    yield sink
    controller.stop()


@pytest.fixture
def administrator(make_user):
    return make_user("verwaltung", role="administrator", display_name="Vera Verwaltung",
                     email="verwaltung@fluechtlingsrat.example")


@pytest.fixture
def admin_http(http, administrator):
    """A test client signed in as the administrator."""
    assert login(http, administrator.username).status_code == 302
    return http


@pytest.fixture
def authority_user(make_user):
    return make_user("abh-meier", role="authority_contact", display_name="Max Meier",
                     email="m.meier@abh.example")


@pytest.fixture
def contact(app, administrator, authority_user, pgp_key):
    """Herr Meier of the Ausländerbehörde, responsible for § 25b, with a confirmed brainpool key."""
    from perspektive.referrals.contacts import add_contact, confirm_fingerprint

    key = pgp_key("brainpoolP256r1", "m.meier@abh.example")
    with db.connection_context():
        made = add_contact(name="Max Meier", email="m.meier@abh.example", department="Sachgebiet Bleiberecht",
                           workflows="section_25b,section_25a", armor=key.public, user=authority_user,
                           actor=administrator)
        confirm_fingerprint(made, key.fingerprint, administrator)
        return made


@pytest.fixture
def queue(app):
    """Huey in immediate mode (tests/config.toml) on its in-memory storage, empty before and after."""
    from perspektive.tasks import huey

    assert huey.immediate
    huey.flush()
    yield huey
    huey.flush()
