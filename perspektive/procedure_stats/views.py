"""The authority contact's pages for the procedure statistics, in the portal: the figures so far, a form to enter
a quarter, the upload of the quarterly sheet, and the empty sheet as .xlsx or .csv. A refused entry comes back
with status 422, the values as typed and every error listed."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from perspektive.accounts import me, role_required

from .figures import reports, store
from .sheet import MAX_BYTES, ROWS, SheetError, check, read_upload, template_csv, template_xlsx

bp = Blueprint("procedure_stats", __name__, url_prefix="/portal/procedure-statistics", template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(errors=None, values=None, status=200):
    fields = [{"key": key, "id": f"field-{number}", "label": label, "group": group,
               "value": (values or {}).get(key, "")} for number, (key, label, group) in enumerate(ROWS)]
    return render_template("procedure_stats.html", reports=list(reversed(reports())), fields=fields,
                           errors=errors or [], max_kb=MAX_BYTES // 1000), status


@bp.get("/")
@role_required("authority_contact")
def index():
    return _page()


@bp.post("/")
@role_required("authority_contact")
def enter():
    values = {key: request.form.get(key, "") for key, _label, _group in ROWS}
    where = {key: f"{label} {group}".strip() for key, label, group in ROWS}
    try:
        figures = check(values, where)
    except SheetError as error:
        return _page(error.errors, values, 422)
    store(figures, "form", me())
    flash(_("Verfahrensstatistik zum Stichtag %(day)s gespeichert.",
            day=figures["reference_day"].strftime("%d.%m.%Y")), "info")
    return redirect(url_for("procedure_stats.index"))


@bp.post("/upload")
@role_required("authority_contact")
def upload():
    sent = request.files.get("sheet")
    if sent is None or not sent.filename:
        return _page([_("Bitte eine Datei auswählen.")], status=422)
    data = sent.stream.read(MAX_BYTES + 1)
    try:
        figures = read_upload(sent.filename, data)
    except SheetError as error:
        return _page(error.errors, status=422)
    store(figures, "xlsx" if sent.filename.lower().endswith(".xlsx") else "csv", me())
    flash(_("Verfahrensstatistik zum Stichtag %(day)s gespeichert.",
            day=figures["reference_day"].strftime("%d.%m.%Y")), "info")
    return redirect(url_for("procedure_stats.index"))


@bp.get("/vorlage.<kind>")
@role_required("authority_contact")
def template(kind: str):
    if kind == "xlsx":
        data, mimetype = template_xlsx(), XLSX
    elif kind == "csv":
        data, mimetype = template_csv(), "text/csv; charset=utf-8"
    else:
        return _page([_("Unbekanntes Format.")], status=404)
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"verfahrensstatistik-vorlage.{kind}", max_age=0)
