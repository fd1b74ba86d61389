"""The counsellors' pages that bring several capabilities together share one blueprint, ``web``: the start page
here, the client list (``client_list``) and the client page (``client_page``). Pages of one capability live in
that capability's folder.

Views only parse the request, call the capabilities and render. Everything is escaped by Jinja's autoescape; no
template marks user data ``|safe``, and no page needs JavaScript (the CSP allows none inline anyway).
"""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role == "counsellor":
        return redirect(url_for("web.clients"))
    if current_user.role == "administrator" and "admin.index" in current_app.view_functions:
        return redirect(url_for("admin.index"))
    if current_user.role == "authority_contact":
        return redirect(url_for("portal.index"))
    return render_template("home.html")
