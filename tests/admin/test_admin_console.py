"""The administrators' console as a whole: every view behind one secured base, CSRF on every form, accounts and
roles, and the read-only audit log. (Contacts and keys: test_admin_contacts.py; uploads: test_workflow_upload.py.)

Everything goes through the pages with the real HTTP client and is checked on what an administrator sees."""
from __future__ import annotations

import html
import re

import pytest
from flask import url_for

from perspektive import audit
from perspektive.accounts import users
from perspektive.accounts.models import User
from perspektive.admin.secured import Secured
from perspektive.audit import AuditEvent
from perspektive.clients.records import create_client
from perspektive.db import db
from perspektive.law.facts import parse_facts
from perspektive.referrals.contacts import add_contact
from tests.conftest import PASSWORD, csrf_token, demo_facts, login
from tests.documents.test_workflow_upload import console_app

NEW_PASSWORD = "neues-Passwort-fuer-2027"


@pytest.fixture
def app(tmp_path):
    """On copies of workflows/ and letter_templates/: a test that went wrong must not write into the repository."""
    yield from console_app(tmp_path)


def text(response) -> str:
    return response.get_data(as_text=True)


def token(client, path="/admin/users/") -> str:
    return csrf_token(text(client.get(path)))


def stored(username: str) -> User:
    with db.connection_context():
        return User.get(User.username == username)


def password_accepted(client, username: str, password: str) -> bool:
    """The first step of the login passes (the second factor is enrolled or entered next)."""
    page = text(client.get("/login"))
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(page)})
    return answer.status_code == 302 and answer.headers["Location"].startswith("/login/")


def events(action: str) -> list[tuple[str, str, str]]:
    with db.connection_context():
        return [(e.actor, e.object_id, e.detail) for e in AuditEvent.select().where(AuditEvent.action == action)
                .order_by(AuditEvent.id)]


# --- one secured base for every view -------------------------------------------------------------------------

