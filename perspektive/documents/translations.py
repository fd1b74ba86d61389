"""The client's handout in the client's language: one translation file per language, and its review state.

A language is a file ``<code>.toml`` in ``CHECKLIST_TRANSLATIONS_DIR`` (the shipped ones come from
``perspektive/defaults/checklist_translations/`` and are installed there like the workflows, so an administrator
adds or corrects a language by putting a file there, without code). A file holds

- ``code``, ``name`` (the language's own name), ``name_de``, ``direction`` (``ltr`` or ``rtl``), ``font`` (optional:
  the font for right-to-left text; the shipped files name Noto fonts, Debian's fonts-noto-core);
- ``[phrases]``: the handout's fixed texts (``PHRASES``);
- ``[items.<workflow id>.<item id>]``: each German item text of the workflow with its translation.

Items are keyed by their German text under the id because one id can carry different texts by date or condition,
and because a translation whose German source was reworded since must not be printed for the new text: it simply
no longer matches. An item id holding a date of the person (``school_certificate_2015-09-01``) is looked up with
``{date}`` in place of the date, in the id and in the German text, and the translation gets the date back.

A handout is in a language only when its file translates every phrase and every item on the client's checklist;
otherwise it is German. Never half and half.

``de.toml`` holds the German phrases, and ``[anlagen]``: how a received item is named in the Antrag's list of
Anlagen (``anlagen.py``). German is the original and needs no review; every other file is "not yet reviewed"
until an administrator marks it reviewed (a ``TranslationReview`` row with the file's hash: a file changed after
the review is unreviewed again).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, has_app_context

from perspektive import audit, shipped
from perspektive.accounts.models import User
from perspektive.db import utcnow, write_transaction
from perspektive.law import ChecklistEntry, de

from .models import TranslationReview

GERMAN = "de"
LANGUAGE_FILE = re.compile(r"[a-z]{2}\.toml")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The fixed texts of the handout; a file lacking one is not used.
PHRASES = ("checklist", "for", "born", "as_of", "review_pending", "reviewed", "missing_heading", "missing_intro",
           "nothing_missing", "received_heading", "received", "nothing_received", "contact_heading", "phone",
           "email", "other_proof", "page")


# Parsed files by (path, modification time, size): every letter reads one or two files, which change rarely and
# are seen at once when they do (an administrator's edit changes the time or the size).
_CACHE: dict[tuple, Translation] = {}


class TranslationError(ValueError):
    """A language file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Translation:
    code: str
    name: str
    name_de: str
    rtl: bool
    phrases: dict
    items: dict  # workflow id -> item id -> German text -> translation
    anlagen: dict = field(default_factory=dict)  # de.toml only
    digest: str = ""
    font: str = ""  # for right-to-left text: a font with the script's every letter (Urdu needs more than Arabic)

    def item(self, workflow_id: str, entry: ChecklistEntry) -> str | None:
        """The translation of ``entry``'s German text, or None when this file has none for it."""
        german = entry.text_in(GERMAN)
        if self.code == GERMAN:
            return german
        if entry.text.get(self.code):  # the workflow file speaks the language itself
            return entry.text[self.code]
        texts = self.items.get(workflow_id, {})
        found = texts.get(entry.id, {}).get(german)
        if found is not None:
            return found
        day = _DATE.search(entry.id)
        if day is None:
            return None
        iso = day.group()
        shown = de(dt.date.fromisoformat(iso))
        pattern = texts.get(entry.id.replace(iso, "{date}"), {}).get(german.replace(shown, "{date}"))
        return pattern.replace("{date}", shown) if pattern is not None else None

    def complete_for(self, workflow_id: str, entries: list[ChecklistEntry]) -> bool:
        return all(self.phrases.get(p) for p in PHRASES) and all(self.item(workflow_id, e) for e in entries)


