"""A client's facts grouped and worded as a counsellor reads them: on the client page and in the case summary.

``SECTIONS`` is the one list of which fact belongs to which group; the group forms (``fact_forms``) edit exactly
these groups, so a fact shown in a group is also changed there.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from perspektive.law import (
    N_,
    VALUE_LABELS,
    CaseFacts,
    de,
    german_month,
    german_number,
    label_of,
)

from .names import country_name, in_english, language_name

_NAMED = {"person.nationality": country_name, "person.language": language_name}  # names, not codes


Word = Callable[[str], str]
MONTH_COLUMN = "month"  # a calendar month, stored as "2026-03" (livelihood month by month)


def _as_is(word: str) -> str:
    """The German word itself: what the case summary for the authority and the letters show."""
    return word


@dataclass(frozen=True)
class Table:
    """A list fact (``status_history`` ...) shown as a table: (heading, attribute) per column. In the ``to``
    column an empty value means "still running", not "unknown"."""

    path: str
    columns: tuple[tuple[str, str], ...]

    def cells(self, row, word: Word = _as_is) -> list[str]:
        return [german_month(row.month) if attr == MONTH_COLUMN else
                show(getattr(row, attr), word) if attr != "to" or row.to else word(N_("laufend"))
                for _, attr in self.columns]


class Section(NamedTuple):
    """One group of facts as a counsellor thinks of them; ``id`` names its form (``facts.edit_group``)."""

    id: str
    title: str
    items: tuple[str | Table, ...]


_CONVICTION_COLUMNS = (
    (N_("Datum"), "date"), (N_("vorsätzlich"), "intentional"),
    (N_("nur ausländerrechtliche Straftat"), "foreigner_only_offence"), (N_("Tagessätze"), "fine_daily_rates"),
    (N_("Freiheitsstrafe (Monate)"), "prison_months"), (N_("zur Bewährung"), "suspended"),
    (N_("Jugendstrafe"), "youth_custody"), (N_("andere jugendrechtliche Sanktion"), "juvenile_sanction"),
    (N_("Katalogtat § 46 Abs. 1 Nr. 1a BZRG"), "bzrg_catalogue_offence"), (N_("Registerstatus"), "register_status"))

SECTIONS_MORE: tuple[Section, ...] = (
    Section("spouse", N_("Ehe- oder Lebenspartner"), (
        "spouse.identity_clarified_on", "spouse.identity_reasonable_measures_taken",
        Table("spouse.convictions", _CONVICTION_COLUMNS), "spouse.extremism_indications",
        "spouse.integration_course_obliged", "spouse.integration_course_possible",
        "spouse.integration_course_completed", "spouse.integration_course_abort_not_own_fault",
        "spouse.german_written")),
    Section("livelihood_months", N_("Lebensunterhalt Monat für Monat"), (
        Table("livelihood_months", ((N_("Monat"), MONTH_COLUMN), (N_("gesichert"), "secured"),
                                    (N_("öffentliche Mittel bezogen"), "public_funds"))),)),
    Section("procedure", N_("Antrag & Verfahren"), (
        "application.filed_on", "application.workflow", "application.pending", "application.fictional_certificate",
        "asylum_rejection.decided_on", "asylum_rejection.basis", "identity_deception")),
    Section("course_and_helper", N_("Integrationskurs & Helferausbildung"), (
        "integration_course.possible", "integration_course.abort_not_own_fault",
        "assistant_training.shortage_occupation", "assistant_training.followup_promised")),
)


SECTIONS: tuple[Section, ...] = (
    Section("person", N_("Person"), (
        "person.given_name", "person.family_name", "person.date_of_birth", "person.gender", "person.nationality",
        "person.language", "person.address", "person.abh_file_number")),
    Section("stay", N_("Aufenthalt & Status-Verlauf"), (
        "entry_date",
        Table("status_history", ((N_("Status"), "status"), (N_("von"), "from_"), (N_("bis"), "to"),
                                  (N_("Papier gültig bis"), "valid_until"))),
        "asylum_rejected_manifestly_unfounded", "expulsion_order", "concrete_removal_measures",
        "departure_impossible.impossible", "departure_impossible.end_foreseeable",
        "departure_impossible.own_fault")),
    Section("identity", N_("Identität"), (
        "identity.clarified_on", "identity.passport_valid_until", "identity.reasonable_measures_taken",
        "identity.measures_taken_on", "own_identity_deception", "obstructs_removal")),
    Section("language", N_("Sprache & Integration"), (
        "german.oral", "german.written", "basic_knowledge_of_order", "fdgo_declaration",
        "integration_prognosis_positive", "integration_course_obliged", "integration_course_completed",
        "school.successful_years_in_germany", "school.qualification_in_germany", "school.name", "school.place",
        "school.from_year", "school.to_year", "in_education",
        Table("certificates", ((N_("Art"), "kind"), (N_("Bezeichnung"), "name"), (N_("Niveau"), "level"),
                               (N_("Datum"), "date"), (N_("ausgestellt von"), "issuer"))),
        Table("voluntary_work", ((N_("Organisation"), "organisation"), (N_("Tätigkeit"), "activity"),
                                 (N_("von"), "from_"), (N_("bis"), "to"), (N_("Stunden/Woche"), "hours_per_week"))))),
    Section("work", N_("Arbeit & Lebensunterhalt"), (
        Table("employment", ((N_("von"), "from_"), (N_("bis"), "to"), (N_("Arbeitgeber"), "employer"),
                             (N_("Ort"), "employer_place"), (N_("Tätigkeit"), "occupation"),
                             (N_("Stunden/Woche"), "hours_per_week"),
                             (N_("sozialversicherungspflichtig"), "socially_insured"),
                             (N_("entspricht der Qualifikation"), "matches_qualification"))),
        "employment_ban_60a_6", "livelihood.secured", "livelihood.predominantly_secured",
        "livelihood.positive_prognosis", "livelihood.monthly_means_eur", "housing_sufficient",
        "prevented_by_illness_disability_or_age")),
    Section("family", N_("Familie"), (
        "household.spouse_or_partner", "household.lives_with_parents",
        Table("household.minor_children", ((N_("Geburtsdatum"), "date_of_birth"),
                                           (N_("Schulbesuch nachgewiesen"), "school_attendance_proven"))))),
    Section("convictions", N_("Verurteilungen"), (
        Table("convictions", _CONVICTION_COLUMNS),
        "extremism_indications")),
    Section("training", N_("Ausbildung"), (
        "training.kind", "training.title", "training.company", "training.company_place", "training.start_date",
        "training.end_date", "training.registration_applied",
        "training.school_based", "training.started_during_asylum", "training.completed_on")),
    # issue 16: facts counsellors could not record before (law/facts_more.py), each group its own form page
    *SECTIONS_MORE,
)


def show(value, word: Word = _as_is) -> str:
    """A fact as a counsellor reads it; ``None`` is "unbekannt", which is not "nein". ``word`` translates the words
    this module chooses (never a name or anything else typed)."""
    if value is None:
        return word(N_("unbekannt"))
    if isinstance(value, bool):
        return word(N_("ja")) if value else word(N_("nein"))
    if isinstance(value, dt.date):
        return de(value)
    if isinstance(value, float):  # 19,5; on a page in English 19.5 (without a page: German, for the authority)
        return f"{value:g}" if word is not _as_is and in_english() else german_number(value)
    if isinstance(value, str):
        return word(VALUE_LABELS[value]) if value in VALUE_LABELS else value
    return str(value)


def _get(facts: CaseFacts, path: str):
    value = facts
    for part in path.split("."):
        value = getattr(value, part)
    return value


def fact_sections(facts: CaseFacts, word: Word | None = None) -> list[dict]:
    """The facts grouped for the client page: each item is a row (label, value) or a table. With ``word`` (the
    page's ``gettext``) titles, labels and worded values are in the page's language; without, German throughout,
    country and language names included, as the case summary for the authority needs them."""
    say = word or _as_is
    english = None if word else False  # names: the page's language, or German
    sections = []
    for section_id, title, items in SECTIONS:
        entries = []
        for item in items:
            if isinstance(item, Table):
                rows = _get(facts, item.path)
                entries.append({"path": item.path, "label": say(label_of(item.path)),
                                "headings": [say(h) for h, _ in item.columns],
                                "rows": None if rows is None else [item.cells(row, say) for row in rows]})
            else:
                value = _get(facts, item)
                named = _NAMED.get(item)
                entries.append({"path": item, "label": say(label_of(item)),
                                "value": named(value, english) if named and value else show(value, say),
                                "known": value is not None})
        sections.append({"id": section_id, "title": say(title), "entries": entries})
    return sections


def status_timeline(facts: CaseFacts, today: dt.date, word: Word = _as_is) -> list[dict]:
    """The stay as a chronological list: the entry, each status period, and the gaps a counsellor has to ask
    about (between two periods, between the entry and the first period, after a period that ended).

    Every item has ``kind`` (``entry``, ``period``, ``gap``), ``from`` and ``to`` (``None``: still running) and
    ``days`` (its length, both ends counted; the page words it); a period also has its ``status`` (``word``ed) and
    ``current`` (today falls in it).
    """
    periods = list(facts.status_history or ())
    items: list[dict] = []
    if facts.entry_date:
        items.append({"kind": "entry", "from": facts.entry_date, "to": facts.entry_date, "days": 0})
    previous_end = facts.entry_date - dt.timedelta(days=1) if facts.entry_date else None
    for period in periods:
        if previous_end is not None and period.from_ > previous_end + dt.timedelta(days=1):
            items.append(_gap(previous_end + dt.timedelta(days=1), period.from_ - dt.timedelta(days=1)))
        end = period.to or today
        items.append({"kind": "period", "status": show(period.status, word), "from": period.from_, "to": period.to,
                      "valid_until": period.valid_until,
                      "current": period.from_ <= today and (period.to is None or today <= period.to),
                      "days": _days(period.from_, end)})
        previous_end = period.to
        if previous_end is None:
            break  # only the last period may be open (facts.py)
    if periods and previous_end is not None and previous_end < today:
        items.append(_gap(previous_end + dt.timedelta(days=1), None, today))
    return items


def _gap(start: dt.date, end: dt.date | None, today: dt.date | None = None) -> dict:
    return {"kind": "gap", "from": start, "to": end, "days": _days(start, end or today)}


def _days(first: dt.date, last: dt.date) -> int:
    """The days from ``first`` to ``last``, both counted."""
    return max((last - first).days + 1, 0)