def _console_requests(app, ids: dict) -> list[tuple[str, str, str]]:
    """(view endpoint, method, url) for every route of every view the Flask-Admin instance holds."""
    [admin] = app.extensions["admin"]
    found = []
    with app.test_request_context():
        for view in admin._views:
            assert isinstance(view, Secured), f"{type(view).__name__} does not inherit the secured base"
            for rule in app.url_map.iter_rules():
                if rule.endpoint.split(".")[0] != view.endpoint:
                    continue
                unknown = set(rule.arguments) - set(ids)
                assert not unknown, f"{rule.rule}: no sample value for {unknown}"
                url = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
                found += [(view.endpoint, method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_every_view_is_secured_and_refuses_counsellors_and_anonymous_visitors(app, http, administrator, counsellor,
                                                                               authority_user):
    with db.connection_context():
        contact = add_contact(name="Erika Schulz", email="e.schulz@abh.example", actor="test")
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
    ids = {"user_id": counsellor.id, "contact_id": contact.id, "workflow_id": "section_25b", "letter": "antrag",
           "client_id": client.id, "code": "fa", "version_id": 1}
    requests = _console_requests(app, ids)
    views = {endpoint for endpoint, _, _ in requests}
    assert views == {"admin", "admin_users", "admin_contacts", "admin_workflows", "admin_templates", "admin_audit",
                     "admin_privacy", "admin_translations"}
    outside = [r.rule for r in app.url_map.iter_rules()
               if r.rule.startswith("/admin") and r.endpoint.split(".")[0] not in views]
    assert outside == []  # no route under /admin that is not a view of the console
    form = {"csrf_token": "", "active": "0", "role": "administrator", "display_name": "X", "password": NEW_PASSWORD,
            "password_repeat": NEW_PASSWORD}

    anonymous = app.test_client()
    form["csrf_token"] = token(anonymous, "/login")
    for _, method, url in requests:
        response = anonymous.open(url, method=method, data=form)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"] == (f"/login?next={url}" if method == "GET" else "/login"), (method, url)

    for username in (counsellor.username, authority_user.username):
        other = app.test_client()
        assert login(other, username).status_code == 302
        form["csrf_token"] = csrf_token(text(other.get("/", follow_redirects=True)))
        for _, method, url in requests:
            response = other.open(url, method=method, data=form)
            assert response.status_code == 403, (username, method, url)
            assert "Kein Zugriff" in text(response)

    counsellor_now = stored(counsellor.username)
    assert counsellor_now.active and counsellor_now.role == "counsellor"
    assert counsellor_now.password_hash == counsellor.password_hash
    assert events("user.update") == events("user.password_set") == []

    admin = app.test_client()
    assert login(admin, administrator.username).status_code == 302
    for _, method, url in requests:
        if method == "GET":
            assert admin.get(url).status_code == 200, url


def test_every_form_of_the_console_needs_the_csrf_token(app, admin_http, counsellor):
    with db.connection_context():
        contact = add_contact(name="Erika Schulz", email="e.schulz@abh.example", actor="test")
        client = create_client(parse_facts(demo_facts("amina")), counsellor)
        before = AuditEvent.select().count()
    ids = {"user_id": counsellor.id, "contact_id": contact.id, "workflow_id": "section_25b", "letter": "antrag",
           "client_id": client.id, "code": "fa", "version_id": 1}
    posts = [(m, u) for _, m, u in _console_requests(app, ids) if m == "POST"]
    assert len(posts) >= 12
    for method, url in posts:
        for data in ({"active": "0", "role": "administrator"}, {"csrf_token": "gefälscht", "active": "0"}):
            response = admin_http.post(url, data=data)
            assert response.status_code == 400, url
            assert "Formular ungültig" in text(response)
    with db.connection_context():
        assert AuditEvent.select().count() == before
    assert stored(counsellor.username).active

    # Every form on every page of the console carries the token.
    for page in ("/admin/users/", f"/admin/users/{counsellor.id}", "/admin/workflows/", "/admin/templates/",
                 "/admin/contacts/", f"/admin/contacts/{contact.id}", "/admin/translations/"):
        body = text(admin_http.get(page))
        posts_on_page = len(re.findall(r'<form method="post"', body))
        assert posts_on_page and body.count('name="csrf_token" value="') == posts_on_page, page


def test_the_audit_view_is_read_only_with_no_routes_to_change_it(app):
    rules = sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("admin_audit."))
    assert rules == ["/admin/audit/"]
    [admin] = app.extensions["admin"]
    [view] = [v for v in admin._views if v.endpoint == "admin_audit"]
    assert not (view.can_create or view.can_edit or view.can_delete or view.can_export)


def test_the_console_links_every_section(admin_http):
    page = text(admin_http.get("/admin/"))
    for href in ("/admin/users/", "/admin/contacts/", "/admin/workflows/", "/admin/templates/", "/admin/translations/",
                 "/admin/audit/"):
        assert f'href="{href}"' in page
    assert '<a href="/admin/users/" aria-current="page">' in text(admin_http.get("/admin/users/"))


# --- accounts -------------------------------------------------------------------------------------------------

def test_the_account_list_shows_roles_second_factor_and_failed_logins_but_no_secrets(app, admin_http, counsellor,
                                                                                   make_user):
    make_user("neu", enrolled=False, display_name="Nina Neu")
    stranger = app.test_client()
    assert login(stranger, counsellor.username, "falsches-Passwort-123").status_code == 200
    page = text(admin_http.get("/admin/users/"))
    table = page[page.index('id="accounts"'):page.index("</table>")]
    row = table[table.index(">beraterin</a>"):]
    row = row[:row.index("</tr>")]
    assert "Berta Beraterin" in row and "<td>Beratung</td>" in row and "counsellor" not in row
    assert "eingerichtet" in row and "nicht eingerichtet" not in row
    assert re.search(r"<td>1, zuletzt \d\d\.\d\d\.\d{4} \d\d:\d\d", row)
    new = table[table.index(">neu</a>"):]
    assert "nicht eingerichtet" in new[:new.index("</tr>")]
    for user in (stored("beraterin"), stored("verwaltung")):
        assert user.password_hash not in page and user.totp_secret not in page
    assert "scrypt:" not in page


def test_roles_are_named_in_the_language_of_the_page_without_their_internal_key(admin_http, counsellor):
    """The role select and the account's summary show what a role is called, never the stored key."""
    for path in ("/admin/users/", f"/admin/users/{counsellor.id}"):
        for language, names in (("de", ["Beratung", "Verwaltung", "Behördenkontakt"]),
                                ("en", ["Counsellor", "Administration", "Authority contact"])):
            page = text(admin_http.get(path, headers={"Accept-Language": language}))
            select = page[page.index('name="role"'):]
            select = select[:select.index("</select>")]
            assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == names, (path, language)
            shown = re.sub(r"<[^>]*>", " ", page)  # what is read, not the option values
            assert not re.search(r"\b(counsellor|administrator|authority_contact)\b", shown), (path, language)


def test_the_log_says_what_happened_in_the_language_of_the_page(app, admin_http, counsellor):
    audit.record(counsellor, "case.granted", "case", 7, "section_25b")
    for language, action, thing in (("de", "Fall: erteilt", "Fall 7"), ("en", "Case: granted", "Case 7")):
        page = text(admin_http.get("/admin/audit/", headers={"Accept-Language": language}))
        row = page[page.index("section_25b") - 400:page.index("section_25b")]
        assert f"{action} <code" in row and f"<td>{thing}</td>" in row, (language, row)
        assert f">{action}</option>" in page  # the filter offers it by name; its value stays the key


def test_every_action_the_code_records_has_a_name_in_the_log():
    """An action recorded under a fixed key (``audit.record(who, "client.create", ...)``) reads as words in the log."""
    import ast

    from perspektive.admin.audit_log import ACTION_NAMES, OBJECT_NAMES
    from tests.conftest import ROOT

    unnamed = set()
    for path in (ROOT / "perspektive").rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(call, ast.Call) and ast.unparse(call.func) == "audit.record" and len(call.args) > 2
                    and isinstance(call.args[1], ast.Constant)):
                unnamed |= {call.args[1].value} - ACTION_NAMES.keys()
                kinds = {n.value for n in ast.walk(call.args[2]) if isinstance(n, ast.Constant) and n.value}
                unnamed |= kinds - OBJECT_NAMES.keys()
    assert not unnamed


