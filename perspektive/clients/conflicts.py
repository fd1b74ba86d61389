"""What changed in a client's facts between the revision someone read and the one stored now.

Two counsellors (or a counsellor and a script) may open the same client's facts at the same time. A write carries
the revision it was made from; when that is no longer the stored one, the write is refused with ``Conflict``, which
lists every fact the other person changed in between (before and after), so that the page can show it next to
what this person typed, and nothing of either is lost.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from perspektive.law import fact_paths, label_of


@dataclass(frozen=True)
class Change:
    """One fact changed by someone else: its path, its German label, and its JSON value before and now (``None``:
    not recorded)."""

    path: str
    label: str
    before: object
    after: object


class Conflict(Exception):
    """The facts were changed since ``expected`` was read; ``revision`` is the stored one now. ``changes`` is empty
    when the revision read is not known any more (or was never sent): then only the fact of the conflict is
    known."""

    def __init__(self, expected: int | None, revision: int, changes: list[Change]):
        self.expected, self.revision, self.changes = expected, revision, changes
        super().__init__(f"facts changed: revision {expected} read, {revision} stored")


def _get(data: dict | None, path: str):
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def changes_between(before: dict | None, after: dict) -> list[Change]:
    """Every fact (a list such as the convictions counts as one fact) that differs, in the facts model's order."""
    if before is None:
        return []
    return [Change(path, label_of(path), _get(before, path), _get(after, path))
            for path in fact_paths() if _get(before, path) != _get(after, path)]


def _with(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def carry_over(form, stored: dict, changes: list[Change]):
    """``form`` (a refused ``FactsForm``) on top of the ``stored`` facts: an input this person left as it was read
    takes the other person's value, one they changed keeps theirs. A table counts as one input. So saving the
    page again loses neither person's change; where both changed the same fact, this person's input stands, and
    the page shows the other value beside it."""
    from .fact_forms import FactsForm, Input

    if not changes:
        return form
    read = copy.deepcopy(stored)
    for change in changes:
        _with(read, change.path, change.before)
    as_read, now = FactsForm.from_facts(form.group, read), FactsForm.from_facts(form.group, stored)
    for item in form.group.items:
        if isinstance(item, Input):
            if form.values.get(item.path, "") == as_read.values[item.path]:
                form.values[item.path] = now.values[item.path]
            continue
        prefix = f"{item.path}."
        typed = {k: v for k, v in form.values.items() if k.startswith(prefix) and v and not k.endswith(".remove")}
        if typed == {k: v for k, v in as_read.values.items() if k.startswith(prefix) and v}:
            form.values = {k: v for k, v in form.values.items() if not k.startswith(prefix)} | {
                k: v for k, v in now.values.items() if k.startswith(prefix)}
            form.rows[item.path] = now.rows[item.path]
    return form
