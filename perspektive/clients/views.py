"""The facts as forms for counsellors: a new client from the essentials of a first conversation, and one form per
group of facts (person, stay and status history, identity, ...), prefilled with what is recorded.

A refused form comes back with status 422, everything typed kept and each error next to its input. "Weitere
Zeile" re-renders the form with one more empty row and saves nothing; only "Speichern" saves, and saving goes
through ``records`` (which announces the change, and the follow-ups recompute). The JSON editor (``web.edit_facts``) stays for experts.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from perspektive.accounts import me, role_required

from . import fact_forms, names, records
from .conflicts import Conflict, carry_over
from .fact_forms import FactsForm, FactsFormInvalid

bp = Blueprint("facts", __name__, template_folder="templates")


def own_client(user, client_id):
    """``user``'s client; anyone else's is a plain 404, as a missing one is (``records`` audits the attempt)."""
    try:
        return records.client_for(user, client_id)
    except records.NotFound:
        abort(404)


def _page(form: FactsForm, client=None, status: int = 200, revision: int | None = None, conflict=None):
    """The form; ``revision`` is the one its values were read from (a hidden field: the save must start from it),
    ``conflict`` the changes of someone else that a save from an older revision ran into."""
    action = (url_for("facts.edit_group", client_id=client.id, group=form.group.id) if client
              else url_for("facts.new_client"))
    if client is not None and revision is None:
        revision = client.revision
    return render_template("facts_conflict.html" if conflict else "facts_group.html", form=form,
                           title=_(form.group.title), client=client, action=action, revision=revision,
                           conflict=conflict, countries=names.choices(names.COUNTRIES),
                           languages=names.choices(names.LANGUAGES)), status


def _revision_sent() -> int | None:
    """The revision the posted form was read from; ``None`` when missing or garbled (a stale page: a conflict)."""
    raw = request.form.get("revision", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


@bp.route("/clients/new", methods=["GET", "POST"], endpoint="new_client")
@role_required("counsellor")
def new_client():
    group = fact_forms.NEW_CLIENT
    if request.method == "GET":
        return _page(FactsForm.from_facts(group, {}))
    form = FactsForm.from_request(group, request.form)
    if request.form.get("add_row"):
        form.add_row(request.form["add_row"])
        return _page(form)
    try:
        facts = form.to_facts({})
    except FactsFormInvalid:
        return _page(form, status=422)
    client = records.create_client(facts, me())
    flash(_("Akte %(reference)s angelegt.", reference=client.reference), "info")
    return redirect(url_for("web.client", client_id=client.id))


@bp.route("/clients/<int:client_id>/facts/<group>", methods=["GET", "POST"], endpoint="edit_group")
@role_required("counsellor")
def edit_group(client_id: int, group: str):
    client = own_client(me(), client_id)
    spec = fact_forms.GROUPS.get(group)
    if spec is None:
        abort(404)
    if request.method == "GET":
        return _page(FactsForm.from_facts(spec, records.export_facts(client)), client)
    form = FactsForm.from_request(spec, request.form)
    revision = _revision_sent()
    if request.form.get("add_row"):
        form.add_row(request.form["add_row"])
        return _page(form, client, revision=revision)
    try:
        # This group's inputs replace its facts in the facts as stored at the revision the form was read from.
        records.change_facts(client, revision, form.to_facts, me())
    except FactsFormInvalid:
        return _page(form, client, 422, revision=revision)
    except Conflict as conflict:
        # What this person typed stays in the form, now on top of the stored revision (an input they did not touch
        # takes the other person's value): saving again is a decision made with the other changes in view.
        form = carry_over(form, records.export_facts(own_client(me(), client_id)), conflict.changes)
        return _page(form, client, 409, revision=conflict.revision, conflict=conflict)
    flash(_("Fakten gespeichert, Fristen neu berechnet."), "info")
    return redirect(url_for("web.client_facts", client_id=client.id, group=spec.id))
