"""The API's reading endpoints for a counselling office's other tools: the caller's clients and open follow-ups,
a page at a time, and a client's cases and consultations; and ``/openapi.json``, the description of it all
(``api_schema``). Same blueprint, same sign-in as ``api``: a bearer token (or the session), counsellors only, and
only the caller's own clients. Ids only in URLs: nothing personal in a URL, so nothing personal in a log line."""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from peewee import fn

from perspektive.clients import CLOSED_CASE_STATES, cases_of, consultations_of, own_client
from perspektive.clients.models import Case, Client
from perspektive.followups.models import FollowUpRecord

from .api import InputError, _followup, bp
from .api_schema import openapi_document

PER_PAGE, MAX_PER_PAGE = 50, 200


def _paging() -> tuple[int, int]:
    values = {}
    for name, default, largest in (("page", 1, 10**9), ("per_page", PER_PAGE, MAX_PER_PAGE)):
        raw = request.args.get(name, str(default))
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw[:12]) <= largest):
            raise InputError(name, _("erwartet eine ganze Zahl von 1 bis %(largest)s", largest=largest))
        values[name] = int(raw)
    return values["page"], values["per_page"]


@bp.get("/clients")
def list_clients():
    page, per_page = _paging()
    mine = Client.counsellor == g.api_user
    open_cases = (Case.select(fn.COUNT(Case.id))
                  .where((Case.client == Client.id) & Case.status.not_in(list(CLOSED_CASE_STATES))))
    rows = (Client.select(Client.id, Client.reference, Client.revision, Client.updated_at,
                          open_cases.alias("open_cases"))
            .where(mine).order_by(Client.updated_at.desc(), Client.id.desc()).paginate(page, per_page).tuples())
    return {"page": page, "per_page": per_page, "total": Client.select().where(mine).count(),
            "clients": [{"id": i, "reference": ref, "revision": rev, "updated_at": at.isoformat(),
                         "open_cases": int(n or 0)} for i, ref, rev, at, n in rows]}


@bp.get("/clients/<int:client_id>/cases")
def list_cases(client_id: int):
    client = own_client(g.api_user, client_id)
    return {"id": client.id, "reference": client.reference, "cases": [
        {"id": c.id, "workflow": c.workflow, "rules_version": c.rules_version, "verdict": c.verdict,
         "status": c.status, "opened_on": c.opened_on.isoformat()} for c in cases_of(client)]}


@bp.get("/clients/<int:client_id>/consultations")
def list_consultations(client_id: int):
    client = own_client(g.api_user, client_id)
    return {"id": client.id, "reference": client.reference, "consultations": [
        {"id": c.id, "held_on": c.held_on.isoformat(), "kind": c.kind, "duration_minutes": c.duration_minutes,
         "attendees": [a for a in c.attendees.split(",") if a]} for c in consultations_of(client)]}


@bp.get("/followups")
def list_followups():
    page, per_page = _paging()
    mine = (Client.counsellor == g.api_user) & (FollowUpRecord.state == "open")
    query = FollowUpRecord.select(FollowUpRecord, Client.id, Client.reference).join(Client).where(mine)
    rows = query.order_by(FollowUpRecord.due, FollowUpRecord.id).paginate(page, per_page)
    return {"page": page, "per_page": per_page, "total": query.count(), "followups": [
        {**_followup(r), "client_id": r.client.id, "client_reference": r.client.reference} for r in rows]}


@bp.get("/openapi.json")
def openapi():
    """Open to anyone (``api._authenticate`` lets it through): it describes the API and holds no data."""
    return openapi_document()
