"""The Art. 15 export as a download from the client's page: the client's counsellor or an administrator.

Another counsellor's client is "not found" (404), like a missing one (``clients.client_for`` audits the attempt);
an authority contact has no business here (403). The export is a POST (it is audited, and the button carries the
CSRF token) and answers the zip.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort

from perspektive import audit
from perspektive.accounts import me, role_required
from perspektive.clients import NotFound, client_for
from perspektive.clients.models import Client

from .export import export_client, export_filename

bp = Blueprint("privacy", __name__)


def client_for_export(user, client_id) -> Client:
    """The client whose data ``user`` may export: their own, or any for an administrator; else 404."""
    if user.role == "administrator":
        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            abort(404)
        return client
    try:
        return client_for(user, client_id)
    except NotFound:
        abort(404)


def export_response(client: Client, user) -> Response:
    data = export_client(client)
    audit.record(user, "client.export", "client", client.id, "Art. 15")
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{export_filename(client)}"'})


@bp.post("/clients/<int:client_id>/auskunft")
@role_required("counsellor", "administrator")
def export(client_id: int):
    user = me()
    return export_response(client_for_export(user, client_id), user)