def test_create_an_account_with_errors_next_to_the_fields_and_the_input_kept(admin_http):
    form = {"username": "paula", "display_name": "Paula Probe", "email": "paula@fluechtlingsrat.example",
            "phone": "0351 123", "role": "counsellor", "password": "kurz", "password_repeat": "kurz"}
    refused = admin_http.post("/admin/users/", data=dict(form, csrf_token=token(admin_http)))
    assert refused.status_code == 422
    page = text(refused)
    assert 'aria-describedby="new-password-error"' in page
    assert re.search(r'<p class="field-error" id="new-password-error">Passwort zu kurz: mindestens 12 Zeichen', page)
    assert 'value="paula"' in page and 'value="Paula Probe"' in page and 'value="paula@fluechtlingsrat.example"' in page
    assert 'value="kurz"' not in page  # a password is never sent back
    with db.connection_context():
        assert User.get_or_none(User.username == "paula") is None

    mismatch = admin_http.post("/admin/users/", data=dict(form, password=NEW_PASSWORD, password_repeat="anders-123456",
                                                         csrf_token=token(admin_http)))
    assert mismatch.status_code == 422 and 'id="new-password_repeat-error"' in text(mismatch)
    taken = admin_http.post("/admin/users/", data=dict(form, username="verwaltung", password=NEW_PASSWORD,
                                                      password_repeat=NEW_PASSWORD, csrf_token=token(admin_http)))
    assert taken.status_code == 422
    assert '<p class="field-error" id="new-username-error">Dieser Benutzername ist vergeben' in text(taken)
    bad = admin_http.post("/admin/users/", data=dict(form, username="a b", email="keine-adresse", role="chef",
                                                    password=NEW_PASSWORD, password_repeat=NEW_PASSWORD,
                                                    csrf_token=token(admin_http)))
    assert bad.status_code == 422
    for field in ("new-username-error", "new-email-error", "new-role-error"):
        assert f'id="{field}"' in text(bad)

    made = admin_http.post("/admin/users/", data=dict(form, password=NEW_PASSWORD, password_repeat=NEW_PASSWORD,
                                                     csrf_token=token(admin_http)))
    assert made.status_code == 303
    paula = stored("paula")
    assert made.headers["Location"] == f"/admin/users/{paula.id}"
    assert (paula.role, paula.display_name, paula.phone, paula.active) == ("counsellor", "Paula Probe", "0351 123",
                                                                          True)
    assert "Konto angelegt" in text(admin_http.get(made.headers["Location"]))
    assert events("user.create")[-1][:2] == ("verwaltung", str(paula.id))
    assert password_accepted(admin_http.application.test_client(), "paula", NEW_PASSWORD)


