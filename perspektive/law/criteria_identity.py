"""Criterion types about identity: clarified, a valid passport, and clarified in time after entry."""
from __future__ import annotations

import datetime as dt

from .criteria import Outcome, Params, unknown
from .facts import CaseFacts
from .periods import de, describe_deadline, last_day_to_act, period_end

# --- identity and passport ------------------------------------------------------------------------------

class IdentityParams(Params):
    measures_allow_discretion: bool = True


def evaluate_identity(params: IdentityParams, facts: CaseFacts, on: dt.date) -> Outcome:
    ident = facts.identity
    if ident.clarified_on is not None and ident.clarified_on <= on:
        return Outcome(True, f"Identität geklärt am {de(ident.clarified_on)}")
    return _measures_or(params, facts, "Identität nicht geklärt", "identity.clarified_on")


def evaluate_passport(params: IdentityParams, facts: CaseFacts, on: dt.date) -> Outcome:
    valid_until = facts.identity.passport_valid_until
    if valid_until is not None and valid_until >= on:
        return Outcome(True, f"Nationalpass gültig bis {de(valid_until)}")
    what = f"Pass abgelaufen am {de(valid_until)}" if valid_until else "kein gültiger Pass erfasst"
    return _measures_or(params, facts, what, "identity.passport_valid_until")


def _measures_or(params: IdentityParams, facts: CaseFacts, what: str, fact: str) -> Outcome:
    measures = facts.identity.reasonable_measures_taken
    if not params.measures_allow_discretion:  # the measures cannot help, so they need not be known
        return Outcome(False, what)
    if measures:
        return Outcome(True, f"{what}; alle erforderlichen und zumutbaren Maßnahmen ergriffen – Absehen im Ermessen "
                       "der Behörde möglich", discretionary=True)
    if measures is None and facts.identity.clarified_on is None and fact == "identity.clarified_on":
        return unknown("identity.clarified_on", "identity.reasonable_measures_taken")
    if measures is None:
        return Outcome(None, f"{what}; ob alle zumutbaren Maßnahmen ergriffen wurden, ist unbekannt",
                       missing_facts=("identity.reasonable_measures_taken",))
    return Outcome(False, what)


# --- identity clarified in time (§ 60c Abs. 2 Nr. 3, § 16g Abs. 2 Nr. 3, § 60d Abs. 1 Nr. 1) ---------------

class IdentityTier(Params):
    """For entries up to ``entered_until`` (None: any later entry), identity must be clarified by the application,
    but no later than ``latest``; or within ``months_after_entry`` of the entry (a deadline to act by).

    With ``employed_on``, the tier applies only if the person was (``employed`` true) or was not (false) in a
    socially insured employment on that day: the old § 60d Abs. 1 Nr. 1 Buchst. a and b (2020–2024) set the
    deadline for entries up to 31.12.2016 by whether an employment existed on 01.01.2020."""

    entered_until: dt.date | None = None
    employed_on: dt.date | None = None
    employed: bool = True
    by_application: bool = False
    latest: dt.date | None = None
    months_after_entry: int | None = None


class IdentityDeadlineParams(Params):
    tiers: list[IdentityTier]
    discretion_citation: str = ""


def _identity_deadline(tier: IdentityTier, entry: dt.date, on: dt.date) -> tuple[dt.date, str]:
    if tier.months_after_entry is not None:
        end = period_end(entry, months=tier.months_after_entry)
        return last_day_to_act(end), f"{tier.months_after_entry} Monate nach der Einreise: {describe_deadline(end)}"
    if tier.by_application and (tier.latest is None or on <= tier.latest):
        return on, "bis zur Antragstellung"
    if tier.latest is not None:
        return last_day_to_act(tier.latest), f"spätestens {describe_deadline(tier.latest)}"
    return on, "bis zur Antragstellung"


def _employed_on(facts: CaseFacts, day: dt.date) -> bool | None:
    """Whether a socially insured employment ran on ``day``; None if the employment or its kind is unknown."""
    if facts.employment is None:
        return None
    running = [j for j in facts.employment if j.from_ <= day and (j.to is None or day <= j.to)]
    if any(j.socially_insured is None for j in running):
        return None
    return any(j.socially_insured for j in running)


def evaluate_identity_deadline(params: IdentityDeadlineParams, facts: CaseFacts, on: dt.date) -> Outcome:
    entry = facts.entry_date
    if entry is None:
        return unknown("entry_date")
    tiers = [t for t in params.tiers if t.entered_until is None or entry <= t.entered_until]
    tier, employment = None, ""
    for candidate in tiers:
        if candidate.employed_on is None:
            tier = candidate
            break
        employed = _employed_on(facts, candidate.employed_on)
        if employed is None:
            return Outcome(None, f"Einreise am {de(entry)}: die Frist hängt davon ab, ob am "
                           f"{de(candidate.employed_on)} ein sozialversicherungspflichtiges Beschäftigungsverhältnis "
                           "bestand – unbekannt", missing_facts=("employment",))
        if employed == candidate.employed:
            tier = candidate
            employment = f", am {de(candidate.employed_on)} {'' if employed else 'nicht '}beschäftigt"
            break
    if tier is None:
        return Outcome(False, f"Einreise am {de(entry)}: keine Frist für diese Einreise vorgesehen")
    deadline, rule = _identity_deadline(tier, entry, on)
    rule = f"Einreise am {de(entry)}{employment}, Frist zur Identitätsklärung {rule}"
    ident = facts.identity
    if ident.clarified_on is not None and ident.clarified_on <= min(deadline, on):
        return Outcome(True, f"{rule}; Identität geklärt am {de(ident.clarified_on)}")
    if ident.reasonable_measures_taken and ident.measures_taken_on is not None and \
            ident.measures_taken_on <= min(deadline, on):
        return Outcome(True, f"{rule}; alle erforderlichen und zumutbaren Maßnahmen bis {de(ident.measures_taken_on)} "
                       "ergriffen – die Frist gilt als gewahrt")
    late = f"Identität geklärt am {de(ident.clarified_on)}, nach Fristablauf" if ident.clarified_on and \
        ident.clarified_on <= on else "Identität nicht geklärt"
    if ident.reasonable_measures_taken and params.discretion_citation:
        when = f"am {de(ident.measures_taken_on)}" if ident.measures_taken_on else "(Zeitpunkt unbekannt)"
        return Outcome(True, f"{rule}; {late}; alle zumutbaren Maßnahmen ergriffen {when} – Erteilung im Ermessen "
                       f"nach {params.discretion_citation} möglich", discretionary=True)
    if ident.reasonable_measures_taken is None and not (ident.clarified_on and ident.clarified_on <= on):
        return Outcome(None, f"{rule}; {late}; ob alle zumutbaren Maßnahmen ergriffen wurden, ist unbekannt",
                       missing_facts=("identity.clarified_on", "identity.reasonable_measures_taken"))
    if deadline > on:
        return Outcome(False, f"{rule}; {late} – bis zum Fristende klären oder die Bemühungen belegen")
    return Outcome(False, f"{rule}; {late}")


