"""The case-facts model of ``shared/case-facts.md``: one validated shape for import, API, CLI and tests.

A missing key or ``null`` means "not known", which is different from ``false``; unknown keys are refused, because
a misspelt key silently ignored would turn a known fact into an unknown one.

Limits, so that no input can make a page huge or a stored value unreadable (probe finding 9): a text holds at most
``MAX_TEXT_LENGTH`` characters and no control character that a letter cannot hold (NUL and the other C0 controls
but tab and line breaks, U+FFFE/U+FFFF), no bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069,
which turn a name around on the screen) and no lone surrogate (not storable as UTF-8); a list (status periods, jobs, children, convictions, certificates, voluntary work) holds at most ``MAX_LIST_ITEMS`` rows; a
number must be finite (no ``Infinity``, ``NaN`` or ``1e309``); a date is a text (``0`` is not 01.01.1970).
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .facts_base import LEVELS as LEVELS  # re-exported: the base model and shapes moved to facts_base
from .facts_base import MAX_LIST_ITEMS as MAX_LIST_ITEMS
from .facts_base import MAX_TEXT_LENGTH as MAX_TEXT_LENGTH
from .facts_base import (
    STORED,
    Conviction,
    LanguageLevel,
    Status,
    _Model,
)
from .facts_more import (
    PAST_DATES_MORE,
    Application,
    AssistantTraining,
    AsylumRejection,
    IntegrationCourse,
    LivelihoodMonth,
    Spouse,
)
from .periods import de, today_in_germany

ENDS_BEFORE_START = "das Ende liegt vor dem Beginn"  # read beside the form's "von"/"bis" and the API's from/to


class Person(_Model):
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: dt.date | None = None
    gender: Literal["female", "male", "diverse", "unknown"] | None = None
    nationality: str | None = Field(None, pattern=r"^([A-Z]{2}|stateless|unknown)$")
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    address: str | None = None
    abh_file_number: str | None = None


class StatusPeriod(_Model):
    status: Status
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    # The validity of the paper for this period (the Duldung's or the permit's "gültig bis"): for the current
    # period it is the day the paper has to be renewed, a deadline (follow-ups), not the end of the status.
    valid_until: dt.date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self):
        if self.to is not None and self.to < self.from_:
            raise ValueError(ENDS_BEFORE_START)
        return self


class Identity(_Model):
    clarified_on: dt.date | None = None
    passport_valid_until: dt.date | None = None
    reasonable_measures_taken: bool | None = None
    measures_taken_on: dt.date | None = None


class German(_Model):
    oral: LanguageLevel | None = None
    written: LanguageLevel | None = None


class School(_Model):
    successful_years_in_germany: float | None = Field(None, ge=0, le=30)
    qualification_in_germany: bool | None = None
    name: str | None = None  # the school in Germany most recently attended ("Oberschule Dresden-Cotta")
    place: str | None = None
    from_year: int | None = Field(None, ge=1950, le=2100)
    to_year: int | None = Field(None, ge=1950, le=2100)  # null: still attending

    @model_validator(mode="after")
    def _ordered(self):
        if self.from_year is not None and self.to_year is not None and self.to_year < self.from_year:
            raise ValueError("das Endjahr liegt vor dem Anfangsjahr")
        return self


class Employment(_Model):
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    hours_per_week: float | None = Field(None, gt=0, le=80)
    socially_insured: bool | None = None
    matches_qualification: bool | None = None
    employer: str | None = None
    employer_place: str | None = None
    occupation: str | None = None  # as the contract names it ("Helfer in der Lagerlogistik")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self):
        if self.to is not None and self.to < self.from_:
            raise ValueError(ENDS_BEFORE_START)
        return self


class Livelihood(_Model):
    secured: bool | None = None
    predominantly_secured: bool | None = None
    positive_prognosis: bool | None = None
    monthly_means_eur: float | None = Field(None, ge=0, le=10_000_000)


class Child(_Model):
    date_of_birth: dt.date
    school_attendance_proven: bool | None = None


class Household(_Model):
    spouse_or_partner: bool | None = None
    lives_with_parents: bool | None = None
    minor_children: list[Child] | None = None


class Training(_Model):
    kind: Literal["qualified", "assistant_with_followup"] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    registration_applied: bool | None = None
    school_based: bool | None = None
    started_during_asylum: bool | None = None
    completed_on: dt.date | None = None
    title: str | None = None  # the occupation trained for, as the contract names it ("Pflegefachhelfer")
    company: str | None = None  # the training company, or the school of a school-based training
    company_place: str | None = None


CertificateKind = Literal["language_certificate", "school_certificate", "integration_course",
                          "life_in_germany_test", "vocational_certificate", "other"]


class Certificate(_Model):
    """A certificate the person holds: a language test ("telc Deutsch B1"), a school leaving certificate, the
    integration course or the test "Leben in Deutschland", a vocational qualification."""

    kind: CertificateKind
    name: str | None = None  # as printed on it: "telc Deutsch B1", "Hauptschulabschluss"
    level: LanguageLevel | None = None  # language certificates: the level of the certificate
    date: dt.date | None = None  # the day of the examination or of issue
    issuer: str | None = None  # "telc gGmbH", "Oberschule Dresden-Cotta"


class VoluntaryWork(_Model):
    organisation: str
    activity: str | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None  # null: still active
    hours_per_week: float | None = Field(None, gt=0, le=80)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self):
        if self.to is not None and self.from_ is not None and self.to < self.from_:
            raise ValueError(ENDS_BEFORE_START)
        return self


class DepartureImpossible(_Model):
    impossible: bool | None = None
    end_foreseeable: bool | None = None
    own_fault: bool | None = None




# Groups of issue 16 (facts_more.py) left out of the JSON while nothing in them is known.
OPTIONAL_GROUPS = frozenset({"spouse", "integration_course", "assistant_training", "application", "asylum_rejection"})


class CaseFacts(_Model):
    """Everything known about one person, independent of any provision."""

    person: Person = Person()
    entry_date: dt.date | None = None
    status_history: list[StatusPeriod] | None = None
    identity: Identity = Identity()
    own_identity_deception: bool | None = None
    obstructs_removal: bool | None = None
    german: German = German()
    basic_knowledge_of_order: bool | None = None
    fdgo_declaration: bool | None = None
    integration_prognosis_positive: bool | None = None
    integration_course_obliged: bool | None = None
    integration_course_completed: bool | None = None
    school: School = School()
    in_education: bool | None = None
    employment: list[Employment] | None = None
    livelihood: Livelihood = Livelihood()
    household: Household = Household()
    convictions: list[Conviction] | None = None
    training: Training = Training()
    certificates: list[Certificate] | None = None
    voluntary_work: list[VoluntaryWork] | None = None
    housing_sufficient: bool | None = None
    prevented_by_illness_disability_or_age: bool | None = None
    concrete_removal_measures: bool | None = None
    extremism_indications: bool | None = None
    expulsion_order: bool | None = None
    employment_ban_60a_6: bool | None = None
    asylum_rejected_manifestly_unfounded: bool | None = None
    departure_impossible: DepartureImpossible = DepartureImpossible()
    # issue 16 (law/facts_more.py)
    spouse: Spouse = Spouse()
    integration_course: IntegrationCourse = IntegrationCourse()
    livelihood_months: list[LivelihoodMonth] | None = None
    assistant_training: AssistantTraining = AssistantTraining()
    identity_deception: Literal["once", "repeated"] | None = None
    application: Application = Application()
    asylum_rejection: AsylumRejection = AsylumRejection()

    @field_validator("status_history")
    @classmethod
    def _status_history_consistent(cls, periods):
        if not periods:
            return periods
        ordered = sorted(periods, key=lambda p: p.from_)
        for earlier, later in zip(ordered, ordered[1:]):
            if earlier.to is None:
                raise ValueError("nur der letzte Zeitraum darf ohne Ende sein")
            if later.from_ <= earlier.to:
                raise ValueError(
                    f"Zeiträume überschneiden sich ({de(earlier.from_)}–{de(earlier.to)} und ab {de(later.from_)})")
        return ordered

    def to_json_dict(self) -> dict:
        """The facts as JSON-ready data, using the contract's key names (``from``, not ``from_``). The groups of
        issue 16 appear only when something in them is known, so facts without them keep their old shape."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)
        return {key: value for key, value in data.items() if not (key in OPTIONAL_GROUPS and value == {})}

    def age_on(self, day: dt.date) -> int | None:
        born = self.person.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def status_on(self, day: dt.date) -> str | None:
        """The residence status on ``day``; an open current period is assumed to continue."""
        for period in self.status_history or ():
            if period.from_ <= day and (period.to is None or day <= period.to):
                return period.status
        return None


