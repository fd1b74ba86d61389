"""A figure as a table: rows of counts under column headings, the unit the page, the charts, the suppression and
every export share."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    key: str  # stable, ASCII: the CSV file's name and the JSON key
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[int]]] = field(default_factory=list)
    note: str = ""

    @property
    def matrix(self) -> list[list[int]]:
        return [values for _label, values in self.rows]

    def row_totals(self) -> list[int]:
        return [sum(values) for _label, values in self.rows]

    def column_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.matrix)] if self.rows else [0] * len(self.columns)

    def total(self) -> int:
        return sum(self.row_totals())
