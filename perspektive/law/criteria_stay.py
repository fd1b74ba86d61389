"""Criterion types about the stay: the status on the day, uninterrupted residence periods (§§ 187-191 BGB),
and how long a status has been held."""
from __future__ import annotations

import datetime as dt
from typing import get_args

from .criteria import Outcome, Params, unknown
from .fact_labels import VALUE_LABELS
from .facts import CaseFacts, Status
from .periods import DAYS, birthday, de, describe_days, quantity
from .stretches import SECTION_60B_CITATION, SECTION_60B_STATUSES, Stretch, stretch_until, uncredited

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
    uncredited_statuses: list[Status] = list(SECTION_60B_STATUSES)  # § 60b Abs. 5 S. 1, see stretches.py
    credit_uncredited_if_status_on_day: list[Status] = []
    tolerated_gap_days: int = 0
    tolerated_gaps: int = 0
    key_date: dt.date | None = None  # the period must be complete on this fixed day (§ 104c: 31.10.2022)


def _chain_until(facts: CaseFacts, on: dt.date, params: ResidenceParams, credit_all: bool) -> Stretch | None:
    """The uninterrupted stretch of counting statuses that ends on ``on`` (``stretches.stretch_until``)."""
    return stretch_until(facts.status_history or (), on, statuses=params.statuses,
                         uncredited_statuses=params.uncredited_statuses,
                         tolerated_gap_days=params.tolerated_gap_days, tolerated_gaps=params.tolerated_gaps,
                         credit_all=credit_all)


def _later(chain: Stretch, day: dt.date) -> dt.date | None:
    """The day time alone completes the period – none while the clock stands still (§ 60b, see stretches.py)."""
    return None if chain.paused else day


def _at(chain: Stretch, day: dt.date, on: dt.date) -> str:
    """``am <day>``; while the clock stands still, a day still to come is only the earliest, if it ran again
    from the next day."""
    if chain.paused and day > on:
        return f"frühestens am {de(day)}, wenn die Frist ab morgen wieder läuft"
    return f"am {de(day)}"


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
    credited = chain.credited_days(on)
    full = chain.reached(years=params.years)
    note = f"anrechenbar seit {de(chain.start)}: {describe_days(credited)}"
    if chain.all_uncredited_days:
        note += f" (nicht angerechnet: {quantity(chain.all_uncredited_days, *DAYS)}"
        note += ", § 60b-Zeiten oder Unterbrechungen" if not credit_all else ", Unterbrechungen"
        note += f"; Fristende nach {chain.rule()})"
    if chain.paused:
        note += (f"; die Frist ruht, solange die Duldung nach § 60b besteht ({SECTION_60B_CITATION}): erst nach "
                 "Erfüllung der Mitwirkungspflichten (§ 60b Abs. 4) läuft sie weiter")
    if params.years_with_minor_child is None:
        if on >= full:
            return Outcome(True, f"{params.years} Jahre erreicht {_at(chain, full, on)}; {note}")
        return Outcome(False, f"{params.years} Jahre erreicht {_at(chain, full, on)}; {note}", met_from=_later(chain, full))

    short = chain.reached(years=params.years_with_minor_child)
    if on >= full:
        return Outcome(True, f"{params.years} Jahre erreicht {_at(chain, full, on)}; {note}")
    both = (f"{params.years_with_minor_child} Jahre mit minderjährigem Kind im Haushalt (erreicht {_at(chain, short, on)}), "
            f"sonst {params.years} Jahre (erreicht {_at(chain, full, on)})")
    if facts.household.minor_children is None:
        return Outcome(None, f"{both}; ob ein minderjähriges Kind im Haushalt lebt, ist unbekannt; {note}",
                       missing_facts=("household.minor_children",))
    minor_until = _children_minor_until(facts)
    child_on = any(c.date_of_birth <= on < birthday(c.date_of_birth, 18) for c in facts.household.minor_children)
    if child_on and on >= short:
        return Outcome(True, f"{params.years_with_minor_child} Jahre mit minderjährigem Kind im Haushalt erreicht "
                       f"am {de(short)}; {note}")
    if minor_until is not None and on < short < minor_until:
        return Outcome(False, f"{both}; {note}", met_from=_later(chain, short))
    if minor_until is not None:
        return Outcome(False, f"{both}; jüngstes Kind volljährig ab {de(minor_until)}; {note}", met_from=_later(chain, full))
    return Outcome(False, f"{params.years} Jahre erreicht {_at(chain, full, on)} (kein minderjähriges Kind im Haushalt); "
                   f"{note}", met_from=_later(chain, full))


class StatusDurationParams(Params):
    statuses: list[Status]
    months: int
    # held in between, they neither count nor break the chain (§ 60b Abs. 5 S. 1, see stretches.py)
    uncredited_statuses: list[Status] = list(SECTION_60B_STATUSES)


def evaluate_status_duration(params: StatusDurationParams, facts: CaseFacts, on: dt.date) -> Outcome:
    """Holding one of ``statuses`` without a break for ``months`` up to the day (uncredited time in between
    pauses the clock; with such time the months are counted as 30 days each, § 191 BGB)."""
    if facts.status_history is None:
        return unknown("status_history")
    periods = [p for p in facts.status_history if p.from_ <= on]
    if not periods or periods[-1].status not in params.statuses or (periods[-1].to and periods[-1].to < on):
        return Outcome(False, f"am {de(on)} kein Status: " + ", ".join(STATUS_NAMES[s] for s in params.statuses))
    chain = stretch_until(periods, on, statuses=params.statuses, uncredited_statuses=params.uncredited_statuses)
    full = chain.reached(months=params.months)
    detail = f"seit {de(chain.start)}; {params.months} Monate erreicht {_at(chain, full, on)}"
    if chain.all_uncredited_days:
        names = ", ".join(STATUS_NAMES[s] for s in uncredited(params.statuses, params.uncredited_statuses))
        detail += (f" (nicht angerechnet: {quantity(chain.all_uncredited_days, *DAYS)} {names}; "
                   f"Fristende nach {chain.rule()})")
    return Outcome(True, detail) if on >= full else Outcome(False, detail, met_from=full)
