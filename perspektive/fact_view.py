"""A client's facts grouped and worded as a counsellor reads them: on the client page and in the case summary."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .fact_labels import VALUE_LABELS, label_of
from .facts import CaseFacts
from .periods import de


@dataclass(frozen=True)
class Table:
    """A list fact (``status_history`` ...) shown as a table: (heading, attribute) per column. In the ``to``
    column an empty value means "still running", not "unknown"."""

    path: str
    columns: tuple[tuple[str, str], ...]

    def cells(self, row) -> list[str]:
        return [show(getattr(row, attr)) if attr != "to" or row.to else "laufend" for _, attr in self.columns]


SECTIONS: tuple[tuple[str, tuple[str | Table, ...]], ...] = (
    ("Person", ("person.given_name", "person.family_name", "person.date_of_birth", "person.gender",
                "person.nationality", "person.language", "person.address", "person.abh_file_number")),
    ("Aufenthalt & Status-Verlauf", (
        "entry_date",
        Table("status_history", (("Status", "status"), ("von", "from_"), ("bis", "to"))),
        "asylum_rejected_manifestly_unfounded", "expulsion_order", "concrete_removal_measures",
        "departure_impossible.impossible", "departure_impossible.end_foreseeable",
        "departure_impossible.own_fault")),
    ("Identität", ("identity.clarified_on", "identity.passport_valid_until", "identity.reasonable_measures_taken",
                   "identity.measures_taken_on", "own_identity_deception", "obstructs_removal")),
    ("Sprache & Integration", (
        "german.oral", "german.written", "basic_knowledge_of_order", "fdgo_declaration",
        "integration_prognosis_positive", "integration_course_obliged", "integration_course_completed",
        "school.successful_years_in_germany", "school.qualification_in_germany", "in_education")),
    ("Arbeit & Lebensunterhalt", (
        Table("employment", (("von", "from_"), ("bis", "to"), ("Stunden/Woche", "hours_per_week"),
                             ("sozialversicherungspflichtig", "socially_insured"),
                             ("entspricht der Qualifikation", "matches_qualification"))),
        "employment_ban_60a_6", "livelihood.secured", "livelihood.predominantly_secured",
        "livelihood.positive_prognosis", "livelihood.monthly_means_eur", "training.kind", "training.start_date",
        "training.end_date", "training.registration_applied", "training.school_based",
        "training.started_during_asylum", "training.completed_on", "housing_sufficient",
        "prevented_by_illness_disability_or_age")),
    ("Familie", (
        "household.spouse_or_partner", "household.lives_with_parents",
        Table("household.minor_children", (("Geburtsdatum", "date_of_birth"),
                                           ("Schulbesuch nachgewiesen", "school_attendance_proven"))))),
    ("Verurteilungen", (
        Table("convictions", (("Datum", "date"), ("vorsätzlich", "intentional"),
                              ("nur ausländerrechtliche Straftat", "foreigner_only_offence"),
                              ("Tagessätze", "fine_daily_rates"), ("Freiheitsstrafe (Monate)", "prison_months"),
                              ("zur Bewährung", "suspended"), ("Jugendstrafe", "youth_custody"),
                              ("andere jugendrechtliche Sanktion", "juvenile_sanction"))),
        "extremism_indications")),
)


def show(value) -> str:
    """A fact as a counsellor reads it; ``None`` is "unbekannt", which is not "nein"."""
    if value is None:
        return "unbekannt"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.date):
        return de(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return str(value)


def _get(facts: CaseFacts, path: str):
    value = facts
    for part in path.split("."):
        value = getattr(value, part)
    return value


def fact_sections(facts: CaseFacts) -> list[dict]:
    """The facts grouped for the client page: each item is a row (label, value) or a table."""
    sections = []
    for title, items in SECTIONS:
        entries = []
        for item in items:
            if isinstance(item, Table):
                rows = _get(facts, item.path)
                entries.append({"label": label_of(item.path), "headings": [h for h, _ in item.columns],
                                "rows": None if rows is None else [item.cells(row) for row in rows]})
            else:
                value = _get(facts, item)
                entries.append({"label": label_of(item), "value": show(value), "known": value is not None})
        sections.append({"title": title, "entries": entries})
    return sections
