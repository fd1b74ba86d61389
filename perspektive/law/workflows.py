"""Load and validate ``workflows/*.toml`` into immutable objects.

A workflow file is data: criteria composed from registered criterion types, each with its citation and the dates
it is valid from and until. A change in the law is a new criterion entry with the same ``id`` and a later window,
never an edit of the old one. Errors name the file, the key and the problem; one broken file never stops the
others from loading.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel, ValidationError

from .criteria import Condition, CriterionType
from .facts import fact_paths
from .followup_rules import AGE_CRITERIA, BIRTH_DATES, EARLIEST_DATE, FollowUpRule

KNOWN_FACTS = frozenset(fact_paths())
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")

WORKFLOW_ID = re.compile(r"^section_[0-9]+[a-z]?(_[0-9]+)?$")
LETTERS = ("antrag", "checkliste")
LETTER_NAMES = {"antrag": "Antrag", "checkliste": "Checkliste"}  # as the pages name them
# The kinds of argument an Antrag can make from the facts (``[letter]`` of a workflow file); each is one function
# of perspektive/documents/argument_kinds.py or argument_work.py; documents/arguments.py checks at import that its
# registry holds exactly these.
ARGUMENT_KINDS = frozenset({
    "status", "stay", "entry", "route", "duldung_duration", "identity", "identity_deadline", "passport",
    "language_a2", "language_b1", "fdgo", "basic_knowledge", "integration", "integration_course", "school", "age",
    "training", "training_kind", "registration", "application_window", "qualification", "employment", "livelihood",
    "means", "certificates", "housing", "children_school", "family", "volunteering", "departure", "not_at_fault", "exclusion",
})


@dataclass(frozen=True)
class LetterPlan:
    """How the Antrag argues (``[letter]``): for each criterion id, the kinds of argument that show it is met
    (``exclusion``: one closing sentence for all grounds of refusal that do not apply), and the kinds that give
    reasons to exercise discretion favourably where a criterion is met only in the authority's discretion."""

    arguments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    discretion: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    label: str
    citation: str
    valid_from: dt.date
    valid_until: dt.date | None
    type: str | None = None
    params: BaseModel | None = None
    any_of: tuple["CriterionSpec", ...] = ()
    hint: str = ""
    evidence: str = ""
    unverified: str = ""
    discretionary: bool = False  # met only as a "kann" rule: the authority decides in its discretion

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    @cached_property
    def key(self) -> tuple[str | None, str]:
        """What a typed criterion's answer depends on besides the facts and the day: its type and its parameters
        (equal parameters print alike), so that ``evaluation.Outcomes`` asks each once. Computed on first use; the
        spec is frozen, so it never goes stale."""
        return self.type, repr(self.params)


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: Mapping[str, str]
    why: str
    when: Condition | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Workflow:
    id: str
    provision: str
    title: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    criteria: tuple[CriterionSpec, ...]
    checklist: tuple[ChecklistItem, ...]
    request: str
    unverified: tuple[str, ...]
    source: Path
    letters: tuple[str, ...] = field(default=LETTERS)
    followups: tuple[FollowUpRule, ...] = ()
    letter: LetterPlan = field(default_factory=LetterPlan)

    def in_force(self, on: dt.date) -> bool:
        return self.in_force_from <= on and (self.in_force_until is None or on <= self.in_force_until)

    def criteria_on(self, on: dt.date) -> tuple[CriterionSpec, ...]:
        if not self.in_force(on):
            return tuple(c for c in self.criteria if c.in_force(on))
        return self._versions[1][bisect_right(self._versions[0], on) - 1]

    def rules_version(self, on: dt.date) -> str | None:
        """The version in force on ``on``: the latest day on which any of its rules changed."""
        if not self.in_force(on):
            return None
        return self._versions[0][bisect_right(self._versions[0], on) - 1].isoformat()

    def change_days(self) -> list[dt.date]:
        """The days on which a version of these rules takes effect."""
        return list(self._versions[0])

    @cached_property
    def _versions(self) -> tuple[tuple[dt.date, ...], tuple[tuple[CriterionSpec, ...], ...]]:
        """The change days in order, and the criteria in force from each until the next: between two change days
        no criterion starts or ends, so a day in force reads its version by bisection instead of filtering every
        criterion on every assessment. The first change day is ``in_force_from``. Computed on first use; the workflow
        is frozen (a changed file is a new ``Workflow``), so it never goes stale."""
        days = {self.in_force_from} | {c.valid_from for c in self.criteria}
        days |= {c.valid_until + dt.timedelta(days=1) for c in self.criteria if c.valid_until is not None}
        ordered = tuple(sorted(d for d in days if self.in_force(d)))
        return ordered, tuple(tuple(c for c in self.criteria if c.in_force(day)) for day in ordered)

    def rules_versions(self) -> list[str]:
        return [d.isoformat() for d in self.change_days()]

    def birth_date_followups(self) -> frozenset[str]:
        """The ids of the follow-up rules whose day can be computed from a date of birth: counted from one, or the
        day the path opens when an age criterion can decide it (the path then opens on a birthday)."""
        ages = any(spec.type in AGE_CRITERIA for c in self.criteria for spec in (c, *c.any_of))
        return frozenset(rule.id for rule in self.followups
                         if rule.basis in BIRTH_DATES or ages and rule.basis == EARLIEST_DATE)


