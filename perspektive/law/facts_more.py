"""The facts of issue 16 that counsellors could not record before, appended to ``CaseFacts`` (facts.py imports
them): the spouse or partner as a person of their own, the integration course beyond the duty to attend, the
livelihood month by month, the kind of a Helferausbildung, repeated deception, the application made and pending
(§ 81 AufenthG) and the asylum rejection's legal basis.

Every field may stay unknown (``null``); a rule that reads one of them gives the same answer as before when it is
unknown, so facts recorded before these fields existed keep their verdicts.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from .facts_base import Conviction, LanguageLevel, _Model

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class Spouse(_Model):
    """The spouse or registered partner living with the person (§ 60d Abs. 1 Nr. 1, 7, 8, 11; § 25b Abs. 6)."""

    identity_clarified_on: dt.date | None = None
    identity_reasonable_measures_taken: bool | None = None
    convictions: list[Conviction] | None = None
    extremism_indications: bool | None = None
    integration_course_obliged: bool | None = None
    integration_course_possible: bool | None = None
    integration_course_completed: bool | None = None
    integration_course_abort_not_own_fault: bool | None = None
    german_written: LanguageLevel | None = None


class IntegrationCourse(_Model):
    """Beyond ``integration_course_obliged``/``_completed``: a course was open to the person (§ 25b Abs. 6: "sofern
    … die Möglichkeit zur Teilnahme … bestand"), and a course broken off without the person's fault (§ 60d Abs. 1
    Nr. 11)."""

    possible: bool | None = None
    abort_not_own_fault: bool | None = None


class LivelihoodMonth(_Model):
    """One calendar month: livelihood secured (§ 2 Abs. 3 AufenthG), public funds received."""

    month: str = Field(pattern=MONTH)
    secured: bool | None = None
    public_funds: bool | None = None


class AssistantTraining(_Model):
    """A Helferausbildung (§ 60c Abs. 1 S. 1 Nr. 1 Buchst. b, § 16g Abs. 1): in a shortage occupation, with a
    follow-on qualified training promised in writing."""

    shortage_occupation: bool | None = None
    followup_promised: bool | None = None


class Application(_Model):
    """The application made to the authority: on which day, for which path, whether still undecided, whether a
    Fiktionsbescheinigung (§ 81 Abs. 5) was issued."""

    filed_on: dt.date | None = None
    workflow: str | None = Field(None, pattern=r"^[a-z0-9_]{1,40}$")
    pending: bool | None = None
    fictional_certificate: bool | None = None


class AsylumRejection(_Model):
    """The asylum decision: its date and legal basis (§ 29a AsylG safe country of origin, § 30 Abs. 1 Nr. 3–7
    AsylG since 27.02.2024, § 30 Abs. 3 Nr. 1–6 AsylG old, or a plain rejection)."""

    decided_on: dt.date | None = None
    basis: Literal["unfounded", "safe_country_29a", "manifestly_30_1_3_7", "manifestly_30_3_old",
                   "manifestly_other"] | None = None


DECEPTION_KINDS = ("once", "repeated")

# Dates of the past among these facts (facts.py refuses them in the future: a plan belongs in perspektive.plans).
PAST_DATES_MORE = ("spouse.identity_clarified_on", "application.filed_on", "asylum_rejection.decided_on")
