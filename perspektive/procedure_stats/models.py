"""The authority's quarterly procedure statistics as aggregate tables: counts on a reference day, never a person,
never linked to a case or a client."""
from __future__ import annotations

import peewee as pw

from perspektive.accounts.models import User
from perspektive.db import BaseModel, utcnow


class ProcedureReport(BaseModel):
    """One reference day's figures: persons with a Duldung by duration class, of them § 60b, and the § 60c / § 60d
    Duldungen granted in the quarter. A later report for the same day replaces it."""

    reference_day = pw.DateField(unique=True)
    tolerated_under_3 = pw.IntegerField()
    tolerated_3_to_6 = pw.IntegerField()
    tolerated_6_to_8 = pw.IntegerField()
    tolerated_8_plus = pw.IntegerField()
    tolerated_60b = pw.IntegerField()
    granted_60c = pw.IntegerField()
    granted_60d = pw.IntegerField()
    source = pw.CharField(max_length=10)  # form, csv, xlsx
    entered_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    entered_at = pw.DateTimeField(default=utcnow)


class ProcedureFigure(BaseModel):
    """Applications, grants and refusals under one provision in the quarter ending on the report's day."""

    report = pw.ForeignKeyField(ProcedureReport, backref="figures", on_delete="CASCADE")
    provision = pw.CharField(max_length=40)
    applications = pw.IntegerField()
    grants = pw.IntegerField()
    refusals = pw.IntegerField()

    class Meta:
        indexes = ((("report", "provision"), True),)
