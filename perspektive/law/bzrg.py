"""When a conviction must be erased from the Federal Central Register, and which convictions still count.

§ 45 Abs. 1 BZRG: entries are erased after a period; § 46 Abs. 1 its length (5, 10, 15 or 20 years by sentence),
§ 46 Abs. 3 lengthens the 15- and 20-year periods (and those of § 46 Abs. 1 Nr. 1 Buchst. e, Nr. 2 Buchst. c) by
the length of the custodial sentence; § 47 Abs. 1 with § 36 Abs. 1: the period begins with the day of the first
judgment (the conviction's ``date``); § 47 Abs. 3: with several entries none is erased before the periods of all
have run. Once an entry is erased *or due to be erased*, the offence and the conviction must no longer be held
against the person (§ 51 Abs. 1 BZRG) – so a conviction counts until that day and no longer.

Not modelled (the counsellor is told): the suspension of the period while a sentence is still being served (§ 47
Abs. 2), sentences of § 45 Abs. 3 that are never erased, remission of a youth custody over two years (§ 46 Abs. 1
Nr. 1 Buchst. e, f) and the finer catalogue of Nr. 3 (taken as the catalogue of Nr. 1a). A conviction whose
catalogue question is unanswered gets no erasure day: it counts, as it did before these facts existed.
"""
from __future__ import annotations

import datetime as dt

from .periods import add_months, de


def erasure_period(c, others) -> tuple[int, float, str] | None:
    """(years, months added by § 46 Abs. 3, the rule) of conviction ``c`` beside the ``others`` in the register;
    ``None`` when the facts do not say."""
    catalogue = c.bzrg_catalogue_offence
    if catalogue is None:
        return None
    months = c.prison_months or 0
    custodial_elsewhere = any(o.prison_months or o.youth_custody for o in others)
    if c.youth_custody:
        if catalogue and months > 12:
            return 20, months, "§ 46 Abs. 1 Nr. 3, Abs. 3 BZRG"
        if months <= 12:
            rule = "§ 46 Abs. 1 Nr. 1 Buchst. c BZRG"
        elif months <= 24 and c.suspended:
            rule = "§ 46 Abs. 1 Nr. 1 Buchst. d BZRG"
        elif months <= 24 and c.suspended is None:
            return None
        else:
            return 10, months, "§ 46 Abs. 1 Nr. 2 Buchst. c, Abs. 3 BZRG"
        return (10, 0, "§ 46 Abs. 1 Nr. 1a Buchst. a BZRG") if catalogue else (5, 0, rule)
    if months:
        if months <= 3 and not others:
            return (10, 0, "§ 46 Abs. 1 Nr. 1a Buchst. a BZRG") if catalogue else \
                (5, 0, "§ 46 Abs. 1 Nr. 1 Buchst. b BZRG")
        if months <= 3:
            return 10, 0, "§ 46 Abs. 1 Nr. 2 Buchst. a BZRG"
        if months <= 12 and c.suspended is None:
            return None
        if months <= 12 and c.suspended and not custodial_elsewhere:
            return 10, 0, "§ 46 Abs. 1 Nr. 2 Buchst. b BZRG"
        if catalogue and months > 12:
            return 20, months, "§ 46 Abs. 1 Nr. 3, Abs. 3 BZRG"
        return 15, months, "§ 46 Abs. 1 Nr. 4, Abs. 3 BZRG"
    if c.fine_daily_rates is None:
        return None  # a juvenile-court measure or an unknown fine: not computed
    if c.fine_daily_rates <= 90 and not custodial_elsewhere:
        return (10, 0, "§ 46 Abs. 1 Nr. 1a Buchst. a BZRG") if catalogue else \
            (5, 0, "§ 46 Abs. 1 Nr. 1 Buchst. a BZRG")
    return 10, 0, "§ 46 Abs. 1 Nr. 2 Buchst. a BZRG"


def own_erasure_day(c, others) -> dt.date | None:
    """The day the period of ``c`` alone has run (the register may still hold it, § 47 Abs. 3)."""
    period = erasure_period(c, others)
    if period is None:
        return None
    years, extra_months, _ = period
    return add_months(c.date, 12 * years + round(extra_months))


def register_clear_day(convictions) -> dt.date | None:
    """The day every entry not yet erased is due for erasure (§ 47 Abs. 3 BZRG); ``None`` if one is not known."""
    entered = [c for c in convictions or () if c.register_status != "erased"]
    days = [own_erasure_day(c, [o for o in entered if o is not c]) for c in entered]
    if not days or None in days:
        return None
    return max(days)


def counted(convictions, on: dt.date) -> list:
    """The convictions that may still be held against the person on ``on`` (§ 51 Abs. 1 BZRG)."""
    if not convictions:
        return list(convictions or ())
    clear = register_clear_day(convictions)
    if clear is not None and clear <= on:
        return []
    return [c for c in convictions if c.register_status != "erased"]


def erasure_note(convictions, on: dt.date) -> tuple[dt.date | None, str]:
    """(the day the convictions stop counting, its explanation) for a criterion they fail on ``on``."""
    clear = register_clear_day(convictions)
    if clear is None or clear <= on:
        if any(c.bzrg_catalogue_offence is None and c.register_status != "erased" for c in convictions or ()):
            return None, "Tilgungsreife nicht berechnet (Katalogtat nach § 46 Abs. 1 Nr. 1a BZRG nicht " \
                         "angegeben) – Registerauszug prüfen"
        return None, ""
    entered = [c for c in convictions if c.register_status != "erased"]
    rules = sorted({erasure_period(c, [o for o in entered if o is not c])[2] for c in entered})
    return clear, (f"tilgungsreif am {de(clear)} ({', '.join(rules)}; § 47 Abs. 3 BZRG: alle Eintragungen "
                   "zusammen), danach nicht mehr verwertbar (§ 51 Abs. 1 BZRG), sofern die Vollstreckung erledigt "
                   "ist (§ 47 Abs. 2 BZRG)")
