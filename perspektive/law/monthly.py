"""The livelihood month by month (``livelihood_months``): the year before the application, as § 60d Abs. 1 Nr. 4
("in den letzten zwölf Monaten vor Beantragung … gesichert") and § 19d Abs. 1 Nr. 1 Buchst. c ("innerhalb des
letzten Jahres vor Beantragung … nicht auf öffentliche Mittel … angewiesen") ask.

The year is taken as the twelve calendar months before the month of application [I, UNVERIFIED: the statute counts
back from the day; a month is recorded as a whole]. When the months are not recorded at all the callers keep
their former reading (today's "Lebensunterhalt gesichert" for the whole year), so older facts keep their verdicts.
"""
from __future__ import annotations

import datetime as dt

from .criteria import Outcome
from .periods import add_months


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def year_before(on: dt.date) -> list[str]:
    first = add_months(on.replace(day=1), -12)
    return [_month(add_months(first, i)) for i in range(12)]


def german_month(month: str) -> str:
    """A month as stored ("2026-03") as German writes it ("03/2026")."""
    return f"{month[5:]}/{month[:4]}"


def twelve_months(facts, on: dt.date, *, want_secured: bool) -> Outcome | None:
    """Each of the twelve months secured (``want_secured``) or without public funds (otherwise); ``None`` when
    the months are not recorded. A bad month is followed by twelve good ones, if the facts stay as they are:
    ``met_from`` is the first day of the month after them. Months after the latest recorded one count as now."""
    if facts.livelihood_months is None:
        return None
    by_month = {m.month: m for m in facts.livelihood_months}
    what = "Lebensunterhalt gesichert" if want_secured else "ohne öffentliche Mittel"
    latest = max(by_month, default=None)

    def good(row):
        if row is None:
            return None
        return row.secured if want_secured else (None if row.public_funds is None else not row.public_funds)

    # Months after the latest one recorded are taken as they are now (the facts stay as they are): the current
    # "Lebensunterhalt gesichert", or the latest month's public funds.
    ahead = facts.livelihood.secured if want_secured else good(by_month.get(latest))
    bad, unknown = [], []
    for month in year_before(on):
        value = ahead if latest is not None and month > latest else good(by_month.get(month))
        if value is None:
            unknown.append(month)
        elif not value:
            bad.append(month)
    span = f"{german_month(year_before(on)[0])} bis {german_month(year_before(on)[-1])}"
    if bad:
        last = dt.date(int(bad[-1][:4]), int(bad[-1][5:]), 1)
        detail = f"{what} nicht in allen Monaten {span}: nicht in {', '.join(german_month(m) for m in bad)}"
        return Outcome(False, detail, met_from=add_months(last, 13))
    if unknown:
        return Outcome(None, f"{what}: unbekannt für {', '.join(german_month(m) for m in unknown)} ({span})",
                       missing_facts=("livelihood_months",))
    return Outcome(True, f"{what} in allen zwölf Monaten {span}")
