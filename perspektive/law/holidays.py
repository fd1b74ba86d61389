"""Public holidays in Saxony (Sächsisches Sonn- und Feiertagsgesetz, SächsSFG § 1), for § 193 BGB.

Statewide holidays only. Fronleichnam is a holiday solely in some Sorbian municipalities of the Oberlausitz and is
left out: a deadline in Dresden does not move for it, and moving one that should not move would be the worse error.
Easter is computed with the Gregorian computus (the "anonymous" algorithm), valid for every Gregorian year.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache


def easter_sunday(year: int) -> dt.date:
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _repentance_day(year: int) -> dt.date:
    """Buß- und Bettag: the Wednesday before 23 November (between 16 and 22 November)."""
    day = dt.date(year, 11, 22)
    return day - dt.timedelta(days=(day.weekday() - 2) % 7)


@lru_cache(maxsize=256)
def saxon_public_holidays(year: int) -> dict[dt.date, str]:
    easter = easter_sunday(year)
    after_easter = lambda days: easter + dt.timedelta(days=days)  # noqa: E731
    return {
        dt.date(year, 1, 1): "Neujahr",
        after_easter(-2): "Karfreitag",
        after_easter(1): "Ostermontag",
        dt.date(year, 5, 1): "Tag der Arbeit",
        after_easter(39): "Christi Himmelfahrt",
        after_easter(50): "Pfingstmontag",
        dt.date(year, 10, 3): "Tag der Deutschen Einheit",
        dt.date(year, 10, 31): "Reformationstag",
        _repentance_day(year): "Buß- und Bettag",
        dt.date(year, 12, 25): "1. Weihnachtstag",
        dt.date(year, 12, 26): "2. Weihnachtstag",
    }


def holiday_name(day: dt.date) -> str | None:
    return saxon_public_holidays(day.year).get(day)
