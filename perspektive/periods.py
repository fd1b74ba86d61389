"""Period arithmetic in one place, following §§ 187, 188 BGB.

A residence period or an age counts from the start of its first day (§ 187 Abs. 2 BGB), so a period of n years
that starts on 01.03.2020 ends at the end of 28.02.2026 and is *reached* on 01.03.2026: ``reached_on`` returns
that day. Where the end month is shorter, the period ends with its last day (§ 188 Abs. 3 BGB): 29.02.2024 plus
one year is reached on 01.03.2025.
"""
from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

GERMANY = ZoneInfo("Europe/Berlin")


def today_in_germany() -> dt.date:
    """The day of application is a day in Germany, not on the server's UTC clock (they differ around midnight)."""
    return dt.datetime.now(GERMANY).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a day missing in the target month becomes the first of the next month."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if day.day > last:
        return dt.date(year, month, last) + dt.timedelta(days=1)
    return dt.date(year, month, day.day)


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def reached_on(start: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """The first day on which a period of ``years`` and ``months`` that began on ``start`` is complete."""
    return add_months(start, 12 * years + months)


def birthday(born: dt.date, age: int) -> dt.date:
    """The day a person born on ``born`` reaches ``age`` (§ 187 Abs. 2 S. 2 BGB: the birthday itself counts)."""
    return add_years(born, age)


def describe_days(days: int) -> str:
    """A duration in days, in German, as years and months (approximate, for explanations only)."""
    years, rest = divmod(days, 365)
    months = round(rest / 30.44)
    if months == 12:
        years, months = years + 1, 0
    parts = []
    if years:
        parts.append(f"{years} Jahr{'e' if years != 1 else ''}")
    if months or not years:
        parts.append(f"{months} Monat{'e' if months != 1 else ''}")
    return " und ".join(parts)


def de(day: dt.date | None) -> str:
    """A date as German correspondence writes it: ``21.11.2026``."""
    return day.strftime("%d.%m.%Y") if day else "–"
