"""The statistics page and the report download, for counsellors and administrators.

A counsellor chooses between their own consultations and the team's (there are no teams yet: the team is every
counsellor); an administrator sees everyone. The page shows exact numbers (in-house), each chart as inline SVG
beside its table; the report (.docx, .xlsx, CSV, JSON) leaves the house and so has small counts suppressed.
The period is a GET parameter: a chosen quarter or year, or a typed range or start day (``periods``).
"""
from __future__ import annotations

import datetime as dt
from io import BytesIO

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _

from perspektive import audit
from perspektive.accounts import me, role_required
from perspektive.law import today_in_germany
from perspektive.procedure_stats import procedure_figures

from .charts import bar_svg
from .exports import FORMATS, export
from .figures import compute
from .periods import PeriodError, parse_period, quarter_of
from .report import build, duration_text

bp = Blueprint("statistics", __name__, template_folder="templates")


def presets(today: dt.date) -> list[tuple[str, str]]:
    """The last six quarters and the last two years, newest first, as (code, label)."""
    current = quarter_of(today)
    year, number = current.start.year, (current.start.month - 1) // 3 + 1
    found = []
    for _i in range(6):
        found.append((f"{year}Q{number}", _("%(n)s. Quartal %(year)s", n=number, year=year)))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    found += [(str(y), _("Jahr %(year)s", year=y)) for y in (today.year, today.year - 1)]
    return found


def chosen():
    """(period, counsellor id or None, scope name, scope label, error) from the query string."""
    today = today_in_germany()
    code = (request.args.get("custom") or request.args.get("period") or quarter_of(today).code).strip()
    error = None
    try:
        period = parse_period(code, today)
    except PeriodError as exc:
        error, period = str(exc), quarter_of(today)
    user = me()
    if user.role == "administrator":
        return period, None, "all", _("alle Beratenden"), error
    if request.args.get("scope") == "team":
        return period, None, "team", _("Team (alle Beratenden; Teams gibt es noch nicht)"), error
    return period, user.id, "mine", _("eigene Beratungen (%(name)s)", name=user.display_name), error


@bp.get("/statistics", endpoint="page")
@role_required("counsellor", "administrator")
def page():
    period, who, scope, scope_label, error = chosen()
    figures = compute(period, who)
    charts = {}
    for table in figures.tables:
        series = [(column, [values[k] for _label, values in table.rows]) for k, column in enumerate(table.columns)]
        charts[table.key] = bar_svg(table.title, [label for label, _v in table.rows], series)
    custom = request.args.get("custom", "") if error or request.args.get("custom") else ""
    procedure = procedure_figures(period.start, period.end)  # the authority's own figures, beside ours
    for report in procedure["reports"]:
        report["reference_day"] = dt.date.fromisoformat(report["reference_day"])
    return render_template("statistics.html", figures=figures, charts=charts, scope=scope, procedure=procedure,
                           scope_label=scope_label, error=error, presets=presets(today_in_germany()),
                           custom=custom, formats=FORMATS, is_admin=me().role == "administrator",
                           duration_text=duration_text), (
        400 if error else 200)


@bp.get("/statistics/report.<any(docx, xlsx, csv, json):kind>", endpoint="report")
@role_required("counsellor", "administrator")
def report(kind: str):
    period, who, _scope, scope_label, error = chosen()
    if error:
        return render_template("error.html", code=400, title=error), 400
    data = export(build(compute(period, who), scope_label), kind)
    audit.record(me(), "statistics.report", "statistics", period.code, kind)
    mimetype, extension = FORMATS[kind]
    name = f"quartalsbericht-{period.code.replace(':', '-').replace('..', '_')}.{extension}"
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
