"""Criterion types about the stay: the status on the day, uninterrupted residence periods (§§ 187-191 BGB),
and how long a status has been held."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import get_args

from .criteria import Outcome, Params, unknown
from .fact_labels import VALUE_LABELS
from .facts import CaseFacts, Status
from .periods import birthday, de, describe_days, reached_on

# --- status on the day ----------------------------------------------------------------------------------

STATUS_NAMES = {status: VALUE_LABELS[status] for status in get_args(Status)}


class StatusParams(Params):
    statuses: list[Status]


def evaluate_status(params: StatusParams, facts: CaseFacts, on: dt.date) -> Outcome:
    if facts.status_history is None:
        return unknown("status_history")
    status = facts.status_on(on)
    name = STATUS_NAMES.get(status, "kein Status erfasst")
    if status in params.statuses:
        return Outcome(True, f"Status am {de(on)}: {name}")
    wanted = ", ".join(STATUS_NAMES[s] for s in params.statuses)
    return Outcome(False, f"Status am {de(on)}: {name}; erforderlich: {wanted}")


# --- residence periods ----------------------------------------------------------------------------------

class ResidenceParams(Params):
    years: int
    years_with_minor_child: int | None = None
    statuses: list[Status]
    uncredited_statuses: list[Status] = []
    credit_uncredited_if_status_on_day: list[Status] = []
    tolerated_gap_days: int = 0
    tolerated_gaps: int = 0
    key_date: dt.date | None = None  # the period must be complete on this fixed day (§ 104c: 31.10.2022)


@dataclass(frozen=True)
class _Chain:
    start: dt.date
    uncredited_days: int
    gaps: int


def _chain_until(facts: CaseFacts, on: dt.date, params: ResidenceParams, credit_all: bool) -> _Chain | None:
    """The uninterrupted stretch of counting statuses that ends on ``on``, walking back through the history.

    Periods with an uncredited status (§ 60b) do not break the stretch but do not count; a gap or a status that
    does not count ends it, except for tolerated short gaps, whose days do not count either.
    """
    counting = set(params.statuses) | set(params.uncredited_statuses)
    periods = [p for p in facts.status_history or () if p.from_ <= on]
    if not periods:
        return None
    current = periods[-1]
    if (current.to is not None and current.to < on) or current.status not in counting:
        return None
    start, uncredited, gaps = current.from_, 0, 0

    def uncredited_days(period, until):
        if period.status in params.uncredited_statuses and not credit_all:
            return (until - period.from_).days + 1
        return 0

    uncredited += uncredited_days(current, on)
    for period in reversed(periods[:-1]):
        gap = (start - period.to).days - 1
        if period.status not in counting:
            break
        if gap > 0:
            if gap > params.tolerated_gap_days or gaps >= params.tolerated_gaps:
                break
            gaps += 1
            uncredited += gap
        uncredited += uncredited_days(period, period.to)
        start = period.from_
    return _Chain(start, uncredited, gaps)


def _children_minor_until(facts: CaseFacts) -> dt.date | None:
    """The day the youngest minor child in the household turns 18, or None without such a child."""
    children = facts.household.minor_children or ()
    if not children:
        return None
    return max(birthday(c.date_of_birth, 18) for c in children)


def evaluate_residence(params: ResidenceParams, facts: CaseFacts, on: dt.date) -> Outcome:
    if facts.status_history is None:
        return unknown("status_history")
    if params.key_date is not None:  # judged on the key day only: time after it cannot help
        on_key_date = evaluate_residence(params.model_copy(update={"key_date": None}), facts, params.key_date)
        return Outcome(on_key_date.met, f"am Stichtag {de(params.key_date)}: {on_key_date.detail}",
                       missing_facts=on_key_date.missing_facts)
    credit_all = facts.status_on(on) in params.credit_uncredited_if_status_on_day
    chain = _chain_until(facts, on, params, credit_all)
    if chain is None:
        return Outcome(False, f"kein ununterbrochener anrechenbarer Aufenthalt am {de(on)}")
    credited = (on - chain.start).days + 1 - chain.uncredited_days
    effective_start = chain.start + dt.timedelta(days=chain.uncredited_days)
    full = reached_on(effective_start, years=params.years)
    note = f"anrechenbar seit {de(chain.start)}: {describe_days(credited)}"
    if chain.uncredited_days:
        note += f" (nicht angerechnet: {chain.uncredited_days} Tage"
        note += ", § 60b-Zeiten oder Unterbrechungen)" if not credit_all else ", Unterbrechungen)"
    if params.years_with_minor_child is None:
        if on >= full:
            return Outcome(True, f"{params.years} Jahre erreicht am {de(full)}; {note}")
        return Outcome(False, f"{params.years} Jahre erreicht am {de(full)}; {note}", met_from=full)

    short = reached_on(effective_start, years=params.years_with_minor_child)
    if on >= full:
        return Outcome(True, f"{params.years} Jahre erreicht am {de(full)}; {note}")
    both = (f"{params.years_with_minor_child} Jahre mit minderjährigem Kind im Haushalt (erreicht am {de(short)}), "
            f"sonst {params.years} Jahre (erreicht am {de(full)})")
    if facts.household.minor_children is None:
        return Outcome(None, f"{both}; ob ein minderjähriges Kind im Haushalt lebt, ist unbekannt; {note}",
                       missing_facts=("household.minor_children",))
    minor_until = _children_minor_until(facts)
    child_on = any(c.date_of_birth <= on < birthday(c.date_of_birth, 18) for c in facts.household.minor_children)
    if child_on and on >= short:
        return Outcome(True, f"{params.years_with_minor_child} Jahre mit minderjährigem Kind im Haushalt erreicht "
                       f"am {de(short)}; {note}")
    if minor_until is not None and on < short < minor_until:
        return Outcome(False, f"{both}; {note}", met_from=short)
    if minor_until is not None:
        return Outcome(False, f"{both}; jüngstes Kind volljährig ab {de(minor_until)}; {note}", met_from=full)
    return Outcome(False, f"{params.years} Jahre erreicht am {de(full)} (kein minderjähriges Kind im Haushalt); "
                   f"{note}", met_from=full)


class StatusDurationParams(Params):
    statuses: list[Status]
    months: int
    uncredited_statuses: list[Status] = []  # held in between, they neither count nor break the chain (§ 60b Abs. 5)


def evaluate_status_duration(params: StatusDurationParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """Holding one of ``statuses`` without a break for ``months`` up to the day."""
    if facts.status_history is None:
        return unknown("status_history")
    periods = [p for p in facts.status_history if p.from_ <= on]
    if not periods or periods[-1].status not in params.statuses or (periods[-1].to and periods[-1].to < on):
        return Outcome(False, f"am {de(on)} kein Status: " + ", ".join(STATUS_NAMES[s] for s in params.statuses))
    chain = set(params.statuses) | set(params.uncredited_statuses)
    start, uncredited = periods[-1].from_, 0
    for period in reversed(periods[:-1]):
        if period.status not in chain or (start - period.to).days > 1:
            break
        if period.status in params.uncredited_statuses:
            uncredited += (period.to - period.from_).days + 1
        start = period.from_
    full = reached_on(start + dt.timedelta(days=uncredited), months=params.months)
    detail = f"seit {de(start)}; {params.months} Monate erreicht am {de(full)}"
    if uncredited:
        detail += f" (nicht angerechnet: {uncredited} Tage {', '.join(STATUS_NAMES[s] for s in params.uncredited_statuses)})"
    return Outcome(True, detail) if on >= full else Outcome(False, detail, met_from=full)


