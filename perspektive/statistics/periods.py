"""The period a figure covers: a quarter (``2026Q3``), a year (``2026``), any range (``2026-01-01..2026-03-31``)
or cumulative since a day (``seit:2025-03-01``, up to today). Both ends are included."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _

_QUARTER = re.compile(r"(\d{4})\s*[qQ]([1-4])")
_YEAR = re.compile(r"\d{4}")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})")
_SINCE = re.compile(r"(?:seit|since):\s*(\d{4}-\d{2}-\d{2})")


class PeriodError(ValueError):
    """The period can not be read; the message says how to write one."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    code: str

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * number - 2, 1)
    following = dt.date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
    return Period(start, following - dt.timedelta(days=1), f"{year}Q{number}")


def quarter_of(day: dt.date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(text: str, today: dt.date) -> Period:
    """``PeriodError`` for anything but the four forms above, an end before the start or a start after today."""
    text = (text or "").strip()
    try:
        if match := _QUARTER.fullmatch(text):
            period = quarter(int(match[1]), int(match[2]))
        elif _YEAR.fullmatch(text):
            period = Period(dt.date(int(text), 1, 1), dt.date(int(text), 12, 31), text)
        elif match := _RANGE.fullmatch(text):
            period = Period(dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]), text)
        elif match := _SINCE.fullmatch(text):
            period = Period(dt.date.fromisoformat(match[1]), today, f"seit:{match[1]}")
        else:
            raise ValueError(text)
    except ValueError:
        raise PeriodError(_("Zeitraum nicht lesbar: bitte 2026Q3, 2026, 2026-01-01..2026-03-31 oder "
                            "seit:2025-03-01 angeben.")) from None
    if period.end < period.start:
        raise PeriodError(_("Das Ende des Zeitraums liegt vor seinem Anfang."))
    if period.start > today:
        raise PeriodError(_("Der Zeitraum beginnt in der Zukunft."))
    return period