def test_deactivating_an_account_ends_its_sessions_and_is_audited(app, admin_http, counsellor):
    session = app.test_client()
    assert login(session, counsellor.username).status_code == 302
    assert session.get("/clients").status_code == 200
    url = f"/admin/users/{counsellor.id}"
    response = admin_http.post(f"{url}/edit", data={
        "display_name": "Berta Beraterin", "email": "berta@fluechtlingsrat.example", "phone": "0351 42",
        "role": "counsellor", "csrf_token": token(admin_http, url)})  # "active" not ticked
    assert response.status_code == 303
    assert "Konto gespeichert" in text(admin_http.get(url))
    assert not stored(counsellor.username).active
    assert session.get("/clients").headers["Location"].startswith("/login")
    assert login(app.test_client(), counsellor.username).status_code != 302
    [(actor, object_id, detail)] = events("user.update")
    assert (actor, object_id) == ("verwaltung", str(counsellor.id))
    assert detail == "geändert: Telefon, aktiv; Rolle: Beratung; aktiv: nein"

    back = admin_http.post(f"{url}/edit", data={"display_name": "Berta Beraterin", "email": "berta@fluechtlingsrat."
                           "example", "phone": "0351 42", "role": "counsellor", "active": "1",
                           "csrf_token": token(admin_http, url)})
    assert back.status_code == 303 and stored(counsellor.username).active
    assert login(app.test_client(), counsellor.username).status_code == 302


def test_deactivating_an_account_ends_its_api_token_also_after_reactivation(app, admin_http, counsellor):
    """Probe finding 8: a token does not come back to life with the account."""
    with db.connection_context():
        bearer = {"Authorization": f"Bearer {users.issue_api_token(stored(counsellor.username))}"}
    script = app.test_client()
    assert script.get("/api/v1/clients/1", headers=bearer).status_code == 404
    url = f"/admin/users/{counsellor.id}"
    fields = {"display_name": "Berta Beraterin", "email": "", "phone": "", "role": "counsellor"}
    admin_http.post(f"{url}/edit", data=dict(fields, csrf_token=token(admin_http, url)))
    admin_http.post(f"{url}/edit", data=dict(fields, active="1", csrf_token=token(admin_http, url)))
    assert stored(counsellor.username).active
    assert script.get("/api/v1/clients/1", headers=bearer).status_code == 401


