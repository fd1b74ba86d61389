"""The facts as forms: one form per group of ``fact_view.SECTIONS``, and a short form for a new client.

What an input is follows from the facts model, so a fact added there gets its input here without code: a yes/no
fact is three radio buttons (ja, nein, unbekannt: an unanswered question stays ``null``, never ``false``), a fixed
set of values is a select with German labels, a day is a date field that also takes 21.11.2026, a number takes a
decimal comma, and a list (status history, jobs, children, convictions) is a table of rows with empty rows to fill
in, a button for one more row, and a box to remove a row; none of it needs JavaScript.

Input names are the fact paths (``person.date_of_birth``; in a table ``status_history.0.from``), which are also
the ``field`` of a ``FactsError``, so every error finds its input. Saving a group replaces exactly that group's
facts and keeps every other fact as stored.
"""
from __future__ import annotations

import copy
import datetime as dt
import types
import typing
from dataclasses import dataclass, field

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from perspektive.law import (
    N_,
    VALUE_LABELS,
    FactsError,
    fact_paths,
    label_of,
    parse_facts,
)
from perspektive.typed import parse_day

from . import names
from .presentation import MONTH_COLUMN, SECTIONS, Table
from .typed_input import read_typed, shown_in_input

EXTRA_ROWS = 2  # empty rows under a table's filled ones
MAX_ROWS = 100  # rows a posted form may claim (a person has far fewer status periods, jobs or convictions)
REQUIRED = _l("Bitte angeben.")


@dataclass(frozen=True)
class Input:
    """One input: ``path`` is the fact path, or inside a table the key of the row (``from``)."""

    path: str
    kind: str  # text, date, month, bool, choice, number, integer
    label: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, German label) of a choice
    required: bool = False
    suggestions: str = ""  # "countries" or "languages": a <datalist> of them


@dataclass(frozen=True)
class Rows:
    """A list fact as a table of rows; ``fixed``: exactly one row (the current status of a new client)."""

    path: str
    label: str
    columns: tuple[Input, ...]
    fixed: bool = False
    sorted_by: str = ""  # the key facts.py orders the rows by, so that error indices point at the same rows


@dataclass(frozen=True)
class Group:
    id: str
    title: str  # German; the page translates it
    items: tuple[Input | Rows, ...]


# --- the inputs, derived from the facts model -------------------------------------------------------------------

