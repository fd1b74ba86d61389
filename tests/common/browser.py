"""What the browser tests need: the app served over HTTP on 127.0.0.1 in a thread, and Debian's chromium driven
by Playwright. A missing chromium fails the tests (``.ci/run`` installs it); it never skips them."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from perspektive import create_app
from perspektive.accounts import totp
from perspektive.accounts.models import User
from perspektive.db import db
from tests.conftest import PASSWORD, ROOT

CHROMIUM = os.environ.get("PERSPEKTIVE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"


class LiveServer:
    """The app on a free port of 127.0.0.1, served by werkzeug's threaded server until ``stop``."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_app(app):
    """A second app on the test database that serves plain HTTP (the ``app`` fixture insists on HTTPS cookies)."""
    overrides = {"DATA_DIR": app.config["DATA_DIR"], "DATABASE_URL": app.config["DATABASE_URL"],
                 "SECURE_COOKIES": False, "WORKFLOWS_DIR": app.config["WORKFLOWS_DIR"],
                 "LETTER_TEMPLATES_DIR": app.config["LETTER_TEMPLATES_DIR"]}
    served = create_app(overrides)
    served.config["TESTING"] = True
    return served


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} fehlt: apt-get install chromium (the browser tests need Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A page factory: each call opens a fresh browser context (own cookies), German, laptop-sized."""
    contexts = []

    def make(locale: str = "de-DE", width: int = 1280, height: int = 900):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height},
                                      accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Keep a picture of the page for people to look at (tests/artifacts/, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Name and password, then the current code of the user's authenticator, typed as a person would."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/login/code")
    with db.connection_context():
        user = User.get(User.username == username)
        User.update(totp_last_step=None).where(User.id == user.id).execute()
    page.get_by_label("Code aus der App").fill(totp.code_for_step(user.totp_secret, totp.step_at()))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(lambda url: "/login" not in url)
