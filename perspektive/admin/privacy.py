"""The data subject's rights in the console: who is due under the retention rule (before anything is deleted) and
the retention run, the Art. 15 export of any client, the Art. 17 erasure with its confirmation by reference and the
recipients to inform (Art. 19), and the hand-over of a departing counsellor's clients. The work is
``perspektive.privacy``'s; this view parses the form and shows the answer."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import ngettext

from perspektive.accounts import me
from perspektive.accounts.models import User
from perspektive.clients.models import Client
from perspektive.law import today_in_germany
from perspektive.privacy import (
    ErasureRefused,
    HandoverError,
    client_for_export,
    erase_client,
    export_response,
    hand_over,
    recipients_of,
    retention_days,
    retention_due,
    run_retention,
)

from .secured import Secured


def _client(client_id) -> Client:
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        abort(404)
    return client


def _form_id(name: str):
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 18 else None


class PrivacyView(Secured, BaseView):
    def __init__(self):
        super().__init__(name="Datenschutz", endpoint="admin_privacy", url="privacy")

    def _index(self, errors: dict | None = None, values: dict | None = None):
        counsellors = list(User.select().where(User.role == "counsellor").order_by(User.username))
        return self.render("admin_privacy.html", due=retention_due(today_in_germany()), days=retention_days(),
                           counsellors=counsellors, errors=errors or {}, values=values or {})

    @expose("/")
    def index(self):
        return self._index()

    @expose("/export", methods=("POST",))
    def export(self):
        client_id = _form_id("client_id")
        if client_id is None:
            return self._index({"export": _("Bitte die Id einer Person angeben.")}), 422
        return export_response(client_for_export(me(), client_id), me())

    @expose("/erase", methods=("POST",))
    def choose(self):
        client_id = _form_id("client_id")
        if client_id is None:
            return self._index({"erase": _("Bitte die Id einer Person angeben.")}), 422
        return redirect(url_for(".erase", client_id=client_id), code=303)

    @expose("/erase/<int:client_id>", methods=("GET", "POST"))
    def erase(self, client_id: int):
        client = _client(client_id)
        if request.method == "GET":
            return self.render("admin_privacy_erase.html", client=client, recipients=recipients_of(client),
                               error=None)
        try:
            done = erase_client(client, request.form.get("reference", "").strip(), me())
        except ErasureRefused:
            return self.render("admin_privacy_erase.html", client=client, recipients=recipients_of(client),
                               error=_("Das Aktenzeichen stimmt nicht überein; es wurde nichts gelöscht.")), 422
        return self.render("admin_privacy_erased.html", erased=[done])

    @expose("/retention", methods=("POST",))
    def retention(self):
        done = run_retention(today_in_germany(), me())
        return self.render("admin_privacy_erased.html", erased=done)

    @expose("/handover", methods=("POST",))
    def handover(self):
        values = {name: request.form.get(name, "") for name in ("departing", "successor")}
        users = {str(u.id): u for u in User.select().where(User.id.in_(
            [v for v in values.values() if v.isdigit() and len(v) < 18]))}
        if values["departing"] not in users or values["successor"] not in users:
            return self._index({"handover": _("Bitte beide Konten auswählen.")}, values), 422
        try:
            moved = hand_over(users[values["departing"]], users[values["successor"]], me())
        except HandoverError:
            return self._index({"handover": _("Bitte zwei verschiedene Konten wählen; das übernehmende muss ein "
                                              "aktives Beratungskonto sein.")}, values), 422
        flash(ngettext("%(num)s Person übergeben.", "%(num)s Personen übergeben.", moved), "info")
        return redirect(url_for(".index"), code=303)