def test_the_console_shows_who_has_an_api_token_and_until_when(app, admin_http, counsellor, make_user):
    """Probe finding 8: the account list and the account page say whether there is a token and until when."""
    make_user("ohne", display_name="Olga Ohne")
    with db.connection_context():
        users.issue_api_token(stored(counsellor.username))
        until = stored(counsellor.username).api_token_expires_at
    with app.test_request_context():
        shown = app.jinja_env.filters["german_time"](until)
    table = text(admin_http.get("/admin/users/"))
    table = table[table.index('id="accounts"'):table.index("</table>")]
    assert "<th>API-Token</th>" in table
    row = table[table.index(">beraterin</a>"):]
    assert f"gültig bis {shown}" in row[:row.index("</tr>")]
    row = table[table.index(">ohne</a>"):]
    assert "keines" in row[:row.index("</tr>")]
    page = text(admin_http.get(f"/admin/users/{counsellor.id}"))
    assert re.search(rf"<dt>API-Token</dt>\s*<dd>gültig bis {re.escape(shown)}", page)


def test_an_administrator_cannot_deactivate_or_demote_herself(admin_http, administrator):
    url = f"/admin/users/{administrator.id}"
    page = text(admin_http.get(url))
    assert "Ihr eigenes Konto" in page
    fields = {"display_name": "Vera Verwaltung", "email": "verwaltung@fluechtlingsrat.example", "phone": ""}
    demote = admin_http.post(f"{url}/edit", data=dict(fields, role="counsellor", active="1",
                                                      csrf_token=csrf_token(page)))
    assert demote.status_code == 422
    assert '<p class="field-error" id="edit-role-error">Sie können sich nicht selbst die Rolle Verwaltung entziehen' \
        in text(demote)
    assert '<option value="counsellor" selected>' in text(demote)  # what was chosen stays chosen
    off = admin_http.post(f"{url}/edit", data=dict(fields, role="administrator", csrf_token=csrf_token(page)))
    assert off.status_code == 422
    assert '<p class="field-error" id="edit-active-error">Sie können Ihr eigenes Konto nicht deaktivieren' in text(off)
    me = stored(administrator.username)
    assert me.active and me.role == "administrator" and events("user.update") == []
    assert admin_http.get("/admin/users/").status_code == 200  # still signed in

    renamed = admin_http.post(f"{url}/edit", data=dict(fields, display_name="Vera V.", role="administrator",
                                                       active="1", csrf_token=csrf_token(page)))
    assert renamed.status_code == 303 and stored(administrator.username).display_name == "Vera V."


def test_setting_a_new_password(app, admin_http, administrator, counsellor):
    session = app.test_client()
    assert login(session, counsellor.username).status_code == 302
    url = f"/admin/users/{counsellor.id}"
    short = admin_http.post(f"{url}/password", data={"password": "zu-kurz", "password_repeat": "zu-kurz",
                                                     "csrf_token": token(admin_http, url)})
    assert short.status_code == 422 and 'id="password-password-error"' in text(short)
    assert stored(counsellor.username).password_hash == counsellor.password_hash

    done = admin_http.post(f"{url}/password", data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
                                                    "csrf_token": token(admin_http, url)})
    assert done.status_code == 303
    assert "Neues Passwort gesetzt" in text(admin_http.get(url))
    assert session.get("/clients").headers["Location"].startswith("/login")  # the old session has ended
    assert login(app.test_client(), counsellor.username, PASSWORD).status_code != 302
    assert login(app.test_client(), counsellor.username, NEW_PASSWORD).status_code == 302
    assert events("user.password_set") == [("verwaltung", str(counsellor.id), "")]

    # Her own password: other sessions end, the one she is using stays.
    own = f"/admin/users/{administrator.id}"
    admin_http.post(f"{own}/password", data={"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
                                             "csrf_token": token(admin_http, own)})
    assert admin_http.get("/admin/users/").status_code == 200


