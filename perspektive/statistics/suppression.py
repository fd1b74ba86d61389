"""Small counts are suppressed in anything that leaves the system: a pure function over one table of counts.

A table is its cells, and, as published, its row totals, column totals and grand total. Each total is an equation
("the cells of row r add up to R_r"), so a hidden value could be recomputed whenever the published numbers pin it
down. The rules:

1. primary: every cell and every total from 1 to 4 is hidden (shown as "< 5");
2. secondary: while some hidden value is determined by the visible ones, another value of an equation it appears
   in is hidden too (shown as "."): the smallest visible cell with a count, else a zero cell, else a total. An
   equation with exactly one hidden member is the common case; the general test is linear algebra over the hidden
   members (a hidden value is determined exactly when its unit vector lies in the row space of the equations
   restricted to the hidden members), which also catches chains through several rows and columns.

Hiding everything determines nothing (a table with a single 1 in that cell satisfies all equations), so the loop
ends. Zeros are shown: a zero is no person.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

THRESHOLD = 5
PRIMARY = "< 5"
SECONDARY = "."


@dataclass(frozen=True)
class Published:
    """The table as it may leave the system: an int, or ``PRIMARY``/``SECONDARY`` for a hidden value."""

    cells: list[list[int | str]]
    row_totals: list[int | str] | None
    column_totals: list[int | str] | None
    total: int | str | None


def structure(rows: int, columns: int, row_totals: bool, column_totals: bool):
    """The published values' names and the equations between them, as (members added, member subtracted)."""
    names = [("cell", r, c) for r in range(rows) for c in range(columns)]
    equations = []
    if row_totals:
        names += [("row", r) for r in range(rows)]
        equations += [([("cell", r, c) for c in range(columns)], ("row", r)) for r in range(rows)]
    if column_totals:
        names += [("column", c) for c in range(columns)]
        equations += [([("cell", r, c) for r in range(rows)], ("column", c)) for c in range(columns)]
    if row_totals and column_totals:
        names.append(("total",))
        equations += [([("row", r) for r in range(rows)], ("total",)),
                      ([("column", c) for c in range(columns)], ("total",))]
    return names, equations


def values_of(matrix: list[list[int]], names) -> dict:
    values = {}
    for name in names:
        if name[0] == "cell":
            values[name] = matrix[name[1]][name[2]]
        elif name[0] == "row":
            values[name] = sum(matrix[name[1]])
        elif name[0] == "column":
            values[name] = sum(row[name[1]] for row in matrix)
        else:
            values[name] = sum(map(sum, matrix))
    return values


def determined(hidden: set, equations) -> set:
    """The hidden members whose value the equations pin down, given every visible member (exact arithmetic)."""
    order = sorted(hidden)
    index = {name: i for i, name in enumerate(order)}
    rows = []
    for added, subtracted in equations:
        row = [Fraction(0)] * len(order)
        for name in added:
            if name in index:
                row[index[name]] += 1
        if subtracted in index:
            row[index[subtracted]] -= 1
        if any(row):
            rows.append(row)
    pivot_row = 0
    for column in range(len(order)):
        found = next((i for i in range(pivot_row, len(rows)) if rows[i][column]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][column]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][column]:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row])]
        pivot_row += 1
    return {order[[i for i, v in enumerate(row) if v][0]] for row in rows[:pivot_row]
            if sum(1 for v in row if v) == 1}


def _pick(members, hidden: set, values: dict):
    visible = [m for m in members if m not in hidden]
    cells = [m for m in visible if m[0] == "cell"]
    counted = [m for m in cells if values[m] > 0]
    for group in (counted, cells, visible):
        if group:
            return min(group, key=lambda m: (values[m], m))
    return None


def hidden_values(matrix: list[list[int]], row_totals: bool, column_totals: bool,
                  threshold: int = THRESHOLD) -> tuple[set, set]:
    """(primary, secondary): the names of the values to hide."""
    names, equations = structure(len(matrix), len(matrix[0]) if matrix else 0, row_totals, column_totals)
    values = values_of(matrix, names)
    primary = {n for n in names if 0 < values[n] < threshold}
    hidden = set(primary)
    while True:
        pinned = determined(hidden, equations)
        if not pinned:
            break
        extra = None
        for name in sorted(pinned):
            containing = [added + [subtracted] for added, subtracted in equations
                          if name in added or name == subtracted]
            containing.sort(key=lambda members: sum(m in hidden for m in members))
            extra = next((p for members in containing if (p := _pick(members, hidden, values)) is not None), None)
            if extra is not None:
                break
        if extra is None:
            break
        hidden.add(extra)
    return primary, hidden - primary


def suppress(matrix: list[list[int]], row_totals: bool = True, column_totals: bool = True,
             threshold: int = THRESHOLD) -> Published:
    """``matrix`` as it may be published, with its totals (those asked for)."""
    primary, secondary = hidden_values(matrix, row_totals, column_totals, threshold)
    names, _equations = structure(len(matrix), len(matrix[0]) if matrix else 0, row_totals, column_totals)
    values = values_of(matrix, names)

    def shown(name):
        return PRIMARY if name in primary else SECONDARY if name in secondary else values[name]

    columns = len(matrix[0]) if matrix else 0
    return Published(
        [[shown(("cell", r, c)) for c in range(columns)] for r in range(len(matrix))],
        [shown(("row", r)) for r in range(len(matrix))] if row_totals else None,
        [shown(("column", c)) for c in range(columns)] if column_totals else None,
        shown(("total",)) if row_totals and column_totals else None)
