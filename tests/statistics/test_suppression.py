"""Small counts in a published table: every cell and total from 1 to 4 is hidden, and no hidden value can be
recomputed from the visible cells and totals. The property is checked with numpy's rank (an independent way from
the exact elimination the suppression itself uses): a hidden value is recomputable exactly when adding its unit
vector to the equations over the hidden values does not raise their rank."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from perspektive.statistics.suppression import PRIMARY, SECONDARY, structure, suppress, values_of

counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))


def tables(max_rows=6, max_columns=5):
    return st.integers(1, max_rows).flatmap(lambda rows: st.integers(1, max_columns).flatmap(
        lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns), min_size=rows,
                                 max_size=rows)))


def published_values(published, rows, columns):
    shown = {("cell", r, c): published.cells[r][c] for r in range(rows) for c in range(columns)}
    if published.row_totals is not None:
        shown.update({("row", r): v for r, v in enumerate(published.row_totals)})
    if published.column_totals is not None:
        shown.update({("column", c): v for c, v in enumerate(published.column_totals)})
    if published.total is not None:
        shown[("total",)] = published.total
    return shown


def recomputable(hidden: list, equations) -> list:
    index = {name: i for i, name in enumerate(hidden)}
    rows = []
    for added, subtracted in equations:
        row = np.zeros(len(hidden))
        for name in added:
            if name in index:
                row[index[name]] += 1
        if subtracted in index:
            row[index[subtracted]] -= 1
        rows.append(row)
    matrix = np.array(rows) if rows else np.zeros((0, len(hidden)))
    rank = np.linalg.matrix_rank(matrix) if len(rows) else 0
    found = []
    for name, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(name)
    return found


@settings(max_examples=300, deadline=None)
@given(tables(), st.booleans(), st.booleans())
def test_no_hidden_value_can_be_recomputed(matrix, row_totals, column_totals):
    rows, columns = len(matrix), len(matrix[0])
    published = suppress(matrix, row_totals, column_totals)
    names, equations = structure(rows, columns, row_totals, column_totals)
    truth = values_of(matrix, names)
    shown = published_values(published, rows, columns)
    assert set(shown) == set(names)
    for name, value in shown.items():
        if 0 < truth[name] < 5:
            assert value == PRIMARY, name
        elif value not in (PRIMARY, SECONDARY):
            assert value == truth[name], name
    hidden = [n for n, v in shown.items() if v in (PRIMARY, SECONDARY)]
    assert recomputable(hidden, equations) == []


def test_a_one_column_table_hides_a_second_cell_and_a_small_total():
    assert suppress([[10], [3], [7]], row_totals=False).cells == [[10], [PRIMARY], [SECONDARY]]
    small = suppress([[2], [0], [1]], row_totals=False)
    assert small.cells == [[PRIMARY], [0], [PRIMARY]] and small.column_totals == [PRIMARY]
    assert suppress([[12], [9]], row_totals=False).cells == [[12], [9]]


def test_a_two_way_table_hides_a_rectangle():
    published = suppress([[20, 3, 9], [15, 8, 11], [30, 12, 6]])
    hidden = {(r, c) for r in range(3) for c in range(3) if published.cells[r][c] in (PRIMARY, SECONDARY)}
    assert (0, 1) in hidden and len(hidden) >= 4
    assert published.total == 114