# Dates that describe the past: a value after today is a typing error, not a plan.
_PAST_DATES = ("person.date_of_birth", "entry_date", "identity.clarified_on", "identity.measures_taken_on",
               "training.completed_on")


class FactsError(ValueError):
    """Invalid facts: ``errors`` is a list of ``{"field": "a.b.0.c", "reason": "..."}`` in German."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['reason']}" for e in errors))


_REASONS = {
    "missing": "Pflichtangabe fehlt",
    "extra_forbidden": "unbekanntes Feld",
    "date_from_datetime_parsing": "kein gültiges Datum (JJJJ-MM-TT)",
    "date_parsing": "kein gültiges Datum (JJJJ-MM-TT)",
    "date_type": "kein gültiges Datum (JJJJ-MM-TT)",
    "bool_type": "erwartet true oder false",
    "bool_parsing": "erwartet true oder false",
    "literal_error": "unzulässiger Wert",
    "string_type": "erwartet Text",
    "string_pattern_mismatch": "unzulässiges Format",
    "int_type": "erwartet eine ganze Zahl",
    "int_parsing": "erwartet eine ganze Zahl",
    "int_from_float": "erwartet eine ganze Zahl",
    "float_type": "erwartet eine Zahl",
    "float_parsing": "erwartet eine Zahl",
    "list_type": "erwartet eine Liste",
    "model_type": "erwartet ein Objekt",
    "dict_type": "erwartet ein Objekt",
    "greater_than": "Wert zu klein",
    "greater_than_equal": "Wert zu klein",
    "less_than_equal": "Wert zu groß",
}


def _reason(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    reason = _REASONS.get(error["type"], error["msg"])
    if error["type"] == "literal_error":
        reason += f" (erlaubt: {error['ctx']['expected'].replace(' or ', ' oder ')})"
    return reason


def parse_facts(data: object, today: dt.date | None = None) -> CaseFacts:
    """Validate raw JSON data into ``CaseFacts`` or raise ``FactsError`` naming every bad field."""
    if not isinstance(data, dict):
        raise FactsError([{"field": "", "reason": "erwartet ein JSON-Objekt"}])
    try:
        facts = CaseFacts.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"] if p not in ("function-after",))
            errors.append({"field": field, "reason": _reason(err)})
        raise FactsError(errors) from None
    _check_dates(facts, today or today_in_germany())
    return facts


def read_stored(data: dict) -> CaseFacts:
    """Facts as stored: valid when written, so only their shape is checked, not today's input limits."""
    return CaseFacts.model_validate(data, context=STORED)


