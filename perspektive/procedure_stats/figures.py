"""Storing a quarter's figures, and reading them back for the portal and the statistics page."""
from __future__ import annotations

import datetime as dt

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.db import write_transaction

from .models import ProcedureFigure, ProcedureReport
from .sheet import DURATIONS, KINDS, PROVISIONS

# "Long-term tolerated" here: a Duldung for six years or longer (the two upper duration classes).
LONG_TERM = ("tolerated_6_to_8", "tolerated_8_plus")


def store(figures: dict, source: str, actor: User) -> ProcedureReport:
    """Store checked figures (``sheet.check``); a report for the same reference day is replaced."""
    fields = {key: figures[key] for key, _group in DURATIONS}
    fields.update(tolerated_60b=figures["tolerated_60b"], granted_60c=figures["granted_60c"],
                  granted_60d=figures["granted_60d"])
    with write_transaction():
        ProcedureReport.delete().where(ProcedureReport.reference_day == figures["reference_day"]).execute()
        report = ProcedureReport.create(reference_day=figures["reference_day"], source=source, entered_by=actor,
                                        **fields)
        ProcedureFigure.insert_many([
            {"report": report.id, "provision": provision,
             **{kind: figures[f"{kind}:{provision}"] for kind, _label in KINDS}}
            for provision in PROVISIONS]).execute()
        audit.record(actor, "procedure_stats.store", "procedure_report", report.id, source)
    return report


def _as_dict(report: ProcedureReport, figures: list[ProcedureFigure]) -> dict:
    tolerated = {key: getattr(report, key) for key, _group in DURATIONS}
    total = sum(tolerated.values())
    per_provision = {}
    for figure in figures:
        decided = figure.grants + figure.refusals
        per_provision[figure.provision] = {
            "applications": figure.applications, "grants": figure.grants, "refusals": figure.refusals,
            "grant_rate": round(figure.grants / decided, 3) if decided else None}
    return {
        "reference_day": report.reference_day.isoformat(),
        "tolerated": tolerated,
        "tolerated_total": total,
        "long_term": sum(tolerated[key] for key in LONG_TERM),
        "share_60b": round(report.tolerated_60b / total, 3) if total else None,
        "tolerated_60b": report.tolerated_60b,
        "granted_60c": report.granted_60c,
        "granted_60d": report.granted_60d,
        "per_provision": per_provision,
    }


def reports(start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """The reports with a reference day from ``start`` to ``end`` (inclusive), oldest first, as plain dicts."""
    query = ProcedureReport.select().order_by(ProcedureReport.reference_day)
    if start is not None:
        query = query.where(ProcedureReport.reference_day >= start)
    if end is not None:
        query = query.where(ProcedureReport.reference_day <= end)
    found = list(query)
    by_report: dict[int, list[ProcedureFigure]] = {r.id: [] for r in found}
    if found:
        for figure in ProcedureFigure.select().where(ProcedureFigure.report.in_(list(by_report))):
            by_report[figure.report_id].append(figure)
    return [_as_dict(r, sorted(by_report[r.id], key=lambda f: PROVISIONS.index(f.provision)
                               if f.provision in PROVISIONS else 99)) for r in found]


def procedure_figures(start: dt.date, end: dt.date) -> dict:
    """The authority's figures from ``start`` to ``end`` for the statistics page: every report, and the trend of
    long-term Duldungen (six years or longer) from one reference day to the next."""
    found = reports(start, end)
    trend, previous = [], None
    for report in found:
        trend.append({"reference_day": report["reference_day"], "long_term": report["long_term"],
                      "over_8_years": report["tolerated"]["tolerated_8_plus"],
                      "change": None if previous is None else report["long_term"] - previous})
        previous = report["long_term"]
    return {"reports": found, "trend": trend, "long_term_means": "Duldung seit 6 Jahren oder länger"}
