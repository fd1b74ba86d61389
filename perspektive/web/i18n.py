"""The language of the pages: German by default, English on request.

A request asks for English either by the choice made with the language switch in the page header (a cookie,
kept for a year) or, without a choice, by the browser's Accept-Language. Messages are written in German in the
templates and code, marked with ``_()`` (``_l()`` where a module keeps them); ``perspektive/web/translations/en``
holds their English (``make messages`` collects new ones, ``make`` compiles it). Without a request (the command
line, the task consumer) the language is German. Letters, checklists, reminder and referral mails stay German
whatever the page language: they go to a German authority or are kept as records.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request, url_for
from flask_babel import Babel, get_locale

from perspektive.accounts import safe_next

LANGUAGES = ("de", "en")
COOKIE = "lang"

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():
        return LANGUAGES[0]
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=LANGUAGES[0])


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, default_locale=LANGUAGES[0],
                   default_timezone="Europe/Berlin")
    app.jinja_env.globals.update(get_locale=get_locale)
    app.register_blueprint(bp)


@bp.post("/sprache")
def choose_language():
    """Remember the chosen language and go back to the page the switch was on (the Referer, which browsers send
    for same-origin requests under our Referrer-Policy; only a path of this site is followed)."""
    language = request.form.get("lang", "")
    referrer = urlsplit(request.referrer or "")
    same_site = referrer.netloc == request.host
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    back = redirect((safe_next(path) if same_site else None) or url_for("web.index"))
    if language in LANGUAGES:
        back.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["SECURE_COOKIES"])
    return back