def folder() -> Path:
    """The configured folder; outside an app (a template check, a script) the shipped languages."""
    if has_app_context() and current_app.config.get("CHECKLIST_TRANSLATIONS_DIR"):
        return Path(current_app.config["CHECKLIST_TRANSLATIONS_DIR"])
    return shipped.resource("checklist_translations")


def _read(path: Path) -> Translation:
    data = path.read_bytes()
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TranslationError(f"{path.name}: keine gültige TOML-Datei ({exc})") from None
    code = path.stem
    if raw.get("code", code) != code:
        raise TranslationError(f"{path.name}: code = {raw.get('code')!r} passt nicht zum Dateinamen")
    phrases, items = raw.get("phrases", {}), raw.get("items", {})
    if not isinstance(phrases, dict) or not isinstance(items, dict):
        raise TranslationError(f"{path.name}: [phrases] und [items] müssen Tabellen sein")
    return Translation(code=code, name=str(raw.get("name", code)), name_de=str(raw.get("name_de", code)),
                       rtl=raw.get("direction") == "rtl", phrases=phrases, items=items,
                       anlagen=raw.get("anlagen", {}), digest=hashlib.sha256(data).hexdigest(),
                       font=str(raw.get("font", "")))


def load(code: str) -> Translation | None:
    """The language ``code``'s file, or None when there is none (or it cannot be read: German is used instead)."""
    if not isinstance(code, str) or not LANGUAGE_FILE.fullmatch(f"{code}.toml"):
        return None
    path = folder() / f"{code}.toml"
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _CACHE:
            if len(_CACHE) > 64:
                _CACHE.clear()
            _CACHE[key] = _read(path)
        return _CACHE[key]
    except (OSError, TranslationError):
        return None


def german() -> Translation:
    found = load(GERMAN)
    if found is None:
        raise TranslationError("de.toml fehlt in CHECKLIST_TRANSLATIONS_DIR")
    return found


def every() -> list[tuple[str, Translation | None, str]]:
    """Every language file (German first), as (file name, translation or None, the problem when unreadable)."""
    found = []
    for path in sorted(folder().glob("*.toml"), key=lambda p: (p.stem != GERMAN, p.stem)):
        if not LANGUAGE_FILE.fullmatch(path.name):
            continue
        try:
            found.append((path.name, _read(path), ""))
        except TranslationError as exc:
            found.append((path.name, None, str(exc)))
    return found


# --- review -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Review:
    reviewed: bool
    by: str = ""
    on: dt.datetime | None = None
    changed_since: bool = False  # reviewed once, but the file changed after that


def review_of(translation: Translation) -> Review:
    if translation.code == GERMAN:
        return Review(True)
    if not has_app_context():  # a template checked outside the app knows no reviews: the safe side, unreviewed
        return Review(False)
    row = TranslationReview.get_or_none(TranslationReview.language == translation.code)
    if row is None:
        return Review(False)
    by = row.reviewed_by.display_name if row.reviewed_by is not None else ""
    if row.sha256 != translation.digest:
        return Review(False, by, row.reviewed_at, changed_since=True)
    return Review(True, by, row.reviewed_at)


def mark_reviewed(translation: Translation, user: User) -> None:
    """Record that ``user`` reviewed the file as it is now."""
    with write_transaction():
        (TranslationReview.insert(language=translation.code, sha256=translation.digest, reviewed_by=user,
                                  reviewed_at=utcnow())
         .on_conflict(conflict_target=[TranslationReview.language],
                      update={TranslationReview.sha256: translation.digest, TranslationReview.reviewed_by: user,
                              TranslationReview.reviewed_at: utcnow()})
         .execute())
        audit.record(user, "translation.reviewed", "translation", translation.code)


def withdraw_review(translation: Translation, user: User) -> None:
    with write_transaction():
        TranslationReview.delete().where(TranslationReview.language == translation.code).execute()
        audit.record(user, "translation.unreviewed", "translation", translation.code)
