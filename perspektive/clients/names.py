"""Country and language names instead of codes: the facts keep ISO 3166 alpha-2 and ISO 639-1 codes (the facts
contract), a counsellor sees and types names. The tables are data (``names.toml``), German and English, so that
the English pages name them in English; a typed name in either language, a part of a combined name ("Dari") or
the code itself is understood."""
from __future__ import annotations

import tomllib
import unicodedata
from importlib import resources

from flask_babel import get_locale

_TABLES = tomllib.loads(resources.files(__package__).joinpath("names.toml").read_text("utf-8"))
COUNTRIES: dict[str, tuple[str, str]] = {code: tuple(names) for code, names in _TABLES["countries"].items()}
LANGUAGES: dict[str, tuple[str, str]] = {code: tuple(names) for code, names in _TABLES["languages"].items()}


def fold(text: str) -> str:
    """Lower case without accents and extra spaces: "Türkei" and "turkei " are the same word."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _index(table: dict[str, tuple[str, str]]) -> dict[str, str]:
    found = {}
    for code, names in table.items():
        found[fold(code)] = code
        for name in names:
            found[fold(name)] = code
            for part in name.replace("(", "/").replace(")", "").split("/"):
                if part.strip():
                    found.setdefault(fold(part), code)
    return found


_COUNTRY_INDEX, _LANGUAGE_INDEX = _index(COUNTRIES), _index(LANGUAGES)


def in_english() -> bool:
    """Whether the page is in English (outside a request: German)."""
    try:
        locale = get_locale()
    except (RuntimeError, AttributeError):  # outside a request: German
        return False
    return locale is not None and locale.language == "en"


def country_name(code: str | None, english: bool | None = None) -> str | None:
    """The country's name in English or German (``None``: the page's language); an unknown code as it is;
    ``None`` stays ``None``."""
    return _name(COUNTRIES, code, english)


def language_name(code: str | None, english: bool | None = None) -> str | None:
    return _name(LANGUAGES, code, english)


def _name(table: dict[str, tuple[str, str]], code: str | None, english: bool | None) -> str | None:
    if not code:
        return None
    names = table.get(code)
    return code if names is None else names[1 if (in_english() if english is None else english) else 0]


def country_code(typed: str) -> str | None:
    return _COUNTRY_INDEX.get(fold(typed))


def language_code(typed: str) -> str | None:
    return _LANGUAGE_INDEX.get(fold(typed))


def choices(table: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, name) in the page's language, sorted by name: the options of a datalist."""
    english = in_english()
    return sorted(((code, names[1 if english else 0]) for code, names in table.items()), key=lambda c: fold(c[1]))
