"""The form of a client's planned events: one row per plan (day, kind and, by kind, level, hours or validity);
a row without a kind is dropped, so emptying its kind removes a plan. A refused form comes back with status 422,
everything typed kept and the error next to its row."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from perspektive.accounts import me, role_required
from perspektive.clients import own_client
from perspektive.law import LEVELS, PLAN_LABELS, PlannedEvent, german_number, today_in_germany
from perspektive.typed import parse_day

from .store import plans_of, save_plans

bp = Blueprint("plans", __name__, template_folder="templates")

EXTRA_ROWS = 3
MAX_ROWS = 30
FIELDS = ("on", "kind", "level", "hours_per_week", "valid_until")
NEEDS = {"german_exam": ("level", _l("Bitte das Sprachniveau der Prüfung wählen.")),
         "employment_start": ("hours_per_week", _l("Bitte die Wochenstunden angeben.")),
         "passport_issued": ("valid_until", _l("Bitte angeben, bis wann der Pass gültig sein wird."))}


def _rows_of(plans: list[PlannedEvent]) -> list[dict]:
    rows = [{"on": p.on.strftime("%d.%m.%Y"), "kind": p.kind, "level": p.level or "",
             "hours_per_week": german_number(p.hours_per_week) if p.hours_per_week else "",
             "valid_until": p.valid_until.strftime("%d.%m.%Y") if p.valid_until else ""} for p in plans]
    return rows + [dict.fromkeys(FIELDS, "") for _ in range(EXTRA_ROWS)]


def _page(client, rows: list[dict], errors: dict, status: int = 200):
    return render_template("plans/edit.html", client=client, rows=rows, errors=errors, kinds=PLAN_LABELS,
                           levels=LEVELS), status


def _parse(row: dict, today: dt.date) -> PlannedEvent:
    """One row as a plan; ``ValueError`` with the German reason."""
    try:
        on = parse_day(row["on"])
        valid_until = parse_day(row["valid_until"])
    except ValueError:
        raise ValueError(_("Bitte ein gültiges Datum angeben, z. B. 21.11.2026.")) from None
    if on is None:
        raise ValueError(_("Bitte den Tag angeben, an dem es geschehen soll."))
    if on <= today:
        raise ValueError(_("Ein Plan liegt in der Zukunft; Geschehenes gehört in die Fakten."))
    hours = None
    if row["hours_per_week"]:
        try:
            hours = float(row["hours_per_week"].replace(",", "."))
        except ValueError:
            raise ValueError(_("Bitte eine Zahl angeben, z. B. 39 oder 7,5.")) from None
    needed = NEEDS.get(row["kind"])
    if needed and not {"level": row["level"], "hours_per_week": hours, "valid_until": valid_until}[needed[0]]:
        raise ValueError(str(needed[1]))
    try:
        return PlannedEvent(on=on, kind=row["kind"], level=row["level"] or None, hours_per_week=hours,
                            valid_until=valid_until)
    except Exception:  # pydantic's refusal of a kind, level or number out of range
        raise ValueError(_("Bitte einen Wert aus der Liste wählen.")) from None


@bp.route("/clients/<int:client_id>/plans", methods=["GET", "POST"], endpoint="edit")
@role_required("counsellor")
def edit(client_id: int):
    client = own_client(me(), client_id)
    if request.method == "GET":
        return _page(client, _rows_of(plans_of(client)), {})
    count = min(int(request.form.get("rows", "0")) if request.form.get("rows", "").isdigit() else 0, MAX_ROWS)
    rows = [{name: request.form.get(f"{i}.{name}", "").strip()[:40] for name in FIELDS} for i in range(count)]
    if request.form.get("add_row"):
        return _page(client, rows + [dict.fromkeys(FIELDS, "")], {})
    plans, errors, today = [], {}, today_in_germany()
    for i, row in enumerate(rows):
        if not row["kind"]:
            continue
        try:
            plans.append(_parse(row, today))
        except ValueError as exc:
            errors[i] = str(exc)
    if errors:
        return _page(client, rows, errors, 422)
    save_plans(client, plans, me())
    flash(_("Pläne gespeichert."), "info")
    return redirect(url_for("web.client", client_id=client.id, _anchor="plaene"))
