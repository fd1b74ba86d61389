"""§ 60d AufenthG (Beschäftigungsduldung): what the workflow file cannot say as data.

- the strict conviction rule of § 60d Abs. 1 Nr. 7: every conviction for an intentional offence excludes, except a
  fine of at most 90 Tagessätze for an offence only foreigners can commit, and only while it is the sole entry in
  the register (§ 32 Abs. 2 Nr. 5 Buchst. a BZRG). The built-in ``convictions`` type adds fines up and lets a
  conviction without fine or prison (e.g. a juvenile-court measure) pass, so it cannot express this;
- one school-certificate item per school-age child (§ 60d Abs. 1 Nr. 10);
- the ancillary request for the spouse and the children (§ 60d Abs. 1, Abs. 2) in the letter;
- the end of a job while the Beschäftigungsduldung is held (§ 60d Abs. 3): the employer must tell the authority
  within 2 weeks of knowing, and the Duldung is revoked once the employment conditions no longer hold. The date is
  the ``to`` of a job in the employment list, which a workflow file cannot address.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from perspektive.law import (
    MONTHS,
    CriterionType,
    Outcome,
    Params,
    counted,
    de,
    hookimpl,
    quantity,
    school_certificate_items,
    twelve_months,
    unknown,
    with_erasure,
)

WORKFLOW = "section_60d"


class StrictConvictionParams(Params):
    foreigner_only_fine_daily_rates_tolerated: int = 90


def _excludes(c, limit: int, entries: int) -> tuple[bool | None, str]:
    """(True, why) if the conviction excludes, (None, why) if that is unknown, (False, why) if it is disregarded."""
    rates = (quantity(c.fine_daily_rates, "Tagessatz", "Tagessätze") if c.fine_daily_rates is not None
             else "Geldstrafe unbekannter Höhe")
    if c.prison_months or c.youth_custody:
        return True, f"Freiheits- oder Jugendstrafe ({quantity(c.prison_months or 0, *MONTHS)})"
    if c.juvenile_sanction:
        return True, "Maßnahme nach dem Jugendgerichtsgesetz wegen einer vorsätzlichen Straftat"
    if c.foreigner_only_offence is False:
        return True, f"vorsätzliche Straftat, die nicht nur von Ausländern begangen werden kann ({rates})"
    if c.foreigner_only_offence is None:
        return None, "ob die Tat nur von Ausländern begangen werden kann, ist unbekannt"
    if c.fine_daily_rates is None:
        return None, "Ausländerdelikt, Höhe der Geldstrafe unbekannt"
    if c.fine_daily_rates > limit:
        return True, f"Ausländerdelikt, Geldstrafe {rates} (außer Betracht nur bis {limit})"
    if entries > 1:
        return True, f"Ausländerdelikt, Geldstrafe {rates}, aber nicht die einzige Eintragung im Register " \
                     "(§ 32 Abs. 2 Nr. 5 Buchst. a BZRG)"
    return False, f"Ausländerdelikt, Geldstrafe {rates}, einzige Eintragung: bleibt außer Betracht"


def evaluate_strict_convictions(params: StrictConvictionParams, facts, on: dt.date) -> Outcome:
    """The person's convictions, then the spouse's or partner's (Nr. 7 names both); a conviction erased or due
    for erasure no longer counts (§ 51 BZRG), and one that excludes names the day it will be erased."""
    if facts.convictions is None:
        return unknown("convictions")
    own = with_erasure(_strict(params, counted(facts.convictions, on), on), facts.convictions, on)
    spouse = facts.spouse.convictions
    if own.met is False or spouse is None or facts.household.spouse_or_partner is False:
        return own
    theirs = with_erasure(_strict(params, counted(spouse, on), on), spouse, on)
    if theirs.met is True:
        return replace(own, detail=f"{own.detail}; Ehegatte/Lebenspartner: {theirs.detail}")
    detail = f"Ehegatte/Lebenspartner: {theirs.detail}"
    if theirs.met is False:
        return replace(theirs, detail=detail)
    return own if own.met is None else replace(theirs, detail=detail)


def _strict(params: StrictConvictionParams, convictions, on: dt.date) -> Outcome:
    entries = [c for c in convictions if c.date <= on]
    relevant = [c for c in entries if c.intentional is not False]
    if not relevant:
        return Outcome(True, "keine Verurteilung wegen einer vorsätzlichen Straftat erfasst")
    verdicts = [(c, *_excludes(c, params.foreigner_only_fine_daily_rates_tolerated, len(entries)))
                for c in relevant]
    for c, excludes, why in verdicts:
        if excludes and c.intentional:
            return Outcome(False, f"Verurteilung vom {de(c.date)}: {why}")
    open_ = [(c, why) for c, excludes, why in verdicts if excludes is None or (excludes and c.intentional is None)]
    if open_:
        c, why = open_[0]
        if c.intentional is None:
            why += "; ob die Tat vorsätzlich war, ist unbekannt"
        return Outcome(None, f"Verurteilung vom {de(c.date)}: {why}", missing_facts=("convictions",))
    return Outcome(True, "; ".join(f"Verurteilung vom {de(c.date)}: {why}" for c, _, why in verdicts))


class LivelihoodParams(Params):
    pass


def evaluate_livelihood(params: LivelihoodParams, facts, on: dt.date) -> Outcome:
    """Nr. 4 (the twelve months before the application) and Nr. 5 (now). Recorded month by month, Nr. 4 reads the
    months; otherwise, as before, today's answer stands for the year."""
    secured = facts.livelihood.secured
    now = Outcome(secured, f"Lebensunterhalt aktuell gesichert: {_said(secured)}",
                  missing_facts=("livelihood.secured",) if secured is None else ())
    year = twelve_months(facts, on, want_secured=True)
    if year is None:
        return now
    if year.time_will_meet and secured is not True:
        year = Outcome(False, year.detail)  # not secured now: the twelve good months do not start by themselves
    parts = (year, now)
    detail = "; ".join(p.detail for p in parts)
    if any(p.met is False and not p.time_will_meet for p in parts):
        return Outcome(False, detail)
    if any(p.met is None for p in parts):
        return Outcome(None, detail, missing_facts=year.missing_facts + now.missing_facts)
    return Outcome(False, detail, met_from=year.met_from) if year.time_will_meet else Outcome(True, detail)


