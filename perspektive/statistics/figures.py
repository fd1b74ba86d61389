"""The counselling's figures for a period and a scope, computed by the database.

Every figure is an aggregate query (COUNT, SUM, GROUP BY) over the coarse statistics rows (``models``), never
over the sealed facts and never row by row; the two durations (first consultation to filing, filing to decision)
are one query each that returns a column of whole days, whose median is taken in Python.

Scope: one counsellor (``counsellor_id``) or everyone (``None``). There is no team concept yet, so "the team" is
every counsellor, the same as everyone. Who a figure belongs to: consultations to the counsellor who held them
(persons and their classes likewise: those the counsellor saw in the period), cases to the case's counsellor.

What is counted in a period:
- consultations held in it, and the distinct persons they were held with; the persons' classes (country, age,
  gender, Duldung class and kind, all at the first contact) over those persons;
- cases opened in it, per path; outcomes decided or ended in it, per path, and per path the cases filed by its
  end and still undecided then ("offen"); the grant rate is granted ÷ (granted + refused);
- days from the first contact to filing for the cases filed in it, days from filing to decision for the cases
  decided in it; refusal reasons of the refusals decided in it.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, fn

from perspektive.conferences import conference_counts
from perspektive.db import is_postgres
from perspektive.law import COUNTRY_NAMES, current_engine

from .models import ATTENDEES, DECIDED, REFUSAL_REASONS, CaseOutcome, StatConsultation, StatPerson
from .periods import Period
from .tables import Table

SMALL_COUNTRY = 5  # countries with fewer persons are counted as "Sonstige"
TOP_COUNTRIES = 10
AGE_NAMES = {"under_14": "< 14", "14_to_27": "14 – < 27", "27_plus": "≥ 27", "unknown": _l("unbekannt")}
GENDER_NAMES = {"female": _l("weiblich"), "male": _l("männlich"), "diverse": _l("divers"),
                "unknown": _l("unbekannt")}
DULDUNG_CLASS_NAMES = {"under_3": _l("< 3 Jahre"), "3_to_6": _l("3 – < 6 Jahre"), "6_to_8": _l("6 – < 8 Jahre"),
                       "8_plus": _l("≥ 8 Jahre"), "none": _l("keine Duldung")}
DULDUNG_KIND_NAMES = {"60a": "§ 60a AufenthG", "60b": "§ 60b AufenthG", "60c": "§ 60c AufenthG",
                      "60d": "§ 60d AufenthG", "none": _l("keine Duldung")}
ATTENDEE_NAMES = {"person": _l("die Person selbst"), "volunteer": _l("Ehrenamtliche"),
                  "employer": _l("Arbeitgeber"), "social_work": _l("Sozialarbeit"),
                  "medical_service": _l("medizinischer Dienst")}
OUTCOME_COLUMNS = ("granted", "refused", "withdrawn", "ended", "open")
OUTCOME_COLUMN_NAMES = {"granted": _l("erteilt"), "refused": _l("abgelehnt"), "withdrawn": _l("zurückgenommen"),
                        "ended": _l("anders beendet"), "open": _l("offen")}
REFUSAL_NAMES = {"identity": _l("Identität/Pass"), "livelihood": _l("Lebensunterhalt"), "language": _l("Sprache"),
                 "convictions": _l("Straftaten"), "other": _l("Sonstiges")}


@dataclass
class Duration:
    count: int
    median: float | None
    maximum: int | None


@dataclass
class Figures:
    period: Period
    counsellor_id: int | None
    consultations: dict[str, int]  # first, follow_up, total, persons
    countries: int  # distinct countries of the persons
    grant_rates: dict[str, float | None]  # per path label
    durations: dict[str, Duration]  # to_filing, to_decision
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _between(column, period: Period):
    return (column >= period.start) & (column <= period.end)


def _mine(column, counsellor_id):
    return True if counsellor_id is None else (column == counsellor_id)


def _days(later, earlier):
    """Whole days from ``earlier`` to ``later`` as an SQL expression of either engine."""
    if is_postgres():
        return later - earlier
    return (fn.julianday(later) - fn.julianday(earlier)).cast("INTEGER")


def _sum_flag(column):
    return fn.SUM(Case(None, [(column == True, 1)], 0))  # noqa: E712 - an SQL comparison


def _consultations(period, who):
    where = _between(StatConsultation.held_on, period) & _mine(StatConsultation.counsellor, who)
    flags = [_sum_flag(getattr(StatConsultation, f"by_{a}")) for a in ATTENDEES]
    counts = {"first": 0, "follow_up": 0}
    attendees = dict.fromkeys(ATTENDEES, 0)
    for kind, number, *sums in (StatConsultation.select(StatConsultation.kind, fn.COUNT(StatConsultation.id), *flags)
                                .where(where).group_by(StatConsultation.kind).tuples()):
        counts[kind] = number
        for attendee, value in zip(ATTENDEES, sums):
            attendees[attendee] += value or 0
    persons = StatConsultation.select(fn.COUNT(StatConsultation.person.distinct())).where(where).scalar() or 0
    seen = StatConsultation.select(StatConsultation.person).where(where)
    return {**counts, "total": counts["first"] + counts["follow_up"], "persons": persons}, attendees, seen


CLASS_COLUMNS = ("country", "age_band", "gender", "duldung_class", "duldung_kind")


def _classes(seen) -> dict[str, dict[str, int]]:
    """Persons per value of each class column: one GROUP BY over all five columns (a few hundred combinations at
    most), summed per column here, instead of five passes over the persons seen."""
    columns = [getattr(StatPerson, name) for name in CLASS_COLUMNS]
    counts: dict[str, dict[str, int]] = {name: {} for name in CLASS_COLUMNS}
    for *values, number in (StatPerson.select(*columns, fn.COUNT(StatPerson.id)).where(StatPerson.id.in_(seen))
                            .group_by(*columns).tuples()):
        for name, value in zip(CLASS_COLUMNS, values):
            counts[name][value] = counts[name].get(value, 0) + number
    return counts


def _class_table(key, title, names: dict, counts: dict[str, int]) -> Table:
    rows = [(str(names[k]), [counts.get(k, 0)]) for k in names]
    return Table(key, title, str(_l("Klasse")), [str(_l("Personen"))], rows)


def _country_table(counts: dict[str, int]) -> Table:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [(code, n) for code, n in ranked if n >= SMALL_COUNTRY and code not in ("unknown", "stateless")]
    shown = shown[:TOP_COUNTRIES]
    rest = sum(counts.values()) - sum(n for _c, n in shown)
    rows = [(COUNTRY_NAMES.get(code, code), [n]) for code, n in shown]
    if rest:
        rows.append((str(_l("Sonstige")), [rest]))
    return Table("countries", str(_l("Herkunftsländer")), str(_l("Land")), [str(_l("Personen"))], rows,
                 note=str(_l("Länder mit weniger als 5 Personen, Staatenlose und Unbekannte: „Sonstige“.")))


def _cases(period, who, provisions):
    mine = _mine(CaseOutcome.counsellor, who)
    opened = dict(CaseOutcome.select(CaseOutcome.path, fn.COUNT(CaseOutcome.id))
                  .where(_between(CaseOutcome.opened_on, period) & mine).group_by(CaseOutcome.path).tuples())
    outcomes: dict[str, dict[str, int]] = {}
    decided = (CaseOutcome.select(CaseOutcome.path, CaseOutcome.outcome, fn.COUNT(CaseOutcome.id))
               .where(_between(CaseOutcome.decided_on, period) & (CaseOutcome.outcome != "open") & mine)
               .group_by(CaseOutcome.path, CaseOutcome.outcome).tuples())
    for path, outcome, number in decided:
        column = outcome if outcome in ("granted", "refused", "withdrawn") else "ended"
        outcomes.setdefault(path, dict.fromkeys(OUTCOME_COLUMNS, 0))[column] += number
    pending = (CaseOutcome.select(CaseOutcome.path, fn.COUNT(CaseOutcome.id))
               .where((CaseOutcome.filed_on <= period.end) & mine
                      & (CaseOutcome.decided_on.is_null() | (CaseOutcome.decided_on > period.end)))
               .group_by(CaseOutcome.path).tuples())
    for path, number in pending:
        outcomes.setdefault(path, dict.fromkeys(OUTCOME_COLUMNS, 0))["open"] += number
    def name(path):
        return (provisions.get(path, path))
    order = [p for p in provisions if p in opened or p in outcomes]
    order += sorted(p for p in set(opened) | set(outcomes) if p not in provisions)
    cases = Table("cases_per_path", str(_l("Fälle je Weg (eröffnet)")), str(_l("Weg")), [str(_l("Fälle"))],
                  [(name(p), [opened[p]]) for p in order if p in opened])
    table = Table("outcomes_per_path", str(_l("Ergebnisse je Weg")), str(_l("Weg")),
                  [str(OUTCOME_COLUMN_NAMES[c]) for c in OUTCOME_COLUMNS],
                  [(name(p), [outcomes[p][c] for c in OUTCOME_COLUMNS]) for p in order if p in outcomes],
                  note=str(_l("Entschieden oder beendet im Zeitraum; „offen“: bis zum Ende des Zeitraums "
                              "beantragt und noch nicht entschieden.")))
    rates = {}
    for p in order:
        if p in outcomes:
            granted, refused = outcomes[p]["granted"], outcomes[p]["refused"]
            rates[name(p)] = granted / (granted + refused) if granted + refused else None
    return cases, table, rates


def _duration(query) -> Duration:
    days = sorted(int(d) for (d,) in query.tuples() if d is not None)
    if not days:
        return Duration(0, None, None)
    return Duration(len(days), statistics.median(days), days[-1])


def _durations(period, who):
    mine = _mine(CaseOutcome.counsellor, who)
    to_filing = (CaseOutcome.select(_days(CaseOutcome.filed_on, StatPerson.first_contact))
                 .join(StatPerson, JOIN.INNER, on=(CaseOutcome.person == StatPerson.id))
                 .where(_between(CaseOutcome.filed_on, period) & mine))
    to_decision = (CaseOutcome.select(_days(CaseOutcome.decided_on, CaseOutcome.filed_on))
                   .where(_between(CaseOutcome.decided_on, period) & CaseOutcome.outcome.in_(DECIDED)
                          & CaseOutcome.filed_on.is_null(False) & mine))
    return {"to_filing": _duration(to_filing), "to_decision": _duration(to_decision)}


def _refusals(period, who) -> Table:
    flags = [_sum_flag(getattr(CaseOutcome, f"refusal_{r}")) for r in REFUSAL_REASONS]
    sums = (CaseOutcome.select(*flags).where(_between(CaseOutcome.decided_on, period)
                                              & (CaseOutcome.outcome == "refused")
                                              & _mine(CaseOutcome.counsellor, who)).tuples().first()) or ()
    rows = [(str(REFUSAL_NAMES[r]), [int(v or 0)]) for r, v in zip(REFUSAL_REASONS, sums or [0] * 5)]
    return Table("refusal_reasons", str(_l("Ablehnungsgründe")), str(_l("Grund")), [str(_l("Ablehnungen"))], rows,
                 note=str(_l("Mehrere Gründe je Ablehnung möglich.")))


def _conferences(period) -> Table:
    """Cases discussed at the quarterly meetings in the period, and those whose recommendation was followed (all
    counsellors: a meeting is the cooperation's, not one counsellor's)."""
    counts = conference_counts(period.start, period.end)
    followed = counts["recommendations_followed"]
    return Table("conferences", str(_l("Fallbesprechungen")), str(_l("Quartalstreffen")),
                 [str(_l("Empfehlung umgesetzt")), str(_l("Empfehlung (noch) nicht umgesetzt"))],
                 [(str(_l("alle Beratenden")), [followed, counts["held"] - followed])],
                 note=str(_l("Zusammen: die besprochenen Fälle.")))


def compute(period: Period, counsellor_id: int | None = None) -> Figures:
    """Every figure of ``period`` for one counsellor or (``None``) everyone."""
    provisions = current_engine().provisions()
    consultations, attendees, seen = _consultations(period, counsellor_id)
    classes = _classes(seen)
    countries = classes["country"]
    cases, outcomes, rates = _cases(period, counsellor_id, provisions)
    tables = [
        Table("consultations", str(_l("Beratungen")), str(_l("Art")), [str(_l("Anzahl"))],
              [(str(_l("Erstberatungen")), [consultations["first"]]),
               (str(_l("Folgeberatungen")), [consultations["follow_up"]])]),
        Table("attendees", str(_l("Wer kam (Beratungen)")), str(_l("Wer")), [str(_l("Beratungen"))],
              [(str(ATTENDEE_NAMES[a]), [attendees[a]]) for a in ATTENDEES],
              note=str(_l("Mehrere je Beratung möglich."))),
        _country_table(countries),
        _class_table("duldung_duration", str(_l("Dauer der Duldung beim ersten Kontakt")), DULDUNG_CLASS_NAMES,
                     classes["duldung_class"]),
        _class_table("duldung_kind", str(_l("Art der Duldung beim ersten Kontakt")), DULDUNG_KIND_NAMES,
                     classes["duldung_kind"]),
        _class_table("age", str(_l("Alter beim ersten Kontakt")), AGE_NAMES, classes["age_band"]),
        _class_table("gender", str(_l("Geschlecht")), GENDER_NAMES, classes["gender"]),
        cases, outcomes, _refusals(period, counsellor_id), _conferences(period),
    ]
    distinct = len([c for c in countries if c not in ("unknown", "stateless")])
    return Figures(period, counsellor_id, consultations, distinct, rates, _durations(period, counsellor_id), tables)


