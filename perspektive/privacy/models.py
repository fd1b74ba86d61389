"""What stays of an erased person: a pseudonymous tombstone for the anonymous statistics, nothing else."""
from __future__ import annotations

import peewee as pw

from perspektive.db import BaseModel, utcnow


class ErasedClient(BaseModel):
    """One erased client (Art. 17), kept so that the statistics of a past quarter do not change after an erasure.

    It holds no name, no date of birth, no free text and no link to a row of the person: the old client id (the
    audit trail names the person by that id only, so the trail stays readable as "erased client"), a random
    pseudonym, the nationality code (a statistics dimension), the first day of the quarter the client was recorded
    in, and how many cases and consultations there were. ``reason`` is ``request`` (Art. 17) or ``retention``.
    """

    client_id = pw.IntegerField(index=True)
    pseudonym = pw.CharField(max_length=40, unique=True)
    nationality = pw.CharField(max_length=16, default="unknown")
    recorded_quarter = pw.DateField()
    cases = pw.IntegerField(default=0)
    consultations = pw.IntegerField(default=0)
    reason = pw.CharField(max_length=20)
    erased_at = pw.DateTimeField(default=utcnow, index=True)
