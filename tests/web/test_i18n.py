"""Pages in German by default and in English on request: by the browser's language or the switch in the header."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import ROOT, csrf_token

PO = ROOT / "perspektive" / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MESSAGE = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"|\b_\(\s*'((?:[^'\\]|\\.)+)'""")


def test_german_by_default(http):
    page = http.get("/login").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "<h1>Anmelden</h1>" in page and "Benutzername" in page


def test_english_when_the_browser_prefers_it(http):
    page = http.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page and "Username" in page and "Benutzername" not in page


def test_german_wins_when_the_browser_prefers_german(http):
    page = http.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}).get_data(as_text=True)
    assert "<h1>Anmelden</h1>" in page


def test_the_switch_in_the_header_overrides_the_browser(http, logged_in):
    page = http.get("/followups").get_data(as_text=True)
    back = {"Referer": "https://localhost/followups"}
    answer = http.post("/sprache", data={"lang": "en", "csrf_token": csrf_token(page)}, headers=back)
    assert answer.status_code == 302 and answer.headers["Location"] == "/followups"
    english = http.get("/followups", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "<h1>Deadlines</h1>" in english
    http.post("/sprache", data={"lang": "de", "csrf_token": csrf_token(english)}, headers=back)
    assert "<h1>Fristen</h1>" in http.get("/followups").get_data(as_text=True)


def test_the_switch_goes_back_only_to_this_site(http):
    page = http.get("/login").get_data(as_text=True)
    for referer in ("https://evil.tld/clients", "https://localhost//evil.tld/"):
        answer = http.post("/sprache", data={"lang": "en", "csrf_token": csrf_token(page)},
                           headers={"Referer": referer})
        assert answer.headers["Location"] == "/"


def test_the_switch_needs_the_form_token(http):
    assert http.post("/sprache", data={"lang": "en", "next": "/login"}).status_code == 400


def test_every_message_of_the_pages_has_its_english():
    """A German text marked for translation without an English entry would show German on an English page."""
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    english = {m.id: m.string for m in catalog if m.id}
    missing, sources = [], list((ROOT / "perspektive").glob("**/templates/*.html"))
    sources += [p for p in (ROOT / "perspektive").rglob("*.py")]
    for source in sources:
        for match in MESSAGE.finditer(Path(source).read_text()):
            text = (match[1] or match[2]).replace('\\"', '"').replace("\\'", "'")
            if not english.get(text):
                missing.append(f"{source.name}: {text}")
    assert not missing, "\n".join(missing)


def test_the_client_page_in_english(http, logged_in, counsellor):
    from perspektive.clients import records
    from perspektive.law.facts import parse_facts
    from tests.conftest import demo_facts

    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    english = http.get(f"/clients/{client.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for heading in ("<h2>Cases</h2>", "<h2>Consultations</h2>", "<h2>Paths on "):
        assert heading in english
    assert "<h2>Fälle</h2>" not in english and "<h2>Beratungen</h2>" not in english
    german = http.get(f"/clients/{client.id}").get_data(as_text=True)
    assert "<h2>Fälle</h2>" in german and "<h2>Perspektiven am " in german and 'class="en"' not in german