def _said(value) -> str:
    return {True: "ja", False: "nein", None: "unbekannt"}[value]


@hookimpl
def register_criterion_types():
    return {"convictions_60d": CriterionType(
        "convictions_60d", StrictConvictionParams, evaluate_strict_convictions,
        "§ 60d Abs. 1 Nr. 7 AufenthG: jede vorsätzliche Straftat schließt aus, außer Ausländerdelikt bis 90 Tagessätze als "
        "einzige Eintragung"),
        "livelihood_60d": CriterionType(
        "livelihood_60d", LivelihoodParams, evaluate_livelihood,
        "§ 60d Abs. 1 Nr. 4 und 5: Lebensunterhalt in den 12 Monaten vor dem Antrag und aktuell gesichert")}


@hookimpl
def checklist_items(workflow, facts, assessment):
    if workflow.id != WORKFLOW:
        return []
    return school_certificate_items(facts, assessment.assessed_on,
                                    "für § 60d Abs. 1 Nr. 10 AufenthG: tatsächlicher Schulbesuch")


@hookimpl
def letter_context(workflow, facts, assessment, letter):
    if workflow.id != WORKFLOW or letter != "antrag":
        return {}
    parts = []
    if facts.household.spouse_or_partner:
        parts.append("für die Ehegattin bzw. den Ehegatten oder die Lebenspartnerin bzw. den Lebenspartner die "
                     "Beschäftigungsduldung nach § 60d Abs. 1 AufenthG")
    if facts.household.minor_children:
        parts.append("für die in familiärer Lebensgemeinschaft lebenden minderjährigen ledigen Kinder die Duldung "
                     "für den gleichen Zeitraum nach § 60d Abs. 2 AufenthG")
    if not parts:
        return {"family_request": ""}
    return {"family_request": "Außerdem beantragen wir " + " sowie ".join(parts) + "."}


@hookimpl
def followups(facts, on):
    """One follow-up per job with a recorded end that falls in the Beschäftigungsduldung held on ``on``: a job
    still running, or one that ended since the Duldung began (its row stays, overdue, until the counsellor marks
    it done). ``workflow = ""``: the duty begins when the § 60d case is granted, and a granted case dismisses its
    own workflow's follow-ups. The id carries the job's start, so a corrected end date moves the same row."""
    if facts.status_on(on) != "beschaeftigungsduldung":
        return []
    held = next(p for p in facts.status_history if p.from_ <= on and (p.to is None or on <= p.to))
    return [{
        "id": f"employment_ends_{job.from_.isoformat()}",
        "workflow": "",
        "due": job.to,
        "text": "Beschäftigung endet während der Beschäftigungsduldung: der Arbeitgeber muss das Ende binnen "
                "2 Wochen ab Kenntnis der Ausländerbehörde mitteilen; die Duldung wird widerrufen, wenn die "
                "Voraussetzungen (Beschäftigung im geforderten Umfang, Lebensunterhalt) nicht mehr erfüllt sind. "
                "Anschlussbeschäftigung klären und belegen (kurzfristige, nicht selbst zu vertretende "
                "Unterbrechungen bleiben außer Betracht).",
        "citation": "§ 60d Abs. 3 AufenthG",
        "basis": f"Ende der Beschäftigung (seit {de(job.from_)}) am {de(job.to)}, Beschäftigungsduldung seit "
                 f"{de(held.from_)}",
        "remind_days_before": [28, 7],
    } for job in facts.employment or () if job.to is not None and job.to >= held.from_]
