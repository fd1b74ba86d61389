"""The base of the facts model (facts.py, facts_more.py): the frozen model that refuses unknown keys and checks the
input limits described in facts.py, the value sets, and a conviction's shape (the person's and the spouse's)."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Status = Literal[
    "gestattung", "duldung", "duldung_ungeklaerte_identitaet", "ausbildungsduldung", "beschaeftigungsduldung",
    "aufenthaltserlaubnis", "chancen_aufenthaltserlaubnis", "ohne_status",
]
LanguageLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")


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


class Conviction(_Model):
    date: dt.date
    intentional: bool | None = None
    foreigner_only_offence: bool | None = None
    fine_daily_rates: int | None = Field(None, ge=0, le=10_000)
    prison_months: float | None = Field(None, ge=0, le=1_200)
    suspended: bool | None = None
    juvenile_sanction: bool | None = None
    youth_custody: bool | None = None  # added to the contract: Jugendstrafe, as opposed to Freiheitsstrafe
    # issue 16 (law/bzrg.py): an offence of the catalogue of § 46 Abs. 1 Nr. 1a BZRG (longer erasure periods),
    # and the register status read from a register extract (an erased entry no longer counts, § 51 BZRG)
    bzrg_catalogue_offence: bool | None = None
    register_status: Literal["entered", "erased"] | None = None
