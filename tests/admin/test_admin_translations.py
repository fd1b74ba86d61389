"""The checklist translations in the console: every shipped language is listed as not yet reviewed until an
administrator marks it reviewed (who and when are shown and audited); the mark can be taken back; German is the
original; a file the console cannot read is named with its problem; counsellors have no access."""
from __future__ import annotations

import html

from perspektive.audit import AuditEvent
from perspektive.db import db
from perspektive.documents import translations
from tests.conftest import csrf_token, login


def page(client) -> str:
    response = client.get("/admin/translations/")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def row(body: str, code: str) -> str:
    start = body.index(f'<tr id="lang-{code}">')
    return body[start:body.index("</tr>", start)]


def post(client, code: str, reviewed: str):
    token = csrf_token(client.get("/admin/translations/").get_data(as_text=True))
    return client.post(f"/admin/translations/{code}", data={"reviewed": reviewed, "csrf_token": token})


def test_every_shipped_language_is_listed_as_not_yet_reviewed(admin_http):
    body = page(admin_http)
    for code, name in (("ru", "Russisch"), ("ar", "Arabisch"), ("fa", "Persisch (Farsi/Dari)"), ("fr", "Französisch"),
                       ("ka", "Georgisch"), ("ur", "Urdu")):
        assert name in row(body, code) and "Übersetzung noch nicht geprüft" in row(body, code)
        assert "Als geprüft markieren" in row(body, code)
    assert "von rechts nach links" in row(body, "fa") and "von links nach rechts" in row(body, "ka")
    assert "Original, keine Prüfung nötig" in row(body, "de") and "<form" not in row(body, "de")


def test_an_administrator_marks_a_translation_reviewed_and_takes_it_back(app, admin_http, administrator):
    answer = post(admin_http, "fa", "1")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/admin/translations/#lang-fa")
    body = page(admin_http)
    assert "Übersetzung Persisch (Farsi/Dari) als geprüft markiert." in body
    assert "geprüft von Vera Verwaltung am " in row(body, "fa") and "Prüfung zurücknehmen" in row(body, "fa")
    assert "Übersetzung noch nicht geprüft" in row(body, "ar")
    with db.connection_context():
        assert translations.review_of(translations.load("fa")).reviewed
        events = [(e.actor, e.action, e.object_id) for e in AuditEvent.select().where(
            AuditEvent.action.startswith("translation."))]
    assert events == [(administrator.username, "translation.reviewed", "fa")]

    assert post(admin_http, "fa", "0").status_code == 303
    assert "Übersetzung noch nicht geprüft" in row(page(admin_http), "fa")


def test_a_file_changed_after_the_review_shows_as_changed(app, admin_http):
    post(admin_http, "ka", "1")
    path = translations.folder() / "ka.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# ein Kommentar\n", encoding="utf-8")
    assert "geändert seit der Prüfung von Vera Verwaltung" in row(page(admin_http), "ka")


def test_an_unreadable_file_is_named_with_its_problem(app, admin_http):
    (translations.folder() / "tr.toml").write_text("code = \n", encoding="utf-8")
    body = page(admin_http)
    assert "tr.toml" in row(body, "tr.toml") and "keine gültige TOML-Datei" in row(body, "tr.toml")


def test_german_and_unknown_languages_cannot_be_marked(admin_http):
    assert post(admin_http, "de", "1").status_code == 404
    assert post(admin_http, "xx", "1").status_code == 404


def test_a_counsellor_cannot_mark_a_translation(app, http, counsellor):
    assert login(http, counsellor.username).status_code == 302
    token = csrf_token(http.get("/", follow_redirects=True).get_data(as_text=True))
    assert http.post("/admin/translations/fa", data={"reviewed": "1", "csrf_token": token}).status_code == 403
    with db.connection_context():
        assert not translations.review_of(translations.load("fa")).reviewed
