"""The language of the pages: German by default, English on request.

A request asks for English either by the choice made with the language switch in the page header (a cookie,
kept for a year) or, without a choice, by the browser's Accept-Language. Messages are written in German in the
templates and code, marked with ``_()``; ``perspektive/translations/en`` holds their English, compiled by ``make``.
Letters, checklists and referral mails stay German whatever the page language: they go to a German authority.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import Babel, get_locale

from perspektive.accounts import safe_next

LANGUAGES = ("de", "en")
COOKIE = "lang"

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=LANGUAGES[0])


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, default_locale=LANGUAGES[0],
                   default_timezone="Europe/Berlin")
    app.jinja_env.globals.update(get_locale=get_locale, bilingual=bilingual)
    app.jinja_env.filters["one_language"] = one_language
    app.register_blueprint(bp)


def english() -> bool:
    return get_locale().language == "en"


def bilingual(german: str, english_text: str) -> str:
    """One of a pair kept in Python data (e.g. the follow-up groups), in the page's language."""
    return english_text if english() else german


_TRAILING_ENGLISH = re.compile(r"(?P<de>.*\S)\s+\((?P<en>[^()]+)\)\s*", re.S)


def one_language(message: str) -> str:
    """Flash messages and error titles are written "Deutsch. (English.)": show the half in the page's
    language. A message without an English half is shown as it is."""
    match = _TRAILING_ENGLISH.fullmatch(message)
    if match is None:
        return message
    return match["en"] if english() else match["de"]


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
