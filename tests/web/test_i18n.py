"""Pages in German by default and in English on request: by the browser's language or the switch in the header."""
from __future__ import annotations

import ast
import contextvars
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import lazy_gettext

from perspektive import tasks
from tests.conftest import ROOT, csrf_token, login

PO = ROOT / "perspektive" / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


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


def _catalogue() -> dict:
    """Text -> its entry; an entry with a plural (``ngettext``) under both its German forms."""
    with PO.open("rb") as f:
        return {text: m for m in read_po(f, locale="en") if m.id
                for text in (m.id if isinstance(m.id, tuple) else (m.id,))}


def _translated(entry) -> bool:
    return all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string)


def _marked_messages() -> dict[str, str]:
    """Every message marked for translation (``_``, ``_l``, ``N_``, ...) in the code and templates, found as
    ``make messages`` finds them (babel.cfg): text -> where."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, lineno, message, *_rest in extract_from_dir(str(ROOT), method_map, options_map,
                                                             {**DEFAULT_KEYWORDS, "_l": None}):
        for text in message if isinstance(message, tuple) else (message,):
            found.setdefault(text, f"{filename}:{lineno}")
    return found


def test_every_message_of_the_pages_has_its_english():
    """A German text marked for translation without an English entry would show German on an English page; a
    fuzzy entry is a guess (``make messages`` makes none, but an editor might)."""
    catalogue = _catalogue()
    missing = [f"{where}: {text}" for text, where in _marked_messages().items()
               if text not in catalogue or not _translated(catalogue[text]) or catalogue[text].fuzzy]
    assert not missing, "run `make messages` and write the English of:\n" + "\n".join(missing)


def test_the_catalogue_keeps_no_message_the_code_has_dropped():
    stale = set(_catalogue()) - set(_marked_messages())
    assert not stale, "run `make messages`: " + "\n".join(sorted(stale))


# "Deutsch. (English.)": a parenthesis that holds English words (function words and the words of this project's
# old English halves). Quoted text, CAPITALS and joined words (all/any, start|end) are names, not English.
ENGLISH = set("""
    the is are not no of to or and be has have please too up at for with by on it its your you this that only must
    cannot can could yet already none all one first again out required missing invalid unknown expected failed
    created saved removed updated imported confirmed recorded queued opened changed done dismissed reopened
    revoked expired refused taken added replaced checked aborted found allowed empty reset ended used logged
    activated deactivated inactive acknowledged unreachable contains enter choose give confirm upload paste
    renew fix log sign request forbidden error pages command state deadline reminder template
""".split())
PARENTHESIS = re.compile(r"(?<![\w%])\(([^()]*)\)")  # not a call, not a %(placeholder)s
QUOTED = re.compile(r"""'[^']*'|"[^"]*"|`[^`]*`""")


def _english_parenthesis(text: str) -> str | None:
    for match in PARENTHESIS.finditer(text):
        inside = QUOTED.sub("", match[1])
        words = re.findall(r"[A-Za-z][\w/|'-]*", inside)
        if any(w.lower() in ENGLISH for w in words if not w.isupper()):
            return match[0]
    return None