class WorkflowError(Exception):
    def __init__(self, source: Path, key: str, problem: str):
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source.name}: {key}: {problem}")


def _date(raw: Any, source: Path, key: str, required: bool = True) -> dt.date | None:
    if raw is None and not required:
        return None
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    raise WorkflowError(source, key, "erwartet ein Datum (JJJJ-MM-TT, ohne Anführungszeichen)"
                        if raw is not None else "Pflichtangabe fehlt")


def _text(raw: dict, key: str, source: Path, where: str, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise WorkflowError(source, f"{where}.{key}", "Pflichtangabe fehlt oder ist kein Text")
    return value


def _criterion(raw: Any, where: str, source: Path, types: Mapping[str, CriterionType],
               parent: CriterionSpec | None = None) -> CriterionSpec:
    if not isinstance(raw, dict):
        raise WorkflowError(source, where, "erwartet eine Tabelle")
    allowed = {"id", "label", "citation", "valid_from", "valid_until", "type", "params", "any_of", "hint",
               "evidence", "unverified", "discretionary"}
    for key in raw:
        if key not in allowed:
            raise WorkflowError(source, f"{where}.{key}", "unbekannter Schlüssel")
    if parent is None:
        valid_from = _date(raw.get("valid_from"), source, f"{where}.valid_from")
        valid_until = _date(raw.get("valid_until"), source, f"{where}.valid_until", required=False)
        if valid_until is not None and valid_until < valid_from:
            raise WorkflowError(source, f"{where}.valid_until", "liegt vor valid_from")
        ident = _text(raw, "id", source, where)
    else:
        valid_from, valid_until, ident = parent.valid_from, parent.valid_until, raw.get("id", "")
    spec = dict(id=ident, label=_text(raw, "label", source, where), citation=_text(raw, "citation", source, where),
                valid_from=valid_from, valid_until=valid_until, hint=_text(raw, "hint", source, where, False),
                evidence=_text(raw, "evidence", source, where, False),
                unverified=_text(raw, "unverified", source, where, False))
    if not isinstance(raw.get("discretionary", False), bool):
        raise WorkflowError(source, f"{where}.discretionary", "erwartet true oder false")
    spec["discretionary"] = raw.get("discretionary", False)
    if "any_of" in raw:
        if "type" in raw or not isinstance(raw["any_of"], list) or len(raw["any_of"]) < 2:
            raise WorkflowError(source, f"{where}.any_of", "erwartet mindestens zwei Alternativen und keinen 'type'")
        shell = CriterionSpec(**spec)
        alternatives = tuple(_criterion(alt, f"{where}.any_of[{i}]", source, types, shell)
                             for i, alt in enumerate(raw["any_of"]))
        return CriterionSpec(**spec, any_of=alternatives)
    type_name = raw.get("type")
    if type_name not in types:
        known = ", ".join(sorted(types))
        raise WorkflowError(source, f"{where}.type", f"unbekannter Kriterientyp „{type_name}“ (bekannt: {known})")
    try:
        params = types[type_name].params.model_validate(raw.get("params", {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise WorkflowError(source, f"{where}.params.{key}", first["msg"]) from None
    for condition in _conditions(params):
        _check_fact(condition, source, f"{where}.params")
    return CriterionSpec(**spec, type=type_name, params=params)


def _conditions(value: Any):
    """Every ``Condition`` inside a type's parameters, however deeply nested."""
    if isinstance(value, Condition):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _conditions(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _conditions(item)


def _check_fact(condition: Condition, source: Path, where: str) -> None:
    if condition.fact not in KNOWN_FACTS:
        raise WorkflowError(source, where, f"unbekannter Fakt {condition.fact!r} (siehe 'facts schema')")


def _checklist_item(raw: Any, where: str, source: Path) -> ChecklistItem:
    if not isinstance(raw, dict):
        raise WorkflowError(source, where, "erwartet eine Tabelle")
    text = raw.get("text")
    if not isinstance(text, dict) or not isinstance(text.get("de"), str) or not text["de"].strip():
        raise WorkflowError(source, f"{where}.text.de", "Pflichtangabe fehlt (Text auf Deutsch)")
    for lang, translated in text.items():
        if not LANGUAGE_CODE.match(lang) or not isinstance(translated, str):
            raise WorkflowError(source, f"{where}.text.{lang}", "erwartet einen Text je Sprachcode nach ISO 639-1 "
                                "(de, en, ar, ru, fa, fr, …)")
    when = None
    if "when" in raw:
        try:
            when = Condition.model_validate(raw["when"])
        except ValidationError as exc:
            raise WorkflowError(source, f"{where}.when", exc.errors()[0]["msg"]) from None
        _check_fact(when, source, f"{where}.when")
    return ChecklistItem(id=_text(raw, "id", source, where), text=dict(text), why=_text(raw, "why", source, where),
                         when=when, valid_from=_date(raw.get("valid_from"), source, f"{where}.valid_from", False),
                         valid_until=_date(raw.get("valid_until"), source, f"{where}.valid_until", False))


MAX_TOML_DEPTH = 12  # a workflow needs 5 levels (criteria, params, a condition's all/any)
_TOO_DEEP = f"zu tief verschachtelt (höchstens {MAX_TOML_DEPTH} Ebenen)"


def _depth(value) -> int:
    """How deeply tables and arrays nest in ``value``, counted in a loop (the checks below recurse)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_workflow(source: Path, types: Mapping[str, CriterionType], letters_root: Path | None) -> Workflow:
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowError(source, "(Datei)", f"kein gültiges TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables (probe finding 9)
        raise WorkflowError(source, "(Datei)", _TOO_DEEP) from None
    if _depth(raw) > MAX_TOML_DEPTH:
        raise WorkflowError(source, "(Datei)", _TOO_DEEP)
    ident = _text(raw, "id", source, "workflow")
    if ident != source.stem or not WORKFLOW_ID.match(ident):
        raise WorkflowError(source, "id", f"muss dem Dateinamen entsprechen und die Form section_25b haben ({ident!r})")
    criteria = raw.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise WorkflowError(source, "criteria", "mindestens ein Kriterium erforderlich")
    specs = tuple(_criterion(c, f"criteria[{i}]", source, types) for i, c in enumerate(criteria))
    _check_versions_do_not_overlap(specs, source)
    checklist = tuple(_checklist_item(c, f"checklist[{i}]", source) for i, c in enumerate(raw.get("checklist", [])))
    workflow = Workflow(
        id=ident, provision=_text(raw, "provision", source, "workflow"), title=_text(raw, "title", source, "workflow"),
        in_force_from=_date(raw.get("in_force_from"), source, "in_force_from"),
        in_force_until=_date(raw.get("in_force_until"), source, "in_force_until", required=False),
        criteria=specs, checklist=checklist, request=_text(raw, "request", source, "workflow"),
        unverified=tuple(raw.get("unverified", [])), source=source, letters=_letters(raw, source),
        followups=tuple(_followup(f, f"followups[{i}]", source) for i, f in enumerate(raw.get("followups", []))),
        letter=_letter_plan(raw.get("letter", {}), source, {c.id for c in specs}),
    )
    if letters_root is not None:
        for letter in workflow.letters:
            if not (letters_root / ident / f"{letter}.docx").is_file():
                raise WorkflowError(source, "letters", f"Vorlage fehlt: letter_templates/{ident}/{letter}.docx")
    return workflow


def _kinds(value: Any, source: Path, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(kind, str) for kind in value):
        raise WorkflowError(source, key, "erwartet eine Liste von Argumentarten")
    for kind in value:
        if kind not in ARGUMENT_KINDS:
            raise WorkflowError(source, key, f"unbekannte Argumentart {kind!r} (bekannt: "
                                f"{', '.join(sorted(ARGUMENT_KINDS))})")
    return tuple(value)


def _letter_plan(raw: Any, source: Path, criterion_ids: set[str]) -> LetterPlan:
    if not isinstance(raw, dict):
        raise WorkflowError(source, "letter", "erwartet eine Tabelle")
    for key in raw:
        if key not in ("arguments", "discretion"):
            raise WorkflowError(source, f"letter.{key}", "unbekannter Schlüssel")
    arguments = raw.get("arguments", {})
    if not isinstance(arguments, dict):
        raise WorkflowError(source, "letter.arguments", "erwartet eine Tabelle: Kriterium = [Argumentarten]")
    for ident in arguments:
        if ident not in criterion_ids:
            raise WorkflowError(source, f"letter.arguments.{ident}", "kein Kriterium dieses Verfahrens")
    return LetterPlan(arguments={ident: _kinds(kinds, source, f"letter.arguments.{ident}")
                                 for ident, kinds in arguments.items()},
                      discretion=_kinds(raw.get("discretion", []), source, "letter.discretion"))


def _followup(raw: Any, where: str, source: Path) -> FollowUpRule:
    try:
        rule = FollowUpRule.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise WorkflowError(source, f"{where}.{key}" if key else where, first["msg"]) from None
    if rule.when is not None:
        _check_fact(rule.when, source, f"{where}.when")
    return rule


def _letters(raw: dict, source: Path) -> tuple[str, ...]:
    letters = raw.get("letters", list(LETTERS))
    if not isinstance(letters, list) or any(letter not in LETTERS for letter in letters):
        raise WorkflowError(source, "letters", f"erwartet eine Liste aus {', '.join(LETTERS)}")
    return tuple(letters)


def _check_versions_do_not_overlap(specs: tuple[CriterionSpec, ...], source: Path) -> None:
    by_id: dict[str, list[CriterionSpec]] = {}
    for spec in specs:
        by_id.setdefault(spec.id, []).append(spec)
    for ident, versions in by_id.items():
        versions.sort(key=lambda s: s.valid_from)
        for a, b in zip(versions, versions[1:]):
            if a.valid_until is None or a.valid_until >= b.valid_from:
                raise WorkflowError(source, f"criteria.{ident}",
                                    f"Fassungen überschneiden sich (ab {a.valid_from} und ab {b.valid_from})")


@dataclass(frozen=True)
class Catalogue:
    """The workflows that loaded, and the errors of those that did not, keyed by file."""

    workflows: Mapping[str, Workflow]
    errors: Mapping[str, str]


def load_catalogue(dirs: list[Path], types: Mapping[str, CriterionType], letters_root: Path | None) -> Catalogue:
    workflows: dict[str, Workflow] = {}
    errors: dict[str, str] = {}
    for directory in dirs:
        for source in sorted(Path(directory).glob("*.toml")):
            try:
                workflow = parse_workflow(source, types, letters_root)
            except WorkflowError as exc:
                errors[str(source)] = str(exc)
                continue
            if workflow.id in workflows:
                errors[str(source)] = f"{source.name}: id: {workflow.id} ist bereits in " \
                                      f"{workflows[workflow.id].source} definiert"
                continue
            workflows[workflow.id] = workflow
    return Catalogue(workflows, errors)