def read_stored_person(data: dict) -> Person:
    """Only the person of stored facts, for a list that shows nothing else: validating the whole facts of every
    row was four tenths of the client list's time."""
    return Person.model_validate(data.get("person") or {}, context=STORED)


def _check_dates(facts: CaseFacts, today: dt.date) -> None:
    """Dates that cannot lie in the future, and an entry that cannot precede the birth."""
    errors = []
    born = facts.person.date_of_birth
    if born and facts.entry_date and facts.entry_date < born:
        errors.append({"field": "entry_date", "reason": "Einreise liegt vor dem Geburtsdatum"})
    for path in _PAST_DATES + PAST_DATES_MORE:
        value = facts
        for part in path.split("."):
            value = getattr(value, part)
        if value is not None and value > today:
            errors.append({"field": path, "reason": "Datum liegt in der Zukunft"})
    for i, period in enumerate(facts.status_history or ()):
        if period.from_ > today:
            errors.append({"field": f"status_history.{i}.from", "reason": "Datum liegt in der Zukunft"})
    for i, conviction in enumerate(facts.spouse.convictions or ()):
        if conviction.date > today:
            errors.append({"field": f"spouse.convictions.{i}.date", "reason": "Datum liegt in der Zukunft"})
    for i, conviction in enumerate(facts.convictions or ()):
        if conviction.date > today:
            errors.append({"field": f"convictions.{i}.date", "reason": "Datum liegt in der Zukunft"})
    for i, certificate in enumerate(facts.certificates or ()):
        if certificate.date is not None and certificate.date > today:
            errors.append({"field": f"certificates.{i}.date", "reason": "Datum liegt in der Zukunft"})
    for i, work in enumerate(facts.voluntary_work or ()):
        if work.from_ is not None and work.from_ > today:
            errors.append({"field": f"voluntary_work.{i}.from", "reason": "Datum liegt in der Zukunft"})
    for i, child in enumerate(facts.household.minor_children or ()):
        if child.date_of_birth > today:
            errors.append({"field": f"household.minor_children.{i}.date_of_birth",
                           "reason": "Datum liegt in der Zukunft"})
    if errors:
        raise FactsError(errors)


def json_schema() -> dict:
    schema = CaseFacts.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Perspektive case facts"
    return schema


def fact_paths(model: type[BaseModel] = None, prefix: str = "") -> dict[str, object]:
    """Every dotted path a rule can test (``identity.clarified_on``) with its type; lists are facts as a whole."""
    model = model or CaseFacts
    paths: dict[str, object] = {}
    for name, info in model.model_fields.items():
        path = prefix + name
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            paths.update(fact_paths(kind, path + "."))
        else:
            paths[path] = kind
    return paths


def date_fact_paths() -> tuple[str, ...]:
    """The facts that hold a single date (the bases a follow-up rule can count from)."""
    return tuple(sorted(path for path, kind in fact_paths().items() if kind == dt.date | None))