def _python_texts(path: Path):
    """(line, text) of each string in the module but its docstrings; an f-string's values are ``{}``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(value) for value in node.values)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _template_texts(path: Path):
    """(line, text): the HTML between the Jinja tags, and each string literal inside them."""
    source = re.sub(r"\{#.*?#\}", lambda m: "\n" * m[0].count("\n"), path.read_text(encoding="utf-8"), flags=re.S)
    for number, line in enumerate(source.splitlines(), 1):
        for tag in re.findall(r"\{[{%].*?[}%]\}", line):
            for double, single in re.findall(r"\"([^\"]*)\"|'([^']*)'", tag):
                yield number, double or single
        yield number, re.sub(r"\{[{%].*?[}%]\}", " ", line)


def test_no_text_is_written_in_both_languages():
    """German pages are German only and English pages English only: a text is German in the code with its English
    in the catalogue, never "Deutsch. (English.)". The law, letters, checklists and mails keep the German alone."""
    found = []
    package = ROOT / "perspektive"
    # The shipped provisions (perspektive/defaults: workflows and their plugins) carry checklist texts per language,
    # like the workflow files; what is checked here is the code of the pages.
    for path in sorted(p for p in package.rglob("*.py") if "defaults" not in p.relative_to(package).parts):
        found += [f"{path.relative_to(ROOT)}:{n}: {t!r}" for n, t in _python_texts(path) if _english_parenthesis(t)]
    for path in sorted(package.glob("**/templates/*.html")):
        found += [f"{path.relative_to(ROOT)}:{n}: {t.strip()!r}" for n, t in _template_texts(path)
                  if _english_parenthesis(t)]
    assert not found, "\n".join(found)


# What a template may show without the catalogue: names, formats and markers that are the same in both languages.
UNTRANSLATED = {"Perspektive", "Perspektive – Perspektive", "Deutsch", "English", ".docx", "(.docx)", "(PDF)", "kB –",
                ", SHA-256", "-----BEGIN PGP PUBLIC KEY BLOCK-----"}


def test_every_word_a_template_shows_goes_through_the_catalogue():
    """Text written straight into a template shows German on an English page (the sign-in button did)."""
    found = {}
    for template in (ROOT / "perspektive").glob("**/templates/*.html"):
        text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", template.read_text(encoding="utf-8"), flags=re.S)
        shown = re.findall(r'(?:title|alt|aria-label|placeholder)="([^"]*)"', text)
        shown += re.sub(r"<[^>]+>", "\n", text).splitlines()
        for piece in (" ".join(s.split()) for s in shown):
            if re.search(r"[A-Za-zÄÖÜäöüß]{2,}", piece) and piece not in UNTRANSLATED:
                found.setdefault(template.name, []).append(piece)
    assert found == {}


def test_the_client_page_in_english(http, logged_in, counsellor):
    from perspektive.clients import records
    from perspektive.law.facts import parse_facts
    from tests.conftest import demo_facts

    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)
    english = http.get(f"/clients/{client.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    english += http.get(f"/clients/{client.id}/beratungen", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for heading in ("<h2>Open cases</h2>", "<h2>Consultations</h2>", "<h2>Paths on "):
        assert heading in english
    assert "<h2>Offene Fälle</h2>" not in english and "<h2>Beratungen</h2>" not in english
    german = http.get(f"/clients/{client.id}").get_data(as_text=True)
    assert "<h2>Offene Fälle</h2>" in german and "<h2>Perspektiven am " in german and 'class="en"' not in german


def test_an_error_page_is_in_one_language(http):
    german = http.get("/gibt-es-nicht")
    english = http.get("/gibt-es-nicht", headers={"Accept-Language": "en"})
    assert german.status_code == english.status_code == 404
    assert "<h1>Nicht gefunden</h1>" in german.get_data(as_text=True)
    assert "Not found" not in german.get_data(as_text=True)
    assert "<h1>Not found</h1>" in english.get_data(as_text=True)
    assert "Nicht gefunden" not in english.get_data(as_text=True)


def test_a_flash_is_in_the_language_of_the_page(http, logged_in):
    page = http.get("/followups").get_data(as_text=True)
    http.post("/logout", data={"csrf_token": csrf_token(page)})
    german = http.get("/login").get_data(as_text=True)
    assert "Sie wurden abgemeldet." in german and "logged out" not in german

    login(http, "beraterin")
    page = http.get("/followups").get_data(as_text=True)
    http.post("/logout", data={"csrf_token": csrf_token(page)}, headers={"Accept-Language": "en"})
    english = http.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You have been logged out." in english and "abgemeldet" not in english


def test_the_api_answers_in_the_language_asked_for(http):
    german = http.get("/api/v1/clients/1")
    english = http.get("/api/v1/clients/1", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert german.status_code == english.status_code == 401
    assert german.get_json() == {"error": "Anmeldung erforderlich"}
    assert english.get_json() == {"error": "Authentication required"}


def test_without_a_request_the_language_is_german(app):
    """The command line and the task consumer have no request: their messages are German. So are a task's when a
    request runs it at once: what a task writes is kept as a record, or mailed."""
    title = lazy_gettext("Nicht gefunden")
    assert str(title) == "Nicht gefunden"  # the fixture's app context, without a request

    def in_an_english_request():
        with app.test_request_context(headers={"Accept-Language": "en"}):
            page = str(title)
            with tasks.app_context():
                task = str(title)
        return page, task

    # A fresh context, as each request has in production (tests/conftest.py, BrowserClient).
    assert contextvars.Context().run(in_an_english_request) == ("Not found", "Nicht gefunden")


def test_every_facts_group_in_english_names_facts_and_values_in_english(http, logged_in, counsellor):
    """The facts' names, table headings, choices and worded values ("unbekannt", "Duldung") come from the law's
    German; an English page shows none of them in German, a German page all of them in German."""
    import lxml.html

    from perspektive.clients import fact_forms, records
    from perspektive.law import VALUE_LABELS
    from perspektive.law.facts import parse_facts
    from tests.conftest import demo_facts

    catalogue = _catalogue()
    client = records.create_client(parse_facts(demo_facts("amina")), counsellor)

    def texts(url: str, language: str) -> set[str]:
        page = http.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
        return {" ".join(t.split()) for t in lxml.html.fromstring(page).xpath("//body//text()")}

    for group in fact_forms.GROUPS.values():
        words = {item.label for item in group.items}
        for item in group.items:
            words |= {column.label for column in getattr(item, "columns", ())}
            for column in (*getattr(item, "columns", ()), item):
                words |= {text for _value, text in getattr(column, "choices", ())}
        words |= {"ja", "nein", "unbekannt", *VALUE_LABELS.values()}
        labels = {item.label for item in group.items} | {c.label for i in group.items for c in getattr(i, "columns", ())}
        assert labels <= catalogue.keys(), sorted(labels - catalogue.keys())
        german = {w for w in words if w in catalogue and catalogue[w].string != w}
        for url in (f"/clients/{client.id}/fakten/{group.id}", f"/clients/{client.id}/facts/{group.id}"):
            shown_in_english = texts(url, "en")
            assert not german & shown_in_english, (url, sorted(german & shown_in_english))
            assert {item.label for item in group.items} <= texts(url, "de"), url
