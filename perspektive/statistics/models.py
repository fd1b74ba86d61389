"""The statistics' own rows: coarse, non-identifying columns per counselled person, per consultation and per case.

The figures never read the facts (they are sealed at rest): these rows are written when a client changes (the
``client_changed`` hook, ``sync``) and hold only classes (country, age band, gender, Duldung class and kind at first
contact), kinds, paths, outcomes and days. They have no foreign key to a client, case or consultation, so an erasure
(Art. 17) leaves them standing and the figures of a past quarter stay the same; the link is a bare id plus the
client's creation stamp, and a row whose client has gone is detached for good the next time that id is seen
(``sync.person_of``). The outcome of a case (filed, decided, permit, refusal reasons) is kept here too: it is what
the cooperation reports, and the case page writes it (``outcomes``).
"""
from __future__ import annotations

import peewee as pw

from perspektive.accounts.models import User
from perspektive.db import BaseModel, utcnow

AGE_BANDS = ("under_14", "14_to_27", "27_plus", "unknown")
DULDUNG_CLASSES = ("under_3", "3_to_6", "6_to_8", "8_plus", "none")
DULDUNG_KINDS = ("60a", "60b", "60c", "60d", "none")
GENDERS = ("female", "male", "diverse", "unknown")
OUTCOMES = ("open", "granted", "refused", "withdrawn", "left", "deported", "moved_away", "lost_contact", "closed")
DECIDED = ("granted", "refused")
REFUSAL_REASONS = ("identity", "livelihood", "language", "convictions", "other")
ATTENDEES = ("person", "volunteer", "employer", "social_work", "medical_service")


class StatPerson(BaseModel):
    """One counselled person as the statistics see them: classes at the first contact, nothing identifying."""

    client_id = pw.IntegerField(null=True, unique=True)  # None once the client is erased and the id reused
    client_created = pw.DateTimeField(null=True)  # tells a reused id from the person it once named
    counsellor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL", index=True)
    country = pw.CharField(max_length=16, default="unknown", index=True)
    age_band = pw.CharField(max_length=10, default="unknown")
    gender = pw.CharField(max_length=10, default="unknown")
    duldung_class = pw.CharField(max_length=10, default="none")
    duldung_kind = pw.CharField(max_length=6, default="none")
    first_contact = pw.DateField(index=True)
    updated_at = pw.DateTimeField(default=utcnow)


class StatConsultation(BaseModel):
    """One consultation: day, first or follow-up, who came (one flag per attendee kind, so one SUM counts them)."""

    person = pw.ForeignKeyField(StatPerson, backref="consultations", on_delete="CASCADE")
    consultation_id = pw.IntegerField(null=True, unique=True)
    counsellor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    held_on = pw.DateField()
    kind = pw.CharField(max_length=10)
    by_person = pw.BooleanField(default=False)
    by_volunteer = pw.BooleanField(default=False)
    by_employer = pw.BooleanField(default=False)
    by_social_work = pw.BooleanField(default=False)
    by_medical_service = pw.BooleanField(default=False)

    class Meta:
        # (held_on, counsellor, person) covers the "persons seen in the period" subquery of every class figure
        indexes = ((("held_on", "counsellor", "person"), False), (("person", "held_on"), False))


class CaseOutcome(BaseModel):
    """A case's path and outcome: opened, application filed on, decided (or ended) on, the outcome, the permit
    granted (provision, valid until) and the refusal reasons (several allowed)."""

    case_id = pw.IntegerField(null=True, unique=True)
    person = pw.ForeignKeyField(StatPerson, backref="cases", on_delete="CASCADE")
    counsellor = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    path = pw.CharField(max_length=60)
    opened_on = pw.DateField()
    filed_on = pw.DateField(null=True)
    decided_on = pw.DateField(null=True)
    outcome = pw.CharField(max_length=20, default="open")
    permit_provision = pw.CharField(max_length=60, default="")
    permit_valid_until = pw.DateField(null=True)
    refusal_identity = pw.BooleanField(default=False)
    refusal_livelihood = pw.BooleanField(default=False)
    refusal_language = pw.BooleanField(default=False)
    refusal_convictions = pw.BooleanField(default=False)
    refusal_other = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("opened_on", "path"), False), (("filed_on",), False), (("decided_on", "path"), False))


TABLES = (StatPerson, StatConsultation, CaseOutcome)
