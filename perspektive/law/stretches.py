"""Stretches of time in a status history: how long a person has held counting statuses, which days do not count,
and when a period of years or months is complete. Every period-based criterion (residence periods, the duration of
a Duldung) reads the history through this one module, so § 60b and §§ 187, 188, 191 BGB are applied one way.

§ 60b periods pause the clock. § 60b Abs. 5 S. 1 AufenthG says that the time with a "Duldung für Personen mit
ungeklärter Identität" "wird nicht als Vorduldungszeit angerechnet" – it is not counted; it does not say the
period starts again. So such a stretch neither counts nor breaks the chain of counting statuses around it: the time
before it and the time after it add up. While the person still holds that Duldung, the clock stands still, and time
alone completes nothing: the person has to cure the breach first (§ 60b Abs. 4). The BMI-Anwendungshinweise to
§ 60b (2019/2020) are read the same way in counselling literature; their wording could not be checked here
(UNVERIFIED, docs/legal-notes.md). Where the law lets the time count after all (§ 104c Abs. 1 S. 3 a. F.,
§ 25a Abs. 5, § 25b Abs. 7), the workflow lists the status among the counting ones or credits it on the day.

A period with days that do not count is not contiguous, and § 191 BGB applies: a month is 30 days, a year 365.
Only a contiguous period runs by the calendar (§ 187 Abs. 2, § 188 Abs. 2 BGB, ``periods.reached_on``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .facts import StatusPeriod
from .periods import reached_on

#: The statuses whose time is not counted as Vorduldungszeit (§ 60b Abs. 5 S. 1 AufenthG). Criterion types use
#: it as the default of ``uncredited_statuses``: a workflow need not repeat it, and may only credit it explicitly.
SECTION_60B_STATUSES: tuple[str, ...] = ("duldung_ungeklaerte_identitaet",)
SECTION_60B_CITATION = "§ 60b Abs. 5 S. 1 AufenthG"
DAYS_PER_YEAR = 365  # § 191 BGB
DAYS_PER_MONTH = 30  # § 191 BGB


@dataclass(frozen=True)
class Stretch:
    """An uninterrupted stretch of counting statuses from ``start``; ``uncredited_days`` of it do not count (time
    with an uncredited status, tolerated gaps), ``gaps`` tolerated gaps were bridged, and ``paused`` says the
    stretch ends (on the day it was read) in an uncredited status: the clock stands still."""

    start: dt.date
    uncredited_days: int
    gaps: int
    paused: bool
    leading_days: int = 0  # uncredited time before ``start``, in the same chain (named, never counted)
    credited: tuple[tuple[dt.date, dt.date], ...] = ()  # the counting periods from ``start``, in order

    @property
    def all_uncredited_days(self) -> int:
        return self.uncredited_days + self.leading_days

    @property
    def contiguous(self) -> bool:
        return self.uncredited_days == 0

    def credited_days(self, on: dt.date) -> int:
        return (on - self.start).days + 1 - self.uncredited_days

    def reached(self, *, years: int = 0, months: int = 0) -> dt.date:
        """The first day on which ``years`` and ``months`` of credited time are complete.

        Contiguous: by the calendar (§ 188 Abs. 2 BGB); so too when the period is complete before the first day that
        does not count (a pause after it cannot make it non-contiguous). Otherwise § 191 BGB: the credited days must
        reach 365 a year and 30 a month; the period is complete at the end of the day they do, and reached the day
        after. Beyond the day the stretch was read, the running status is assumed to go on.
        """
        calendar = reached_on(self.start, years=years, months=months)
        if self.contiguous or (self.credited and calendar - dt.timedelta(days=1) <= self.credited[0][1]):
            return calendar
        needed = DAYS_PER_YEAR * years + DAYS_PER_MONTH * months
        if not self.credited:  # built by hand without its periods: all uncredited days lie before completion
            return self.start + dt.timedelta(days=needed + self.uncredited_days)
        for begin, end in self.credited:
            length = (end - begin).days + 1
            if needed <= length:
                return begin + dt.timedelta(days=needed)
            needed -= length
        return self.credited[-1][1] + dt.timedelta(days=needed + 1)

    def rule(self) -> str:
        """How the end is counted, for the explanation."""
        if self.contiguous:
            return "§§ 187, 188 BGB"
        return "§ 191 BGB: nicht zusammenhängend, Jahr zu 365, Monat zu 30 Tagen"


def uncredited(statuses: Iterable[str], uncredited_statuses: Iterable[str], credit_all: bool = False) -> set[str]:
    """The statuses whose days do not count: those named uncredited, unless the workflow counts them itself."""
    return set() if credit_all else set(uncredited_statuses) - set(statuses)


def stretch_until(history: Iterable[StatusPeriod], on: dt.date, *, statuses: Iterable[str],
                  uncredited_statuses: Iterable[str], tolerated_gap_days: int = 0, tolerated_gaps: int = 0,
                  credit_all: bool = False) -> Stretch | None:
    """The stretch of counting statuses that runs on ``on``, walking back through the history; None if the
    status on ``on`` does not count.

    A status counts if it is in ``statuses`` or ``uncredited_statuses``; the latter's days do not count. A gap
    between two periods ends the stretch, unless it is one of ``tolerated_gaps`` gaps of at most
    ``tolerated_gap_days`` days, whose days do not count either.
    """
    skip = uncredited(statuses, uncredited_statuses, credit_all)
    counting = set(statuses) | set(uncredited_statuses)
    periods = [p for p in history if p.from_ <= on]
    if not periods:
        return None
    current = periods[-1]
    if (current.to is not None and current.to < on) or current.status not in counting:
        return None
    chain, gaps = [current], 0
    for period in reversed(periods[:-1]):
        if period.status not in counting:
            break
        gap = (chain[0].from_ - period.to).days - 1
        if gap > 0:
            if gap > tolerated_gap_days or gaps >= tolerated_gaps:
                break
            gaps += 1
        chain.insert(0, period)
    # Uncredited time before the first credited day lies outside the period: it starts with that day.
    first = next((p for p in chain if p.status not in skip), chain[0])
    start = first.from_
    counted: list[tuple[dt.date, dt.date]] = []
    for p in chain:
        if p.from_ < start or p.status in skip:
            continue
        end = min(p.to or on, on)
        if counted and p.from_ == counted[-1][1] + dt.timedelta(days=1):  # adjacent counting statuses: one block
            counted[-1] = (counted[-1][0], end)
        else:
            counted.append((p.from_, end))
    skipped = (on - start).days + 1 - sum((end - begin).days + 1 for begin, end in counted)
    leading = (start - chain[0].from_).days
    return Stretch(start, skipped, gaps, paused=current.status in skip, leading_days=leading,
                   credited=tuple(counted))