def test_a_password_made_of_the_persons_name_is_refused_in_the_console(admin_http, counsellor, make_user):
    """Probe finding 7: the console checks a password against the person it is for, and says why."""
    url = f"/admin/users/{counsellor.id}"
    named = admin_http.post(f"{url}/password", data={"password": "!!Berta-2026!!", "password_repeat": "!!Berta-2026!!",
                                                     "csrf_token": token(admin_http, url)})
    assert named.status_code == 422
    assert re.search(r'id="password-password-error">Dieses Passwort ist zu leicht zu erraten', text(named))
    assert stored(counsellor.username).password_hash == counsellor.password_hash
    form = {"username": "paula", "display_name": "Paula Probe", "role": "counsellor", "email": "", "phone": "",
            "password": "paula-im-Garten-2026", "password_repeat": "paula-im-Garten-2026"}
    refused = admin_http.post("/admin/users/", data=dict(form, csrf_token=token(admin_http)))
    assert refused.status_code == 422 and "darf den Benutzernamen nicht enthalten" in text(refused)


@pytest.mark.skipif(not hasattr(users, "reset_second_factor"), reason="users.reset_second_factor not there yet")
def test_resetting_the_second_factor(app, admin_http, counsellor):
    assert stored(counsellor.username).totp_confirmed_at is not None
    session = app.test_client()
    assert login(session, counsellor.username).status_code == 302
    url = f"/admin/users/{counsellor.id}"
    assert "eingerichtet: " in text(admin_http.get(url))
    response = admin_http.post(f"{url}/second-factor", data={"csrf_token": token(admin_http, url)})
    assert response.status_code == 303
    page = text(admin_http.get(url))
    assert "Zweiter Faktor zurückgesetzt" in page and "nicht eingerichtet" in page
    user = stored(counsellor.username)
    assert user.totp_secret is None and user.totp_confirmed_at is None
    assert session.get("/clients").headers["Location"].startswith("/login")
    assert events("user.second_factor_reset")[-1][:2] == ("verwaltung", str(counsellor.id))


# --- the audit log ----------------------------------------------------------------------------------------------

def test_the_audit_log_newest_first_filtered_and_the_chain_verified(app, admin_http, counsellor):
    with db.connection_context():
        audit.record(counsellor, "client.export", "client", 7)
        audit.record("cli", "contact.create", "authority_contact", 3)
    page = text(admin_http.get("/admin/audit/"))
    assert "Hash-Kette geprüft: unverändert" in page
    rows = re.findall(r"<tr><td>(\d+)</td>", page)
    assert rows == sorted(rows, key=int, reverse=True) and len(rows) >= 4
    assert 'Kontakt angelegt <code class="key">contact.create</code>' in page.split("<tbody>")[1].split("</tr>")[0]  # the newest on top

    start = page.index('<form method="get"')
    form = page[start:page.index("</form>", start)]
    [action_field] = re.findall(r'<select id="filter-action" name="([^"]+)"', form)
    [actor_field] = re.findall(r'<select id="filter-actor" name="([^"]+)"', form)
    assert '<option value="client.export">' in form and '<option value="beraterin">' in form

    by_action = text(admin_http.get(f"/admin/audit/?{action_field}=client.export"))
    body = by_action.split("<tbody>")[1]
    assert body.count("<tr>") == 1 and '<code class="key">client.export</code>' in body and "beraterin" in body
    assert '<option value="client.export" selected>' in by_action
    by_actor = text(admin_http.get(f"/admin/audit/?{actor_field}=beraterin"))
    assert by_actor.split("<tbody>")[1].count("<tr>") == 1
    both = text(admin_http.get(f"/admin/audit/?{action_field}=user.create&{actor_field}=cli")).split("<tbody>")[1]
    assert both.count("<tr>") == 2 and both.count('Konto angelegt <code class="key">user.create</code>') == 2

    with db.connection_context():
        event = AuditEvent.get(AuditEvent.action == "client.export")
        AuditEvent.update(detail="nachträglich").where(AuditEvent.id == event.id).execute()
    tampered = text(admin_http.get("/admin/audit/"))
    assert "Hash-Kette unterbrochen" in tampered
    assert f'Erster betroffener Eintrag: Nr. {event.id}</p>' in tampered
    assert "nachträglich" in html.unescape(tampered)
