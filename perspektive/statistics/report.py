"""The quarterly report as it may leave the system: every table of the figures with small counts suppressed
(``suppression``), the summary figures that could not reveal a hidden cell, and the header that states the
period, the threshold and when the report was made. The formats (``exports``) only lay this out."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from perspektive.law import now_in_germany

from .figures import Figures
from .suppression import PRIMARY, SECONDARY, THRESHOLD, suppress
from .tables import Table


@dataclass
class PublishedTable:
    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[int | str]]]
    row_totals: list[int | str] | None
    column_totals: list[int | str]
    total: int | str
    note: str
    source: Table  # the exact counts, for the charts of visible values only

    def chart_series(self) -> tuple[list[str], list[tuple[str, list[int]]]]:
        """Labels and series of the visible cells (a hidden cell is drawn as nothing, its label says why)."""
        labels = [label + ("" if all(isinstance(v, int) for v in values) else " (" + _("teils ausgeblendet") + ")")
                  for label, values in self.rows]
        series = [(column, [values[k] if isinstance(values[k], int) else 0 for _label, values in self.rows])
                  for k, column in enumerate(self.columns)]
        return labels, series


@dataclass
class Report:
    header: dict[str, str]
    summary: list[tuple[str, int | str]]
    tables: list[PublishedTable]


def _shown(count: int) -> int | str:
    return PRIMARY if 0 < count < THRESHOLD else count


def publish(table: Table) -> PublishedTable:
    two_way = len(table.columns) > 1
    matrix = table.matrix or [[0] * len(table.columns)]
    published = suppress(matrix, row_totals=two_way, column_totals=True)
    rows = [(label, published.cells[i]) for i, (label, _v) in enumerate(table.rows)]
    total = published.total if two_way else published.column_totals[0]
    return PublishedTable(table.key, table.title, table.row_header, table.columns, rows, published.row_totals,
                          published.column_totals, total, table.note, table)


def duration_text(duration) -> str:
    """A duration of at least one case as the page and the report show it, each number with its word in the right
    form: "Median 1 Tag, längstens 3 Tage (2 Fälle)"; a median between two cases may be half a day ("8,5 Tage",
    in English "8.5 days")."""
    median = ngettext("Median %(days)s Tag", "Median %(days)s Tage", 1 if duration.median == 1 else 2,
                      days=format_decimal(duration.median))
    most = ngettext("längstens %(num)s Tag", "längstens %(num)s Tage", duration.maximum)
    cases = ngettext("%(num)s Fall", "%(num)s Fälle", duration.count)
    return f"{median}, {most} ({cases})"


def _days(duration) -> str:
    if duration.count < THRESHOLD:
        return _("nicht ausgewiesen (weniger als %(n)s Fälle)", n=THRESHOLD)
    return duration_text(duration)


def _rates(outcomes: PublishedTable) -> list[tuple[str, str]]:
    """Grant rate per path, only where granted and refused are both visible (else the rate would reveal them)."""
    found = []
    for label, values in outcomes.rows:
        granted, refused = values[0], values[1]
        if isinstance(granted, int) and isinstance(refused, int) and granted + refused >= THRESHOLD:
            found.append((_("Erteilungsquote %(path)s", path=label),
                          f"{100 * granted / (granted + refused):.0f} %"))
    return found


def build(figures: Figures, scope: str, made: dt.datetime | None = None) -> Report:
    made = made or now_in_germany()
    tables = [publish(t) for t in figures.tables]
    header = {
        "title": _("Quartalsbericht der Bleiberechtsberatung"),
        "period": figures.period.label,
        "scope": scope,
        "threshold": _("Kleine Zahlen: Werte von 1 bis 4 als „%(small)s“; „%(hidden)s“ = zum Schutz ausgeblendet, "
                       "weil sich sonst ein kleiner Wert aus den Summen errechnen ließe; Summen unter %(n)s "
                       "ausgeblendet.", small=PRIMARY, hidden=SECONDARY, n=THRESHOLD),
        "created": made.strftime("%d.%m.%Y, %H:%M Uhr"),
    }
    consultations = figures.consultations
    summary = [(_("Beratungen insgesamt"), _shown(consultations["total"])),
               (_("Beratene Personen (verschieden)"), _shown(consultations["persons"])),
               (_("Herkunftsländer (verschieden)"), figures.countries),
               (_("Vom ersten Kontakt bis zum Antrag"), _days(figures.durations["to_filing"])),
               (_("Vom Antrag bis zur Entscheidung"), _days(figures.durations["to_decision"]))]
    summary += _rates(next(t for t in tables if t.key == "outcomes_per_path"))
    return Report(header, summary, tables)


def as_data(report: Report) -> dict:
    """The report as JSON-ready data (the JSON export, and what the other formats lay out)."""
    return {
        "header": report.header,
        "summary": [{"figure": name, "value": value} for name, value in report.summary],
        "tables": {t.key: {"title": t.title, "row_header": t.row_header, "columns": t.columns,
                           "rows": [{"label": label, "values": values,
                                     **({"total": t.row_totals[i]} if t.row_totals else {})}
                                    for i, (label, values) in enumerate(t.rows)],
                           "column_totals": t.column_totals, "total": t.total, "note": t.note}
                   for t in report.tables},
    }
