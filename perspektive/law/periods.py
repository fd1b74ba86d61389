"""Period arithmetic in one place, following §§ 187, 188 BGB.

A residence period or an age counts from the start of its first day (§ 187 Abs. 2 BGB), so a period of n years
that starts on 01.03.2020 ends at the end of 28.02.2026 and is *reached* on 01.03.2026: ``reached_on`` returns
that day. Where the end month is shorter, the period ends with its last day (§ 188 Abs. 3 BGB): 29.02.2024 plus
one year is reached on 01.03.2025.

A deadline to *act* by (a period that begins with an event such as the entry, § 187 Abs. 1 BGB) ends with the day
whose number matches the event's (``period_end``); if that day is a Saturday, a Sunday or a public holiday in
Saxony, the act may still be done on the next working day (§ 193 BGB, ``last_day_to_act``). Age limits and
statutory key dates are not deadlines to act by and never move.
"""
from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from .holidays import holiday_name

GERMANY = ZoneInfo("Europe/Berlin")


def now_in_germany() -> dt.datetime:
    """The one clock for days: tests that need a fixed day replace this function (``monkeypatch.setattr``)."""
    return dt.datetime.now(GERMANY)


def today_in_germany() -> dt.date:
    """The day of application is a day in Germany, not on the server's UTC clock (they differ around midnight)."""
    return now_in_germany().date()


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


def period_end(event_day: dt.date, *, months: int) -> dt.date:
    """The last day of a period of ``months`` that begins with an event on ``event_day`` (§ 188 Abs. 2, 3 BGB).

    Entry on 15.01.2020 plus six months ends on 15.07.2020; entry on 31.08.2020 plus six months ends on the last
    day of February, because February has no 31st.
    """
    month_index = event_day.year * 12 + (event_day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(event_day.day, calendar.monthrange(year, month)[1]))


def non_working_reason(day: dt.date) -> str | None:
    """Why ``day`` is not a working day in Saxony (German), or None for a working day."""
    if day.weekday() == 5:
        return "Samstag"
    if day.weekday() == 6:
        return "Sonntag"
    name = holiday_name(day)
    return f"Feiertag in Sachsen ({name})" if name else None


def last_day_to_act(deadline: dt.date) -> dt.date:
    """§ 193 BGB: a deadline that ends on a Saturday, Sunday or Saxon public holiday ends on the next working day."""
    day = deadline
    while non_working_reason(day):
        day += dt.timedelta(days=1)
    return day


def describe_deadline(deadline: dt.date) -> str:
    """``15.07.2023`` or, when § 193 BGB moves it, ``17.07.2023 (15.07.2023 ist ein Samstag, § 193 BGB)``."""
    moved = last_day_to_act(deadline)
    if moved == deadline:
        return de(deadline)
    return f"{de(moved)} ({de(deadline)} ist ein {non_working_reason(deadline)}, § 193 BGB)"


def years_and_months(days: int) -> tuple[int, int]:
    """A duration in days as whole years and months, rounded to the nearest month (for explanations only)."""
    years, rest = divmod(days, 365)
    months = round(rest / 30.44)
    return (years + 1, 0) if months == 12 else (years, months)


def describe_days(days: int) -> str:
    """A duration in days, in German, as years and months (approximate, for explanations only)."""
    years, months = years_and_months(days)
    parts = []
    if years:
        parts.append(f"{years} Jahr{'e' if years != 1 else ''}")
    if months or not years:
        parts.append(f"{months} Monat{'e' if months != 1 else ''}")
    return " und ".join(parts)


def german_number(value: float) -> str:
    """``25``, ``19,5``: no trailing zeros, a decimal comma."""
    return f"{value:g}".replace(".", ",")


# The units explanations count in, for ``quantity(n, *DAYS)``.
DAYS, MONTHS, WEEKLY_HOURS = ("Tag", "Tage"), ("Monat", "Monate"), ("Wochenstunde", "Wochenstunden")


def quantity(number: float, singular: str, plural: str) -> str:
    """A number with its unit as a German explanation writes it: "1 Tag", "30 Tage", "1,5 Monate"."""
    return f"{german_number(number)} {singular if number == 1 else plural}"


def de(day: dt.date | None) -> str:
    """A date as German correspondence writes it: ``21.11.2026``. Formatted by hand, not with ``strftime``: the same
    text (the year unpadded below 1000, as glibc's ``%Y``), at a third of the cost, and explanations name many
    dates."""
    return "%02d.%02d.%d" % (day.day, day.month, day.year) if day else "–"
