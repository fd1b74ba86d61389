"""The pseudonymised agenda sheet of one case: what the authority needs to discuss the case, and nothing that
names the person.

The sheet is built from coarse values only: the random case number, age group, household in words, the kind of
Duldung and its duration class, years in Germany rounded down, identity/passport as a status, yes/no items, the
path and the names of its unmet criteria (labels and citations, never the reasons: those quote exact dates).
No name, date of birth, address or exact date. The authority's file number appears only when the client's release
from confidentiality towards every invited contact covers the case summary (``file_number_released``).
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from perspektive.clients import load_facts
from perspektive.law import STATUS_NAMES, CaseFacts, current_engine, quantity, today_in_germany

from .models import AgendaItem

TEMPLATE = Path(__file__).parent / "sheet_template" / "tagesordnung.docx"
DULDUNG_KINDS = {"duldung": "§ 60a", "duldung_ungeklaerte_identitaet": "§ 60b",
                 "ausbildungsduldung": "§ 60c", "beschaeftigungsduldung": "§ 60d"}
DURATION_CLASSES = ((3, "unter 3 Jahren"), (6, "3 bis unter 6 Jahre"), (8, "6 bis unter 8 Jahre"),
                    (None, "8 Jahre und länger"))
# The "50/90 Tagessätze" formula (§ 104c Abs. 1 S. 1 Nr. 3, § 19d Abs. 1 Nr. 7, § 25a Abs. 3): fines up to 50 daily
# rates, 90 for offences only foreigners can commit, are disregarded; above that, or any prison sentence, the sheet
# says "yes". A coarse flag for the discussion only: what excludes the case's own path is listed as an obstacle.
FINE_LIMIT, FOREIGNER_FINE_LIMIT = 50, 90
YES_NO = {True: "ja", False: "nein", None: "unbekannt"}


def age_group(facts: CaseFacts, on: dt.date) -> str:
    age = facts.age_on(on)
    if age is None:
        return "unbekannt"
    return "unter 14" if age < 14 else "14 bis unter 27" if age < 27 else "27 und älter"


def household(facts: CaseFacts, on: dt.date) -> str:
    parts = []
    home = facts.household
    if home.spouse_or_partner:
        parts.append("mit Partner/in")
    if home.lives_with_parents:
        parts.append("bei den Eltern")
    children = [c for c in home.minor_children or () if _years(c.date_of_birth, on) < 18]
    if children:
        parts.append("mit 1 Kind" if len(children) == 1 else "mit 2 Kindern" if len(children) == 2
                     else "mit 3 oder mehr Kindern")
    if not parts:
        return "allein" if home.spouse_or_partner is False else "unbekannt"
    return ", ".join(parts)


def _years(since: dt.date, on: dt.date) -> int:
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


def duldung(facts: CaseFacts, on: dt.date) -> tuple[str, str]:
    """(kind, duration class) of the current Duldung: the stretch of Duldung periods up to ``on`` without a gap."""
    status = facts.status_on(on)
    if status not in DULDUNG_KINDS:
        return (STATUS_NAMES.get(status, "kein Status erfasst") if status else "kein Status erfasst"), "–"
    start = on
    for period in sorted(facts.status_history or (), key=lambda p: p.from_, reverse=True):
        if period.from_ > on or period.status not in DULDUNG_KINDS:
            continue
        if period.to is None or period.to >= start - dt.timedelta(days=1):
            start = min(start, period.from_)
    years = _years(start, on)
    label = next(name for limit, name in DURATION_CLASSES if limit is None or years < limit)
    return f"Duldung nach {DULDUNG_KINDS[status]} AufenthG", label


def identity_status(facts: CaseFacts, on: dt.date) -> str:
    clarified = "Identität geklärt" if facts.identity.clarified_on else "Identität nicht geklärt"
    until = facts.identity.passport_valid_until
    passport = ("gültiger Pass" if until and until >= on else "Pass abgelaufen" if until else "kein Pass erfasst")
    return f"{clarified}, {passport}"


def convictions_above_threshold(facts: CaseFacts) -> bool | None:
    if facts.convictions is None:
        return None
    general = foreigner = 0
    for c in facts.convictions:
        if c.intentional is False or c.juvenile_sanction:
            continue
        if (c.prison_months or 0) > 0 or c.youth_custody:
            return True
        if c.foreigner_only_offence:
            foreigner += c.fine_daily_rates or 0
        else:
            general += c.fine_daily_rates or 0
    return general > FINE_LIMIT or general + foreigner > FOREIGNER_FINE_LIMIT


def _working_or_learning(facts: CaseFacts, on: dt.date) -> bool | None:
    jobs = [j for j in facts.employment or () if j.from_ <= on and (j.to is None or j.to >= on)]
    if jobs or facts.in_education:
        return True
    if facts.employment is None and facts.in_education is None:
        return None
    return False


def _b1(facts: CaseFacts) -> bool | None:
    order = ("A1", "A2", "B1", "B2", "C1", "C2")
    level = facts.german.oral
    return None if level is None else order.index(level) >= order.index("B1")


def sheet_context(item: AgendaItem, show_file_number: bool, on: dt.date | None = None) -> dict:
    """The values of the sheet: plain strings, nothing that identifies the person (see the module's doc)."""
    on = on or today_in_germany()
    facts = load_facts(item.client)
    engine = current_engine()
    kind, duration = duldung(facts, on)
    obstacles = []
    if item.workflow in engine.workflows:
        assessment = engine.assess(facts, on, item.workflow)[0]
        obstacles = [{"label": c.label, "citation": c.citation} for c in assessment.criteria if c.met is not True]
    years = _years(facts.entry_date, on) if facts.entry_date else None
    livelihood = facts.livelihood.secured or facts.livelihood.predominantly_secured
    if livelihood is None and (facts.livelihood.secured is False or facts.livelihood.predominantly_secured is False):
        livelihood = False
    return {
        "number": item.number,
        "meeting": item.meeting.title,
        "provision": engine.provisions().get(item.workflow, item.workflow),
        "age_group": age_group(facts, on),
        "household": household(facts, on),
        "duldung_kind": kind,
        "duldung_duration": duration,
        "years_in_germany": ("unbekannt" if years is None
                             else "unter 1 Jahr" if years < 1 else quantity(years, "Jahr", "Jahre")),
        "identity": identity_status(facts, on),
        "items": [
            {"label": "Deutsch mündlich mindestens B1", "value": YES_NO[_b1(facts)]},
            {"label": "Lebensunterhalt (überwiegend) gesichert", "value": YES_NO[livelihood]},
            {"label": "Schule, Ausbildung oder Arbeit", "value": YES_NO[_working_or_learning(facts, on)]},
            {"label": "Verurteilungen über der Bagatellgrenze (50/90 Tagessätze)",
             "value": YES_NO[convictions_above_threshold(facts)]},
        ],
        "obstacles": obstacles,
        "question": item.question_text,
        "file_number": (facts.person.abh_file_number or "") if show_file_number else "",
    }


def render_sheet(context: dict) -> bytes:
    """The .docx of the sheet, filled in the sandbox with autoescaping (the question is typed by a person)."""
    document = DocxTemplate(str(TEMPLATE))
    document.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
