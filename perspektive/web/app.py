"""``create_app``: configuration, database, engine, security headers, and every capability's faces.

The factory is the top of the house: it is the one place that knows every capability, registers their
blueprints, commands and built-in plugins, and imports their task modules so that the consumer finds them."""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import peewee
from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from perspektive import (
    accounts,
    admin,
    clients,
    conferences,
    documents,
    followups,
    plans,
    privacy,
    procedure_stats,
    referrals,
    sealing,
    shipped,
    statistics,
    tasks,
)
from perspektive.config import load_config
from perspektive.db import db, init_database
from perspektive.law import Engine

from . import (  # noqa: F401 - their routes go on the ``web`` blueprint of ``pages``
    api,
    api_lists,
    case_page,
    cli,
    client_list,
    client_page,
    filters,
    health,
    i18n,
    input_guard,
    pages,
    schema_gate,
    storage,
)
from .api import MAX_BODY_MB
from .connections import PerspektiveFlask, connect_for_request, end_request
from .csrf import csrf
from .ids import IdConverter

log = logging.getLogger("perspektive")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(overrides: dict | None = None) -> Flask:
    config = load_config(overrides)
    app = PerspektiveFlask("perspektive.web", instance_path=config["DATA_DIR"])
    app.url_map.converters["int"] = IdConverter  # before any route: every <int:id> is bounded
    app.config.update(config)
    secure = config["SECURE_COOKIES"]
    app.config.update(
        SESSION_COOKIE_NAME="__Host-session" if secure else "session",
        SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=0, WTF_CSRF_TIME_LIMIT=None, MAX_CONTENT_LENGTH=MAX_BODY_MB * 1_000_000,
        JSON_AS_ASCII=False, PROPAGATE_EXCEPTIONS=False,
    )
    app.json.ensure_ascii = False
    if config["PROXY_HOPS"]:
        hops = config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    init_database(config["DATABASE_URL"])
    shipped.install_provisions("workflows", Path(config["WORKFLOWS_DIR"]))
    shipped.install_provisions("letter_templates", Path(config["LETTER_TEMPLATES_DIR"]))
    shipped.install_provisions("checklist_translations", Path(config["CHECKLIST_TRANSLATIONS_DIR"]))
    _install_data_key(app, config)
    app.extensions["perspektive"] = Engine(config["WORKFLOWS_DIR"], config["LETTER_TEMPLATES_DIR"],
                                           config["PLUGINS_DIR"], builtin_plugins=followups.PLUGINS + statistics.PLUGINS)
    _import_uploads(app)
    tasks.huey.immediate = config["HUEY_IMMEDIATE"]
    tasks.bind_app(app)
    tasks.before_each_task(documents.sync_uploads_for_task)

    @app.before_request
    def _connect():
        if request.endpoint == health.ENDPOINT:
            return  # the probe connects itself, and answers 503 rather than fail when the database is down
        # One connection per worker thread, kept open: opening SQLite with its pragmas costs more than most
        # requests (stack-notes: ~0.7 ms); peewee keeps connections per thread, so threads never share one. A dead
        # one is replaced (connections.py).
        connect_for_request()
        if (answer := schema_gate.behind(app)) is not None:
            return answer
        # A workflow or template uploaded through any server is written into this one's folders on its next
        # request (one indexed query when nothing changed, see docs/workflows.md); one uploaded through another
        # worker of this server (or dropped into the folder) is seen by a stat per file (~50 µs).
        documents.sync_uploads()
        app.extensions["perspektive"].reload_if_changed()

    @app.teardown_request
    def _end_transaction(exc):
        end_request(exc)
        if not db.is_closed() and db.in_transaction():
            db.rollback()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint and not request.endpoint.startswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.log_exception = _log_without_data
    input_guard.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    filters.init_app(app)
    for capability in (accounts, clients, documents, followups, referrals, conferences, procedure_stats, plans,
                       privacy, statistics, admin):
        capability.init_app(app)
    for blueprint in (pages.bp, api.bp, case_page.bp, health.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    _register_error_pages(app)
    return app


def _install_data_key(app: Flask, config: dict) -> None:
    """Find the data key and check it against the database; without the right key nothing starts (exit 2), so
    that nothing is ever shown or written under a wrong one."""
    try:
        with db.connection_context():
            keyring = sealing.prepare(config)
    except sealing.KeyProblem as problem:
        log.error("%s", problem)
        print(f"Fehler: {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    except peewee.OperationalError:
        # The database is down at start: the worker still boots so that /healthz can say so, with the keys the
        # configuration names, unchecked (AES-GCM refuses a value sealed under any other key, so nothing wrong is
        # ever shown); no key is made while the database cannot say whether one exists.
        log.error("database unreachable at start-up: the data key is not checked against it")
        keyring = sealing.read_keyring(config)
    sealing.install(keyring, app)


def _import_uploads(app: Flask) -> None:
    """An installation from before uploads were kept in the database: its uploaded files go there once."""
    try:
        with app.app_context(), db.connection_context():
            documents.import_uploads_once()
    except peewee.OperationalError:
        log.error("database unreachable at start-up: uploaded provisions not imported (next start)")


def _log_without_data(exc_info) -> None:
    """Log where an error happened, never its message: messages can carry personal data."""
    kind, _, tb = exc_info
    frames = traceback.extract_tb(tb)[-6:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    log.error("unhandled %s in %s %s at %s", kind.__name__, request.method, request.endpoint, where)


def _register_error_pages(app: Flask) -> None:
    """Generic pages: no stack trace, no versions; the API answers JSON. Either in the request's language."""

    def page(code: int, title):
        title = str(title)
        if request.path.startswith("/api/"):
            return {"error": title}, code
        return render_template("error.html", code=code, title=title), code

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return page(400, _("Sitzung abgelaufen oder Formular ungültig – bitte Seite neu laden."))

    for code, title in ((400, _l("Ungültige Anfrage")), (403, _l("Kein Zugriff")), (404, _l("Nicht gefunden")),
                        (405, _l("Methode nicht erlaubt")), (413, _l("Datei zu groß")),
                        (422, _l("Ungültige Angaben"))):
        app.register_error_handler(code, lambda exc, c=code, t=title: page(c, t))

    @app.errorhandler(500)
    def _error(exc):
        kind = storage.storage_failure(getattr(exc, "original_exception", None))
        if kind is None:
            return page(500, _("Interner Fehler – der Vorgang wurde nicht ausgeführt."))
        storage.log_failure(kind, request.method, request.endpoint)
        title = (_("Speicher voll – nichts wurde gespeichert") if kind == "full"
                 else _("Speicher schreibgeschützt – nichts wurde gespeichert"))
        detail = _("Der Server kann gerade keine Daten schreiben. Ihre Eingabe wurde nicht gespeichert; bitte "
                   "später erneut versuchen. Lesen geht weiter. Bitte die Administration informieren: Speicherplatz "
                   "der Datenbank bzw. des Datenverzeichnisses freigeben oder Schreibrechte wiederherstellen.")
        if request.path.startswith("/api/"):
            return {"error": title, "detail": detail}, 503, {"Retry-After": "300"}
        return render_template("error.html", code=503, title=title, detail=detail,
                               ), 503, {"Retry-After": "300"}