def _options(annotation) -> list:
    """``X | None`` → [X]; anything else → [it]."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _input(path: str, annotation, label: str, required: bool = False) -> Input:
    kind = _options(annotation)[0]
    if typing.get_origin(kind) is typing.Literal:
        values = typing.get_args(kind)
        return Input(path, "choice", label, tuple((v, VALUE_LABELS.get(v, v)) for v in values), required)
    name = {bool: "bool", dt.date: "date", float: "number", int: "integer", str: "text"}[kind]
    suggestions = {"person.nationality": "countries", "person.language": "languages"}.get(path, "")
    return Input(path, name, label, required=required, suggestions=suggestions)


def _rows(table: Table) -> Rows:
    (listed,) = _options(fact_paths()[table.path])
    (model,) = typing.get_args(listed)
    columns = []
    for heading, attr in table.columns:
        info = model.model_fields[attr]
        column = _input(info.alias or attr, info.annotation, heading, info.is_required())
        if attr == MONTH_COLUMN:  # stored as 2026-03, typed and shown as 03/2026
            column = Input(column.path, "month", heading, required=column.required)
        columns.append(column)
    # facts.py sorts the status history by its start; the form sorts first, so the indices agree.
    return Rows(table.path, label_of(table.path), tuple(columns),
                sorted_by="from" if table.path == "status_history" else "")


def _group(section) -> Group:
    paths = fact_paths()
    items = tuple(_rows(item) if isinstance(item, Table) else _input(item, paths[item], label_of(item))
                  for item in section.items)
    return Group(section.id, section.title, items)


GROUPS: dict[str, Group] = {section.id: _group(section) for section in SECTIONS}


def _new_client() -> Group:
    """The essentials of a first conversation: who, since when in Germany, with which status since when."""
    person = {item.path: item for item in GROUPS["person"].items}
    stay = {item.path: item for item in GROUPS["stay"].items}
    return Group("new", N_("Neue Mandantin / neuer Mandant"), (
        person["person.given_name"],
        Input("person.family_name", "text", label_of("person.family_name"), required=True),
        *(person[p] for p in ("person.date_of_birth", "person.gender", "person.nationality", "person.language")),
        stay["entry_date"],
        # The whole history, not only today's status: the asylum years would otherwise show as a gap.
        stay["status_history"],
    ))


NEW_CLIENT = _new_client()


def _get(data: dict, path: str):
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _put(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    if value is None:
        data.pop(last, None)
    else:
        data[last] = value


class FactsFormInvalid(ValueError):
    """The form has errors; ``form.errors`` and ``form.other_errors`` say which."""

    def __init__(self, form: FactsForm):
        self.form = form
        super().__init__(f"{len(form.errors) + len(form.other_errors)} errors")


@dataclass
class FactsForm:
    """One group's inputs as the browser shows them (strings), the rows of each table, and the errors: by input
    name, by row (``status_history.1``) or by table (``status_history``), and those of facts outside the form."""

    group: Group
    values: dict[str, str]
    rows: dict[str, int]
    errors: dict[str, str] = field(default_factory=dict)
    other_errors: list[str] = field(default_factory=list)

    @classmethod
    def from_facts(cls, group: Group, data: dict) -> FactsForm:
        """The form filled with the stored facts (JSON data), and empty rows to add to each table."""
        values, rows = {}, {}
        for item in group.items:
            if isinstance(item, Input):
                shown = shown_in_input(_get(data, item.path))
                if shown and item.suggestions:  # the name, not the stored code
                    shown = (names.country_name if item.suggestions == "countries" else names.language_name)(shown)
                values[item.path] = shown
                continue
            listed = _get(data, item.path)
            rows[item.path] = 1 if item.fixed else len(listed or ()) + EXTRA_ROWS
            values[f"{item.path}.none"] = "unknown" if listed is None else "none"
            for i, row in enumerate(listed or ()):
                for column in item.columns:
                    values[f"{item.path}.{i}.{column.path}"] = shown_in_input(row.get(column.path), column.kind)
        return cls(group, values, rows)

    @classmethod
    def from_request(cls, group: Group, form) -> FactsForm:
        """The form as posted: every value as typed."""
        values, rows = {}, {}
        for item in group.items:
            if isinstance(item, Input):
                values[item.path] = form.get(item.path, "")
                continue
            count = 1 if item.fixed else _count(form.get(f"{item.path}.rows", ""))
            rows[item.path] = count
            values[f"{item.path}.none"] = form.get(f"{item.path}.none", "")
            for i in range(count):
                values[f"{item.path}.{i}.remove"] = form.get(f"{item.path}.{i}.remove", "")
                for column in item.columns:
                    name = f"{item.path}.{i}.{column.path}"
                    values[name] = form.get(name, "")
        return cls(group, values, rows)

    def add_row(self, path: str) -> None:
        """One more empty row in the table ``path`` (the "weitere Zeile" button)."""
        if path in self.rows and not self._table(path).fixed:
            self.rows[path] = min(self.rows[path] + 1, MAX_ROWS)

    def date_input_type(self, name: str) -> str:
        """``date`` for an empty or ISO value; ``text`` for anything else typed, so that it stays visible (a date
        field would show a value it cannot read as empty)."""
        value = self.values.get(name, "")
        try:
            return "date" if not value or parse_day(value).isoformat() == value else "text"
        except ValueError:
            return "text"

    @staticmethod
    def input_id(name: str) -> str:
        """The HTML id of an input (or row, or table): ``status_history.0.from`` → ``f-status_history-0-from``."""
        return "f-" + name.replace(".", "-")

    def summary(self) -> list[tuple[str, str, str]]:
        """Every error placed in the form, in the form's order: (id to jump to, where in the page's language,
        message)."""
        found = []

        def add(name: str, where: str) -> None:
            if name in self.errors:
                found.append((self.input_id(name), where, self.errors[name]))

        for item in self.group.items:
            add(item.path, gettext(item.label))
            if isinstance(item, Input):
                continue
            for i in range(self.rows.get(item.path, 0)):
                row = f"{item.path}.{i}"
                where = gettext(item.label) if item.fixed else gettext(
                    "%(label)s, Zeile %(row)s", label=gettext(item.label), row=i + 1)
                add(row, where)
                for column in item.columns:
                    add(f"{row}.{column.path}", f"{where}: {gettext(column.label)}")
        return found

    def _table(self, path: str) -> Rows:
        return next(item for item in self.group.items if isinstance(item, Rows) and item.path == path)

    def to_facts(self, stored: dict, today: dt.date | None = None):
        """The stored facts (JSON data) with this group's facts replaced, validated; ``FactsFormInvalid`` with
        every error placed next to its input otherwise."""
        data, placed = copy.deepcopy(stored), {}
        for item in self.group.items:
            if isinstance(item, Input):
                value, error = read_typed(item, self.values.get(item.path, ""))
                if error is None and value is None and item.required:
                    error = REQUIRED
                if error:
                    self.errors[item.path] = error
                _put(data, item.path, value)
            else:
                listed, placed[item.path] = self._read_rows(item)
                _put(data, item.path, listed)
        try:
            facts = parse_facts(data, today)
        except FactsError as exc:
            for error in exc.errors:
                name = self._input_of(error["field"], placed)
                if name is None:
                    where = gettext(label_of(error["field"]) if error["field"] else "Fakten")
                    self.other_errors.append(f"{where}: {error['reason']}")
                else:
                    self.errors.setdefault(name, error["reason"])
            facts = None
        if self.errors or self.other_errors:
            raise FactsFormInvalid(self)
        return facts

    def _read_rows(self, table: Rows) -> tuple[list | None, list[int]]:
        """The table's filled rows (without removed and empty ones) and, for each, its row number in the form."""
        filled = []
        for i in range(self.rows[table.path]):
            if self.values.get(f"{table.path}.{i}.remove"):
                continue
            row, typed = {}, False
            for column in table.columns:
                name = f"{table.path}.{i}.{column.path}"
                value, error = read_typed(column, self.values.get(name, ""))
                typed = typed or value is not None or error is not None
                if error:
                    self.errors[name] = error
                if value is not None:
                    row[column.path] = value
            if typed:
                filled.append((i, row))
        if table.sorted_by:
            filled.sort(key=lambda pair: str(pair[1].get(table.sorted_by, "9999")))
        rows = [row for _, row in filled]
        if rows:
            return rows, [i for i, _ in filled]
        # No row: "keine" (known to be none) when the form says so, else not known.
        none = not table.fixed and self.values.get(f"{table.path}.none") == "none"
        return ([] if none else None), []

    def _input_of(self, path: str, placed: dict[str, list[int]]) -> str | None:
        """The input (or row, or table) an error of the facts at ``path`` belongs to, if it is in this form."""
        for item in self.group.items:
            if isinstance(item, Input) and item.path == path:
                return path
            if isinstance(item, Rows) and (path == item.path or path.startswith(item.path + ".")):
                rest = path[len(item.path) + 1:].split(".", 1) if path != item.path else []
                if not rest or not rest[0].isdigit() or int(rest[0]) >= len(placed[item.path]):
                    return item.path
                row = f"{item.path}.{placed[item.path][int(rest[0])]}"
                return f"{row}.{rest[1]}" if len(rest) > 1 else row
        return None


def _count(text: str) -> int:
    try:
        return max(0, min(int(text), MAX_ROWS))
    except ValueError:
        return EXTRA_ROWS
