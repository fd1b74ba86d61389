"""The base of every facts model: unknown keys refused, values frozen, and the input limits of ``facts``.

Kept apart from ``facts`` so that the model of the case facts stays one readable module.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from pydantic import BaseModel, ConfigDict, field_validator

MAX_TEXT_LENGTH = 300
MAX_LIST_ITEMS = 50
# C0 controls that XML cannot hold (tab and line breaks can be held), U+FFFE/U+FFFF, and the bidi embeddings,
# overrides and isolates; lone surrogates apart, since they are not text at all.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
STORED = {"stored": True}  # the validation context of facts read back from the database (``read_stored``)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _within_limits(cls, value, info):
        """The limits of the module docstring, on input only: facts stored before a limit existed still load (the
        letters refuse what they cannot hold, naming the field), and the next save of their form names them."""
        if info.context == STORED:
            return value
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ValueError("ungültige Zeichen (kein gültiges Unicode)")
            if _CONTROL.search(value):
                raise ValueError("enthält Steuerzeichen (z. B. NUL oder Schreibrichtungswechsel)")
            if len(value) > MAX_TEXT_LENGTH:
                raise ValueError(f"zu lang (höchstens {MAX_TEXT_LENGTH} Zeichen)")
        elif isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            raise ValueError(f"zu viele Einträge (höchstens {MAX_LIST_ITEMS})")
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError("erwartet eine endliche Zahl (nicht Infinity oder NaN)")
        elif value is not None and not isinstance(value, dt.date) and _is_date(cls.model_fields[info.field_name]):
            raise ValueError("kein gültiges Datum (JJJJ-MM-TT)")
        return value


def _is_date(info) -> bool:
    return info.annotation in (dt.date, dt.date | None)
