"""A counsellor's client list: her clients with the next deadline and open cases, the search over them (by POST:
a name never lands in a URL), and a new client from pasted facts JSON."""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from perspektive.accounts import me, role_required
from perspektive.clients import create_client, overview
from perspektive.followups import next_due_of_client
from perspektive.law import FactsError, parse_facts, today_in_germany
from perspektive.typed import MAX_JSON_DEPTH, JsonTooDeep, load_json

from .pages import bp


def _client_list_page(term: str = ""):
    rows = overview(me(), term, next_due=next_due_of_client())
    return render_template("clients.html", rows=rows, term=term, searched=bool(term.strip()),
                           on=today_in_germany())


@bp.get("/clients")
@role_required("counsellor")
def clients():
    return _client_list_page()


@bp.post("/clients/search")
@role_required("counsellor")
def search_clients():
    """The client list filtered by a search term.

    A POST, not ``/clients?q=…``: the term is often a name or a date of birth, and a query string lands in the
    server's and any proxy's access log, in the browser history and in the Referer of the next request. The
    answer is the list itself (no redirect, which would have to carry the term somewhere again).
    """
    return _client_list_page(term=request.form.get("q", "")[:200])


def _import_page(pasted: str = "", errors: list[dict] | None = None):
    return render_template("client_import.html", pasted=pasted, errors=errors or [])


@bp.get("/clients/import", endpoint="import_page")
@role_required("counsellor")
def import_page():
    """The import of a client from a file of facts: its own page, linked from the client list."""
    return _import_page()


@bp.post("/clients")
@role_required("counsellor")
def import_client():
    """Create a client from pasted facts JSON; on errors the form comes back with the text kept."""
    pasted = request.form.get("facts_json", "")
    try:
        facts = parse_facts(_parse_json(pasted))
    except FactsError as exc:
        return _import_page(pasted=pasted, errors=exc.errors), 422
    client = create_client(facts, me())
    flash(_("Akte %(reference)s angelegt.", reference=client.reference), "info")
    return redirect(url_for("web.client", client_id=client.id))


def _parse_json(text: str):
    try:
        return load_json(text)
    except JsonTooDeep:
        raise FactsError([{"field": "JSON", "reason": _("zu tief verschachtelt (höchstens %(depth)s Ebenen)",
                                                        depth=MAX_JSON_DEPTH)}]) from None
    except ValueError as exc:
        reason = _("kein gültiges JSON (Zeile %(line)s, Spalte %(column)s)", line=exc.lineno, column=exc.colno) \
            if isinstance(exc, json.JSONDecodeError) else _("kein gültiges JSON")
        raise FactsError([{"field": "JSON", "reason": reason}]) from None


