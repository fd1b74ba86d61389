"""The consultation log of a client: when the counsellor saw her or him, first or follow-up consultation, how
long, and who else took part. The statistics the cooperation reports count consultations per quarter, so a
consultation is recorded as it happened: on a day that has been (not a plan), at most one first consultation
per person, a duration in minutes, and at least one attendee from a fixed list.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.db import write_transaction
from perspektive.law import today_in_germany
from perspektive.typed import parse_day

from .models import CONSULTATION_ATTENDEES, Client, Consultation
from .records import after_commit, announce_change

KIND_NAMES = {"first": "Erstberatung", "follow_up": "Folgeberatung"}
ATTENDEE_NAMES = {"person": "die Person selbst", "volunteer": "Ehrenamtliche/r", "employer": "Arbeitgeber/in",
                  "social_work": "Sozialarbeit", "medical_service": "medizinischer Dienst"}
MAX_MINUTES = 600


class ConsultationError(ValueError):
    """What to correct, by form field (``held_on``, ``kind``, ``duration_minutes``, ``attendees``)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def of_client(client: Client) -> list[Consultation]:
    """The client's consultations, newest first."""
    return list(Consultation.select().where(Consultation.client == client)
                .order_by(Consultation.held_on.desc(), Consultation.id.desc()))


def attendee_names(consultation: Consultation) -> str:
    return ", ".join(ATTENDEE_NAMES.get(a, a) for a in consultation.attendees.split(",") if a)


def blank_form(on: dt.date, consultations: list[Consultation]) -> dict:
    """The form's defaults: today, a first consultation unless there is one, the person herself attending."""
    first_done = any(c.kind == "first" for c in consultations)
    return {"held_on": on.isoformat(), "kind": "follow_up" if first_done else "first", "duration_minutes": "",
            "attendees": ["person"]}


def record(client: Client, counsellor: User, *, held_on: str, kind: str, duration_minutes: str,
           attendees: list[str], today: dt.date | None = None) -> Consultation:
    """Record a consultation as typed into the form; ``ConsultationError`` names every field to correct."""
    today = today or today_in_germany()
    errors = {}
    try:
        day = parse_day(held_on)
    except ValueError:
        day = None
    if day is None:
        errors["held_on"] = _("Bitte ein gültiges Datum angeben, z. B. 21.11.2026.")
    elif day > today:
        errors["held_on"] = _("Das Datum liegt in der Zukunft.")
    if kind not in KIND_NAMES:
        errors["kind"] = _("Bitte Erst- oder Folgeberatung wählen.")
    try:
        minutes = int((duration_minutes or "").strip())
    except ValueError:
        minutes = None
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        errors["duration_minutes"] = _("Bitte die Dauer in Minuten angeben, 1 bis %(most)s.", most=MAX_MINUTES)
    chosen = list(dict.fromkeys(attendees))
    if not chosen or any(a not in ATTENDEE_NAMES for a in chosen):
        errors["attendees"] = _("Bitte mindestens eine teilnehmende Person wählen.")
    with write_transaction():
        if kind == "first" and Consultation.select().where(
                (Consultation.client == client) & (Consultation.kind == "first")).exists():
            errors["kind"] = _("Für diese Person ist bereits eine Erstberatung erfasst.")
        if errors:
            raise ConsultationError(errors)
        consultation = Consultation.create(
            client=client, counsellor=counsellor, held_on=day, kind=kind, duration_minutes=minutes,
            attendees=",".join(a for a in CONSULTATION_ATTENDEES if a in chosen))
        audit.record(counsellor, "consultation.record", "consultation", consultation.id, kind)
        # The statistics count it (and date the first contact by it): announced like a change of the facts.
        after = announce_change(client, None, why=f"{KIND_NAMES[kind]} erfasst")
    after_commit(after)
    return consultation
