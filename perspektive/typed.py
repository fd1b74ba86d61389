"""What a counsellor types, read the same way in every form and in the search: a day written as the date field
sends it (2026-11-21) or as Germans write it (21.11.2026), and text compared as a person reads it, without case,
accents and marks (``Şahin`` is found as "sahin", ``Müller`` as "muller" and "mueller")."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_GERMAN_DAY = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
# Letters that Unicode does not decompose into a base letter and a mark.
_LOOSE = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                        "’": "'", "‘": "'"})
# German spelling without umlauts: "Mueller" is "Müller".
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def parse_day(text: str) -> dt.date | None:
    """The day in ``text``; ``None`` for an empty text; ``ValueError`` for anything else (31.02.2026 too)."""
    text = (text or "").strip()
    if not text:
        return None
    iso, german = _ISO_DAY.fullmatch(text), _GERMAN_DAY.fullmatch(text)
    if iso:
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    if german:
        return dt.date(int(german[3]), int(german[2]), int(german[1]))
    raise ValueError(text)


def fold(text: str) -> str:
    """``text`` for comparing: case, accents and marks ignored (``Şahin`` → ``sahin``, ``Straße`` → ``strasse``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LOOSE)


def spellings(text: str) -> set[str]:
    """``text`` folded, and folded after writing the umlauts out: ``Müller`` → {``muller``, ``mueller``}."""
    return {fold(text), fold(text.casefold().translate(_GERMAN))}


# --- JSON that someone sent ---------------------------------------------------------------------------------

MAX_JSON_DEPTH = 32  # the facts need 5 levels; a body nested deeper is not facts, and Python's parser recurses


class JsonTooDeep(ValueError):
    """JSON nested deeper than ``MAX_JSON_DEPTH`` (or so deep that the parser ran out of stack)."""

    def __init__(self):
        super().__init__(f"JSON tiefer als {MAX_JSON_DEPTH} Ebenen verschachtelt")


def load_json(text: str):
    """``json.loads`` that turns a parser recursion into ``JsonTooDeep`` and refuses nesting beyond
    ``MAX_JSON_DEPTH``; other problems stay ``ValueError`` (``json.JSONDecodeError`` with a line and column)."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise JsonTooDeep() from None
    pending = [(data, 1)]
    while pending:  # a loop, not recursion: the check must not fail the way the parser did
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise JsonTooDeep()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return data
