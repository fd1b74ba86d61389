"""What a counsellor types into a fact's input, read as the fact (``read_typed``), and a stored fact as its input
shows it again (``shown_in_input``): dates as 21.11.2026 or ISO, months as 03/2026, numbers as German writes them
("1.250,50"; on an English page "1,250.50"), countries and languages by name or code."""
from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l

from perspektive.law import COUNTRY_NAMES, LANGUAGE_NAMES, german_month
from perspektive.typed import fold, parse_day

from . import names

BAD_DATE = _l("Bitte ein gültiges Datum angeben, z. B. 21.11.2026.")
BAD_NUMBER = _l("Bitte eine Zahl angeben, z. B. 39 oder 7,5.")
BAD_INTEGER = _l("Bitte eine ganze Zahl angeben.")
BAD_MONTH = _l("Bitte einen Monat angeben, z. B. 03/2026.")
BAD_CHOICE = _l("Bitte einen Wert aus der Liste wählen.")
BAD_COUNTRY = _l("Bitte einen Staat aus der Liste wählen (die ersten Buchstaben tippen, z. B. Syr für Syrien).")
BAD_LANGUAGE = _l("Bitte eine Sprache aus der Liste wählen (die ersten Buchstaben tippen, z. B. Dari).")

_COUNTRY_CODES = {**{fold(name): code for code, name in COUNTRY_NAMES.items()},
                  **{fold(code): code for code in COUNTRY_NAMES}}
_LANGUAGE_CODES = {fold(part): code for code, names in LANGUAGE_NAMES.items() for part in names.split(" / ")}
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_THOUSANDS_DE = re.compile(r"\d{1,3}(\.\d{3})+")  # 1.250 or 12.000.000: dots between groups of three
_THOUSANDS_EN = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")  # 1,250 or 1,250.50
_MONTH = re.compile(r"(?:(?P<month>0?[1-9]|1[0-2])[./](?P<year>\d{4})|(?P<iso_year>\d{4})-(?P<iso_month>0[1-9]|1[0-2]))")


def read_typed(item, raw: str):
    """``(value for the facts JSON, error)`` of what was typed into ``item`` (a ``fact_forms.Input``: its kind,
    choices and suggestions); an empty input, and the answer "unknown", is ``None``: not known."""
    raw = (raw or "").strip()
    if not raw:
        return None, None
    if item.kind == "date":
        try:
            return parse_day(raw).isoformat(), None
        except ValueError:
            return None, BAD_DATE
    if item.kind == "month":  # 03/2026, 3.2026 or, as stored, 2026-03
        match = _MONTH.fullmatch(raw)
        if not match:
            return None, BAD_MONTH
        return f"{match['year'] or match['iso_year']}-{int(match['month'] or match['iso_month']):02d}", None
    if item.kind == "bool":
        if raw == "unknown":
            return None, None
        if raw not in ("true", "false"):
            return None, BAD_CHOICE
        return raw == "true", None
    if item.kind == "choice":
        return (raw, None) if raw in dict(item.choices) else (None, BAD_CHOICE)
    if item.kind == "number":
        number = typed_number(raw)
        return (number, None) if number is not None else (None, BAD_NUMBER)
    if item.kind == "integer":
        try:
            return int(raw), None
        except ValueError:
            return None, BAD_INTEGER
    if item.suggestions == "countries":
        code = (names.country_code(raw) or _COUNTRY_CODES.get(fold(raw))
                or (raw.upper() if _TWO_LETTERS.fullmatch(raw) else None))
        return (code, None) if code else (None, BAD_COUNTRY)
    if item.suggestions == "languages":
        code = (names.language_code(raw) or _LANGUAGE_CODES.get(fold(raw))
                or (raw.lower() if _TWO_LETTERS.fullmatch(raw) else None))
        return (code, None) if code else (None, BAD_LANGUAGE)
    return raw, None


def typed_number(raw: str) -> float | None:
    """A number as counsellors type it: "7,5" and "7.5", "1.250" (euros: one thousand two hundred and fifty, not
    1.25), "1.250,50" and "1 250"; on an English page also "1,250.50". ``None`` for anything else."""
    text = raw.replace(" ", "").replace("\u00a0", "")
    if names.in_english() and _THOUSANDS_EN.fullmatch(text):
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_DE.fullmatch(text):
        text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def shown_in_input(value, kind: str = "") -> str:
    """A stored fact as its input shows it: days as the date field wants them, numbers with a decimal comma (a
    point on a page in English), a month as 03/2026."""
    if value is None:
        return ""
    if kind == "month":
        return german_month(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value) if names.in_english() else str(value).replace(".", ",")
    return str(value)
